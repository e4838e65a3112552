// Loading a blob: everything is verified here, once, so that kernels can trust their operands.
// Each check names what is wrong and where ("tensor 12 'conv1.weight': ...").
#include <string.h>

#include "mote/model_records.hpp"
#include "mote/op_config.h"
#include "mote/shape_math.h"
#include "mote/text.hpp"

namespace mote {
namespace {

constexpr uint32_t kMaxSections = 32;

// [offset, offset + size) within [0, limit), offset a multiple of `align` (a power of two): in
// 32 bits, and no sum is formed, so none wraps. One call for every record's range check.
__attribute__((noinline)) bool in_bounds(uint32_t offset, uint32_t size, uint32_t limit, uint32_t align = 1) {
  return (offset & (align - 1)) == 0 && offset <= limit && size <= limit - offset;
}

// A tensor record's byte size, as mote/shape_math.h bounds it (every dimension non-negative, the
// product of the non-zero ones at most 2^31 elements, the bytes below 2 GiB), in 32-bit
// multiplies only: no 64-bit division in the verifier's loop.
bool record_bytes(const int32_t* dims, int32_t rank, uint32_t esize, uint32_t* out) {
  uint32_t n = 1;
  bool zero = false;
  for (int32_t k = 0; k < rank; ++k) {
    if (dims[k] < 0) return false;
    if (dims[k] == 0) zero = true;
    const uint64_t m = uint64_t(n) * uint32_t(dims[k] ? dims[k] : 1);  // n <= 2^31 and dims[k] < 2^31: no wrap
    if (m > uint64_t(1) << 31) return false;
    n = uint32_t(m);
  }
  const uint64_t bytes = zero ? 0 : uint64_t(n) * esize;
  if (bytes > 0x7FFFFFFF) return false;
  *out = uint32_t(bytes);
  return true;
}

// Inputs that parameterise int8 arithmetic must be constants: their values are checked once,
// here (docs/quantization.md, "Defined arithmetic"), and nothing checks what an op writes at
// run time. QConv/QMatMul: bias, multiplier, shift, weight zero points (and the negative side);
// QLayerNorm: G and B; QDiv: the reciprocal table. (A build that leaves such an op out refuses it
// at its infer: nothing to check then.)
bool must_be_constant(int32_t code, uint32_t input) {
  return (((MOTE_OP_ON(QCONV) && code == MOTE_OP_QCONV) || (MOTE_OP_ON(QMATMUL) && code == MOTE_OP_QMATMUL) ||
           (MOTE_OP_ON(QDIV) && code == MOTE_OP_QDIV)) &&
          input >= 2) ||
         (MOTE_OP_ON(QLAYER_NORM) && code == MOTE_OP_QLAYER_NORM && input >= 1);
}

}  // namespace

uint32_t Model::arena_bytes() const { return ready_ ? plan_->arena_bytes : 0; }
uint32_t Model::lower_bound() const { return ready_ ? plan_->lower_bound : 0; }

const char* Model::string(uint32_t offset) const {
  if (offset == MOTE_NONE || offset >= strings_size_) return "";
  return strings_ + offset;
}

TensorView Model::view(uint32_t index, uint8_t* arena) const {
  TensorView v;
  view_into(index, arena, &v);
  return v;
}

void Model::view_into(uint32_t index, uint8_t* arena, TensorView* v) const {
  *v = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  if (index == MOTE_NONE) return;
  const mote_tensor_record& t = tensors_[index];
  v->dtype = t.dtype;
  v->rank = t.rank;
  for (int32_t k = 0; k < t.rank; ++k) v->dims[k] = t.dims[k];
  if (t.storage == MOTE_STORAGE_CONST) {
    v->data = const_cast<uint8_t*>(constants_ + t.offset);
  } else if (arena) {
    v->data = arena + t.offset;
  }
}

Status Model::load(const void* blob, size_t size) {
  ready_ = false;
  Diag diag(error_, kErrorTextBytes);
  diag.clear();
  Status st = verify(static_cast<const uint8_t*>(blob), size);
  if (st == Status::kOk) ready_ = true;
  return st;
}

Status Model::verify(const uint8_t* blob, size_t size) {
  Diag diag(error_, kErrorTextBytes);
  // A named constant, not a temporary: a temporary holding a pointer becomes writable data on
  // position-independent targets, and the runtime keeps no mutable global state.
  static const Envelope kBlob = {"blob", MOTE_BLOB_ALIGN, sizeof(mote_blob_header), MOTE_BLOB_MAGIC,
                                 MOTE_BLOB_VERSION_MAJOR};
  MOTE_TRY(verify_envelope(blob, size, kBlob, &diag));
  const mote_blob_header* h = reinterpret_cast<const mote_blob_header*>(blob);
  if (h->header_size != sizeof(mote_blob_header)) {
    return fail(&diag, Status::kMalformed, MOTE_T("bad header size %u"), h->header_size);
  }
  MOTE_TRY(verify_sections(blob, h->total_size));
  MOTE_TRY(verify_tensors());
  MOTE_TRY(verify_ops());
  MOTE_TRY(verify_plan());
  MOTE_TRY(verify_vocab());
  blob_ = blob;
  return Status::kOk;
}

Status Model::verify_sections(const uint8_t* blob, uint32_t total) {
  Diag diag(error_, kErrorTextBytes);
  const mote_blob_header* h = reinterpret_cast<const mote_blob_header*>(blob);
  if (h->section_count > kMaxSections ||
      !in_bounds(sizeof(mote_blob_header), h->section_count * sizeof(mote_section_entry), total)) {
    return fail(&diag, Status::kMalformed, MOTE_T("section table out of bounds"));
  }
  const mote_section_entry* table = reinterpret_cast<const mote_section_entry*>(blob + sizeof(mote_blob_header));
  const mote_section_entry* found[MOTE_SECTION_VOCAB + 1] = {nullptr};
  for (uint32_t s = 0; s < h->section_count; ++s) {
    const mote_section_entry& e = table[s];
    if (!in_bounds(e.offset, e.size, total, MOTE_BLOB_ALIGN)) {
      return fail(&diag, Status::kMalformed, MOTE_T("section %u (id %u) out of bounds"), s, e.id);
    }
    if (e.id == 0 || e.id > MOTE_SECTION_VOCAB) continue;  // sections added by later minor versions
    if (found[e.id]) return fail(&diag, Status::kMalformed, MOTE_T("duplicate section id %u"), e.id);
    found[e.id] = &e;
  }
  static const char kNames[] = "\0META\0STRINGS\0TENSORS\0OPS\0OPERANDS\0PARAMS\0CONSTANTS\0IO\0PLAN";  // by id
  for (uint32_t id = 1; id <= MOTE_SECTION_PLAN; ++id) {
    if (!found[id]) return fail(&diag, Status::kMalformed, MOTE_T("missing section %s"), nth_string(kNames, id));
  }
  struct Fixed {  // bytes: the records are small
    uint8_t id;
    uint8_t record;
  };
  static const Fixed fixed[] = {{MOTE_SECTION_META, sizeof(mote_meta_record)},
                                {MOTE_SECTION_TENSORS, sizeof(mote_tensor_record)},
                                {MOTE_SECTION_OPS, sizeof(mote_op_record)},
                                {MOTE_SECTION_OPERANDS, 4},
                                {MOTE_SECTION_IO, 4},
                                {MOTE_SECTION_PLAN, sizeof(mote_plan_record)}};
  for (const Fixed& f : fixed) {
    const mote_section_entry& e = *found[f.id];
    if (uint64_t(e.count) * f.record != e.size) {
      return fail(&diag, Status::kMalformed, MOTE_T("section %s: size does not match record count"),
                  nth_string(kNames, f.id));
    }
  }
  if (found[MOTE_SECTION_META]->count != 1 || found[MOTE_SECTION_PLAN]->count != 1) {
    return fail(&diag, Status::kMalformed, MOTE_T("META and PLAN must hold one record each"));
  }
  if (found[MOTE_SECTION_CONSTANTS]->offset % MOTE_CONST_ALIGN != 0) {
    return fail(&diag, Status::kMalformed, MOTE_T("CONSTANTS section is not 64-byte aligned"));
  }
  const mote_section_entry& str = *found[MOTE_SECTION_STRINGS];
  if (str.size == 0 || blob[str.offset + str.size - 1] != 0) {
    return fail(&diag, Status::kMalformed, MOTE_T("STRINGS section is empty or not NUL-terminated"));
  }
  strings_ = reinterpret_cast<const char*>(blob + str.offset);
  strings_size_ = str.size;
  meta_ = reinterpret_cast<const mote_meta_record*>(blob + found[MOTE_SECTION_META]->offset);
  plan_ = reinterpret_cast<const mote_plan_record*>(blob + found[MOTE_SECTION_PLAN]->offset);
  tensors_ = reinterpret_cast<const mote_tensor_record*>(blob + found[MOTE_SECTION_TENSORS]->offset);
  num_tensors_ = found[MOTE_SECTION_TENSORS]->count;
  ops_ = reinterpret_cast<const mote_op_record*>(blob + found[MOTE_SECTION_OPS]->offset);
  num_ops_ = found[MOTE_SECTION_OPS]->count;
  operands_ = reinterpret_cast<const uint32_t*>(blob + found[MOTE_SECTION_OPERANDS]->offset);
  num_operands_ = found[MOTE_SECTION_OPERANDS]->count;
  params_ = blob + found[MOTE_SECTION_PARAMS]->offset;
  params_size_ = found[MOTE_SECTION_PARAMS]->size;
  constants_ = blob + found[MOTE_SECTION_CONSTANTS]->offset;
  constants_size_ = found[MOTE_SECTION_CONSTANTS]->size;
  vocab_ = found[MOTE_SECTION_VOCAB] ? blob + found[MOTE_SECTION_VOCAB]->offset : nullptr;
  vocab_size_ = found[MOTE_SECTION_VOCAB] ? found[MOTE_SECTION_VOCAB]->size : 0;

  if (meta_->producer != MOTE_NONE && meta_->producer >= strings_size_) {
    return fail(&diag, Status::kMalformed, MOTE_T("META: producer string out of bounds"));
  }
  if (meta_->source_name != MOTE_NONE && meta_->source_name >= strings_size_) {
    return fail(&diag, Status::kMalformed, MOTE_T("META: source name string out of bounds"));
  }
  if (plan_->alignment != MOTE_ARENA_ALIGN || plan_->arena_bytes % MOTE_ARENA_ALIGN != 0) {
    return fail(&diag, Status::kMalformed, MOTE_T("PLAN: arena alignment must be 16"));
  }

  const mote_section_entry& io = *found[MOTE_SECTION_IO];
  if (io.count < 2) return fail(&diag, Status::kMalformed, MOTE_T("IO section too short"));
  const uint32_t* io_words = reinterpret_cast<const uint32_t*>(blob + io.offset);
  num_inputs_ = io_words[0];
  num_outputs_ = io_words[1];
  if (uint64_t(num_inputs_) + num_outputs_ + 2 != io.count || num_outputs_ == 0) {
    return fail(&diag, Status::kMalformed, MOTE_T("IO section: counts do not match its size"));
  }
  io_ = io_words + 2;
  for (uint32_t k = 0; k < num_inputs_ + num_outputs_; ++k) {
    if (io_[k] >= num_tensors_) {
      return fail(&diag, Status::kMalformed, MOTE_T("IO entry %u: tensor index %u out of range"), k, io_[k]);
    }
  }
  return Status::kOk;
}

// The optional VOCAB section (1.3) is a whole .motevocab, held to the same verifier.
// A runtime built for models without one (MOTE_TEXT_ON false) leaves it to mote_model_vocab.
Status Model::verify_vocab() {
  if (!vocab_ || !MOTE_TEXT_ON) return Status::kOk;
  Vocab v;
  const Status st = v.open(vocab_, vocab_size_);
  if (st == Status::kOk) return st;
  Diag diag(error_, kErrorTextBytes);
  return fail(&diag, st, MOTE_T("VOCAB section: %s"), v.error());
}

Status Model::vocab(Vocab* out) const {
  if (!out) return Status::kInvalidArgument;
  if (!ready_ || !vocab_) {
    *out = Vocab();
    Diag diag(out->error_, kErrorTextBytes);
    return fail(&diag, ready_ ? Status::kInvalidArgument : Status::kNotReady, MOTE_T("%s"),
                ready_ ? "the model has no vocabulary (mote convert --vocab)" : "the model is not loaded");
  }
  return out->open(vocab_, vocab_size_);
}

Status Model::verify_tensors() {
  Diag diag(error_, kErrorTextBytes);
  const uint32_t arena = plan_->arena_bytes;
  for (uint32_t t = 0; t < num_tensors_; ++t) {
    const mote_tensor_record& r = tensors_[t];
    if (r.name != MOTE_NONE && r.name >= strings_size_) {
      return fail(&diag, Status::kMalformed, MOTE_T("tensor %u: name out of bounds"), t);
    }
    const uint32_t esize = dtype_size(r.dtype);
    if (esize == 0) {
      return tensor_error(&diag, *this, t, MOTE_T(": unknown dtype %d"), r.dtype);
    }
    if (r.rank > MOTE_MAX_RANK) {
      return tensor_error(&diag, *this, t, MOTE_T(": rank %d > 8"), r.rank);
    }
    // Every dimension is bounded, zeros aside: a zero-element tensor with huge trailing dims
    // would otherwise pass and overflow the kernels' prefix/suffix products.
    uint32_t bytes = 0;
    if (!record_bytes(r.dims, r.rank, esize, &bytes)) {
      return tensor_error(&diag, *this, t, MOTE_T(": shape %v is negative or larger than 2 GiB"), r.dims, r.rank);
    }
    if (bytes != r.bytes) {
      return tensor_error(&diag, *this, t, MOTE_T(": byte size %u does not match shape %v"), r.bytes, r.dims, r.rank);
    }
    if (r.scale_bits != MOTE_NONE) {
      float scale;
      memcpy(&scale, &r.scale_bits, 4);
      if (!(scale > 0.0f) || scale > 3.0e38f || r.dtype != MOTE_I8 || r.zero_point < -128 || r.zero_point > 127) {
        return tensor_error(&diag, *this, t, MOTE_T(": bad quantisation parameters"));
      }
    }
    if (r.storage == MOTE_STORAGE_CONST) {
      if (!in_bounds(r.offset, r.bytes, constants_size_, MOTE_BLOB_ALIGN)) {
        return tensor_error(&diag, *this, t, MOTE_T(": constant data out of bounds"));
      }
    } else if (r.storage == MOTE_STORAGE_ARENA) {
      if (!in_bounds(r.offset, r.bytes, arena, MOTE_ARENA_ALIGN)) {
        return tensor_error(&diag, *this, t, MOTE_T(": arena range [%u,+%u) outside the %u-byte arena"), r.offset,
                            r.bytes, arena);
      }
    } else {
      return fail(&diag, Status::kMalformed, MOTE_T("tensor %u: unknown storage %d"), t, r.storage);
    }
  }
  for (uint32_t k = 0; k < num_inputs_ + num_outputs_; ++k) {
    if (tensors_[io_[k]].storage != MOTE_STORAGE_ARENA) {
      return fail(&diag, Status::kMalformed, MOTE_T("graph input/output %u is not an arena tensor"), k);
    }
  }
  // A carried state is a graph input (a session zeroes its bytes; nothing else may be).
  for (uint32_t t = 0; t < num_tensors_; ++t) {
    if ((tensors_[t].flags & MOTE_TENSOR_FLAG_STATE) && !is_graph_input(t)) {
      return fail(&diag, Status::kMalformed, MOTE_T("tensor %u is marked as state but is not a graph input"), t);
    }
  }
  return Status::kOk;
}

Status Model::verify_ops() {
  Diag diag(error_, kErrorTextBytes);
  // A failing infer writes its detail into the model's error text itself; the op's name goes in
  // front of it after (Diag::detach), so no second text buffer sits in this frame.
  Diag detail(error_, kErrorTextBytes);
  // An op's inputs, then the outputs infer makes of them: one array for both (the frame's
  // largest part; the recorded outputs are compared with the records themselves).
  TensorView views[MOTE_MAX_OP_OPERANDS];
  for (uint32_t n = 0; n < num_ops_; ++n) {
    const mote_op_record& op = ops_[n];
    const char* node = string(op.name);
    if (op.code >= MOTE_OP_COUNT) {
      return fail(&diag, Status::kUnsupportedOp, MOTE_T("op %u '%s': op code %d is not in this runtime"), n, node, op.code);
    }
    if (op.num_inputs > MOTE_MAX_OP_INPUTS || op.num_outputs > MOTE_MAX_OP_OUTPUTS || op.num_outputs == 0 ||
        op.num_inputs + op.num_outputs > MOTE_MAX_OP_OPERANDS ||
        !in_bounds(op.operands, op.num_inputs + op.num_outputs, num_operands_)) {
      return op_error(&diag, Status::kMalformed, *this, n, MOTE_T("bad operand list"));
    }
    if (!in_bounds(op.params, op.params_size, params_size_, 4)) {
      return op_error(&diag, Status::kMalformed, *this, n, MOTE_T("params out of bounds"));
    }
    if (!in_bounds(op.scratch_offset, op.scratch_bytes, plan_->arena_bytes, MOTE_ARENA_ALIGN)) {
      return op_error(&diag, Status::kMalformed, *this, n, MOTE_T("scratch out of arena"));
    }
    TensorView* const in = views;
    TensorView* const inferred = views + op.num_inputs;
    for (uint32_t k = 0; k < op.num_inputs + op.num_outputs; ++k) {
      uint32_t t = operands_[op.operands + k];
      bool is_output = k >= op.num_inputs;
      if (t == MOTE_NONE && !is_output) {
        view_into(t, nullptr, &in[k]);
        continue;
      }
      if (t >= num_tensors_ || (is_output && tensors_[t].storage != MOTE_STORAGE_ARENA)) {
        return op_error(&diag, Status::kMalformed, *this, n, MOTE_T("operand %u is not a valid tensor"), k);
      }
      if (!is_output && must_be_constant(op.code, k) && tensors_[t].storage != MOTE_STORAGE_CONST) {
        return op_error(&diag, Status::kMalformed, *this, n, MOTE_T("input %u must be a constant"), k);
      }
      // The arena plan (runtime/src/plan_check.cc): an op writes its outputs at their first step,
      // reads its inputs within their lifetimes and after an earlier op (checked above, as this
      // loop runs in op order) wrote them.
      const mote_tensor_record& r = tensors_[t];
      const char* wrong = nullptr;
      if (r.storage != MOTE_STORAGE_ARENA) {
        // a constant: no lifetime
      } else if (is_output) {
        if (r.first_step != n) wrong = MOTE_T("is written by an op outside its lifetime");
        if (is_graph_input(t)) wrong = MOTE_T("is a graph input, written by an op");
      } else if (n < r.first_step || n > r.last_step) {
        wrong = MOTE_T("is read by an op outside its lifetime");
      } else if (!is_graph_input(t) && (r.first_step == n || !written_by(t, r.first_step))) {
        wrong = MOTE_T("is read before any op writes it");
      }
      if (wrong) return tensor_error(&diag, *this, t, MOTE_T(" %m (op %u '%s')"), wrong, n, node);
      if (!is_output) view_into(t, nullptr, &in[k]);
    }
    // infer ignores args.out; the kernel sets' scratch functions read the inferred outputs,
    // which equal the recorded ones once checked below (as the converter's planner passes them).
    OpArgs args{op.code, params_ + op.params, op.params_size, in, op.num_inputs, inferred, op.num_outputs,
                nullptr, op.scratch_bytes, &detail};
    uint32_t scratch = 0;
    Status st = op_infer(args, inferred, &scratch);
    if (st != Status::kOk) return op_context(&diag, st, *this, n);
    for (uint32_t k = 0; k < op.num_outputs; ++k) {
      const TensorView& want = inferred[k];
      const mote_tensor_record& got = tensors_[operands_[op.operands + op.num_inputs + k]];
      bool same = want.dtype == got.dtype && want.rank == got.rank;
      for (int32_t d = 0; same && d < want.rank; ++d) same = want.dims[d] == got.dims[d];
      if (!same) {
        return op_error(&diag, Status::kBadParams, *this, n, MOTE_T("output %u is %t%v, the op makes %t%v"), k,
                        got.dtype, got.dims, got.rank, want.dtype, want.dims, want.rank);
      }
    }
    if (scratch > op.scratch_bytes) {
      return op_error(&diag, Status::kBadParams, *this, n, MOTE_T("needs %u scratch bytes, the plan gives %u"), scratch,
                      op.scratch_bytes);
    }
    // The optimised kernels take their working memory from the plan too. A blob that says it
    // was planned for this runtime's set must hold what that set needs, or it is refused; one
    // planned for other sets only (mote convert --target) runs on the reference kernels
    // (Model::optimized_kernels), whose scratch infer checked above.
    // A lean plan (MOTE_SET_LEAN) runs such an op on the reference kernel instead (Session::run_ops).
    const uint32_t kernel_scratch = (meta_->kernel_sets & kernel_set_bit()) ? linked_set_scratch_bytes(args) : 0;
    if (kernel_scratch > op.scratch_bytes && !(meta_->kernel_sets & MOTE_SET_LEAN)) {
      return op_error(
          &diag, Status::kBadParams, *this, n,
          MOTE_T("the %s kernels need %u scratch bytes, the plan gives %u: convert with a --target that includes this board "
          "(or --target all)"),
          kernel_set_name(), kernel_scratch, op.scratch_bytes);
    }
#ifdef MOTE_REFERENCE_SELECTIVE
    // A family whose reference kernel this build leaves out (mote/op_config.h) runs on the
    // optimised set alone: the blob must be planned for it, and the set must take the op.
    if (!op_reference_linked(op.code) && (!(meta_->kernel_sets & kernel_set_bit()) || !MOTE_KERNEL_NS::covers(args) ||
                                       kernel_scratch > op.scratch_bytes)) {
      return op_error(&diag, Status::kUnsupportedOp, *this, n,
                      MOTE_T("no reference kernel in this build and the %s kernels do not take it (convert with --target "
                      "wasm; build with the model's header)"),
                      kernel_set_name());
    }
#endif
    // Overlaps between this op's outputs, inputs and scratch are refused by verify_plan(),
    // with every other tensor live at this step.
  }
  return Status::kOk;
}

Status Model::info(uint32_t tensor_index, TensorInfo* out) const {
  const mote_tensor_record& r = tensors_[tensor_index];
  out->name = string(r.name);
  out->dtype = r.dtype;
  out->rank = r.rank;
  for (int32_t k = 0; k < MOTE_MAX_RANK; ++k) out->dims[k] = k < r.rank ? r.dims[k] : 0;
  out->bytes = r.bytes;
  out->scale = 0.0f;
  out->zero_point = 0;
  out->state = (r.flags & MOTE_TENSOR_FLAG_STATE) ? 1 : 0;
  if (r.scale_bits != MOTE_NONE) {
    memcpy(&out->scale, &r.scale_bits, 4);
    out->zero_point = r.zero_point;
  }
  return Status::kOk;
}

bool Model::optimized_kernels() const {
  return ready_ && kernel_set_bit() != MOTE_SET_REFERENCE && (meta_->kernel_sets & kernel_set_bit()) != 0;
}

Status Model::input_info(uint32_t index, TensorInfo* out) const {
  if (!ready_) return Status::kNotReady;
  if (!out || index >= num_inputs_) return Status::kInvalidArgument;
  return info(io_[index], out);
}

Status Model::output_info(uint32_t index, TensorInfo* out) const {
  if (!ready_) return Status::kNotReady;
  if (!out || index >= num_outputs_) return Status::kInvalidArgument;
  return info(io_[num_inputs_ + index], out);
}

int32_t Model::find(const char* name, uint32_t first, uint32_t count) const {
  if (!ready_ || !name) return -1;
  for (uint32_t k = 0; k < count; ++k) {
    if (strcmp(string(tensors_[io_[first + k]].name), name) == 0) return int32_t(k);
  }
  return -1;
}

int32_t Model::find_input(const char* name) const { return find(name, 0, num_inputs_); }
int32_t Model::find_output(const char* name) const { return find(name, num_inputs_, num_outputs_); }

}  // namespace mote

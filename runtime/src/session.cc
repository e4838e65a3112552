// A Session runs a verified Model inside the caller's arena: no allocation, no global state.
#include <string.h>

#include "mote/model_records.hpp"

namespace mote {

Status Session::init(const Model* model, void* arena, size_t arena_bytes) {
  model_ = nullptr;
  Diag diag(error_, kErrorTextBytes);
  if (!model) return fail(&diag, Status::kInvalidArgument, MOTE_T("model pointer is null"));
  if (!model->ready()) return fail(&diag, Status::kNotReady, MOTE_T("model is not loaded"));
  if (!arena) return fail(&diag, Status::kInvalidArgument, MOTE_T("arena pointer is null"));
  if (reinterpret_cast<uintptr_t>(arena) % MOTE_ARENA_ALIGN != 0) {
    return fail(&diag, Status::kAlignment, MOTE_T("arena must be 16-byte aligned"));
  }
  if (arena_bytes < model->arena_bytes()) {
    return fail(&diag, Status::kArenaTooSmall, MOTE_T("arena is %z bytes; this model needs %u"), arena_bytes,
                model->arena_bytes());
  }
  diag.clear();
  model_ = model;
  arena_ = static_cast<uint8_t*>(arena);
  return reset_state();
}

Status Session::reset_state() {
  if (!model_) return Status::kNotReady;
  for (uint32_t k = 0; k < model_->num_inputs(); ++k) {
    const mote_tensor_record& t = model_->tensor(model_->input_tensor(k));
    if (t.flags & MOTE_TENSOR_FLAG_STATE) memset(arena_ + t.offset, 0, t.bytes);
  }
  return Status::kOk;
}

void* Session::input_data(uint32_t index) {
  if (!model_ || index >= model_->num_inputs()) return nullptr;
  return arena_ + model_->tensor(model_->input_tensor(index)).offset;
}

const void* Session::output_data(uint32_t index) const {
  if (!model_ || index >= model_->num_outputs()) return nullptr;
  return arena_ + model_->tensor(model_->output_tensor(index)).offset;
}

Status Session::set_input(uint32_t index, const void* data, size_t bytes) {
  Diag diag(error_, kErrorTextBytes);
  if (!model_) return fail(&diag, Status::kNotReady, MOTE_T("session is not initialised"));
  if (index >= model_->num_inputs()) {
    return fail(&diag, Status::kInvalidArgument, MOTE_T("input index %u out of range"), index);
  }
  const mote_tensor_record& t = model_->tensor(model_->input_tensor(index));
  if (bytes != t.bytes) {
    return fail(&diag, Status::kShape, MOTE_T("input '%s' is %t%v = %u bytes; got %z"), model_->string(t.name), t.dtype, t.dims,
                t.rank, t.bytes, bytes);
  }
  if (!data && bytes) return fail(&diag, Status::kInvalidArgument, MOTE_T("input data pointer is null"));
  if (bytes) memmove(arena_ + t.offset, data, bytes);
  return Status::kOk;
}

Status Session::run() {
  if (!model_) return Status::kNotReady;
  return run_ops(0, model_->num_ops());
}

Status Session::run_ops(uint32_t first, uint32_t last) {
  Diag diag(error_, kErrorTextBytes);
  if (!model_) return fail(&diag, Status::kNotReady, MOTE_T("session is not initialised"));
  if (last > model_->num_ops() || first > last) return fail(&diag, Status::kInvalidArgument, MOTE_T("op range out of bounds"));
  // A failing kernel writes its detail into the session's error text itself; the op's name goes
  // in front of it after (Diag::detach), so no second text buffer sits in this frame.
  Diag detail(error_, kErrorTextBytes);
  const bool optimized = model_->optimized_kernels();
  // A lean plan (mote convert --arena min) gives each op the reference kernel's scratch; the
  // optimised kernel runs where its own need fits that, as the verifier checked at load.
  const bool lean = optimized && (model_->meta().kernel_sets & MOTE_SET_LEAN) != 0;
  // The op's inputs, then its outputs, in one array (the verifier bounds the two together).
  TensorView views[MOTE_MAX_OP_OPERANDS];
  for (uint32_t n = first; n < last; ++n) {
    const mote_op_record& op = model_->op(n);
    TensorView* const in = views;
    TensorView* const out = views + op.num_inputs;
    // Inputs may be absent (MOTE_NONE: an empty view); outputs never are (verified at load).
    for (uint32_t k = 0; k < uint32_t(op.num_inputs) + op.num_outputs; ++k) {
      model_->view_into(model_->operand(op.operands + k), arena_, &views[k]);
    }
    OpArgs args{op.code, model_->params(op), op.params_size, in, op.num_inputs, out, op.num_outputs,
                arena_ + op.scratch_offset, op.scratch_bytes, &detail};
    const bool fast = optimized && !(lean && linked_set_scratch_bytes(args) > op.scratch_bytes);
    Status st = fast ? op_run(args) : op_run_reference(args);
    if (st != Status::kOk) return op_context(&diag, st, *model_, n);
  }
  return Status::kOk;
}

}  // namespace mote

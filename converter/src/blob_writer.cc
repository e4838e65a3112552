// Serialises the graph and its plan into blob format v1 (docs/blob-format.md).
#include <cstring>
#include <map>

#include "graph.h"
#include "mote/blob_format.h"
#include "mote/mote.hpp"

namespace mote {
namespace {

class Bytes {
 public:
  size_t size() const { return b_.size(); }
  void pad_to(size_t align) {
    while (b_.size() % align) b_.push_back(0);
  }
  size_t put(const void* p, size_t n) {
    size_t at = b_.size();
    b_.insert(b_.end(), static_cast<const uint8_t*>(p), static_cast<const uint8_t*>(p) + n);
    return at;
  }
  template <typename T>
  size_t put(const T& v) {
    return put(&v, sizeof(T));
  }
  std::vector<uint8_t>& raw() { return b_; }

 private:
  std::vector<uint8_t> b_;
};

class Strings {
 public:
  Strings() { b_.push_back(0); }  // offset 0 is the empty string
  uint32_t add(const std::string& s) {
    if (s.empty()) return 0;
    auto it = index_.find(s);
    if (it != index_.end()) return it->second;
    uint32_t at = uint32_t(b_.size());
    b_.insert(b_.end(), s.begin(), s.end());
    b_.push_back(0);
    index_[s] = at;
    return at;
  }
  const std::vector<uint8_t>& bytes() const { return b_; }

 private:
  std::vector<uint8_t> b_;
  std::map<std::string, uint32_t> index_;
};

uint32_t u32(size_t v, const char* what) {
  if (v > 0xFFFFFFFFu) throw ConvertError(std::string("blob too large: ") + what);
  return uint32_t(v);
}

}  // namespace

std::vector<uint8_t> write_blob(const Graph& g, const Plan& plan, const BlobMeta& meta) {
  // Only tensors that an op or the I/O list references go into the blob.
  std::map<int, uint32_t> index;
  std::vector<int> order;
  auto use = [&](int id) {
    if (id >= 0 && !index.count(id)) {
      index[id] = uint32_t(order.size());
      order.push_back(id);
    }
  };
  for (int id : g.inputs) use(id);
  for (int id : g.outputs) use(id);
  for (const Op& op : g.ops) {
    for (int id : op.inputs) use(id);
    for (int id : op.outputs) use(id);
  }

  Strings strings;
  Bytes constants, params;
  std::vector<mote_tensor_record> tensors;
  for (int id : order) {
    const Tensor& t = g.tensors[size_t(id)];
    mote_tensor_record r{};
    r.name = strings.add(t.name);
    r.dtype = uint8_t(t.dtype);
    auto dims = to_dims32(t.shape, "tensor '" + t.name + "'");
    r.rank = uint8_t(dims.size());
    for (size_t k = 0; k < dims.size(); ++k) r.dims[k] = dims[k];
    r.bytes = u32(t.bytes(), "tensor");
    r.scale_bits = MOTE_NONE;
    if (t.q_scale > 0.0f) {
      std::memcpy(&r.scale_bits, &t.q_scale, 4);
      r.zero_point = t.q_zero_point;
    }
    r.flags = uint8_t((t.graph_input ? MOTE_TENSOR_FLAG_INPUT : 0) | (t.graph_output ? MOTE_TENSOR_FLAG_OUTPUT : 0) |
                      (t.state ? MOTE_TENSOR_FLAG_STATE : 0) | (t.narrowed ? MOTE_TENSOR_FLAG_NARROWED : 0));
    if (t.is_const) {
      r.storage = MOTE_STORAGE_CONST;
      constants.pad_to(MOTE_CONST_ALIGN);
      r.offset = u32(constants.put(t.data.data(), t.data.size()), "constants");
    } else {
      r.storage = MOTE_STORAGE_ARENA;
      r.offset = plan.offset[size_t(id)];
      r.first_step = plan.first[size_t(id)];
      r.last_step = plan.last[size_t(id)];
    }
    tensors.push_back(r);
  }
  std::vector<mote_op_record> ops;
  std::vector<uint32_t> operands;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const Op& op = g.ops[k];
    mote_op_record r{};
    r.code = uint16_t(op.code);
    r.num_inputs = uint8_t(op.inputs.size());
    r.num_outputs = uint8_t(op.outputs.size());
    r.operands = u32(operands.size(), "operands");
    for (int id : op.inputs) operands.push_back(id < 0 ? MOTE_NONE : index.at(id));
    for (int id : op.outputs) operands.push_back(index.at(id));
    params.pad_to(4);
    r.params = u32(params.put(op.params.data(), op.params.size()), "params");
    r.params_size = u32(op.params.size(), "params");
    r.scratch_offset = plan.scratch_offset[k];
    r.scratch_bytes = plan.scratch_bytes[k];
    r.name = op.name.empty() ? MOTE_NONE : strings.add(op.name);
    r.note = op.note.empty() ? MOTE_NONE : strings.add(op.note);
    ops.push_back(r);
  }
  std::vector<uint32_t> io = {uint32_t(g.inputs.size()), uint32_t(g.outputs.size())};
  for (int id : g.inputs) io.push_back(index.at(id));
  for (int id : g.outputs) io.push_back(index.at(id));

  uint64_t weight_bytes = 0;
  for (int id : order) {
    if (g.tensors[size_t(id)].is_const) weight_bytes += g.tensors[size_t(id)].bytes();
  }
  mote_meta_record meta_rec{};
  meta_rec.producer = strings.add("mote-convert " MOTE_CONVERTER_VERSION);
  meta_rec.source_name = strings.add(meta.source_name);
  meta_rec.opset = g.opset;
  meta_rec.ir_version = g.ir_version;
  meta_rec.source_hash_lo = uint32_t(meta.source_hash);
  meta_rec.source_hash_hi = uint32_t(meta.source_hash >> 32);
  meta_rec.kernel_sets = meta.kernel_sets;
  meta_rec.narrowed = meta.narrowed;
  mote_plan_record plan_rec{plan.arena_bytes, plan.lower_bound, MOTE_ARENA_ALIGN, u32(weight_bytes, "weights")};

  struct Section {
    uint32_t id;
    const void* data;
    size_t size;
    uint32_t count;
    uint32_t align;
  };
  std::vector<Section> sections = {
      {MOTE_SECTION_META, &meta_rec, sizeof meta_rec, 1, MOTE_BLOB_ALIGN},
      {MOTE_SECTION_PLAN, &plan_rec, sizeof plan_rec, 1, MOTE_BLOB_ALIGN},
      {MOTE_SECTION_IO, io.data(), io.size() * 4, uint32_t(io.size()), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_TENSORS, tensors.data(), tensors.size() * sizeof(mote_tensor_record), uint32_t(tensors.size()), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_OPS, ops.data(), ops.size() * sizeof(mote_op_record), uint32_t(ops.size()), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_OPERANDS, operands.data(), operands.size() * 4, uint32_t(operands.size()), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_PARAMS, params.raw().data(), params.size(), u32(params.size(), "params"), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_STRINGS, strings.bytes().data(), strings.bytes().size(), u32(strings.bytes().size(), "strings"), MOTE_BLOB_ALIGN},
      {MOTE_SECTION_CONSTANTS, constants.raw().data(), constants.size(), u32(constants.size(), "constants"), MOTE_CONST_ALIGN},
  };
  if (!meta.vocab.empty()) {
    sections.push_back({MOTE_SECTION_VOCAB, meta.vocab.data(), meta.vocab.size(), u32(meta.vocab.size(), "vocab"), MOTE_BLOB_ALIGN});
  }
  Bytes out;
  mote_blob_header h{};
  out.put(h);
  std::vector<mote_section_entry> table(sections.size());
  const size_t table_at = out.put(table.data(), table.size() * sizeof(mote_section_entry));
  for (size_t k = 0; k < sections.size(); ++k) {
    out.pad_to(sections[k].align);
    table[k].id = sections[k].id;
    table[k].offset = u32(out.size(), "section");
    table[k].size = u32(sections[k].size, "section");
    table[k].count = sections[k].count;
    if (sections[k].size) out.put(sections[k].data, sections[k].size);
  }
  out.pad_to(MOTE_BLOB_ALIGN);
  std::memcpy(out.raw().data() + table_at, table.data(), table.size() * sizeof(mote_section_entry));
  h.magic = MOTE_BLOB_MAGIC;
  h.version_major = MOTE_BLOB_VERSION_MAJOR;
  h.version_minor = MOTE_BLOB_VERSION_MINOR;
  h.total_size = u32(out.size(), "blob");
  h.header_size = sizeof(mote_blob_header);
  h.section_count = uint32_t(sections.size());
  std::memcpy(out.raw().data(), &h, sizeof h);
  h.crc32 = crc32(out.raw().data() + 16, out.size() - 16);
  std::memcpy(out.raw().data(), &h, sizeof h);
  return std::move(out.raw());
}

}  // namespace mote

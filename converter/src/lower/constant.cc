// Lowering of the ops resolved at conversion time, which emit no Mote op: Constant,
// ConstantOfShape, Shape, Size, Range and EyeLike become constants, Identity and inference-mode Dropout
// rebind their input, and an If with a constant condition inlines the branch it takes.

#include <cmath>
#include <cstring>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

Tensor int64_tensor(const std::string& name, const std::vector<int64_t>& values, bool scalar) {
  Tensor t;
  t.name = name;
  t.dtype = MOTE_I64;
  t.is_const = true;
  if (!scalar) t.shape = {int64_t(values.size())};
  t.data.resize(values.size() * 8);
  if (!values.empty()) std::memcpy(t.data.data(), values.data(), t.data.size());
  return t;
}

void bind_constant(Lowerer& L, Tensor t, const std::string& name) {
  t.name = name;
  L.bind(name, L.constant(std::move(t)));
}

void lower_shape(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  int64_t rank = int64_t(x.size());
  int64_t start = clamp64(attr_int(n, "start", 0), -rank, rank);
  int64_t end = clamp64(attr_int(n, "end", rank), -rank, rank);
  if (start < 0) start += rank;
  if (end < 0) end += rank;
  std::vector<int64_t> dims;
  for (int64_t k = start; k < end; ++k) dims.push_back(x[size_t(k)]);
  bind_constant(L, int64_tensor("", dims, false), n.output(0));
}

void lower_size(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  bind_constant(L, int64_tensor("", {L.t(in[0]).numel()}, true), n.output(0));
}

void lower_constant(Lowerer& L, const Node& n) {
  Tensor t;
  if (const auto* a = find_attr(n, "value")) {
    t = tensor_from_proto(a->t());
  } else if (const auto* f = find_attr(n, "value_float")) {
    t.dtype = MOTE_F32;
    t.data.resize(4);
    float v = f->f();
    std::memcpy(t.data.data(), &v, 4);
  } else if (const auto* fs = find_attr(n, "value_floats")) {
    t.dtype = MOTE_F32;
    t.shape = {int64_t(fs->floats_size())};
    t.data.resize(size_t(fs->floats_size()) * 4);
    if (fs->floats_size()) std::memcpy(t.data.data(), fs->floats().data(), t.data.size());
  } else if (const auto* i = find_attr(n, "value_int")) {
    t = int64_tensor("", {i->i()}, true);
  } else if (const auto* is = find_attr(n, "value_ints")) {
    t = int64_tensor("", std::vector<int64_t>(is->ints().begin(), is->ints().end()), false);
  } else {
    L.error("Constant with an unsupported value attribute (sparse or string)");
  }
  t.is_const = true;
  bind_constant(L, std::move(t), n.output(0));
}

void lower_constant_of_shape(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  auto shape = L.const_ints(in[0], "ConstantOfShape shape");
  Tensor t;
  t.dtype = MOTE_F32;
  std::vector<uint8_t> value(4, 0);
  if (const auto* a = find_attr(n, "value")) {
    Tensor v = tensor_from_proto(a->t());
    t.dtype = v.dtype;
    value = v.data;
  }
  t.shape = shape;
  t.is_const = true;
  if (value.size() != dtype_size(t.dtype)) L.error("ConstantOfShape value must hold one element");
  L.checked_bytes(t.shape, t.dtype, "ConstantOfShape output");
  const int64_t count = t.numel();
  t.data.resize(size_t(count) * value.size());
  for (int64_t k = 0; k < count; ++k) std::memcpy(t.data.data() + k * value.size(), value.data(), value.size());
  bind_constant(L, std::move(t), n.output(0));
}

// EyeLike: ones on diagonal k of a matrix shaped as the input, zeros elsewhere, in the dtype
// attribute's type or the input's. Only the input's shape matters, so it is a constant.
void lower_eye_like(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const Tensor& x = L.t(in.at(0));
  if (x.shape.size() != 2) L.error("EyeLike input must be 2-D, has rank " + std::to_string(x.shape.size()));
  Tensor t;
  t.dtype = x.dtype;
  if (const auto* a = find_attr(n, "dtype")) {
    t.dtype = mote_dtype_from_onnx(int32_t(a->i()));
    if (!t.dtype) L.error("EyeLike dtype " + std::to_string(a->i()) + " is not supported");
  }
  t.shape = x.shape;
  const size_t size = dtype_size(t.dtype);
  t.data.assign(size_t(L.checked_bytes(t.shape, t.dtype, "EyeLike output")), 0);
  const int64_t rows = x.shape[0], cols = x.shape[1], k = attr_int(n, "k", 0);
  if (k > -rows && k < cols) {
    for (int64_t i = k < 0 ? -k : 0; i < rows && i + k < cols; ++i) {
      uint8_t* one = t.data.data() + size_t(i * cols + i + k) * size;
      switch (t.dtype) {
        case MOTE_F32: { const float v = 1.0f; std::memcpy(one, &v, 4); break; }
        case MOTE_I32: { const int32_t v = 1; std::memcpy(one, &v, 4); break; }
        case MOTE_I64: { const int64_t v = 1; std::memcpy(one, &v, 8); break; }
        default: *one = 1; break;
      }
    }
  }
  bind_constant(L, std::move(t), n.output(0));
}

// Longest Range folded at conversion time.
constexpr int64_t kMaxRangeLength = int64_t(1) << 24;

void lower_range(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const int32_t dt = L.t(in.at(0)).dtype;
  Tensor t;
  t.dtype = dt;
  t.is_const = true;
  if (dt == MOTE_F32) {
    float s = L.const_floats(in[0], "Range start").at(0), e = L.const_floats(in[1], "Range limit").at(0);
    float d = L.const_floats(in[2], "Range delta").at(0);
    if (!std::isfinite(s) || !std::isfinite(e) || !std::isfinite(d)) {
      L.error("Range start " + std::to_string(s) + ", limit " + std::to_string(e) + ", delta " + std::to_string(d) + ": not all finite");
    }
    if (d == 0.0f) L.error("Range delta is 0");
    // In double, and compared before the conversion: a huge quotient does not fit int64.
    const double steps = std::ceil((double(e) - double(s)) / double(d));
    if (steps > double(kMaxRangeLength)) L.error("Range too long");
    const int64_t count = steps > 0 ? int64_t(steps) : 0;
    t.shape = {count};
    t.data.resize(size_t(count) * 4);
    for (int64_t k = 0; k < count; ++k) {
      float v = s + float(k) * d;
      std::memcpy(t.data.data() + k * 4, &v, 4);
    }
  } else {
    int64_t s = L.const_ints(in[0], "Range start").at(0), e = L.const_ints(in[1], "Range limit").at(0);
    int64_t d = L.const_ints(in[2], "Range delta").at(0);
    if (d == 0) L.error("Range delta is 0");
    // Unsigned: limit - start and k * delta may not fit int64, though every value produced does.
    const uint64_t span = d > 0 ? (e > s ? uint64_t(e) - uint64_t(s) : 0) : (s > e ? uint64_t(s) - uint64_t(e) : 0);
    const uint64_t step = d > 0 ? uint64_t(d) : 0 - uint64_t(d);
    const uint64_t steps = span ? (span - 1) / step + 1 : 0;
    if (steps > uint64_t(kMaxRangeLength)) L.error("Range too long");
    const int64_t count = int64_t(steps);
    t.shape = {count};
    const uint32_t es = dtype_size(dt);
    t.data.resize(size_t(count) * es);
    for (int64_t k = 0; k < count; ++k) {
      const int64_t v = int64_t(uint64_t(s) + uint64_t(k) * uint64_t(d));
      if (es == 8) {
        std::memcpy(t.data.data() + k * 8, &v, 8);
      } else {
        int32_t w = int32_t(v);
        std::memcpy(t.data.data() + k * 4, &w, 4);
      }
    }
  }
  bind_constant(L, std::move(t), n.output(0));
}

void lower_identity(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (n.op_type() == "Dropout" && in_at(in, 2) >= 0 && L.const_ints(in[2], "Dropout training_mode").at(0) != 0) {
    // Training mode drops at random, except with ratio 0, where it is the identity.
    if (in_at(in, 1) < 0 || L.const_floats(in[1], "Dropout ratio").at(0) != 0.0f) L.error("Dropout in training mode is not supported");
  }
  L.bind(n.output(0), in.at(0));
  if (n.op_type() == "Dropout" && n.output_size() > 1 && !n.output(1).empty()) {
    // The mask of an inference-mode Dropout is all true.
    Tensor m;
    m.dtype = MOTE_BOOL;
    m.shape = L.t(in[0]).shape;
    m.is_const = true;
    m.data.assign(size_t(L.checked_bytes(m.shape, m.dtype, "Dropout mask")), 1);
    bind_constant(L, std::move(m), n.output(1));
  }
}

// If on a condition known at conversion time keeps only the branch taken. On a condition the
// graph computes at run time, both branches are lowered (the planner lets their tensors share
// space, each dying before the other begins) and each output selects the taken branch's value
// with Where: the branches must give outputs of the same dtype and shape, as a static plan needs.
void lower_if(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const Tensor& c = L.t(in.at(0));
  const auto* then_branch = find_attr(n, "then_branch");
  const auto* else_branch = find_attr(n, "else_branch");
  if (!then_branch || !else_branch) L.error("If without a branch");
  auto outputs_of = [&](const onnx::GraphProto& g) {
    if (g.output_size() != n.output_size()) L.error("If branch output count mismatch");
    L.lower_graph(g);
    std::vector<int> ids;
    for (int k = 0; k < g.output_size(); ++k) ids.push_back(L.lookup(g.output(k).name()));
    return ids;
  };
  if (c.is_const) {
    if (c.data.empty()) L.error("If condition is empty");
    const bool cond = c.data.at(0) != 0;
    const std::vector<int> ids = outputs_of((cond ? then_branch : else_branch)->g());
    for (int k = 0; k < n.output_size(); ++k) L.bind(n.output(k), ids[size_t(k)]);
    return;
  }
  if (c.dtype != MOTE_BOOL || c.numel() != 1) L.error("If condition must be one bool");
  const std::vector<int> then_ids = outputs_of(then_branch->g());
  const std::vector<int> else_ids = outputs_of(else_branch->g());
  for (int k = 0; k < n.output_size(); ++k) {
    const Tensor& a = L.t(then_ids[size_t(k)]);
    const Tensor& b = L.t(else_ids[size_t(k)]);
    if (a.dtype != b.dtype || a.shape != b.shape) {
      L.error("If output " + std::to_string(k) + ": the branches differ in dtype or shape, which a run-time condition cannot choose between in a static plan");
    }
    L.emit(MOTE_OP_WHERE, std::vector<uint8_t>{}, {in[0], then_ids[size_t(k)], else_ids[size_t(k)]}, {n.output(k)});
  }
}

}  // namespace

void add_constant_ops(LowerTable& t) {
  t["Shape"] = lower_shape;
  t["Size"] = lower_size;
  t["Constant"] = lower_constant;
  t["ConstantOfShape"] = lower_constant_of_shape;
  t["Range"] = lower_range;
  t["EyeLike"] = lower_eye_like;
  t["Identity"] = lower_identity;
  t["Dropout"] = lower_identity;
  t["If"] = lower_if;
}

}  // namespace lowering
}  // namespace mote

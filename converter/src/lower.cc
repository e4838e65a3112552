// ONNX -> Mote op lowering, one small function per ONNX op type (see lower.h).
#include "lower.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <new>
#include <sstream>

namespace mote {
namespace {

using Node = onnx::NodeProto;

// Largest tensor, in bytes: the arena plan and the blob's records hold 31-bit sizes.
constexpr int64_t kMaxTensorBytes = 0x7FFFFFFF;

const onnx::AttributeProto* find_attr(const Node& n, const char* name) {
  for (const auto& a : n.attribute()) {
    if (a.name() == name) return &a;
  }
  return nullptr;
}
int64_t attr_int(const Node& n, const char* name, int64_t def) {
  const auto* a = find_attr(n, name);
  return a ? a->i() : def;
}
// An INT attribute that a Mote parameter holds as int32: refused, not truncated, when it does not fit.
int32_t attr_i32(Lowerer& L, const Node& n, const char* name, int64_t def) {
  return L.narrow(attr_int(n, name, def), std::string("attribute '") + name + "'");
}
float attr_float(const Node& n, const char* name, float def) {
  const auto* a = find_attr(n, name);
  return a ? a->f() : def;
}
std::string attr_str(const Node& n, const char* name, const std::string& def) {
  const auto* a = find_attr(n, name);
  return a ? a->s() : def;
}
std::vector<int64_t> attr_ints(const Node& n, const char* name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<int64_t>(a->ints().begin(), a->ints().end()) : std::vector<int64_t>();
}
std::vector<float> attr_floats(const Node& n, const char* name) {
  const auto* a = find_attr(n, name);
  return a ? std::vector<float>(a->floats().begin(), a->floats().end()) : std::vector<float>();
}

std::vector<std::string> outs(const Node& n) { return {n.output().begin(), n.output().end()}; }
std::vector<std::string> out0(const Node& n) { return {n.output(0)}; }

// The node's input tensor ids. Their ranks are checked here, once: the lowering fills per-axis
// parameter arrays of MOTE_MAX_RANK entries, and an initialiser may have any rank.
std::vector<int> inputs_of(Lowerer& L, const Node& n) {
  std::vector<int> in;
  for (const auto& name : n.input()) {
    const int id = name.empty() ? -1 : L.lookup(name);
    if (id >= 0 && L.t(id).shape.size() > MOTE_MAX_RANK) {
      L.error("input '" + name + "' has rank " + std::to_string(L.t(id).shape.size()) + ", above " + std::to_string(MOTE_MAX_RANK));
    }
    in.push_back(id);
  }
  return in;
}
int in_at(const std::vector<int>& in, size_t k) { return k < in.size() ? in[k] : -1; }

int64_t norm_axis(Lowerer& L, int64_t axis, int64_t rank) {
  int64_t a = axis < 0 ? axis + rank : axis;
  if (a < 0 || a >= rank) L.error("axis " + std::to_string(axis) + " out of range for rank " + std::to_string(rank));
  return a;
}

mote_act no_act() { return mote_act{MOTE_ACT_NONE, 0.0f, 0.0f}; }

int64_t clamp64(int64_t v, int64_t lo, int64_t hi) { return std::min(std::max(v, lo), hi); }

// ---- element-wise ---------------------------------------------------------------------------

void lower_unary(Lowerer& L, const Node& n, int32_t code, mote_unary_params p) {
  L.emit(code, p, inputs_of(L, n), out0(n));
}

void lower_binary(Lowerer& L, const Node& n, int32_t code) {
  mote_binary_params p{no_act(), 0};
  if (code == MOTE_OP_MOD) p.fmod = attr_i32(L, n, "fmod", 0);
  auto in = inputs_of(L, n);
  if (in.size() != 2) L.error("expects 2 inputs");
  L.emit(code, p, in, out0(n));
}

// Sum/Mean/Max/Min take any number of inputs: a chain of binary ops.
void lower_variadic(Lowerer& L, const Node& n, int32_t code, bool mean) {
  auto in = inputs_of(L, n);
  if (in.empty()) L.error("needs at least one input");
  mote_binary_params p{no_act(), 0};
  int acc = in[0];
  for (size_t k = 1; k < in.size(); ++k) {
    bool last = k + 1 == in.size() && !mean;
    acc = L.emit(code, p, {acc, in[k]}, {last ? n.output(0) : L.fresh_name(n.output(0))})[0];
  }
  if (mean) {
    Tensor c;
    c.name = L.fresh_name(n.output(0) + "_count");
    c.dtype = MOTE_F32;
    c.is_const = true;
    float count = float(in.size());
    c.data.resize(4);
    std::memcpy(c.data.data(), &count, 4);
    acc = L.emit(MOTE_OP_DIV, p, {acc, L.constant(c)}, out0(n))[0];
  } else if (in.size() == 1) {
    L.emit(MOTE_OP_IDENTITY, mote_unary_params{0, 0, 0}, {acc}, out0(n));
  }
}

void lower_clip(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_unary_params p{-INFINITY, INFINITY, 0};
  if (L.opset() < 11) {
    p.alpha = attr_float(n, "min", -INFINITY);
    p.beta = attr_float(n, "max", INFINITY);
  } else {
    const int32_t dt = L.t(in[0]).dtype;
    auto bound = [&](int id, float def) -> float {
      if (id < 0) return def;
      if (dt == MOTE_F32) return L.const_floats(id, "Clip min/max").at(0);
      return float(L.const_ints(id, "Clip min/max").at(0));
    };
    p.alpha = bound(in_at(in, 1), dt == MOTE_F32 ? -INFINITY : -3.0e38f);
    p.beta = bound(in_at(in, 2), dt == MOTE_F32 ? INFINITY : 3.0e38f);
  }
  L.emit(MOTE_OP_CLIP, p, {in[0]}, out0(n));
}

void lower_cast(Lowerer& L, const Node& n) {
  int32_t to = mote_dtype_from_onnx(attr_i32(L, n, "to", 0));
  if (!to) L.error("Cast to ONNX type " + std::to_string(attr_int(n, "to", 0)) + " is not supported");
  L.emit(MOTE_OP_CAST, mote_cast_params{to}, inputs_of(L, n), out0(n));
}

// ---- shapes ---------------------------------------------------------------------------------

void emit_reshape(Lowerer& L, int in, const std::vector<int64_t>& shape, const std::string& out) {
  mote_reshape_params p{};
  if (shape.size() > MOTE_MAX_RANK) L.error("rank above 8 is not supported");
  p.rank = int32_t(shape.size());
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] < 0 || shape[k] > INT32_MAX) L.error("bad reshape dimension");
    p.dims[k] = int32_t(shape[k]);
  }
  L.emit(MOTE_OP_RESHAPE, p, {in}, {out});
}

void lower_reshape(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  std::vector<int64_t> shape = L.opset() < 5 ? attr_ints(n, "shape") : L.const_ints(in.at(1), "Reshape shape");
  const auto& x = L.t(in[0]).shape;
  const bool allowzero = attr_int(n, "allowzero", 0) != 0;
  int64_t known = 1, infer_at = -1;
  for (size_t k = 0; k < shape.size(); ++k) {
    if (shape[k] == 0 && !allowzero) {
      if (k >= x.size()) L.error("Reshape copies dimension " + std::to_string(k) + " that the input lacks");
      shape[k] = x[k];
    }
    if (shape[k] == -1) {
      if (infer_at >= 0) L.error("Reshape shape has two -1 entries");
      infer_at = int64_t(k);
    } else if (shape[k] < 0) {
      L.error("bad reshape dimension " + std::to_string(shape[k]));
    } else if (!checked_mul(known, shape[k], &known)) {
      L.error("Reshape shape is too large: more than 2^31 elements");
    }
  }
  if (infer_at >= 0) shape[size_t(infer_at)] = known ? L.t(in[0]).numel() / known : 0;
  emit_reshape(L, in[0], shape, n.output(0));
}

void lower_flatten(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  int64_t axis = attr_int(n, "axis", 1);
  if (axis < 0) axis += int64_t(x.size());
  if (axis < 0 || axis > int64_t(x.size())) L.error("Flatten axis out of range");
  int64_t a = 0, b = 0;
  if (!checked_product(x.data(), 0, int32_t(axis), &a) || !checked_product(x.data(), int32_t(axis), int32_t(x.size()), &b)) {
    L.error("Flatten input is too large");
  }
  emit_reshape(L, in[0], {a, b}, n.output(0));
}

std::vector<int64_t> axes_input_or_attr(Lowerer& L, const Node& n, const std::vector<int>& in, uint32_t input_from_opset) {
  if (L.opset() >= input_from_opset) return in_at(in, 1) >= 0 ? L.const_ints(in[1], "axes") : std::vector<int64_t>();
  return attr_ints(n, "axes");
}

void lower_squeeze(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  auto axes = axes_input_or_attr(L, n, in, 13);
  std::vector<bool> drop(x.size(), false);
  if (axes.empty()) {
    for (size_t k = 0; k < x.size(); ++k) drop[k] = x[k] == 1;
  }
  for (int64_t a : axes) {
    int64_t k = norm_axis(L, a, int64_t(x.size()));
    if (x[size_t(k)] != 1) L.error("Squeeze of axis " + std::to_string(a) + " whose size is not 1");
    drop[size_t(k)] = true;
  }
  std::vector<int64_t> shape;
  for (size_t k = 0; k < x.size(); ++k) {
    if (!drop[k]) shape.push_back(x[k]);
  }
  emit_reshape(L, in[0], shape, n.output(0));
}

void lower_unsqueeze(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in[0]).shape;
  auto axes = axes_input_or_attr(L, n, in, 13);
  const int64_t rank = int64_t(x.size() + axes.size());
  std::vector<bool> ins(size_t(rank), false);
  for (int64_t a : axes) {
    int64_t k = norm_axis(L, a, rank);
    if (ins[size_t(k)]) L.error("Unsqueeze repeats an axis");
    ins[size_t(k)] = true;
  }
  std::vector<int64_t> shape;
  size_t src = 0;
  for (int64_t k = 0; k < rank; ++k) shape.push_back(ins[size_t(k)] ? 1 : x.at(src++));
  emit_reshape(L, in[0], shape, n.output(0));
}

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

void lower_if(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const Tensor& c = L.t(in.at(0));
  if (!c.is_const) L.error("If whose condition is not known at conversion time is not supported");
  const bool cond = c.data.at(0) != 0;
  const auto* branch = find_attr(n, cond ? "then_branch" : "else_branch");
  if (!branch) L.error("If without a branch");
  L.lower_graph(branch->g());
  if (branch->g().output_size() != n.output_size()) L.error("If branch output count mismatch");
  for (int k = 0; k < n.output_size(); ++k) L.bind(n.output(k), L.lookup(branch->g().output(k).name()));
}

// ---- convolution and friends ----------------------------------------------------------------

void fill_spatial(Lowerer& L, const Node& n, int32_t r, const std::vector<int64_t>& in_spatial, int32_t* kernel, int32_t* stride,
                  int32_t* dilation, int32_t* pad_begin, int32_t* pad_end, bool transpose) {
  auto ks = attr_ints(n, "kernel_shape");
  auto st = attr_ints(n, "strides");
  auto di = attr_ints(n, "dilations");
  auto pads = attr_ints(n, "pads");
  auto check_length = [&](const std::vector<int64_t>& v, const char* name, size_t per_axis) {
    if (!v.empty() && v.size() != per_axis * size_t(r)) {
      L.error(std::string("attribute '") + name + "' has " + std::to_string(v.size()) + " entries for " + std::to_string(r) +
              " spatial axes");
    }
  };
  check_length(ks, "kernel_shape", 1);
  check_length(st, "strides", 1);
  check_length(di, "dilations", 1);
  check_length(pads, "pads", 2);
  for (int32_t d = 0; d < r; ++d) {
    stride[d] = st.empty() ? 1 : L.narrow(st.at(size_t(d)), "attribute 'strides'");
    dilation[d] = di.empty() ? 1 : L.narrow(di.at(size_t(d)), "attribute 'dilations'");
    if (!ks.empty()) kernel[d] = L.narrow(ks.at(size_t(d)), "attribute 'kernel_shape'");
    pad_begin[d] = pads.empty() ? 0 : L.narrow(pads.at(size_t(d)), "attribute 'pads'");
    pad_end[d] = pads.empty() ? 0 : L.narrow(pads.at(size_t(d + r)), "attribute 'pads'");
  }
  const std::string auto_pad = attr_str(n, "auto_pad", "NOTSET");
  if (auto_pad == "SAME_UPPER" || auto_pad == "SAME_LOWER") {
    for (int32_t d = 0; d < r; ++d) {
      int64_t in = in_spatial[size_t(d)];
      int64_t span = int64_t(kernel[d] - 1) * dilation[d] + 1;
      int64_t total;
      if (transpose) {
        total = std::max<int64_t>(0, int64_t(stride[d]) * (in - 1) + span - in * stride[d]);
      } else {
        int64_t out = (in + stride[d] - 1) / stride[d];
        total = std::max<int64_t>(0, (out - 1) * stride[d] + span - in);
      }
      int64_t small = total / 2, big = total - small;
      pad_begin[d] = L.narrow(auto_pad == "SAME_UPPER" ? small : big, "auto_pad padding");
      pad_end[d] = L.narrow(auto_pad == "SAME_UPPER" ? big : small, "auto_pad padding");
    }
  } else if (auto_pad == "VALID") {
    for (int32_t d = 0; d < r; ++d) pad_begin[d] = pad_end[d] = 0;
  } else if (auto_pad != "NOTSET") {
    L.error("unknown auto_pad " + auto_pad);
  }
}

void lower_conv(Lowerer& L, const Node& n, bool transpose) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const auto& w = L.t(in.at(1)).shape;
  if (x.size() < 3 || w.size() != x.size()) L.error("Conv input/weight ranks " + std::to_string(x.size()) + "/" + std::to_string(w.size()));
  const int32_t r = int32_t(x.size()) - 2;
  if (r > 2) L.error("3-D convolution is not supported");
  mote_conv_params p{};
  p.spatial_rank = r;
  p.group = attr_i32(L, n, "group", 1);
  p.act = no_act();
  for (int32_t d = 0; d < r; ++d) p.kernel[d] = L.narrow(w[size_t(2 + d)], "weight dimension");
  std::vector<int64_t> spatial(x.begin() + 2, x.end());
  fill_spatial(L, n, r, spatial, p.kernel, p.stride, p.dilation, p.pad_begin, p.pad_end, transpose);
  if (transpose) {
    auto op = attr_ints(n, "output_padding");
    for (int32_t d = 0; d < r; ++d) p.output_padding[d] = op.empty() ? 0 : L.narrow(op.at(size_t(d)), "attribute 'output_padding'");
    auto os = attr_ints(n, "output_shape");
    if (!os.empty()) {
      if (os.size() < size_t(r)) L.error("attribute 'output_shape' has fewer entries than the spatial rank");
      // Explicit output shape: derive the padding that yields it.
      const std::string auto_pad = attr_str(n, "auto_pad", "NOTSET");
      for (int32_t d = 0; d < r; ++d) {
        int64_t want = os[os.size() - size_t(r) + size_t(d)];
        int64_t total = int64_t(p.stride[d]) * (x[size_t(2 + d)] - 1) + p.output_padding[d] +
                        int64_t(p.kernel[d] - 1) * p.dilation[d] + 1 - want;
        if (total < 0) {
          p.output_padding[d] = L.narrow(p.output_padding[d] - total, "output padding for attribute 'output_shape'");
          total = 0;
        }
        int64_t small = total / 2, big = total - small;
        p.pad_begin[d] = L.narrow(auto_pad == "SAME_UPPER" ? small : big, "padding for attribute 'output_shape'");
        p.pad_end[d] = L.narrow(auto_pad == "SAME_UPPER" ? big : small, "padding for attribute 'output_shape'");
      }
    }
  }
  std::vector<int> ops_in = {in[0], in[1]};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(transpose ? MOTE_OP_CONV_TRANSPOSE : MOTE_OP_CONV, p, ops_in, out0(n));
}

void lower_gemm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_gemm_params p{attr_float(n, "alpha", 1.0f), attr_float(n, "beta", 1.0f), attr_i32(L, n, "transA", 0),
                     attr_i32(L, n, "transB", 0), no_act()};
  std::vector<int> ops_in = {in.at(0), in.at(1)};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(MOTE_OP_GEMM, p, ops_in, out0(n));
}

void lower_pool(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  if (n.output_size() > 1 && !n.output(1).empty()) L.error("MaxPool Indices output is not supported");
  if (x.size() < 3) L.error("pooling needs rank >= 3");
  const int32_t r = int32_t(x.size()) - 2;
  if (r > 2) L.error("3-D pooling is not supported");
  mote_pool_params p{};
  p.spatial_rank = r;
  std::vector<int64_t> spatial(x.begin() + 2, x.end());
  fill_spatial(L, n, r, spatial, p.kernel, p.stride, p.dilation, p.pad_begin, p.pad_end, false);
  p.ceil_mode = attr_i32(L, n, "ceil_mode", 0);
  p.count_include_pad = attr_i32(L, n, "count_include_pad", 0);
  if (attr_int(n, "storage_order", 0) != 0) L.error("MaxPool storage_order=1 is not supported");
  L.emit(code, p, {in[0]}, out0(n));
}

void lower_batch_norm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  if (n.output_size() > 1) {
    for (int k = 1; k < n.output_size(); ++k) {
      if (!n.output(k).empty()) L.error("BatchNormalization in training mode is not supported");
    }
  }
  if (attr_int(n, "training_mode", 0) != 0) L.error("BatchNormalization in training mode is not supported");
  L.emit(MOTE_OP_BATCH_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), 1, 0}, in, out0(n));
}

void lower_layer_norm(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  std::vector<std::string> o = outs(n);
  while (!o.empty() && o.back().empty()) o.pop_back();
  for (auto& name : o) {
    if (name.empty()) name = L.fresh_name("unused");
  }
  if (attr_int(n, "stash_type", 1) != 1) L.error("LayerNormalization stash_type other than float is not supported");
  L.emit(MOTE_OP_LAYER_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), attr_i32(L, n, "axis", -1), 0}, in, o);
}

void lower_softmax(Lowerer& L, const Node& n, int32_t code) {
  const bool old = L.opset() < 13;
  mote_softmax_params p{attr_i32(L, n, "axis", old ? 1 : -1), old ? 1 : 0};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

// ---- data movement --------------------------------------------------------------------------

void lower_transpose(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const size_t rank = L.t(in[0]).shape.size();
  auto perm = attr_ints(n, "perm");
  if (perm.empty()) {
    for (size_t k = 0; k < rank; ++k) perm.push_back(int64_t(rank - 1 - k));
  }
  mote_transpose_params p{};
  if (perm.size() != rank) L.error("perm length does not match the rank");
  for (size_t k = 0; k < perm.size(); ++k) p.perm[k] = L.narrow(perm[k] < 0 ? perm[k] + int64_t(rank) : perm[k], "attribute 'perm'");
  L.emit(MOTE_OP_TRANSPOSE, p, in, out0(n));
}

void lower_concat(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  mote_concat_params p{attr_i32(L, n, "axis", 0)};
  // Inputs beyond the per-op limit are concatenated in stages.
  while (in.size() > MOTE_MAX_OP_INPUTS) {
    std::vector<int> head(in.begin(), in.begin() + MOTE_MAX_OP_INPUTS);
    int part = L.emit(MOTE_OP_CONCAT, p, head, {L.fresh_name(n.output(0))})[0];
    in.erase(in.begin(), in.begin() + MOTE_MAX_OP_INPUTS);
    in.insert(in.begin(), part);
  }
  L.emit(MOTE_OP_CONCAT, p, in, out0(n));
}

void lower_split(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  int64_t axis = norm_axis(L, attr_int(n, "axis", 0), int64_t(x.size()));
  std::vector<int64_t> sizes = L.opset() >= 13 ? (in_at(in, 1) >= 0 ? L.const_ints(in[1], "split") : std::vector<int64_t>())
                                               : attr_ints(n, "split");
  const int64_t count = n.output_size();
  if (count > MOTE_MAX_OP_OUTPUTS) L.error("Split into more than 16 outputs is not supported");
  if (sizes.empty()) {
    const int64_t dim = x[size_t(axis)];
    const int64_t chunk = (dim + count - 1) / count;
    for (int64_t k = 0; k < count; ++k) sizes.push_back(std::max<int64_t>(0, std::min(chunk, dim - k * chunk)));
  }
  if (int64_t(sizes.size()) != count) L.error("split sizes do not match the output count");
  mote_split_params p{};
  p.axis = int32_t(axis);
  for (size_t k = 0; k < sizes.size(); ++k) p.sizes[k] = L.narrow(sizes[k], "split");
  L.emit(MOTE_OP_SPLIT, p, {in[0]}, outs(n));
}

void lower_slice(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const int64_t rank = int64_t(x.size());
  std::vector<int64_t> starts, ends, axes, steps;
  if (L.opset() < 10) {
    starts = attr_ints(n, "starts");
    ends = attr_ints(n, "ends");
    axes = attr_ints(n, "axes");
  } else {
    starts = L.const_ints(in.at(1), "Slice starts");
    ends = L.const_ints(in.at(2), "Slice ends");
    if (in_at(in, 3) >= 0) axes = L.const_ints(in[3], "Slice axes");
    if (in_at(in, 4) >= 0) steps = L.const_ints(in[4], "Slice steps");
  }
  if (axes.empty()) {
    for (size_t k = 0; k < starts.size(); ++k) axes.push_back(int64_t(k));
  }
  if (steps.empty()) steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() || steps.size() != starts.size()) {
    L.error("Slice starts/ends/axes/steps lengths differ");
  }
  mote_slice_params p{};
  for (int64_t k = 0; k < rank; ++k) {
    p.start[k] = 0;
    p.step[k] = 1;
    p.size[k] = int32_t(x[size_t(k)]);
  }
  for (size_t k = 0; k < starts.size(); ++k) {
    const int64_t ax = norm_axis(L, axes[k], rank);
    const int64_t dim = x[size_t(ax)];
    // Narrowed first: -step below must not overflow.
    const int64_t step = L.narrow(steps[k], "Slice steps");
    if (step == 0) L.error("Slice step 0");
    int64_t s = starts[k] < 0 ? starts[k] + dim : starts[k];
    int64_t e = ends[k] < 0 ? ends[k] + dim : ends[k];
    int64_t size;
    if (step > 0) {
      s = clamp64(s, 0, dim);
      e = clamp64(e, 0, dim);
      size = e > s ? (e - s + step - 1) / step : 0;
    } else {
      s = clamp64(s, 0, dim - 1);
      e = clamp64(e, -1, dim - 1);
      size = s > e ? (s - e + (-step) - 1) / (-step) : 0;
    }
    p.start[ax] = int32_t(size ? s : 0);
    p.step[ax] = int32_t(step);
    p.size[ax] = int32_t(size);
  }
  L.emit(MOTE_OP_SLICE, p, {in[0]}, out0(n));
}

void lower_gather(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  L.emit(code, mote_gather_params{attr_i32(L, n, "axis", 0)}, in, out0(n));
}

void lower_pad(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const int64_t rank = int64_t(x.size());
  mote_pad_params p{};
  const std::string mode = attr_str(n, "mode", "constant");
  if (mode == "constant") {
    p.mode = MOTE_PAD_CONSTANT;
  } else if (mode == "reflect") {
    p.mode = MOTE_PAD_REFLECT;
  } else if (mode == "edge") {
    p.mode = MOTE_PAD_EDGE;
  } else if (mode == "wrap") {
    p.mode = MOTE_PAD_WRAP;
  } else {
    L.error("Pad mode " + mode);
  }
  std::vector<int64_t> pads;
  if (L.opset() < 11) {
    pads = attr_ints(n, "pads");
    p.value = attr_float(n, "value", 0.0f);
  } else {
    pads = L.const_ints(in.at(1), "Pad pads");
    if (in_at(in, 2) >= 0) {
      const Tensor& v = L.t(in[2]);
      p.value = v.dtype == MOTE_F32 ? L.const_floats(in[2], "Pad value").at(0) : float(L.const_ints(in[2], "Pad value").at(0));
    }
  }
  std::vector<int64_t> axes;
  if (in_at(in, 3) >= 0) {
    axes = L.const_ints(in[3], "Pad axes");
  } else {
    for (int64_t k = 0; k < rank; ++k) axes.push_back(k);
  }
  if (pads.size() != 2 * axes.size()) L.error("Pad pads length does not match the axes");
  for (size_t k = 0; k < axes.size(); ++k) {
    int64_t ax = norm_axis(L, axes[k], rank);
    p.begin[ax] = L.narrow(pads[k], "Pad pads");
    p.end[ax] = L.narrow(pads[k + axes.size()], "Pad pads");
  }
  L.emit(MOTE_OP_PAD, p, {in[0]}, out0(n));
}

void lower_tile(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  auto reps = L.const_ints(in.at(1), "Tile repeats");
  mote_tile_params p{};
  if (reps.size() != L.t(in[0]).shape.size()) L.error("Tile repeats length does not match the rank");
  for (size_t k = 0; k < reps.size(); ++k) p.repeats[k] = L.narrow(reps[k], "Tile repeats");
  L.emit(MOTE_OP_TILE, p, {in[0]}, out0(n));
}

void lower_expand(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  auto shape = L.const_ints(in.at(1), "Expand shape");
  const auto& x = L.t(in[0]).shape;
  const size_t rank = std::max(shape.size(), x.size());
  if (rank > MOTE_MAX_RANK) L.error("rank above 8");
  mote_expand_params p{};
  p.rank = int32_t(rank);
  for (size_t d = 0; d < rank; ++d) {
    int64_t a = d + x.size() >= rank ? x[d + x.size() - rank] : 1;
    int64_t b = d + shape.size() >= rank ? shape[d + shape.size() - rank] : 1;
    if (a != b && a != 1 && b != 1) L.error("Expand shape does not broadcast");
    p.dims[d] = L.narrow(a == 1 ? b : a, "Expand shape");
  }
  L.emit(MOTE_OP_EXPAND, p, {in[0]}, out0(n));
}

void lower_resize(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  const auto& x = L.t(in.at(0)).shape;
  const size_t rank = x.size();
  mote_resize_params p{};
  const std::string mode = attr_str(n, "mode", "nearest");
  p.mode = mode == "nearest" ? MOTE_RESIZE_NEAREST : mode == "linear" ? MOTE_RESIZE_LINEAR : mode == "cubic" ? MOTE_RESIZE_CUBIC : -1;
  if (p.mode < 0) L.error("Resize mode " + mode);
  const bool upsample = n.op_type() == "Upsample";
  const std::string ct = attr_str(n, "coordinate_transformation_mode", (L.opset() < 11 || upsample) ? "asymmetric" : "half_pixel");
  static const std::map<std::string, int32_t> coords = {{"half_pixel", MOTE_COORD_HALF_PIXEL},
                                                        {"asymmetric", MOTE_COORD_ASYMMETRIC},
                                                        {"pytorch_half_pixel", MOTE_COORD_PYTORCH_HALF_PIXEL},
                                                        {"align_corners", MOTE_COORD_ALIGN_CORNERS},
                                                        {"tf_crop_and_resize", MOTE_COORD_TF_CROP_AND_RESIZE},
                                                        {"half_pixel_symmetric", MOTE_COORD_HALF_PIXEL_SYMMETRIC},
                                                        {"tf_half_pixel_for_nn", MOTE_COORD_TF_HALF_PIXEL_FOR_NN}};
  if (!coords.count(ct)) L.error("Resize coordinate_transformation_mode " + ct);
  p.coord = coords.at(ct);
  const std::string nm = attr_str(n, "nearest_mode", (L.opset() < 11 || upsample) ? "floor" : "round_prefer_floor");
  static const std::map<std::string, int32_t> nearest = {{"round_prefer_floor", MOTE_NEAREST_ROUND_PREFER_FLOOR},
                                                         {"round_prefer_ceil", MOTE_NEAREST_ROUND_PREFER_CEIL},
                                                         {"floor", MOTE_NEAREST_FLOOR},
                                                         {"ceil", MOTE_NEAREST_CEIL}};
  if (!nearest.count(nm)) L.error("Resize nearest_mode " + nm);
  p.nearest = nearest.at(nm);
  p.cubic_coeff = attr_float(n, "cubic_coeff_a", -0.75f);
  p.exclude_outside = attr_i32(L, n, "exclude_outside", 0);
  p.extrapolation_value = attr_float(n, "extrapolation_value", 0.0f);
  std::vector<float> scales, roi;
  std::vector<int64_t> sizes;
  if (upsample || L.opset() < 11) {
    scales = in_at(in, 1) >= 0 ? L.const_floats(in[1], "scales") : attr_floats(n, "scales");
  } else {
    if (in_at(in, 1) >= 0 && L.t(in[1]).numel() > 0) roi = L.const_floats(in[1], "roi");
    if (in_at(in, 2) >= 0 && L.t(in[2]).numel() > 0) scales = L.const_floats(in[2], "scales");
    if (in_at(in, 3) >= 0 && L.t(in[3]).numel() > 0) sizes = L.const_ints(in[3], "sizes");
  }
  if (find_attr(n, "axes")) L.error("Resize with axes is not supported");
  if (attr_str(n, "keep_aspect_ratio_policy", "stretch") != "stretch") L.error("Resize keep_aspect_ratio_policy is not supported");
  for (size_t d = 0; d < rank; ++d) {
    p.roi_start[d] = roi.size() == 2 * rank ? roi[d] : 0.0f;
    p.roi_end[d] = roi.size() == 2 * rank ? roi[d + rank] : 1.0f;
  }
  if (!sizes.empty()) {
    if (sizes.size() != rank) L.error("Resize sizes length does not match the rank");
    for (size_t d = 0; d < rank; ++d) {
      p.out_dims[d] = L.narrow(sizes[d], "Resize sizes");
      p.scale[d] = x[d] ? float(sizes[d]) / float(x[d]) : 1.0f;
    }
  } else {
    if (scales.size() != rank) L.error("Resize needs scales or sizes for every axis");
    for (size_t d = 0; d < rank; ++d) {
      if (!std::isfinite(scales[d]) || !(scales[d] > 0.0f)) {
        L.error("Resize scale [" + std::to_string(d) + "] = " + std::to_string(scales[d]) + " is not a positive finite number");
      }
      p.scale[d] = scales[d];
      double len = double(x[d]) * scales[d];
      if (p.coord == MOTE_COORD_TF_CROP_AND_RESIZE) len *= double(p.roi_end[d] - p.roi_start[d]);
      // Compared before the conversion: NaN or a huge length does not fit int32.
      if (!(len >= 0.0 && len <= double(INT32_MAX))) {
        L.error("Resize output dimension " + std::to_string(d) + " (" + std::to_string(len) + ", from scale " + std::to_string(scales[d]) +
                ") is out of range");
      }
      p.out_dims[d] = int32_t(std::floor(len));
    }
  }
  L.emit(MOTE_OP_RESIZE, p, {in[0]}, out0(n));
}

void lower_depth_space(Lowerer& L, const Node& n, int32_t code) {
  const std::string mode = attr_str(n, "mode", "DCR");
  mote_depth_space_params p{attr_i32(L, n, "blocksize", 0), mode == "CRD" ? 1 : 0};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

void lower_reduce(Lowerer& L, const Node& n, int32_t code) {
  auto in = inputs_of(L, n);
  const int64_t rank = int64_t(L.t(in.at(0)).shape.size());
  // Axes moved from attribute to input: ReduceSum at opset 13, the others at opset 18.
  const uint32_t input_from = code == MOTE_OP_REDUCE_SUM ? 13 : 18;
  std::vector<int64_t> axes;
  if (L.opset() >= input_from) {
    if (in_at(in, 1) >= 0) axes = L.const_ints(in[1], "axes");
  } else {
    axes = attr_ints(n, "axes");
  }
  mote_reduce_params p{0, attr_i32(L, n, "keepdims", 1)};
  if (axes.empty()) {
    if (attr_int(n, "noop_with_empty_axes", 0) == 0) p.axes_mask = rank ? uint32_t((1u << rank) - 1) : 0;
  }
  for (int64_t a : axes) p.axes_mask |= 1u << norm_axis(L, a, rank);
  L.emit(code, p, {in[0]}, out0(n));
}

void lower_arg_reduce(Lowerer& L, const Node& n, int32_t code) {
  mote_arg_reduce_params p{attr_i32(L, n, "axis", 0), attr_i32(L, n, "keepdims", 1),
                           attr_i32(L, n, "select_last_index", 0)};
  L.emit(code, p, inputs_of(L, n), out0(n));
}

void lower_cum_sum(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  int64_t axis = L.const_ints(in.at(1), "CumSum axis").at(0);
  mote_cum_sum_params p{L.narrow(axis, "CumSum axis"), attr_i32(L, n, "exclusive", 0), attr_i32(L, n, "reverse", 0)};
  L.emit(MOTE_OP_CUM_SUM, p, {in[0]}, out0(n));
}

// Trilu: k (optional, default 0) must be a constant; beyond +-2^31 it keeps or zeroes everything,
// as +-(2^31 - 1) does for any matrix Mote can hold.
void lower_trilu(Lowerer& L, const Node& n) {
  auto in = inputs_of(L, n);
  int64_t k = 0;
  if (in_at(in, 1) >= 0) {
    const std::vector<int64_t> v = L.const_ints(in[1], "Trilu k");
    if (v.size() != 1) L.error("Trilu k must be a scalar, has " + std::to_string(v.size()) + " elements");
    k = clamp64(v[0], -int64_t(INT32_MAX), INT32_MAX);
  }
  mote_trilu_params p{attr_int(n, "upper", 1) != 0 ? 1 : 0, int32_t(k)};
  L.emit(MOTE_OP_TRILU, p, {in.at(0)}, out0(n));
}

// ---- quantized ops (docs/quantization.md) ---------------------------------------------------

mote_quantize_params qparams(int32_t axis, int32_t out_dtype) { return mote_quantize_params{axis, out_dtype, 0, 0, 0, 0}; }

// uint8 tensors become int8 by flipping the top bit (the zero point moves by 128).
int as_int8(Lowerer& L, int id) {
  if (id < 0 || L.t(id).dtype != MOTE_U8) return id;
  return L.emit(MOTE_OP_FLIP_SIGN, qparams(0, 0), {id}, {L.fresh_name(L.t(id).name + "_s8")})[0];
}

// Zero points as int32 in the int8 domain; absent means 0 in the data's own type, so -128 once
// uint8 data is moved into int8.
std::vector<int64_t> zero_points(Lowerer& L, int id, int data) {
  if (id < 0) return {L.t(data).dtype == MOTE_U8 ? -128 : 0};
  std::vector<int64_t> v = L.const_ints(id, "zero point");
  for (int64_t& z : v) {
    L.narrow(z, "zero point");
    if (L.t(id).dtype == MOTE_U8) z -= 128;
  }
  if (v.empty()) v.push_back(0);
  return v;
}

Tensor int32_vector(const std::string& name, const std::vector<int64_t>& values) {
  Tensor t;
  t.name = name;
  t.dtype = MOTE_I32;
  t.is_const = true;
  t.shape = {int64_t(values.size())};
  t.data.resize(values.size() * 4);
  for (size_t k = 0; k < values.size(); ++k) {
    int32_t v = int32_t(values[k]);
    std::memcpy(t.data.data() + k * 4, &v, 4);
  }
  return t;
}

int32_t scalar_zp(Lowerer& L, const std::vector<int64_t>& zps, const char* what) {
  for (int64_t z : zps) {
    if (z != zps[0]) L.error(std::string(what) + " must be one value per tensor");
  }
  return int32_t(zps[0]);
}

// Multiplier and shift for each real scale (docs/quantization.md, "Requantisation").
void requant_tensors(Lowerer& L, const std::string& base, const std::vector<double>& real, int* mult, int* shift) {
  std::vector<int64_t> m, sh;
  for (double r : real) {
    int32_t q = 0, s = 0;
    quantize_multiplier(r, &q, &s);
    if (s > 30) L.error("requantisation scale " + std::to_string(r) + " is too large");
    m.push_back(q);
    sh.push_back(s);
  }
  *mult = L.constant(int32_vector(base + "_multiplier", m));
  *shift = L.constant(int32_vector(base + "_shift", sh));
}

// Emits an int8 op's result and, when ONNX wants uint8, flips it back into `out`.
void emit_q8_output(Lowerer& L, int32_t code, std::vector<uint8_t> params, const std::vector<int>& ins, const std::string& out,
                    bool want_u8) {
  if (!want_u8) {
    L.emit(code, std::move(params), ins, {out});
    return;
  }
  int tmp = L.emit(code, std::move(params), ins, {L.fresh_name(out + "_s8")})[0];
  L.emit(MOTE_OP_FLIP_SIGN, qparams(0, 0), {tmp}, {out});
}

void lower_quantize_linear(Lowerer& L, const Node& n, bool quantize) {
  auto in = inputs_of(L, n);
  if (in_at(in, 1) >= 0 && L.t(in[1]).is_const) {
    for (float s : L.const_floats(in[1], "scale")) {
      if (!(s > 0.0f) || !std::isfinite(s)) L.error("scale " + std::to_string(s) + " is not a positive finite number");
    }
  }
  const int32_t axis = attr_i32(L, n, "axis", 1);
  int32_t out_dtype = MOTE_U8;
  if (quantize && in_at(in, 2) >= 0) out_dtype = L.t(in[2]).dtype;
  std::vector<int> ops_in = {in.at(0), in.at(1)};
  if (in_at(in, 2) >= 0) ops_in.push_back(in[2]);
  L.emit(quantize ? MOTE_OP_QUANTIZE : MOTE_OP_DEQUANTIZE, qparams(axis, out_dtype), ops_in, out0(n));
}

void lower_matmul_integer(Lowerer& L, const Node& n, bool qlinear) {
  auto in = inputs_of(L, n);
  // MatMulInteger: A, B, a_zp, b_zp. QLinearMatMul: A, a_s, a_zp, B, b_s, b_zp, y_s, y_zp.
  const int a = in.at(0), b = qlinear ? in.at(3) : in.at(1);
  const int a_zp_id = qlinear ? in_at(in, 2) : in_at(in, 2), b_zp_id = qlinear ? in_at(in, 5) : in_at(in, 3);
  const int32_t a_zp = scalar_zp(L, zero_points(L, a_zp_id, a), "A's zero point");
  const std::vector<int64_t> b_zp = zero_points(L, b_zp_id, b);
  mote_qmatmul_params p{a_zp, 0, -128, 127};
  std::vector<int> ops_in = {as_int8(L, a), as_int8(L, b), -1};
  if (L.t(b).shape.empty()) L.error("B must have rank 1 or more");
  const int64_t N = L.t(b).shape.back();
  if (qlinear) {
    const float a_s = L.const_floats(in.at(1), "A scale").at(0), y_s = L.const_floats(in.at(6), "Y scale").at(0);
    const std::vector<float> b_s = L.const_floats(in.at(4), "B scale");
    if (b_s.empty() || (b_s.size() != 1 && int64_t(b_s.size()) != N)) L.error("B scale must hold 1 or N values");
    std::vector<double> real;
    for (int64_t j = 0; j < (b_s.size() == 1 ? 1 : N); ++j) real.push_back(double(a_s) * b_s[size_t(b_s.size() == 1 ? 0 : j)] / y_s);
    int mult, shift;
    requant_tensors(L, n.output(0), real, &mult, &shift);
    ops_in.push_back(mult);
    ops_in.push_back(shift);
    p.out_zp = scalar_zp(L, in_at(in, 7) >= 0 ? zero_points(L, in[7], in[7]) : std::vector<int64_t>{-128}, "Y's zero point");
  } else {
    p.act_min = INT32_MIN;
    p.act_max = INT32_MAX;
    ops_in.push_back(-1);
    ops_in.push_back(-1);
  }
  ops_in.push_back(L.constant(int32_vector(n.output(0) + "_bzp", b_zp)));
  const bool u8_out = qlinear && (in_at(in, 7) < 0 || L.t(in[7]).dtype == MOTE_U8);
  emit_q8_output(L, MOTE_OP_QMATMUL, pack(p), ops_in, n.output(0), u8_out);
}

void lower_conv_integer(Lowerer& L, const Node& n, bool qlinear) {
  auto in = inputs_of(L, n);
  // ConvInteger: x, w, x_zp, w_zp. QLinearConv: x, x_s, x_zp, w, w_s, w_zp, y_s, y_zp, B.
  const int x = in.at(0), w = qlinear ? in.at(3) : in.at(1);
  const int x_zp_id = in_at(in, 2), w_zp_id = qlinear ? in_at(in, 5) : in_at(in, 3);
  const auto& xs = L.t(x).shape;
  const auto& ws = L.t(w).shape;
  if (xs.size() < 3 || ws.size() != xs.size() || xs.size() > 4) L.error("only 1-D and 2-D integer convolutions are supported");
  mote_qconv_params p{};
  mote_conv_params& c = p.conv;
  c.spatial_rank = int32_t(xs.size()) - 2;
  c.group = attr_i32(L, n, "group", 1);
  for (int32_t d = 0; d < c.spatial_rank; ++d) c.kernel[d] = L.narrow(ws[size_t(2 + d)], "weight dimension");
  std::vector<int64_t> spatial(xs.begin() + 2, xs.end());
  fill_spatial(L, n, c.spatial_rank, spatial, c.kernel, c.stride, c.dilation, c.pad_begin, c.pad_end, false);
  p.in_zp = scalar_zp(L, zero_points(L, x_zp_id, x), "x's zero point");
  p.act_min = -128;
  p.act_max = 127;
  const int64_t M = ws[0];
  const int bias = qlinear ? in_at(in, 8) : -1;
  if (bias >= 0 && !L.t(bias).is_const) L.needs_constant(L.t(bias), "QLinearConv's bias");
  std::vector<int> ops_in = {as_int8(L, x), as_int8(L, w), bias};
  if (qlinear) {
    const float x_s = L.const_floats(in.at(1), "x scale").at(0), y_s = L.const_floats(in.at(6), "y scale").at(0);
    const std::vector<float> w_s = L.const_floats(in.at(4), "w scale");
    if (w_s.empty() || (w_s.size() != 1 && int64_t(w_s.size()) != M)) L.error("w scale must hold 1 or M values");
    std::vector<double> real;
    for (int64_t m = 0; m < (w_s.size() == 1 ? 1 : M); ++m) real.push_back(double(x_s) * w_s[size_t(w_s.size() == 1 ? 0 : m)] / y_s);
    int mult, shift;
    requant_tensors(L, n.output(0), real, &mult, &shift);
    ops_in.push_back(mult);
    ops_in.push_back(shift);
    p.out_zp = scalar_zp(L, in_at(in, 7) >= 0 ? zero_points(L, in[7], in[7]) : std::vector<int64_t>{-128}, "y's zero point");
  } else {
    p.act_min = INT32_MIN;
    p.act_max = INT32_MAX;
    ops_in.push_back(-1);
    ops_in.push_back(-1);
  }
  ops_in.push_back(L.constant(int32_vector(n.output(0) + "_wzp", zero_points(L, w_zp_id, w))));
  const bool u8_out = qlinear && (in_at(in, 7) < 0 || L.t(in[7]).dtype == MOTE_U8);
  emit_q8_output(L, MOTE_OP_QCONV, pack(p), ops_in, n.output(0), u8_out);
}

using LowerFn = std::function<void(Lowerer&, const Node&)>;

const std::map<std::string, LowerFn>& lowering_table() {
  static const std::map<std::string, LowerFn> table = [] {
    std::map<std::string, LowerFn> t;
    auto unary = [&](const char* name, int32_t code) {
      t[name] = [code](Lowerer& L, const Node& n) { lower_unary(L, n, code, mote_unary_params{0, 0, 0}); };
    };
    unary("Relu", MOTE_OP_RELU);
    unary("Sigmoid", MOTE_OP_SIGMOID);
    unary("Tanh", MOTE_OP_TANH);
    unary("HardSwish", MOTE_OP_HARD_SWISH);
    unary("Softplus", MOTE_OP_SOFTPLUS);
    unary("Softsign", MOTE_OP_SOFTSIGN);
    unary("Erf", MOTE_OP_ERF);
    unary("Exp", MOTE_OP_EXP);
    unary("Log", MOTE_OP_LOG);
    unary("Sqrt", MOTE_OP_SQRT);
    unary("Abs", MOTE_OP_ABS);
    unary("Neg", MOTE_OP_NEG);
    unary("Reciprocal", MOTE_OP_RECIPROCAL);
    unary("Floor", MOTE_OP_FLOOR);
    unary("Ceil", MOTE_OP_CEIL);
    unary("Round", MOTE_OP_ROUND);
    unary("Sign", MOTE_OP_SIGN);
    unary("Sin", MOTE_OP_SIN);
    unary("Cos", MOTE_OP_COS);
    unary("Tan", MOTE_OP_TAN);
    unary("Asin", MOTE_OP_ASIN);
    unary("Acos", MOTE_OP_ACOS);
    unary("Atan", MOTE_OP_ATAN);
    unary("Sinh", MOTE_OP_SINH);
    unary("Cosh", MOTE_OP_COSH);
    unary("Asinh", MOTE_OP_ASINH);
    unary("Acosh", MOTE_OP_ACOSH);
    unary("Atanh", MOTE_OP_ATANH);
    unary("Not", MOTE_OP_NOT);
    unary("IsNaN", MOTE_OP_IS_NAN);
    unary("Mish", MOTE_OP_MISH);
    t["LeakyRelu"] = [](Lowerer& L, const Node& n) { lower_unary(L, n, MOTE_OP_LEAKY_RELU, {attr_float(n, "alpha", 0.01f), 0, 0}); };
    t["Elu"] = [](Lowerer& L, const Node& n) { lower_unary(L, n, MOTE_OP_ELU, {attr_float(n, "alpha", 1.0f), 0, 0}); };
    t["Celu"] = [](Lowerer& L, const Node& n) { lower_unary(L, n, MOTE_OP_CELU, {attr_float(n, "alpha", 1.0f), 0, 0}); };
    t["ThresholdedRelu"] = [](Lowerer& L, const Node& n) {
      lower_unary(L, n, MOTE_OP_THRESHOLDED_RELU, {attr_float(n, "alpha", 1.0f), 0, 0});
    };
    t["Selu"] = [](Lowerer& L, const Node& n) {
      lower_unary(L, n, MOTE_OP_SELU, {attr_float(n, "alpha", 1.67326319217681884765625f), attr_float(n, "gamma", 1.05070102214813232421875f), 0});
    };
    t["HardSigmoid"] = [](Lowerer& L, const Node& n) {
      lower_unary(L, n, MOTE_OP_HARD_SIGMOID, {attr_float(n, "alpha", 0.2f), attr_float(n, "beta", 0.5f), 0});
    };
    t["Gelu"] = [](Lowerer& L, const Node& n) {
      lower_unary(L, n, MOTE_OP_GELU, {0, 0, attr_str(n, "approximate", "none") == "tanh" ? 1.0f : 0.0f});
    };
    t["IsInf"] = [](Lowerer& L, const Node& n) {
      lower_unary(L, n, MOTE_OP_IS_INF,
                  {float(attr_int(n, "detect_negative", 1)), float(attr_int(n, "detect_positive", 1)), 0});
    };
    t["Clip"] = lower_clip;
    t["Cast"] = lower_cast;
    auto binary = [&](const char* name, int32_t code) {
      t[name] = [code](Lowerer& L, const Node& n) { lower_binary(L, n, code); };
    };
    binary("Add", MOTE_OP_ADD);
    binary("Sub", MOTE_OP_SUB);
    binary("Mul", MOTE_OP_MUL);
    binary("Div", MOTE_OP_DIV);
    binary("Pow", MOTE_OP_POW);
    t["PRelu"] = [](Lowerer& L, const Node& n) {
      auto in = inputs_of(L, n);
      const auto& x = L.t(in.at(0)).shape;
      const Tensor& slope = L.t(in.at(1));
      // Before opset 7 a [C] slope applied per channel of an [N, C, ...] input.
      if (L.opset() < 7 && slope.shape.size() == 1 && x.size() > 2 && slope.shape[0] == x[1] && x.back() != x[1]) {
        std::vector<int64_t> shape(x.size() - 1, 1);
        shape[0] = x[1];
        Tensor reshaped = slope;
        reshaped.name = L.fresh_name(slope.name);
        reshaped.shape = shape;
        if (!slope.is_const) L.error("a per-channel slope must be constant");
        in[1] = L.constant(std::move(reshaped));
      }
      L.emit(MOTE_OP_PRELU, mote_binary_params{no_act(), 0}, {in[0], in[1]}, out0(n));
    };
    binary("Equal", MOTE_OP_EQUAL);
    binary("Less", MOTE_OP_LESS);
    binary("Greater", MOTE_OP_GREATER);
    binary("LessOrEqual", MOTE_OP_LESS_OR_EQUAL);
    binary("GreaterOrEqual", MOTE_OP_GREATER_OR_EQUAL);
    binary("And", MOTE_OP_AND);
    binary("Or", MOTE_OP_OR);
    binary("Xor", MOTE_OP_XOR);
    binary("Mod", MOTE_OP_MOD);
    t["Sum"] = [](Lowerer& L, const Node& n) { lower_variadic(L, n, MOTE_OP_ADD, false); };
    t["Mean"] = [](Lowerer& L, const Node& n) { lower_variadic(L, n, MOTE_OP_ADD, true); };
    t["Max"] = [](Lowerer& L, const Node& n) { lower_variadic(L, n, MOTE_OP_MAX, false); };
    t["Min"] = [](Lowerer& L, const Node& n) { lower_variadic(L, n, MOTE_OP_MIN, false); };
    t["Where"] = [](Lowerer& L, const Node& n) { L.emit(MOTE_OP_WHERE, std::vector<uint8_t>(), inputs_of(L, n), out0(n)); };
    t["Reshape"] = lower_reshape;
    t["Flatten"] = lower_flatten;
    t["Squeeze"] = lower_squeeze;
    t["Unsqueeze"] = lower_unsqueeze;
    t["Shape"] = lower_shape;
    t["Size"] = lower_size;
    t["Constant"] = lower_constant;
    t["ConstantOfShape"] = lower_constant_of_shape;
    t["Range"] = lower_range;
    t["Identity"] = lower_identity;
    t["Dropout"] = lower_identity;
    t["If"] = lower_if;
    t["Conv"] = [](Lowerer& L, const Node& n) { lower_conv(L, n, false); };
    t["ConvTranspose"] = [](Lowerer& L, const Node& n) { lower_conv(L, n, true); };
    t["Gemm"] = lower_gemm;
    t["MatMul"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_MATMUL, mote_matmul_params{no_act()}, inputs_of(L, n), out0(n));
    };
    t["MaxPool"] = [](Lowerer& L, const Node& n) { lower_pool(L, n, MOTE_OP_MAX_POOL); };
    t["AveragePool"] = [](Lowerer& L, const Node& n) { lower_pool(L, n, MOTE_OP_AVERAGE_POOL); };
    t["GlobalAveragePool"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_GLOBAL_AVERAGE_POOL, std::vector<uint8_t>(), inputs_of(L, n), out0(n));
    };
    t["GlobalMaxPool"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_GLOBAL_MAX_POOL, std::vector<uint8_t>(), inputs_of(L, n), out0(n));
    };
    t["BatchNormalization"] = lower_batch_norm;
    t["LayerNormalization"] = lower_layer_norm;
    t["InstanceNormalization"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_INSTANCE_NORM, mote_norm_params{attr_float(n, "epsilon", 1e-5f), 1, 0}, inputs_of(L, n), out0(n));
    };
    t["LpNormalization"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_LP_NORM, mote_norm_params{0, attr_i32(L, n, "axis", -1), attr_i32(L, n, "p", 2)}, inputs_of(L, n),
             out0(n));
    };
    t["Softmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_SOFTMAX); };
    t["LogSoftmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_LOG_SOFTMAX); };
    t["Hardmax"] = [](Lowerer& L, const Node& n) { lower_softmax(L, n, MOTE_OP_HARDMAX); };
    t["Transpose"] = lower_transpose;
    t["Concat"] = lower_concat;
    t["Split"] = lower_split;
    t["Slice"] = lower_slice;
    t["Gather"] = [](Lowerer& L, const Node& n) { lower_gather(L, n, MOTE_OP_GATHER); };
    t["GatherElements"] = [](Lowerer& L, const Node& n) { lower_gather(L, n, MOTE_OP_GATHER_ELEMENTS); };
    t["Pad"] = lower_pad;
    t["Tile"] = lower_tile;
    t["Expand"] = lower_expand;
    t["Resize"] = lower_resize;
    t["Upsample"] = lower_resize;
    t["DepthToSpace"] = [](Lowerer& L, const Node& n) { lower_depth_space(L, n, MOTE_OP_DEPTH_TO_SPACE); };
    t["SpaceToDepth"] = [](Lowerer& L, const Node& n) { lower_depth_space(L, n, MOTE_OP_SPACE_TO_DEPTH); };
    auto reduce = [&](const char* name, int32_t code) {
      t[name] = [code](Lowerer& L, const Node& n) { lower_reduce(L, n, code); };
    };
    reduce("ReduceMean", MOTE_OP_REDUCE_MEAN);
    reduce("ReduceSum", MOTE_OP_REDUCE_SUM);
    reduce("ReduceMax", MOTE_OP_REDUCE_MAX);
    reduce("ReduceMin", MOTE_OP_REDUCE_MIN);
    reduce("ReduceProd", MOTE_OP_REDUCE_PROD);
    reduce("ReduceL2", MOTE_OP_REDUCE_L2);
    reduce("ReduceL1", MOTE_OP_REDUCE_L1);
    reduce("ReduceLogSumExp", MOTE_OP_REDUCE_LOG_SUM_EXP);
    reduce("ReduceSumSquare", MOTE_OP_REDUCE_SUM_SQUARE);
    reduce("ReduceLogSum", MOTE_OP_REDUCE_LOG_SUM);
    t["ArgMax"] = [](Lowerer& L, const Node& n) { lower_arg_reduce(L, n, MOTE_OP_ARG_MAX); };
    t["ArgMin"] = [](Lowerer& L, const Node& n) { lower_arg_reduce(L, n, MOTE_OP_ARG_MIN); };
    t["CumSum"] = lower_cum_sum;
    t["Trilu"] = lower_trilu;
    t["QuantizeLinear"] = [](Lowerer& L, const Node& n) { lower_quantize_linear(L, n, true); };
    t["DequantizeLinear"] = [](Lowerer& L, const Node& n) { lower_quantize_linear(L, n, false); };
    t["DynamicQuantizeLinear"] = [](Lowerer& L, const Node& n) {
      L.emit(MOTE_OP_DYNAMIC_QUANTIZE, qparams(0, MOTE_U8), inputs_of(L, n), outs(n));
    };
    t["MatMulInteger"] = [](Lowerer& L, const Node& n) { lower_matmul_integer(L, n, false); };
    t["QLinearMatMul"] = [](Lowerer& L, const Node& n) { lower_matmul_integer(L, n, true); };
    t["ConvInteger"] = [](Lowerer& L, const Node& n) { lower_conv_integer(L, n, false); };
    t["QLinearConv"] = [](Lowerer& L, const Node& n) { lower_conv_integer(L, n, true); };
    return t;
  }();
  return table;
}

}  // namespace

int Lowerer::lookup(const std::string& name) const {
  auto it = names_.find(name);
  if (it == names_.end()) error("input '" + name + "' is not produced by any earlier node, initializer or graph input");
  return it->second;
}

int32_t Lowerer::narrow(int64_t value, const std::string& what) const {
  if (value < INT32_MIN || value > INT32_MAX) error(what + " value " + std::to_string(value) + " does not fit in int32");
  return int32_t(value);
}

uint64_t Lowerer::checked_bytes(const std::vector<int64_t>& shape, int32_t dtype, const std::string& what) const {
  std::string dims = "[";
  for (size_t k = 0; k < shape.size(); ++k) dims += (k ? "," : "") + std::to_string(shape[k]);
  dims += "]";
  int64_t count = 0, bytes = 0;
  if (!checked_product(shape.data(), 0, int32_t(shape.size()), &count)) {
    error(what + " " + dims + " has more than 2^31 elements or a negative dimension");
  }
  if (!checked_mul(count, int64_t(dtype_size(dtype)), &bytes, kMaxTensorBytes)) {
    error(what + " " + dims + " " + dtype_name(dtype) + " takes more than the 2 GiB a tensor may take");
  }
  return uint64_t(bytes);
}

void Lowerer::error(const std::string& text) const {
  std::string where;
  if (node_) {
    const std::string id = !node_->name().empty() ? node_->name()
                                                   : (node_->output_size() ? "-> " + node_->output(0) : std::string("?"));
    where = "node '" + id + "' (" + node_->op_type() + "): ";
  }
  throw ConvertError(where + text);
}

void Lowerer::remember_qsource(const std::vector<int>& inputs, int out, const std::vector<uint8_t>& params) {
  const Tensor& q = g_.tensors[size_t(inputs[0])];
  if (q.dtype != MOTE_I8 && q.dtype != MOTE_U8) return;
  auto src = std::make_shared<Tensor::QSource>();
  const int shift = q.dtype == MOTE_U8 ? -128 : 0;
  for (int64_t i = 0; i < q.numel(); ++i) {
    src->values.push_back(int8_t(q.dtype == MOTE_U8 ? int32_t(q.data[size_t(i)]) + shift : int32_t(int8_t(q.data[size_t(i)]))));
  }
  src->scales = const_floats(inputs[1], "scale");
  if (inputs.size() > 2 && inputs[2] >= 0) {
    for (int64_t z : const_ints(inputs[2], "zero point")) src->zero_points.push_back(narrow(z, "zero point") + shift);
  } else {
    src->zero_points.assign(src->scales.size(), shift);
  }
  mote_quantize_params p;
  std::memcpy(&p, params.data(), sizeof p);
  src->axis = p.axis < 0 ? p.axis + int32_t(q.shape.size()) : p.axis;
  g_.tensors[size_t(out)].qsource = src;
}

void Lowerer::needs_constant(const Tensor& t, const char* what) const {
  if (t.graph_input) {
    std::string where;
    try {
      error(std::string(what) + " comes from graph input '" + t.name + "', which must be fixed at conversion time: pass --set " + t.name +
            "=VALUE");
    } catch (const ConvertError& e) {
      where = e.what();
    }
    throw NeedsConstantInput(where, t.name);
  }
  error(std::string(what) + " must be known at conversion time, but it is computed at run time");
}

std::string Lowerer::fresh_name(const std::string& base) { return base + "__mote" + std::to_string(counter_++); }

int Lowerer::constant(Tensor t) {
  t.is_const = true;
  if (t.name.empty()) t.name = fresh_name("const");
  return g_.add_tensor(std::move(t));
}

std::vector<int64_t> Lowerer::const_ints(int id, const char* what) const {
  if (id < 0) error(std::string(what) + " is missing");
  const Tensor& t = g_.tensors[size_t(id)];
  if (!t.is_const) needs_constant(t, what);
  std::vector<int64_t> v(size_t(t.numel()));
  for (size_t k = 0; k < v.size(); ++k) {
    switch (t.dtype) {
      case MOTE_I64: v[k] = t.as<int64_t>()[k]; break;
      case MOTE_I32: v[k] = t.as<int32_t>()[k]; break;
      case MOTE_I8: v[k] = t.as<int8_t>()[k]; break;
      case MOTE_U8:
      case MOTE_BOOL: v[k] = t.as<uint8_t>()[k]; break;
      default: error(std::string(what) + " must be an integer tensor");
    }
  }
  return v;
}

std::vector<float> Lowerer::const_floats(int id, const char* what) const {
  if (id < 0) error(std::string(what) + " is missing");
  const Tensor& t = g_.tensors[size_t(id)];
  if (!t.is_const) needs_constant(t, what);
  if (t.dtype != MOTE_F32) {
    std::vector<float> v;
    for (int64_t x : const_ints(id, what)) v.push_back(float(x));
    return v;
  }
  std::vector<float> v(size_t(t.numel()));
  if (!v.empty()) std::memcpy(v.data(), t.data.data(), v.size() * 4);
  return v;
}

std::vector<int> Lowerer::emit(int32_t code, std::vector<uint8_t> params, const std::vector<int>& inputs,
                               const std::vector<std::string>& out_names) {
  if (inputs.size() > MOTE_MAX_OP_INPUTS) error("more than 16 inputs");
  if (out_names.size() > MOTE_MAX_OP_OUTPUTS) error("more than 16 outputs");
  if (inputs.size() + out_names.size() > MOTE_MAX_OP_OPERANDS) error("more than 17 inputs and outputs together");
  std::vector<TensorView> in;
  bool all_const = true;
  for (int id : inputs) {
    if (id < 0) {
      in.push_back(TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}});
      continue;
    }
    const Tensor& t = g_.tensors[size_t(id)];
    all_const = all_const && t.is_const;
    in.push_back(view_of(t, t.is_const));
  }
  char text[192];
  Diag diag(text, sizeof text);
  std::vector<TensorView> inferred(out_names.size());
  const int32_t num_out = int32_t(out_names.size());
  OpArgs args{code, params.data(), uint32_t(params.size()), in.data(), int32_t(in.size()), nullptr, num_out, nullptr, 0, &diag};
  uint32_t scratch = 0;
  Status st = op_infer(args, inferred.data(), &scratch);
  if (st == Status::kUnsupportedOp) error(std::string("no Mote kernel for ") + op_name(code) + ": " + diag.text());
  if (st != Status::kOk) error(diag.text());
  std::vector<int> ids;
  for (int32_t k = 0; k < num_out; ++k) {
    Tensor t;
    t.name = out_names[size_t(k)];
    t.dtype = inferred[size_t(k)].dtype;
    for (int32_t d = 0; d < inferred[size_t(k)].rank; ++d) t.shape.push_back(inferred[size_t(k)].dims[d]);
    // Before folding allocates it (and before the planner would refuse it much later).
    checked_bytes(t.shape, t.dtype, "output '" + t.name + "'");
    ids.push_back(g_.add_tensor(std::move(t)));
  }
  if (all_const) {
    std::vector<TensorView> out_views;
    for (int id : ids) {
      Tensor& t = g_.tensors[size_t(id)];
      t.is_const = true;
      t.data.assign(t.bytes(), 0);
      out_views.push_back(view_of(t, true));
    }
    std::vector<uint8_t> scratch_buf(scratch + 16);
    args.out = out_views.data();
    args.scratch = scratch_buf.data();
    args.scratch_bytes = scratch;
    st = op_run_reference(args);  // reference kernels: the blob must not depend on the host CPU
    if (st != Status::kOk) error(std::string("while folding constants: ") + diag.text());
    ++folded_;
    if (code == MOTE_OP_DEQUANTIZE) remember_qsource(inputs, ids[0], params);
  } else {
    Op op;
    op.code = code;
    op.params = std::move(params);
    op.inputs = inputs;
    op.outputs = ids;
    op.name = node_ ? node_->name() : std::string();
    g_.ops.push_back(std::move(op));
  }
  for (size_t k = 0; k < out_names.size(); ++k) {
    if (!out_names[k].empty()) bind(out_names[k], ids[k]);
  }
  return ids;
}

bool lowers_op_type(const std::string& op_type) { return lowering_table().count(op_type) != 0; }

void Lowerer::lower_node(const onnx::NodeProto& node) {
  const onnx::NodeProto* saved = node_;
  node_ = &node;
  if (!node.domain().empty() && node.domain() != "ai.onnx") error("operator domain '" + node.domain() + "' is not supported");
  const auto& table = lowering_table();
  auto it = table.find(node.op_type());
  if (it == table.end()) error("unsupported op type '" + node.op_type() + "'");
  // Anything else the lowering throws (std::out_of_range from a short attribute list,
  // std::bad_alloc, a protobuf or onnx exception...) becomes a ConvertError naming this node.
  try {
    it->second(*this, node);
  } catch (const ConvertError&) {
    throw;
  } catch (const std::bad_alloc&) {
    error("out of memory");
  } catch (const std::exception& e) {
    error(std::string("internal error: ") + e.what());
  }
  node_ = saved;
}

void Lowerer::lower_graph(const onnx::GraphProto& graph) {
  for (const auto& init : graph.initializer()) {
    Tensor t = tensor_from_proto(init);
    t.name = init.name();
    bind(init.name(), constant(std::move(t)));
  }
  for (const auto& node : graph.node()) lower_node(node);
}

}  // namespace mote

// Lowering of the element-wise ops: one-input functions and activations (Shrink among them),
// binary arithmetic, comparisons and logic, the variadic Sum/Mean/Max/Min, Clip, Cast, PRelu and Where
// (runtime/kernels/reference/elementwise.cc).

#include <cmath>
#include <cstring>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

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
    const int lo = in_at(in, 1), hi = in_at(in, 2);
    // Bounds the graph computes at run time: max(x, min) then min(., max), as ONNX defines Clip
    // (with min > max every element becomes max), on the broadcasting binary kernels.
    if ((lo >= 0 && !L.t(lo).is_const) || (hi >= 0 && !L.t(hi).is_const)) {
      const mote_binary_params b{no_act(), 0};
      int acc = in[0];
      if (lo >= 0) acc = L.emit(MOTE_OP_MAX, b, {acc, lo}, {hi >= 0 ? L.fresh_name(n.output(0)) : n.output(0)})[0];
      if (hi >= 0) L.emit(MOTE_OP_MIN, b, {acc, hi}, out0(n));
      return;
    }
    auto bound = [&](int id, float def) -> float {
      if (id < 0) return def;
      if (dt == MOTE_F32) return L.const_floats(id, "Clip min/max").at(0);
      return float(L.const_ints(id, "Clip min/max").at(0));
    };
    p.alpha = bound(lo, dt == MOTE_F32 ? -INFINITY : -3.0e38f);
    p.beta = bound(hi, dt == MOTE_F32 ? INFINITY : 3.0e38f);
  }
  L.emit(MOTE_OP_CLIP, p, {in[0]}, out0(n));
}

void lower_cast(Lowerer& L, const Node& n) {
  int32_t to = mote_dtype_from_onnx(attr_i32(L, n, "to", 0));
  if (!to) L.error("Cast to ONNX type " + std::to_string(attr_int(n, "to", 0)) + " is not supported");
  L.emit(MOTE_OP_CAST, mote_cast_params{to}, inputs_of(L, n), out0(n));
}

}  // namespace

void add_elementwise_ops(LowerTable& t) {
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
  t["Shrink"] = [](Lowerer& L, const Node& n) {
    lower_unary(L, n, MOTE_OP_SHRINK, {attr_float(n, "lambd", 0.5f), attr_float(n, "bias", 0.0f), 0});
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
}

}  // namespace lowering
}  // namespace mote

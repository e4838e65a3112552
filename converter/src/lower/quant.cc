// Lowering of ONNX's quantized ops (docs/quantization.md): QuantizeLinear, DequantizeLinear,
// DynamicQuantizeLinear, MatMulInteger, QLinearMatMul, ConvInteger and QLinearConv
// (runtime/kernels/reference/quant.cc).

#include <cmath>
#include <cstdint>
#include <cstring>

#include "lower/common.h"

namespace mote {
namespace lowering {

namespace {

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
  mote_qmatmul_params p{a_zp, 0, -128, 127, MOTE_B_KN};
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

}  // namespace

void add_quant_ops(LowerTable& t) {
  t["QuantizeLinear"] = [](Lowerer& L, const Node& n) { lower_quantize_linear(L, n, true); };
  t["DequantizeLinear"] = [](Lowerer& L, const Node& n) { lower_quantize_linear(L, n, false); };
  t["DynamicQuantizeLinear"] = [](Lowerer& L, const Node& n) {
    L.emit(MOTE_OP_DYNAMIC_QUANTIZE, qparams(0, MOTE_U8), inputs_of(L, n), outs(n));
  };
  t["MatMulInteger"] = [](Lowerer& L, const Node& n) { lower_matmul_integer(L, n, false); };
  t["QLinearMatMul"] = [](Lowerer& L, const Node& n) { lower_matmul_integer(L, n, true); };
  t["ConvInteger"] = [](Lowerer& L, const Node& n) { lower_conv_integer(L, n, false); };
  t["QLinearConv"] = [](Lowerer& L, const Node& n) { lower_conv_integer(L, n, true); };
}

}  // namespace lowering
}  // namespace mote

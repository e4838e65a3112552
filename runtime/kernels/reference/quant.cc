// Reference int8 kernels: quantize/dequantize, sign flips, requantize, lookup tables, QConv,
// QMatMul, QAdd, QMul. Integer results are exact: every target must produce the same bytes.
#include <math.h>

#include "common.h"
#include "quant.h"
#include "../conv_shape.h"

namespace mote {
namespace ref {
namespace {

bool is_q8(int32_t dt) { return dt == MOTE_I8 || dt == MOTE_U8; }

// Per-tensor or per-axis quantisation parameter: element `i` of a tensor picks index
// (i / inner) % count from a [count] parameter (count 1 means per tensor).
struct AxisIndex {
  int64_t inner = 1;
  int64_t count = 1;
  int64_t at(int64_t i) const { return count == 1 ? 0 : (i / inner) % count; }
};

Status axis_index(const OpArgs& a, const TensorView& x, const TensorView& param, int32_t axis, AxisIndex* out) {
  const int64_t n = param.numel();
  if (n == 1) return Status::kOk;
  if (param.rank != 1 || x.rank == 0 || !normalize_axis(&axis, x.rank) || n != x.dims[axis]) {
    return Fail(a.diag, Status::kBadParams).s("scale/zero point of ").i(n).s(" elements does not match axis ").i(axis);
  }
  out->count = n;
  out->inner = product(x.dims, axis + 1, x.rank);
  return Status::kOk;
}

int32_t load_q(const TensorView& t, int64_t i) {
  switch (t.dtype) {
    case MOTE_I8: return t.as<int8_t>()[i];
    case MOTE_U8: return t.as<uint8_t>()[i];
    case MOTE_I32: return t.as<int32_t>()[i];
    default: return 0;
  }
}

int32_t saturate(int32_t v, int32_t dtype) {
  return dtype == MOTE_U8 ? clamp_i32(v, 0, 255) : clamp_i32(v, -128, 127);
}

int32_t round_to_int(float v) {
  if (v != v) return 0;
  if (v > 2.0e9f) return 2000000000;
  if (v < -2.0e9f) return -2000000000;
  return int32_t(nearbyintf(v));  // ties to even
}

// Defined int8 arithmetic (docs/quantization.md). Multipliers are at most kMaxMultiplier, so a
// requantised int32 (requantize() saturates its left shift) stays 511 away from the int32 limits
// and adding a zero point never overflows, on any target.
bool requant_ok(int32_t mult, int32_t shift) { return mult >= 0 && mult <= MOTE_MAX_MULTIPLIER && shift >= -31 && shift <= 30; }

Status check_requant(const OpArgs& a, const TensorView& mult, const TensorView& shift, int64_t channels) {
  if (mult.dtype != MOTE_I32 || shift.dtype != MOTE_I32 || mult.rank > 1 || shift.rank > 1 ||
      !(mult.numel() == channels || mult.numel() == 1) || mult.numel() != shift.numel()) {
    return Fail(a.diag, Status::kBadParams).s("multiplier/shift must be int32 [").i(channels).s("] or [1]");
  }
  if (mult.data) {  // constants (the verifier refuses them in the arena)
    for (int64_t k = 0; k < mult.numel(); ++k) {
      if (!requant_ok(mult.as<int32_t>()[k], shift.as<int32_t>()[k])) {
        return Fail(a.diag, Status::kBadParams).s("multiplier/shift out of range at ").i(k);
      }
    }
  }
  return Status::kOk;
}

Status check_zp_vector(const OpArgs& a, const TensorView& zp, int64_t channels) {
  if (zp.dtype != MOTE_I32 || zp.rank > 1 || !(zp.numel() == channels || zp.numel() == 1)) {
    return Fail(a.diag, Status::kBadParams).s("zero points must be int32 [").i(channels).s("] or [1]");
  }
  return Status::kOk;
}

Status check_act_range(const OpArgs& a, int32_t lo, int32_t hi, bool int8_out) {
  if (lo > hi || (int8_out && (lo < -128 || hi > 127))) return Fail(a.diag, Status::kBadParams).s("bad activation range");
  return Status::kOk;
}

bool opt(const OpArgs& a, int32_t k) { return a.num_in > k && a.in[k].present(); }

// A fused LeakyRelu/PRelu: NEG_MULT/NEG_SHIFT (inputs 6 and 7) go together and need MULT/SHIFT.
// The folded start (input MOTE_QCONV_START, blob 1.5): int32 [channels], in place of the bias
// and without weight zero points.
Status check_start(const OpArgs& a, int64_t channels) {
  if (!opt(a, MOTE_QCONV_START)) return Status::kOk;
  const TensorView& s = a.in[MOTE_QCONV_START];
  if (s.dtype != MOTE_I32 || s.numel() != channels) {
    return Fail(a.diag, Status::kBadParams).s("the folded start must be int32 [").i(channels).s("]");
  }
  if (opt(a, 2) || opt(a, 5)) {
    return Fail(a.diag, Status::kBadParams).s("the folded start goes without bias and weight zero points");
  }
  return Status::kOk;
}

Status check_negative_side(const OpArgs& a, int64_t channels) {
  if (opt(a, 6) != opt(a, 7)) return Fail(a.diag, Status::kBadParams).s("negative multiplier and shift go together");
  if (!opt(a, 6)) return Status::kOk;
  if (!opt(a, 3)) return Fail(a.diag, Status::kBadParams).s("a negative multiplier needs the multiplier");
  return check_requant(a, a.in[6], a.in[7], channels);
}

int32_t pick(const TensorView& t, int64_t k) { return t.as<int32_t>()[t.numel() == 1 ? 0 : k]; }

// The weights of one int8 conv/matmul: output channel c's K weights start at c * ch_stride and
// step by k_stride, repeated over `batches` weight matrices batch_stride apart.
struct WeightLayout {
  int64_t channels, k, k_stride, ch_stride, batches, batch_stride;
};

// Proves at load that no int8 conv/matmul accumulator can overflow on any target. Output
// channel c accumulates bias[c] + sum_k (x - x_zp)(w - w_zp[c]) with |x - x_zp| <= 255, so its
// magnitude is at most |bias[c]| + 255 * S[c], S[c] = sum_k |w - w_zp[c]|. Optimised kernels
// split that sum (sum x*w, minus x_zp * sum w, or with x shifted by 128), and every part is
// bounded by 255 * S[c] as well; so the verifier requires |bias[c]| + 2 * 255 * S[c] to fit in
// int32. Weights not known at load (an arena tensor: MatMulInteger with a run-time B) count as
// the widest |w - w_zp[c]|. S[c] is first bounded by K times that width; the weights are summed
// only when that is too loose (reductions over more than about 16,000 products).
Status check_accumulators(const OpArgs& a, const TensorView& w, const WeightLayout& l, int32_t bias_in, int32_t zp_in) {
  const bool has_bias = opt(a, bias_in), has_zp = opt(a, zp_in);
  // Bias and zero points are constants (the verifier refuses them in the arena); while planning
  // (no data yet) there is nothing to check.
  if ((has_bias && !a.in[bias_in].data) || (has_zp && !a.in[zp_in].data)) return Status::kOk;
  for (int64_t c = 0; c < l.channels; ++c) {
    const int64_t zp = has_zp ? pick(a.in[zp_in], c) : 0;
    const int64_t bias = has_bias ? a.in[bias_in].as<int32_t>()[c] : 0;
    const int64_t abs_bias = bias < 0 ? -bias : bias;
    const int64_t width = 128 + (zp < 0 ? -zp : zp);  // the widest |w - zp| of an int8 w
    if (abs_bias + 2 * 255 * l.k * width <= INT32_MAX) continue;
    int64_t widest = l.k * width;
    if (w.data) {
      widest = 0;
      const int8_t* wd = w.as<int8_t>();
      for (int64_t b = 0; b < l.batches; ++b) {
        int64_t sum = 0;
        const int8_t* p = wd + b * l.batch_stride + c * l.ch_stride;
        for (int64_t k = 0; k < l.k; ++k) {
          const int64_t d = int64_t(p[k * l.k_stride]) - zp;
          sum += d < 0 ? -d : d;
        }
        widest = sum > widest ? sum : widest;
      }
    }
    const int64_t bound = abs_bias + 2 * 255 * widest;
    if (bound > INT32_MAX) {
      return Fail(a.diag, Status::kBadParams)
          .s("the int32 accumulator of output channel ").i(c).s(" can reach ").i(bound).s(" (").i(l.k)
          .s(" products, bias ").i(bias).s("): it would overflow");
    }
  }
  return Status::kOk;
}

}  // namespace
}  // namespace ref

using namespace ref;

// ---- quantize family -------------------------------------------------------------------------

Status infer_quantize(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_params<mote_quantize_params>(a));
  const mote_quantize_params& p = a.p<mote_quantize_params>();
  if (a.num_in < 1 || !a.in[0].present()) return Fail(a.diag, Status::kBadParams).s("input is required");
  const TensorView& x = a.in[0];
  AxisIndex idx;
  switch (a.code) {
    case MOTE_OP_QUANTIZE:
    case MOTE_OP_DEQUANTIZE: {
      MOTE_TRY(check_arity(a, 2, 3, 1));
      const bool q = a.code == MOTE_OP_QUANTIZE;
      if (q ? x.dtype != MOTE_F32 : !(is_q8(x.dtype) || x.dtype == MOTE_I32)) {
        return Fail(a.diag, Status::kBadParams).s("input is ").s(dtype_name(x.dtype));
      }
      MOTE_TRY(check_dtype(a, 1, MOTE_F32));
      MOTE_TRY(axis_index(a, x, a.in[1], p.axis, &idx));
      const int32_t qtype = q ? p.out_dtype : x.dtype;
      if (q && !is_q8(qtype)) return Fail(a.diag, Status::kBadParams).s("QuantizeLinear output must be int8 or uint8");
      if (opt(a, 2)) {
        if (a.in[2].dtype != qtype || a.in[2].numel() != a.in[1].numel()) {
          return Fail(a.diag, Status::kBadParams).s("zero point must be ").s(dtype_name(qtype)).s(" shaped like the scale");
        }
      }
      same_as(out, x, q ? qtype : int32_t(MOTE_F32));
      return Status::kOk;
    }
    case MOTE_OP_DYNAMIC_QUANTIZE:
      MOTE_TRY(check_arity(a, 1, 1, 3));
      MOTE_TRY(check_dtype(a, 0, MOTE_F32));
      same_as(&out[0], x, MOTE_U8);
      set_shape(&out[1], MOTE_F32, 0, nullptr);
      set_shape(&out[2], MOTE_U8, 0, nullptr);
      return Status::kOk;
    case MOTE_OP_FLIP_SIGN:
      MOTE_TRY(check_arity(a, 1, 1, 1));
      if (!is_q8(x.dtype)) return Fail(a.diag, Status::kBadParams).s("FlipSign takes int8 or uint8");
      same_as(out, x, x.dtype == MOTE_I8 ? MOTE_U8 : MOTE_I8);
      return Status::kOk;
    case MOTE_OP_REQUANTIZE:
      MOTE_TRY(check_arity(a, 1, 1, 1));
      MOTE_TRY(check_dtype(a, 0, MOTE_I8));
      if (!requant_ok(p.mult, p.shift) || p.in_zp < -128 || p.in_zp > 127 || p.out_zp < -128 || p.out_zp > 127) {
        return Fail(a.diag, Status::kBadParams).s("requantisation parameters out of range");
      }
      same_as(out, x, MOTE_I8);
      return Status::kOk;
    case MOTE_OP_LUT:
      MOTE_TRY(check_arity(a, 2, 2, 1));
      MOTE_TRY(check_dtype(a, 0, MOTE_I8));
      MOTE_TRY(check_dtype(a, 1, MOTE_I8));
      if (a.in[1].numel() != 256) return Fail(a.diag, Status::kBadParams).s("the lookup table must have 256 entries");
      same_as(out, x, MOTE_I8);
      return Status::kOk;
    default: return unsupported(a);
  }
}

Status run_quantize(const OpArgs& a) {
  const mote_quantize_params& p = a.p<mote_quantize_params>();
  const TensorView& x = a.in[0];
  const int64_t n = x.numel();
  switch (a.code) {
    case MOTE_OP_QUANTIZE:
    case MOTE_OP_DEQUANTIZE: {
      AxisIndex idx;
      MOTE_TRY(axis_index(a, x, a.in[1], p.axis, &idx));
      const float* scale = a.in[1].as<float>();
      const bool has_zp = opt(a, 2);
      if (a.code == MOTE_OP_QUANTIZE) {
        const int32_t dt = a.out[0].dtype;
        const float* in = x.as<float>();
        for (int64_t i = 0; i < n; ++i) {
          const int64_t c = idx.at(i);
          const int32_t zp = has_zp ? load_q(a.in[2], c) : 0;
          const int32_t q = saturate(round_to_int(in[i] / scale[c]) + zp, dt);
          if (dt == MOTE_U8) {
            a.out[0].as<uint8_t>()[i] = uint8_t(q);
          } else {
            a.out[0].as<int8_t>()[i] = int8_t(q);
          }
        }
      } else {
        float* y = a.out[0].as<float>();
        for (int64_t i = 0; i < n; ++i) {
          const int64_t c = idx.at(i);
          const int32_t zp = has_zp ? load_q(a.in[2], c) : 0;
          y[i] = float(int64_t(load_q(x, i)) - zp) * scale[c];  // int32 x and zero point: no overflow
        }
      }
      return Status::kOk;
    }
    case MOTE_OP_DYNAMIC_QUANTIZE: {
      const float* in = x.as<float>();
      float lo = 0.0f, hi = 0.0f;
      for (int64_t i = 0; i < n; ++i) {
        lo = in[i] < lo ? in[i] : lo;
        hi = in[i] > hi ? in[i] : hi;
      }
      const float scale = (hi - lo) / 255.0f;
      const int32_t zp = scale > 0.0f ? clamp_i32(round_to_int(0.0f - lo / scale), 0, 255) : 0;
      uint8_t* y = a.out[0].as<uint8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = uint8_t(scale > 0.0f ? clamp_i32(round_to_int(in[i] / scale) + zp, 0, 255) : zp);
      *a.out[1].as<float>() = scale;
      *a.out[2].as<uint8_t>() = uint8_t(zp);
      return Status::kOk;
    }
    case MOTE_OP_FLIP_SIGN: {
      const uint8_t* in = x.as<uint8_t>();
      uint8_t* y = a.out[0].as<uint8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = uint8_t(in[i] ^ 0x80u);
      return Status::kOk;
    }
    case MOTE_OP_REQUANTIZE: {
      const int8_t* in = x.as<int8_t>();
      int8_t* y = a.out[0].as<int8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = int8_t(clamp_i32(requantize(in[i] - p.in_zp, p.mult, p.shift) + p.out_zp, -128, 127));
      return Status::kOk;
    }
    case MOTE_OP_LUT: {
      const int8_t* in = x.as<int8_t>();
      const int8_t* table = a.in[1].as<int8_t>();
      int8_t* y = a.out[0].as<int8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = table[in[i] + 128];
      return Status::kOk;
    }
    default: return unsupported(a);
  }
}

// ---- QConv -----------------------------------------------------------------------------------

Status infer_qconv(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, MOTE_QCONV_START + 1, 1));
  // The record as written since blob 1.4 (with its layout), or the 4 bytes shorter one before.
  if (a.params_size != sizeof(mote_qconv_params) && a.params_size != sizeof(mote_qconv_params) - 4) {
    MOTE_TRY(check_params<mote_qconv_params>(a));
  }
  const mote_qconv_params& p = a.p<mote_qconv_params>();
  const mote_conv_params& c = p.conv;
  const int32_t layout = qconv_layout(a);
  MOTE_TRY(check_dtype(a, 0, MOTE_I8));
  MOTE_TRY(check_dtype(a, 1, MOTE_I8));
  if (c.spatial_rank != 1 && c.spatial_rank != 2) return Fail(a.diag, Status::kBadParams).s("only 1-D and 2-D QConv");
  if (layout != MOTE_LAYOUT_NCHW && layout != MOTE_LAYOUT_NHWC) {
    return Fail(a.diag, Status::kBadParams).s("unknown layout ").i(layout);
  }
  if (c.group < 1) return Fail(a.diag, Status::kBadParams).s("group must be >= 1");
  const TensorView& x = a.in[0];
  const TensorView& w = a.in[1];
  const int32_t r = c.spatial_rank;
  if (x.rank != r + 2 || w.rank != r + 2) return Fail(a.diag, Status::kBadParams).s("X and W must have rank ").i(r + 2);
  // NCHW: channels at axis 1, space from axis 2; NHWC: space from axis 1, channels last (W alike).
  const bool nhwc = layout == MOTE_LAYOUT_NHWC;
  const int32_t xc = nhwc ? x.rank - 1 : 1, wc = nhwc ? w.rank - 1 : 1, sp = nhwc ? 1 : 2;
  const int32_t m = w.dims[0];
  if (x.dims[xc] % c.group != 0 || m % c.group != 0 || int64_t(w.dims[wc]) * c.group != x.dims[xc]) {
    return Fail(a.diag, Status::kBadParams).s("channels: X has ").i(x.dims[xc]).s(", W ").dims(w.dims, w.rank);
  }
  if (p.in_zp < -128 || p.in_zp > 127 || p.out_zp < -128 || p.out_zp > 127) {
    return Fail(a.diag, Status::kBadParams).s("zero point out of range");
  }
  if (opt(a, 2) && (a.in[2].dtype != MOTE_I32 || a.in[2].numel() != m)) {
    return Fail(a.diag, Status::kBadParams).s("bias must be int32 [").i(m).s("]");
  }
  const bool requant = opt(a, 3);
  if (requant != opt(a, 4)) return Fail(a.diag, Status::kBadParams).s("multiplier and shift go together");
  if (requant) MOTE_TRY(check_requant(a, a.in[3], a.in[4], m));
  if (opt(a, 5)) MOTE_TRY(check_zp_vector(a, a.in[5], m));
  MOTE_TRY(check_negative_side(a, m));
  MOTE_TRY(check_start(a, m));
  MOTE_TRY(check_act_range(a, p.act_min, p.act_max, requant));
  const int64_t taps = product(w.dims, 1, w.rank);  // from W itself: the kernel sizes are checked below
  // The folded start bounds the sums as a bias would (|x| <= 128 < 255 = |x - zp|'s bound).
  MOTE_TRY(check_accumulators(a, w, WeightLayout{m, taps, 1, taps, 1, 0}, opt(a, MOTE_QCONV_START) ? MOTE_QCONV_START : 2, 5));
  out->dtype = requant ? MOTE_I8 : MOTE_I32;
  out->rank = x.rank;
  out->dims[0] = x.dims[0];
  out->dims[xc] = m;
  for (int32_t d = 0; d < r; ++d) {
    if (w.dims[sp + d] != c.kernel[d] || c.stride[d] < 1 || c.dilation[d] < 1 || c.pad_begin[d] < 0 || c.pad_end[d] < 0 ||
        c.stride[d] > 65535 || c.dilation[d] > 65535 || c.pad_begin[d] > 65535 || c.pad_end[d] > 65535) {
      return Fail(a.diag, Status::kBadParams).s("bad kernel/stride/dilation/pad on spatial axis ").i(d);
    }
    const int64_t span = int64_t(c.kernel[d] - 1) * c.dilation[d] + 1;
    const int64_t padded = int64_t(x.dims[sp + d]) + c.pad_begin[d] + c.pad_end[d];
    if (padded < span) return Fail(a.diag, Status::kBadParams).s("kernel larger than padded input");
    out->dims[sp + d] = int32_t((padded - span) / c.stride[d] + 1);
  }
  return Status::kOk;
}

Status run_qconv(const OpArgs& a) {
  const mote_qconv_params& p = a.p<mote_qconv_params>();
  const mote_conv_params& c = p.conv;
  const TensorView& w = a.in[1];
  const TensorView& y = a.out[0];
  const bool nhwc = qconv_layout(a) == MOTE_LAYOUT_NHWC;
  const ConvShape s = nhwc ? conv_shape_nhwc(a) : conv_shape(a);
  const int32_t n = s.n, ch = s.c, ih = s.ih, iw = s.iw, m = s.m, oh = s.oh, ow = s.ow, kh = s.kh, kw = s.kw;
  const int32_t sh = s.sh, sw = s.sw, dh = s.dh, dw = s.dw, ph = s.ph, pw = s.pw;
  const int32_t cg = ch / c.group, mg = m / c.group;
  // Element strides of X, W and Y: (channel, row, column) and W's (channel, tap row, tap column).
  const int64_t x_c = nhwc ? 1 : int64_t(ih) * iw, x_r = nhwc ? int64_t(iw) * ch : iw, x_col = nhwc ? ch : 1;
  const int64_t w_c = nhwc ? 1 : int64_t(kh) * kw, w_r = nhwc ? int64_t(kw) * cg : kw, w_col = nhwc ? cg : 1;
  const int64_t y_c = nhwc ? 1 : int64_t(oh) * ow, y_r = nhwc ? int64_t(ow) * m : ow, y_col = nhwc ? m : 1;
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = w.as<int8_t>();
  // The folded form: the start, then every tap's x * w, the zero point where a tap is in the
  // padding (sum (x - zp) * w over the taps inside = that - zp * sum w, which the start holds).
  const bool folded = opt(a, MOTE_QCONV_START);
  const int32_t* bias = folded ? a.in[MOTE_QCONV_START].as<int32_t>() : opt(a, 2) ? a.in[2].as<int32_t>() : nullptr;
  const int32_t sub = folded ? 0 : p.in_zp;  // what each tap's x is taken from
  const bool requant = opt(a, 3);
  const bool neg = opt(a, 6);
  for (int32_t b = 0; b < n; ++b) {
    for (int32_t om = 0; om < m; ++om) {
      const int32_t g = om / mg;
      const int32_t wzp = opt(a, 5) ? pick(a.in[5], om) : 0;
      for (int32_t oy = 0; oy < oh; ++oy) {
        for (int32_t ox = 0; ox < ow; ++ox) {
          int32_t acc = bias ? bias[om] : 0;
          for (int32_t ci = 0; ci < cg; ++ci) {
            const int8_t* xp = xd + int64_t(b) * ch * ih * iw + (int64_t(g) * cg + ci) * x_c;
            const int8_t* wp = wd + int64_t(om) * cg * kh * kw + int64_t(ci) * w_c;
            for (int32_t u = 0; u < kh; ++u) {
              const int32_t r = oy * sh - ph + u * dh;
              for (int32_t v = 0; v < kw; ++v) {
                const int32_t col = ox * sw - pw + v * dw;
                // Padding reads the zero point: (zp - zp) * w = 0 unfolded, zp * w folded.
                const bool inside = r >= 0 && r < ih && col >= 0 && col < iw;
                if (!inside && !folded) continue;
                const int32_t xv = inside ? int32_t(xp[r * x_r + col * x_col]) : p.in_zp;
                acc += (xv - sub) * (int32_t(wp[u * w_r + v * w_col]) - wzp);
              }
            }
          }
          const int64_t at = int64_t(b) * m * oh * ow + om * y_c + oy * y_r + ox * y_col;
          if (requant) {
            const int32_t v = (neg ? requantize_signed(acc, pick(a.in[3], om), pick(a.in[4], om), pick(a.in[6], om), pick(a.in[7], om))
                                   : requantize(acc, pick(a.in[3], om), pick(a.in[4], om))) +
                              p.out_zp;
            y.as<int8_t>()[at] = int8_t(clamp_i32(v, p.act_min, p.act_max));
          } else {
            y.as<int32_t>()[at] = acc;
          }
        }
      }
    }
  }
  return Status::kOk;
}

// ---- QMatMul ---------------------------------------------------------------------------------

Status infer_qmatmul(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, MOTE_QCONV_START + 1, 1));
  // The record as written since blob 1.4 (with b_layout), or the 4 bytes shorter one before.
  if (a.params_size != sizeof(mote_qmatmul_params) && a.params_size != sizeof(mote_qmatmul_params) - 4) {
    MOTE_TRY(check_params<mote_qmatmul_params>(a));
  }
  const mote_qmatmul_params& p = a.p<mote_qmatmul_params>();
  const int32_t b_layout = qmatmul_b_layout(a);
  MOTE_TRY(check_dtype(a, 0, MOTE_I8));
  MOTE_TRY(check_dtype(a, 1, MOTE_I8));
  MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
  MOTE_TRY(check_rank(a, 1, 2, MOTE_MAX_RANK));
  if (b_layout != MOTE_B_KN && b_layout != MOTE_B_NK) return Fail(a.diag, Status::kBadParams).s("unknown B layout ").i(b_layout);
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const bool nk = b_layout == MOTE_B_NK;
  if (nk && B.rank != 2) return Fail(a.diag, Status::kBadParams).s("B [N, K] must have rank 2");
  if (A.dims[A.rank - 1] != B.dims[nk ? 1 : B.rank - 2]) return Fail(a.diag, Status::kBadParams).s("A and B do not multiply");
  const int32_t N = nk ? B.dims[0] : B.dims[B.rank - 1];
  TensorView ba{}, bb{};
  ba.rank = A.rank - 2;
  bb.rank = B.rank - 2;
  for (int32_t k = 0; k < ba.rank; ++k) ba.dims[k] = A.dims[k];
  for (int32_t k = 0; k < bb.rank; ++k) bb.dims[k] = B.dims[k];
  const TensorView* shapes[2] = {&ba, &bb};
  MOTE_TRY(broadcast_shapes(a, shapes, 2, out));
  out->dims[out->rank++] = A.dims[A.rank - 2];
  out->dims[out->rank++] = N;
  if (p.a_zp < -128 || p.a_zp > 127 || p.out_zp < -128 || p.out_zp > 127) {
    return Fail(a.diag, Status::kBadParams).s("zero point out of range");
  }
  if (opt(a, 2) && (a.in[2].dtype != MOTE_I32 || a.in[2].numel() != N)) {
    return Fail(a.diag, Status::kBadParams).s("bias must be int32 [").i(N).s("]");
  }
  const bool requant = opt(a, 3);
  if (requant != opt(a, 4)) return Fail(a.diag, Status::kBadParams).s("multiplier and shift go together");
  if (requant) MOTE_TRY(check_requant(a, a.in[3], a.in[4], N));
  if (opt(a, 5)) MOTE_TRY(check_zp_vector(a, a.in[5], N));
  MOTE_TRY(check_negative_side(a, N));
  MOTE_TRY(check_start(a, N));
  MOTE_TRY(check_act_range(a, p.act_min, p.act_max, requant));
  const int64_t K = A.dims[A.rank - 1], KN = K * N;
  MOTE_TRY(check_accumulators(a, B, nk ? WeightLayout{N, K, 1, K, 1, 0} : WeightLayout{N, K, N, 1, KN ? B.numel() / KN : 0, KN},
                              opt(a, MOTE_QCONV_START) ? MOTE_QCONV_START : 2, 5));
  out->dtype = requant ? MOTE_I8 : MOTE_I32;
  return Status::kOk;
}

Status run_qmatmul(const OpArgs& a) {
  const mote_qmatmul_params& p = a.p<mote_qmatmul_params>();
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const TensorView& Y = a.out[0];
  const bool nk = qmatmul_b_layout(a) == MOTE_B_NK;
  const int32_t M = A.dims[A.rank - 2], K = A.dims[A.rank - 1], N = nk ? B.dims[0] : B.dims[B.rank - 1];
  const int64_t b_k = nk ? 1 : N, b_n = nk ? K : 1;  // B's strides along k and n
  // The folded form: the start, then sum a * b (the start holds - a_zp * sum b).
  const bool folded = opt(a, MOTE_QCONV_START);
  const int32_t* bias = folded ? a.in[MOTE_QCONV_START].as<int32_t>() : opt(a, 2) ? a.in[2].as<int32_t>() : nullptr;
  const int32_t a_zp = folded ? 0 : p.a_zp;
  const bool requant = opt(a, 3);
  const bool neg = opt(a, 6);
  const int64_t mk = int64_t(M) * K, kn = int64_t(K) * N, mn = int64_t(M) * N;
  const int64_t batches = product(Y.dims, 0, Y.rank - 2);
  for (int64_t o = 0; o < batches; ++o) {
    const int8_t* pa = A.as<int8_t>() + batch_matrix(Y.dims, Y.rank - 2, A.dims, A.rank - 2, o) * mk;
    const int8_t* pb = B.as<int8_t>() + batch_matrix(Y.dims, Y.rank - 2, B.dims, B.rank - 2, o) * kn;
    for (int32_t i = 0; i < M; ++i) {
      for (int32_t j = 0; j < N; ++j) {
        const int32_t bzp = opt(a, 5) ? pick(a.in[5], j) : 0;
        int32_t acc = bias ? bias[j] : 0;
        for (int32_t k = 0; k < K; ++k) acc += (int32_t(pa[int64_t(i) * K + k]) - a_zp) * (int32_t(pb[k * b_k + j * b_n]) - bzp);
        const int64_t at = o * mn + int64_t(i) * N + j;
        if (requant) {
          const int32_t v = (neg ? requantize_signed(acc, pick(a.in[3], j), pick(a.in[4], j), pick(a.in[6], j), pick(a.in[7], j))
                                 : requantize(acc, pick(a.in[3], j), pick(a.in[4], j))) +
                            p.out_zp;
          Y.as<int8_t>()[at] = int8_t(clamp_i32(v, p.act_min, p.act_max));
        } else {
          Y.as<int32_t>()[at] = acc;
        }
      }
    }
  }
  return Status::kOk;
}

// ---- QAdd / QMul -----------------------------------------------------------------------------

Status infer_qbinary(const OpArgs& a, TensorView* out, uint32_t*) {
  const int32_t inputs = a.code == MOTE_OP_QDIV ? 3 : 2;
  MOTE_TRY(check_arity(a, inputs, inputs, 1));
  if (a.code == MOTE_OP_QDIV) {
    // (a - a_zp) * T fits int32: |a - a_zp| <= 255, |T| <= 2^23.
    MOTE_TRY(check_dtype(a, 2, MOTE_I32));
    if (a.in[2].numel() != 256) return Fail(a.diag, Status::kBadParams).s("the reciprocal table must have 256 entries");
    for (int32_t k = 0; a.in[2].data && k < 256; ++k) {
      const int32_t t = a.in[2].as<int32_t>()[k];
      if (t < -(1 << 23) || t > (1 << 23)) return Fail(a.diag, Status::kBadParams).s("reciprocal table out of range at ").i(k);
    }
  }
  MOTE_TRY(check_params<mote_qbinary_params>(a));
  MOTE_TRY(check_dtype(a, 0, MOTE_I8));
  MOTE_TRY(check_dtype(a, 1, MOTE_I8));
  const mote_qbinary_params& p = a.p<mote_qbinary_params>();
  const int32_t zps[3] = {p.a_zp, p.b_zp, p.out_zp};
  for (int32_t z : zps) {
    if (z < -128 || z > 127) return Fail(a.diag, Status::kBadParams).s("zero point out of range");
  }
  const int32_t mults[3] = {p.a_mult, p.b_mult, p.out_mult};
  const int32_t shifts[3] = {p.a_shift, p.b_shift, p.out_shift};
  for (int32_t k = 0; k < 3; ++k) {
    if (!requant_ok(mults[k], shifts[k])) return Fail(a.diag, Status::kBadParams).s("multiplier/shift out of range");
  }
  if (p.left_shift < 0 || p.left_shift > 20) return Fail(a.diag, Status::kBadParams).s("left shift out of range");
  // QAdd rescales (x - zp) << left_shift (at most 255 << 20) into a' and b' and adds them: each
  // must stay within 2^30 (never saturate), so that the sum fits in int32.
  if (a.code == MOTE_OP_QADD || a.code == MOTE_OP_QSUB) {
    const int32_t input_shifts[2] = {p.a_shift, p.b_shift};
    for (int32_t shift : input_shifts) {
      if ((int64_t(255) << p.left_shift << (shift > 0 ? shift : 0)) > (int64_t(1) << 30)) {
        return Fail(a.diag, Status::kBadParams).s("input shift ").i(shift).s(" too large: a' + b' would overflow");
      }
    }
  }
  MOTE_TRY(check_act_range(a, p.act_min, p.act_max, true));
  const TensorView* shapes[2] = {&a.in[0], &a.in[1]};
  MOTE_TRY(broadcast_shapes(a, shapes, 2, out));
  out->dtype = MOTE_I8;
  return Status::kOk;
}

Status run_qbinary(const OpArgs& a) {
  const mote_qbinary_params& p = a.p<mote_qbinary_params>();
  const int8_t* x = a.in[0].as<int8_t>();
  const int8_t* y = a.in[1].as<int8_t>();
  int8_t* z = a.out[0].as<int8_t>();
  const TensorView* ins[2] = {&a.in[0], &a.in[1]};
  switch (a.code) {
    case MOTE_OP_QADD:
    case MOTE_OP_QSUB: {
      const int32_t sign = a.code == MOTE_OP_QSUB ? -1 : 1;
      for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
        const int32_t va = requantize((int32_t(x[off[0]]) - p.a_zp) * (1 << p.left_shift), p.a_mult, p.a_shift);
        const int32_t vb = requantize((int32_t(y[off[1]]) - p.b_zp) * (1 << p.left_shift), p.b_mult, p.b_shift);
        z[o] = int8_t(clamp_i32(requantize(va + sign * vb, p.out_mult, p.out_shift) + p.out_zp, p.act_min, p.act_max));
      });
      break;
    }
    case MOTE_OP_QMAX:
    case MOTE_OP_QMIN: {
      const bool max = a.code == MOTE_OP_QMAX;
      for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
        const int32_t va = requantize(int32_t(x[off[0]]) - p.a_zp, p.a_mult, p.a_shift);
        const int32_t vb = requantize(int32_t(y[off[1]]) - p.b_zp, p.b_mult, p.b_shift);
        const int32_t v = max ? (va > vb ? va : vb) : (va < vb ? va : vb);
        z[o] = int8_t(clamp_i32(v + p.out_zp, p.act_min, p.act_max));
      });
      break;
    }
    case MOTE_OP_QDIV: {
      const int32_t* table = a.in[2].as<int32_t>();
      for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
        const int32_t q = (int32_t(x[off[0]]) - p.a_zp) * table[int32_t(y[off[1]]) + 128];
        z[o] = int8_t(clamp_i32(requantize(q, p.out_mult, p.out_shift) + p.out_zp, p.act_min, p.act_max));
      });
      break;
    }
    case MOTE_OP_QPRELU:
      for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
        const int32_t d = int32_t(x[off[0]]) - p.a_zp;
        const int32_t v = d >= 0 ? requantize(d, p.a_mult, p.a_shift) : requantize(d * (int32_t(y[off[1]]) - p.b_zp), p.out_mult, p.out_shift);
        z[o] = int8_t(clamp_i32(v + p.out_zp, p.act_min, p.act_max));
      });
      break;
    default:
      for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
        const int32_t prod = (int32_t(x[off[0]]) - p.a_zp) * (int32_t(y[off[1]]) - p.b_zp);
        z[o] = int8_t(clamp_i32(requantize(prod, p.out_mult, p.out_shift) + p.out_zp, p.act_min, p.act_max));
      });
      break;
  }
  return Status::kOk;
}

// ---- QSoftmax --------------------------------------------------------------------------------

Status infer_qsoftmax(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_qsoftmax_params>(a));
  MOTE_TRY(check_dtype(a, 0, MOTE_I8));
  MOTE_TRY(check_dtype(a, 1, MOTE_I32));
  if (a.in[1].numel() != 256) return Fail(a.diag, Status::kBadParams).s("the exp table must have 256 entries");
  int32_t axis = a.p<mote_qsoftmax_params>().axis;
  if (!normalize_axis(&axis, a.in[0].rank)) return Fail(a.diag, Status::kBadParams).s("axis out of range");
  if (a.in[1].data) {
    for (int32_t k = 0; k < 256; ++k) {
      if (a.in[1].as<int32_t>()[k] < 0 || a.in[1].as<int32_t>()[k] > 65536) return Fail(a.diag, Status::kBadParams).s("exp table out of range");
    }
  }
  same_as(out, a.in[0], MOTE_I8);
  return Status::kOk;
}

Status run_qsoftmax(const OpArgs& a) {
  const TensorView& x = a.in[0];
  int32_t axis = a.p<mote_qsoftmax_params>().axis;
  normalize_axis(&axis, x.rank);
  const int64_t outer = product(x.dims, 0, axis), n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank);
  const int32_t* table = a.in[1].as<int32_t>();
  const int8_t* in = x.as<int8_t>();
  int8_t* out = a.out[0].as<int8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int8_t* xp = in + o * n * inner + i;
      int8_t* yp = out + o * n * inner + i;
      int32_t mx = -128;
      for (int64_t k = 0; k < n; ++k) mx = xp[k * inner] > mx ? xp[k * inner] : mx;
      int64_t sum = 0;
      for (int64_t k = 0; k < n; ++k) sum += table[mx - xp[k * inner]];
      for (int64_t k = 0; k < n; ++k) {
        const int64_t q = sum > 0 ? (256 * int64_t(table[mx - xp[k * inner]]) + sum / 2) / sum - 128 : -128;
        yp[k * inner] = int8_t(q < -128 ? -128 : (q > 127 ? 127 : q));
      }
    }
  }
  return Status::kOk;
}

// ---- QLayerNorm ------------------------------------------------------------------------------

Status infer_qlayer_norm(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 3, 3, 1));
  MOTE_TRY(check_params<mote_qlayer_norm_params>(a));
  MOTE_TRY(check_dtype(a, 0, MOTE_I8));
  MOTE_TRY(check_dtype(a, 1, MOTE_I32));
  MOTE_TRY(check_dtype(a, 2, MOTE_I64));
  const mote_qlayer_norm_params& p = a.p<mote_qlayer_norm_params>();
  const TensorView& x = a.in[0];
  int32_t axis = p.axis;
  if (x.rank < 1 || !normalize_axis(&axis, x.rank)) return Fail(a.diag, Status::kBadParams).s("axis out of range");
  const int64_t n = product(x.dims, axis, x.rank);
  if (n < 1 || n > 32768) return Fail(a.diag, Status::kBadParams).s("QLayerNorm rows of ").i(n).s(" elements (1 to 32768)");
  if (a.in[1].numel() != n || a.in[2].numel() != n) return Fail(a.diag, Status::kBadParams).s("G and B must have ").i(n).s(" elements");
  if (p.in_zp < -128 || p.in_zp > 127 || p.out_zp < -128 || p.out_zp > 127) return Fail(a.diag, Status::kBadParams).s("zero point out of range");
  if (p.frac_bits < 0 || p.frac_bits > 40) return Fail(a.diag, Status::kBadParams).s("frac_bits out of range");
  // eps_hi is checked before it is shifted: a negative one would make the shift undefined.
  if (p.eps_hi < 0 || p.eps_hi > (1 << 29)) return Fail(a.diag, Status::kBadParams).s("eps out of range");
  const int64_t eps = int64_t(uint32_t(p.eps_lo)) | (int64_t(p.eps_hi) << 32);
  if (eps > (int64_t(1) << 61)) return Fail(a.diag, Status::kBadParams).s("eps out of range");
  // u * G + B stays within 2^62: |u| < 2^24 (|t| / sqrt(V) <= sqrt(n - 1) < 2^7.5).
  if (a.in[1].data && a.in[2].data) {
    for (int64_t i = 0; i < n; ++i) {
      const int32_t g = a.in[1].as<int32_t>()[i];
      const int64_t b = a.in[2].as<int64_t>()[i];
      if (g < -(1 << 30) || g > (1 << 30) || b < -(int64_t(1) << 61) || b > (int64_t(1) << 61)) {
        return Fail(a.diag, Status::kBadParams).s("G/B out of range at ").i(i);
      }
    }
  }
  same_as(out, x, MOTE_I8);
  return Status::kOk;
}

Status run_qlayer_norm(const OpArgs& a) {
  const mote_qlayer_norm_params& p = a.p<mote_qlayer_norm_params>();
  const TensorView& x = a.in[0];
  int32_t axis = p.axis;
  normalize_axis(&axis, x.rank);
  const int64_t n = product(x.dims, axis, x.rank), rows = product(x.dims, 0, axis);
  const int64_t eps = int64_t(uint32_t(p.eps_lo)) | (int64_t(p.eps_hi) << 32);
  const int32_t* g = a.in[1].as<int32_t>();
  const int64_t* b = a.in[2].as<int64_t>();
  for (int64_t r = 0; r < rows; ++r) {
    const int8_t* in = x.as<int8_t>() + r * n;
    int8_t* y = a.out[0].as<int8_t>() + r * n;
    int64_t s1 = 0, s2 = 0;
    for (int64_t i = 0; i < n; ++i) {
      const int64_t d = int64_t(in[i]) - p.in_zp;
      s1 += d;
      s2 += d * d;
    }
    int64_t inv;
    int32_t shift;
    layer_norm_scale(n * s2 - s1 * s1 + eps, &inv, &shift);
    for (int64_t i = 0; i < n; ++i) {
      const int64_t t = n * (int64_t(in[i]) - p.in_zp) - s1;
      const int64_t u = rounding_divide_by_pot64(t * inv, shift);
      int64_t v = rounding_divide_by_pot64(u * g[i] + b[i], p.frac_bits);
      v = v < -(int64_t(1) << 20) ? -(int64_t(1) << 20) : (v > (int64_t(1) << 20) ? (int64_t(1) << 20) : v);
      y[i] = int8_t(clamp_i32(int32_t(v) + p.out_zp, -128, 127));
    }
  }
  return Status::kOk;
}

}  // namespace mote

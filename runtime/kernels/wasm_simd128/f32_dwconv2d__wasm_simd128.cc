// f32_dwconv2d__wasm_simd128: float32 depthwise Conv (group == C == M), NCHW, weights
// [C, 1, kH, kW]. Each channel plane is filtered a band of output rows at a time: the input
// rows the band reads are copied, with their zero padding, into a buffer on the stack, so every
// tap of every output is a plain load and the loops have no borders. 4 output columns per
// vector; a 3x3 undilated kernel keeps its nine weights in registers and does 8 at a time.
// The bands are band.h's.
#include "band.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// One output row from a buffered band, any kernel, dilation and stride.
template <int SW>
void row_generic(const ConvShape& g, const float* buf, const Band& band, const float* w, float bias, float* y,
                 const VecAct& act) {
  for (int32_t ow = 0; ow < g.ow; ow += 4) {
    v128_t acc = wasm_f32x4_splat(bias);
    for (int32_t kh = 0; kh < g.kh; ++kh) {
      const float* xr = buf + kh * g.dh * band.width;
      for (int32_t kw = 0; kw < g.kw; ++kw) {
        acc = wasm_f32x4_add(acc, wasm_f32x4_mul(wasm_v128_load32_splat(w + kh * g.kw + kw),
                                                 taps_at<SW>(xr, band, ow, kw * g.dw, g.sw)));
      }
    }
    acc = apply(act, acc);
    if (ow + 4 <= g.ow) {
      wasm_v128_store(y + ow, acc);
    } else {
      store_tail(y + ow, acc, g.ow - ow);
    }
  }
}

// The nine taps of a 3x3 kernel for 4 outputs at column `ow` (stride 1 or 2).
template <int SW>
inline v128_t taps3(const v128_t* w, const float* r0, const float* r1, const float* r2, const Band& band, int32_t ow,
                    v128_t acc) {
  const float* rows[3] = {r0, r1, r2};
  for (int k = 0; k < 3; ++k) {
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(w[3 * k], taps_at<SW>(rows[k], band, ow, 0, SW)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(w[3 * k + 1], taps_at<SW>(rows[k], band, ow, 1, SW)));
    acc = wasm_f32x4_add(acc, wasm_f32x4_mul(w[3 * k + 2], taps_at<SW>(rows[k], band, ow, 2, SW)));
  }
  return acc;
}

template <int SW>
void row_3x3(const ConvShape& g, const float* buf, const Band& band, const v128_t* w, v128_t bias, float* y,
             const VecAct& act) {
  const float* r0 = buf;
  const float* r1 = buf + band.width;
  const float* r2 = buf + 2 * band.width;
  int32_t ow = 0;
  for (; ow + 8 <= g.ow; ow += 8) {
    const v128_t a = taps3<SW>(w, r0, r1, r2, band, ow, bias);
    const v128_t b = taps3<SW>(w, r0, r1, r2, band, ow + 4, bias);
    wasm_v128_store(y + ow, apply(act, a));
    wasm_v128_store(y + ow + 4, apply(act, b));
  }
  for (; ow < g.ow; ow += 4) {
    const v128_t a = apply(act, taps3<SW>(w, r0, r1, r2, band, ow, bias));
    if (ow + 4 <= g.ow) {
      wasm_v128_store(y + ow, a);
    } else {
      store_tail(y + ow, a, g.ow - ow);
    }
  }
}

template <int SW>
void dw_plane(const ConvShape& g, const Band& band, const float* x, const float* w, float bias, float* y, float* buf,
              float* row, const VecAct& act) {
  const bool k3 = g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1 && SW != 0;
  v128_t w3[9];
  if (k3) {
    for (int t = 0; t < 9; ++t) w3[t] = wasm_v128_load32_splat(w + t);
  }
  const v128_t vbias = wasm_f32x4_splat(bias);
  const int32_t span = (g.kh - 1) * g.dh + 1;
  for (int32_t oh0 = 0; oh0 < g.oh; oh0 += band.rows) {
    const int32_t rows = g.oh - oh0 < band.rows ? g.oh - oh0 : band.rows;
    fill_band(g, x, oh0 * g.sh - g.ph, (rows - 1) * g.sh + span, band, 0.0f, buf, row);
    for (int32_t r = 0; r < rows; ++r) {
      const float* in = buf + r * g.sh * band.width;
      float* out = y + int64_t(oh0 + r) * g.ow;
      if (k3) {
        row_3x3<SW == 0 ? 1 : SW>(g, in, band, w3, vbias, out, act);
      } else {
        row_generic<SW>(g, in, band, w, bias, out, act);
      }
    }
  }
}

}  // namespace

Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) {
  const Band band = band_shape(g);
  if (band.rows < 1) return Status::kUnsupportedOp;  // rows too wide for the stack buffer
  const float* x = a.in[0].as<float>();
  const float* w = a.in[1].as<float>();
  const float* bias = a.num_in == 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const VecAct act = vec_act(a.p<mote_conv_params>().act);
  const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
  const int32_t taps = g.kh * g.kw;
  alignas(16) float buf[kBandFloats];
  alignas(16) float row[kRowFloats];
  for (int32_t n = 0; n < g.n; ++n) {
    for (int32_t c = 0; c < g.c; ++c) {
      const float* xp = x + (int64_t(n) * g.c + c) * in_plane;
      const float* wp = w + int64_t(c) * taps;
      const float b = bias ? bias[c] : 0.0f;
      float* yp = y + (int64_t(n) * g.c + c) * out_plane;
      if (g.sw == 1) {
        dw_plane<1>(g, band, xp, wp, b, yp, buf, row, act);
      } else if (g.sw == 2) {
        dw_plane<2>(g, band, xp, wp, b, yp, buf, row, act);
      } else {
        dw_plane<0>(g, band, xp, wp, b, yp, buf, row, act);
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

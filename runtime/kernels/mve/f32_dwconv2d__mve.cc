// f32_dwconv2d__mve: float32 depthwise Conv (group == C == M), NCHW, weights [C, 1, kH, kW],
// horizontal stride 1 or 2, any kernel, dilation, vertical stride and padding.
//
// Each channel plane is filtered a band of output rows at a time: the input rows the band reads
// are copied, with their zero padding, into a buffer on the stack, so every tap of every output
// is a plain load and the loops have no borders. 4 output columns per vector (stride 2: VLD2
// de-interleaves 8 inputs and keeps the even ones), the weights as scalars (VFMA by scalar), the
// last columns of a row stored under a VCTP predicate.
#include "kernels.h"

namespace mote {
namespace mve {
namespace {

constexpr int32_t kBandFloats = int32_t(kBandBytes / sizeof(float));

struct Band {
  int32_t width;  // floats per buffered row: every column the vector tiles read
  int32_t rows;   // output rows per band
};

Band band_shape(const ConvShape& g) {
  Band b;
  const int32_t tiles = (g.ow + 3) / 4;
  b.width = tiles * 4 * g.sw + (g.kw - 1) * g.dw + 1;  // VLD2 reads one float past the last tap
  const int32_t span = (g.kh - 1) * g.dh + 1;
  const int32_t fit = kBandFloats / b.width;
  b.rows = fit < span ? 0 : (fit - span) / g.sh + 1;
  return b;
}

// Input row ih with its padding, `width` floats (all zero outside the input).
void padded_row(const ConvShape& g, const float* x, int32_t ih, int32_t width, float* dst) {
  if (ih < 0 || ih >= g.ih) {
    zero_floats(dst, width);
    return;
  }
  const int32_t left = g.pw < width ? g.pw : width;
  const int32_t copy = g.iw < width - left ? g.iw : width - left;
  zero_floats(dst, left);
  copy_floats(dst + left, x + int64_t(ih) * g.iw, copy);
  zero_floats(dst + left + copy, width - left - copy);
}

template <int SW>
inline float32x4_t load_taps(const float* p) {
  if (SW == 1) return vld1q_f32(p);
  return vld2q_f32(p).val[0];
}

// One output row from buffered rows (row stride `width`), outputs 4 at a time.
template <int SW>
void dw_row(const ConvShape& g, const float* in, int32_t width, const float* w, float bias, float* y, const VecAct& act) {
  for (int32_t ow = 0; ow < g.ow; ow += 4) {
    float32x4_t acc = vdupq_n_f32(bias);
    for (int32_t kh = 0; kh < g.kh; ++kh) {
      const float* r = in + kh * g.dh * width + ow * SW;
      for (int32_t kw = 0; kw < g.kw; ++kw) acc = vfmaq_n_f32(acc, load_taps<SW>(r + kw * g.dw), w[kh * g.kw + kw]);
    }
    vstrwq_p_f32(y + ow, apply(act, acc), vctp32q(uint32_t(g.ow - ow)));
  }
}

// The common 3x3 undilated case, the nine weights held in general registers.
template <int SW>
void dw_row_3x3(const ConvShape& g, const float* in, int32_t width, const float* w, float bias, float* y,
                const VecAct& act) {
  const float* r0 = in;
  const float* r1 = in + width;
  const float* r2 = in + 2 * width;
  const float w0 = w[0], w1 = w[1], w2 = w[2], w3 = w[3], w4 = w[4], w5 = w[5], w6 = w[6], w7 = w[7], w8 = w[8];
  for (int32_t ow = 0; ow < g.ow; ow += 4) {
    const int32_t o = ow * SW;
    float32x4_t acc = vdupq_n_f32(bias);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r0 + o), w0);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r0 + o + 1), w1);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r0 + o + 2), w2);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r1 + o), w3);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r1 + o + 1), w4);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r1 + o + 2), w5);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r2 + o), w6);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r2 + o + 1), w7);
    acc = vfmaq_n_f32(acc, load_taps<SW>(r2 + o + 2), w8);
    vstrwq_p_f32(y + ow, apply(act, acc), vctp32q(uint32_t(g.ow - ow)));
  }
}

template <int SW>
void dw_plane(const ConvShape& g, const Band& band, const float* x, const float* w, float bias, float* y, float* buf,
              const VecAct& act) {
  const bool k3 = g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1;
  const int32_t span = (g.kh - 1) * g.dh + 1;
  for (int32_t oh0 = 0; oh0 < g.oh; oh0 += band.rows) {
    const int32_t rows = g.oh - oh0 < band.rows ? g.oh - oh0 : band.rows;
    const int32_t in_rows = (rows - 1) * g.sh + span;
    for (int32_t r = 0; r < in_rows; ++r) padded_row(g, x, oh0 * g.sh - g.ph + r, band.width, buf + r * band.width);
    for (int32_t r = 0; r < rows; ++r) {
      const float* in = buf + r * g.sh * band.width;
      float* out = y + int64_t(oh0 + r) * g.ow;
      if (k3) {
        dw_row_3x3<SW>(g, in, band.width, w, bias, out, act);
      } else {
        dw_row<SW>(g, in, band.width, w, bias, out, act);
      }
    }
  }
}

}  // namespace

Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) {
  if (g.sw != 1 && g.sw != 2) return Status::kUnsupportedOp;
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
  for (int32_t n = 0; n < g.n; ++n) {
    for (int32_t c = 0; c < g.c; ++c) {
      const float* xp = x + (int64_t(n) * g.c + c) * in_plane;
      const float* wp = w + int64_t(c) * taps;
      const float b = bias ? bias[c] : 0.0f;
      float* yp = y + (int64_t(n) * g.c + c) * out_plane;
      if (g.sw == 1) {
        dw_plane<1>(g, band, xp, wp, b, yp, buf, act);
      } else {
        dw_plane<2>(g, band, xp, wp, b, yp, buf, act);
      }
    }
  }
  return Status::kOk;
}

}  // namespace mve
}  // namespace mote

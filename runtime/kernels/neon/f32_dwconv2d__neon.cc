// f32_dwconv2d__neon: float32 depthwise Conv (group == C == M), NCHW, weights [C, 1, kH, kW],
// horizontal stride 1 or 2, any kernel, dilation, vertical stride and padding.
//
// The driver (drivers/f32_dwconv2d.h) filters each plane a band of output rows at a time from
// padded rows in the scratch, so every tap of every output is a plain load and the loops here
// have no borders. 4 output columns per vector (stride 2: VLD2 de-interleaves 8 inputs and keeps
// the even ones); 3x3 undilated keeps its nine weights in registers and goes 8 outputs a step.
#include "../drivers/f32_dwconv2d.h"
#include "kernels.h"

namespace mote {
namespace neon {
namespace {

template <int SW>
inline float32x4_t load_taps(const float* p) {
  if (SW == 1) return vld1q_f32(p);
  return vld2q_f32(p).val[0];
}

inline void store_tail(float* y, float32x4_t v, int32_t count) {
  alignas(16) float t[4];
  vst1q_f32(t, v);
  for (int32_t k = 0; k < count; ++k) y[k] = t[k];
}

struct DwKernel : drivers::DwNoInPlace {
  static constexpr drivers::BandSpec kBand = Tiles::kBand;
  static void copy_floats(float* dst, const float* src, int32_t n) { neon::copy_floats(dst, src, n); }
  static void fill_floats(float* dst, int32_t n, float v) { neon::fill_floats(dst, n, v); }

  // One plane's output rows from buffered rows `in` (row stride band.width).
  struct Rows {
    const ConvShape& g;
    const float* w;
    float32x4_t bias;
    VecAct act;
    Rows(const ConvShape& shape, const float* weights, float b, const mote_act& a)
        : g(shape), w(weights), bias(vdupq_n_f32(b)), act(vec_act(a)) {}

    // Output columns [ow0, g.ow), 4 at a time, each weight broadcast as it is used.
    template <int SW>
    void row_from(const float* in, int32_t width, float* y, int32_t ow0) const {
      for (int32_t ow = ow0; ow < g.ow; ow += 4) {
        float32x4_t acc = bias;
        for (int32_t kh = 0; kh < g.kh; ++kh) {
          const float* r = in + kh * g.dh * width + ow * SW;
          const float* wr = w + kh * g.kw;
          for (int32_t kw = 0; kw < g.kw; ++kw) {
            acc = vfmaq_f32(acc, vld1q_dup_f32(wr + kw), load_taps<SW>(r + kw * g.dw));
          }
        }
        acc = apply(act, acc);
        if (ow + 4 <= g.ow) {
          vst1q_f32(y + ow, acc);
        } else {
          store_tail(y + ow, acc, g.ow - ow);
        }
      }
    }
    template <int SW>
    void row(const float* in, const drivers::Band& band, float* y, const float*) const {
      row_from<SW>(in, band.width, y, 0);
    }

    // 3x3 undilated: the nine weights in registers.
    template <int SW>
    void row_3x3(const float* in, const drivers::Band& band, float* y, const float*) const {
      const float* r0 = in;
      const float* r1 = in + band.width;
      const float* r2 = in + 2 * band.width;
      const float32x4_t w0 = vld1q_dup_f32(w), w1 = vld1q_dup_f32(w + 1), w2 = vld1q_dup_f32(w + 2);
      const float32x4_t w3 = vld1q_dup_f32(w + 3), w4 = vld1q_dup_f32(w + 4), w5 = vld1q_dup_f32(w + 5);
      const float32x4_t w6 = vld1q_dup_f32(w + 6), w7 = vld1q_dup_f32(w + 7), w8 = vld1q_dup_f32(w + 8);
      int32_t ow = 0;
      for (; ow + 4 <= g.ow; ow += 4) {
        const int32_t o = ow * SW;
        float32x4_t acc = bias;
        acc = vfmaq_f32(acc, w0, load_taps<SW>(r0 + o));
        acc = vfmaq_f32(acc, w1, load_taps<SW>(r0 + o + 1));
        acc = vfmaq_f32(acc, w2, load_taps<SW>(r0 + o + 2));
        acc = vfmaq_f32(acc, w3, load_taps<SW>(r1 + o));
        acc = vfmaq_f32(acc, w4, load_taps<SW>(r1 + o + 1));
        acc = vfmaq_f32(acc, w5, load_taps<SW>(r1 + o + 2));
        acc = vfmaq_f32(acc, w6, load_taps<SW>(r2 + o));
        acc = vfmaq_f32(acc, w7, load_taps<SW>(r2 + o + 1));
        acc = vfmaq_f32(acc, w8, load_taps<SW>(r2 + o + 2));
        vst1q_f32(y + ow, apply(act, acc));
      }
      if (ow < g.ow) row_from<SW>(in, band.width, y, ow);
    }
  };
};

}  // namespace

Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) { return drivers::f32_dwconv2d<DwKernel>(a, g); }

}  // namespace neon
}  // namespace mote

// f32_dwconv2d__mve: float32 depthwise Conv (group == C == M), NCHW, weights [C, 1, kH, kW],
// horizontal stride 1 or 2, any kernel, dilation, vertical stride and padding.
//
// The driver (drivers/f32_dwconv2d.h) filters each plane a band of output rows at a time from
// padded rows in the scratch, so every tap of every output is a plain load and the loops here
// have no borders. 4 output columns per vector (stride 2: VLD2 de-interleaves 8 inputs and keeps
// the even ones), the weights as scalars (VFMA by scalar), the last columns of a row stored under
// a VCTP predicate.
#include "../drivers/f32_dwconv2d.h"
#include "kernels.h"

namespace mote {
namespace mve {
namespace {

template <int SW>
inline float32x4_t load_taps(const float* p) {
  if (SW == 1) return vld1q_f32(p);
  return vld2q_f32(p).val[0];
}

struct DwKernel : drivers::DwNoInPlace {
  static constexpr drivers::BandSpec kBand = Tiles::kBand;
  static void copy_floats(float* dst, const float* src, int32_t n) { mve::copy_floats(dst, src, n); }
  static void fill_floats(float* dst, int32_t n, float v) { mve::fill_floats(dst, n, v); }

  // One plane's output rows from buffered rows `in` (row stride band.width), 4 outputs a
  // vector, the weights scalars (VFMA by scalar), a row's last columns stored predicated.
  struct Rows {
    const ConvShape& g;
    const float* w;
    float bias;
    VecAct act;
    Rows(const ConvShape& shape, const float* weights, float b, const mote_act& a)
        : g(shape), w(weights), bias(b), act(vec_act(a)) {}

    template <int SW>
    void row(const float* in, const drivers::Band& band, float* y, const float*) const {
      for (int32_t ow = 0; ow < g.ow; ow += 4) {
        float32x4_t acc = vdupq_n_f32(bias);
        for (int32_t kh = 0; kh < g.kh; ++kh) {
          const float* r = in + kh * g.dh * band.width + ow * SW;
          for (int32_t kw = 0; kw < g.kw; ++kw) acc = vfmaq_n_f32(acc, load_taps<SW>(r + kw * g.dw), w[kh * g.kw + kw]);
        }
        vstrwq_p_f32(y + ow, apply(act, acc), vctp32q(uint32_t(g.ow - ow)));
      }
    }

    // 3x3 undilated: the nine weights held in general registers.
    template <int SW>
    void row_3x3(const float* in, const drivers::Band& band, float* y, const float*) const {
      const float* r0 = in;
      const float* r1 = in + band.width;
      const float* r2 = in + 2 * band.width;
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
  };
};

}  // namespace

Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) { return drivers::f32_dwconv2d<DwKernel>(a, g); }

}  // namespace mve
}  // namespace mote

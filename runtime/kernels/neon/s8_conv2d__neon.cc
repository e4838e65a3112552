// s8_conv2d__neon: QConv with any kernel, stride, dilation, padding and group, as dot products of
// activation columns (one per output pixel, gathered two at a time by the driver,
// drivers/s8_conv2d.h: a "small im2col", padding filled with the zero point) against the weight
// rows, read in place. The column kernel, shared with the 1x1 kernel: 2 pixels x 2 channels per
// pass, 16 taps a step (SDOT, or VMULL.S8 + VPADAL.S16), then 8, then single taps.
#include "s8_kernels.h"

namespace mote {
namespace neon {

namespace {

// acc += the 16 products of x and w, every int16 pair sum widened to int32 before it is added.
inline int32x4_t dot16(int32x4_t acc, int8x16_t x, int8x16_t w) {
#if defined(__ARM_FEATURE_DOTPROD)
  return vdotq_s32(acc, x, w);
#else
  acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(w)));
  return vpadalq_s16(acc, vmull_s8(vget_high_s8(x), vget_high_s8(w)));
#endif
}
inline int32x4_t dot8(int32x4_t acc, int8x8_t x, int8x8_t w) { return vpadalq_s16(acc, vmull_s8(x, w)); }

}  // namespace

void S8Kernel::columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                       const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0) {
  int32_t r = 0;
  if (np == 2) {
    const int8_t* c0 = cols[0];
    const int8_t* c1 = cols[1];
    for (; r + 2 <= mg; r += 2) {
      const int8_t* w0 = w + int64_t(r) * k;
      const int8_t* w1 = w0 + k;
      int32x4_t v00 = vdupq_n_s32(0), v01 = v00, v10 = v00, v11 = v00;
      int32_t i = 0;
      for (; i + 16 <= k; i += 16) {
        const int8x16_t x0 = vld1q_s8(c0 + i), x1 = vld1q_s8(c1 + i);
        const int8x16_t u0 = vld1q_s8(w0 + i), u1 = vld1q_s8(w1 + i);
        v00 = dot16(v00, x0, u0);
        v01 = dot16(v01, x0, u1);
        v10 = dot16(v10, x1, u0);
        v11 = dot16(v11, x1, u1);
      }
      if (i + 8 <= k) {
        const int8x8_t x0 = vld1_s8(c0 + i), x1 = vld1_s8(c1 + i);
        const int8x8_t u0 = vld1_s8(w0 + i), u1 = vld1_s8(w1 + i);
        v00 = dot8(v00, x0, u0);
        v01 = dot8(v01, x0, u1);
        v10 = dot8(v10, x1, u0);
        v11 = dot8(v11, x1, u1);
        i += 8;
      }
      int32_t a00 = start[r] + hsum_s32(v00), a01 = start[r + 1] + hsum_s32(v01);
      int32_t a10 = start[r] + hsum_s32(v10), a11 = start[r + 1] + hsum_s32(v11);
      for (; i < k; ++i) {
        a00 += c0[i] * w0[i];
        a01 += c0[i] * w1[i];
        a10 += c1[i] * w0[i];
        a11 += c1[i] * w1[i];
      }
      const int32_t ch = m0 + r;
      const int64_t at = out_base + int64_t(ch) * plane + p0;
      e.store(at, ch, a00);
      e.store(at + 1, ch, a10);
      e.store(at + plane, ch + 1, a01);
      e.store(at + plane + 1, ch + 1, a11);
    }
  }
  for (; r < mg; ++r) {
    const int8_t* w0 = w + int64_t(r) * k;
    for (int32_t p = 0; p < np; ++p) {
      const int8_t* c = cols[p];
      int32x4_t v = vdupq_n_s32(0);
      int32_t i = 0;
      for (; i + 16 <= k; i += 16) v = dot16(v, vld1q_s8(c + i), vld1q_s8(w0 + i));
      int32_t acc = start[r] + hsum_s32(v);
      for (; i < k; ++i) acc += c[i] * w0[i];
      const int32_t ch = m0 + r;
      e.store(out_base + int64_t(ch) * plane + p0 + p, ch, acc);
    }
  }
}

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d<S8Kernel>(a, g, e, in_zp);
}

}  // namespace neon
}  // namespace mote

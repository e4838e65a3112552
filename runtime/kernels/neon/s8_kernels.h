// NEON int8 kernels (QConv 1x1, general and depthwise; QMatMul), next to the float set in
// kernels.h. Every integer they write must equal the reference's (kernels/reference/quant.cc);
// tests/qemu/kernels checks that on the boards.
//
// The arithmetic: activations stay raw int8, so the input zero point leaves the sums through
// sum (x - zp) * w = sum x * w - zp * sum w (sum w per output channel, once per call), and taps in
// the padding hold the zero point itself: (zp - zp) * w = 0, as the reference skips them.
// Products of two int8 fit int16 (|p| <= 16384) but two of them may not (-128 * -128 twice is
// 32768), so VMULL.S8 products are added pairwise straight into int32 lanes (VPADAL.S16), never
// summed in 16 bits. With the Armv8.2 dot product (built with +dotprod: __ARM_FEATURE_DOTPROD)
// SDOT does 4 int8 MACs per int32 lane instead. Where lanes hold pixels or columns (depthwise,
// QMatMul), int8 values are widened to int16 and multiplied by a scalar into int32 (VMLAL).
// Requantisation: requantize4() (kernels/arm_requantize.h), bit for bit the reference's requantize() and clamp.
//
// The loops around this vector code are the shared drivers (drivers/s8_conv2d.h,
// s8_dwconv2d.h, gemm.h); the columns and starts live in the op's scratch.
#ifndef MOTE_KERNELS_NEON_S8_KERNELS_H
#define MOTE_KERNELS_NEON_S8_KERNELS_H

#include "../arm_requantize.h"
#include "../reference/quant.h"
#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace neon {

// requantize(), Epilogue and s8_epilogue(): kernels/s8_epilogue.h, shared with the other int8 sets.
using s8::Epilogue;
using s8::requantize;
using s8::s8_epilogue;

// Four lanes of requantize() + out_zp + clamp (kernels/arm_requantize.h, shared with the Helium set),
// and one channel's multiplier and shift in vectors.
using arm_simd::ChannelRequant;
using arm_simd::requantize4;

// 8 lanes (two requantized vectors, already clamped to int8 range) narrowed and stored.
inline void store8(int8_t* y, int32x4_t lo4, int32x4_t hi4) {
  vst1_s8(y, vmovn_s16(vcombine_s16(vmovn_s32(lo4), vmovn_s32(hi4))));
}

inline int32_t hsum_s32(int32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_s32(v);
#else
  const int32x2_t s = vadd_s32(vget_low_s32(v), vget_high_s32(v));
  return vget_lane_s32(vpadd_s32(s, s), 0);
#endif
}

// The column kernels of the QConv drivers (drivers/s8_conv2d.h): int8 columns, 2 pixels a pass.
struct S8Kernel {
  using Col = int8_t;
  static constexpr drivers::S8ConvSpec kS8 = Tiles::kS8;
  static constexpr bool kRowCopy = false;
  // s8_conv2d__neon.cc
  static void columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                      const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
  // s8_conv2d_1x1__neon.cc
  static void transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int8_t* buf, int32_t stride);
};

#include "../simd_s8_api.inc"

}  // namespace neon
}  // namespace mote

#endif  // MOTE_KERNELS_NEON_S8_KERNELS_H

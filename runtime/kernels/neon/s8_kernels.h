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
// Requantisation: requantize4() below, bit for bit the reference's requantize() and clamp.
//
// Nothing takes scratch from the plan: buffers are on the stack.
#ifndef MOTE_KERNELS_NEON_S8_KERNELS_H
#define MOTE_KERNELS_NEON_S8_KERNELS_H

#include "../reference/quant.h"
#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace neon {

// requantize(), Epilogue and s8_epilogue(): kernels/s8_epilogue.h, shared with the other int8 sets.
using s8::Epilogue;
using s8::requantize;
using s8::s8_epilogue;

// Four lanes of requantize() + out_zp + clamp, bit for bit (docs/quantization.md): the saturating
// left shift is VQSHL; VQRDMULH is (2ab + 2^31) >> 32, the reference's doubling high multiply with
// ties toward +infinity (it saturates only for INT32_MIN x INT32_MIN, and multipliers are >= 0);
// the rounding right shift VRSHL rounds ties up, so negative values first lose 1 (saturating)
// to round ties away from zero as rounding_divide_by_pot does.
inline int32x4_t requantize4(int32x4_t acc, int32x4_t mult, int32x4_t shift, int32_t out_zp, int32_t lo, int32_t hi) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vmaxq_s32(shift, zero);
  const int32x4_t right = vminq_s32(shift, zero);  // -exponent
  int32x4_t v = vqrdmulhq_s32(vqshlq_s32(acc, left), mult);
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(v, right), 31);
  v = vrshlq_s32(vqaddq_s32(v, fixup), right);
  v = vaddq_s32(v, vdupq_n_s32(out_zp));
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

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

// Longest column (taps per output value) and most output channels per group the conv kernels take.
constexpr int32_t kS8MaxTaps = 4096;
constexpr int32_t kS8MaxChannels = 1024;

// The columns of np (1 or 2) pixels, k int8 taps each, against the mg weight rows of one group
// (row r: k int8 at w + r * k); start[r] is the channel's bias minus zp * sum w.
void s8_columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
// start[r] = e.start(m0 + r) - zp * sum of weight row r, for the mg rows of k taps at w.
void s8_starts(int32_t k, const int8_t* w, int32_t mg, int32_t m0, int32_t zp, const Epilogue& e, int32_t* start);

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul rows: Y[i, j] for A [rows, K] (a_zp) times B [K, N] (int8, zero point 0).
void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int64_t out_base);

}  // namespace neon
}  // namespace mote

#endif  // MOTE_KERNELS_NEON_S8_KERNELS_H

// Vector requantisation for the NEON and Helium int8 kernels, which spell these intrinsics
// alike (kernels/{neon,mve}/s8_kernels.h).
//
// Four lanes of requantize() + out_zp + clamp, bit for bit (docs/quantization.md): the saturating
// left shift is VQSHL; VQRDMULH is (2ab + 2^31) >> 32, the reference's doubling high multiply with
// ties toward +infinity (it saturates only for INT32_MIN x INT32_MIN, and multipliers are >= 0);
// the rounding right shift VRSHL rounds ties up, so negative values first lose 1 (saturating)
// to round ties away from zero as rounding_divide_by_pot does.
#ifndef MOTE_KERNELS_ARM_REQUANTIZE_H
#define MOTE_KERNELS_ARM_REQUANTIZE_H

#if defined(__ARM_FEATURE_MVE)
#include <arm_mve.h>
#else
#include <arm_neon.h>
#endif

#include "s8_epilogue.h"

namespace mote {
namespace arm_simd {

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

// One output channel's multiplier and shift in every lane (zero without requantisation).
struct ChannelRequant {
  int32x4_t mult, shift;
  ChannelRequant(const s8::Epilogue& e, int32_t ch)
      : mult(vdupq_n_s32(e.mult ? e.mult_at(ch) : 0)), shift(vdupq_n_s32(e.mult ? e.shift_at(ch) : 0)) {}
};

}  // namespace arm_simd
}  // namespace mote

#endif  // MOTE_KERNELS_ARM_REQUANTIZE_H

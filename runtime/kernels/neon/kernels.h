// Arm Advanced SIMD (NEON) kernels, float32, for ARMv7-A with VFPv4 (Cortex-A15: -mfpu=neon-vfpv4)
// and AArch64. dispatch.cc picks one by plain checks on the shapes; anything these do not cover
// runs on the reference kernels, which are the specification: tests/qemu/kernels checks every
// variant here against them on random and odd shapes, on the boards themselves.
//
// They read exactly what the reference kernels read (NCHW tensors, the blob's weight layout) and
// write the same outputs, so a blob runs unchanged on either; their working memory is the op's
// scratch in the plan (sized by scratch.cc from tiles.h). The loops around the vector code are
// the shared drivers (kernels/drivers/, kernels/simd_conv2d.h). Products are fused multiply-adds
// (VFMA) summed in another order than the reference's, hence a float tolerance rather than
// equality.
#ifndef MOTE_KERNELS_NEON_KERNELS_H
#define MOTE_KERNELS_NEON_KERNELS_H

#include <arm_neon.h>
#include <stdint.h>

#include <string.h>

#include "../reference/common.h"

#if !defined(__aarch64__) && !defined(__ARM_FEATURE_FMA)
#error "the NEON kernels need VFPv4 fused multiply-add (e.g. -mfpu=neon-vfpv4) or AArch64"
#endif

// Register tiles are arrays indexed by constant loops: unrolled completely, they stay in
// registers (GCC keeps them on the stack otherwise).
#define MOTE_UNROLL _Pragma("GCC unroll 16")

#include "../conv_shape.h"
#include "tiles.h"

namespace mote {
namespace neon {

// A fused activation (mote_act) in vector form.
struct VecAct {
  int32_t kind;
  float32x4_t lo, hi, slope;
};

inline VecAct vec_act(const mote_act& act) {
  VecAct v;
  v.kind = act.kind;
  v.lo = vdupq_n_f32(act.kind == MOTE_ACT_CLIP ? act.alpha : 0.0f);
  v.hi = vdupq_n_f32(act.kind == MOTE_ACT_CLIP ? act.beta : __builtin_inff());
  v.slope = vdupq_n_f32(act.alpha);
  return v;
}

inline float32x4_t apply(const VecAct& a, float32x4_t v) {
  switch (a.kind) {
    case MOTE_ACT_NONE: return v;
    case MOTE_ACT_LEAKY_RELU: return vbslq_f32(vcgeq_f32(v, vdupq_n_f32(0.0f)), v, vmulq_f32(v, a.slope));
    default: return vminq_f32(a.hi, vmaxq_f32(a.lo, v));  // Relu (0, inf) and Clip
  }
}

inline float hsum(float32x4_t v) {
#if defined(__aarch64__)
  return vaddvq_f32(v);
#else
  const float32x2_t s = vadd_f32(vget_low_f32(v), vget_high_f32(v));
  return vget_lane_f32(vpadd_f32(s, s), 0);
#endif
}

// Copies / fills n floats, for the shared drivers (kernels/simd_conv2d.h, drivers/f32_band.h).
inline void copy_floats(float* dst, const float* src, int32_t n) { memcpy(dst, src, size_t(n) * sizeof(float)); }
inline void fill_floats(float* dst, int32_t n, float v) {
  for (int32_t i = 0; i < n; ++i) dst[i] = v;
}
inline void zero_floats(float* dst, int32_t n) { fill_floats(dst, n, 0.0f); }

// ConvShape and conv_shape(): kernels/conv_shape.h.

// f32_gemm_nn: register tiles of 4 rows of A x 8 columns of B (8 accumulators), B read in place
// (no working memory). Depthwise Conv: horizontal strides 1 and 2.
#include "../simd_f32_api.inc"

}  // namespace neon
}  // namespace mote

#endif  // MOTE_KERNELS_NEON_KERNELS_H

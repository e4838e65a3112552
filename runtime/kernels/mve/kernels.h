// Arm Helium (M-profile Vector Extension, MVE) kernels, float32, for Armv8.1-M cores with MVE
// float (Cortex-M55: -mcpu=cortex-m55). dispatch.cc picks one by plain checks on the shapes;
// anything these do not cover runs on the reference kernels, which are the specification:
// tests/qemu/kernels checks every variant here against them on random and odd shapes, on the
// board (QEMU's mps3-an547).
//
// They read exactly what the reference kernels read (NCHW tensors, the blob's weight layout) and
// write the same outputs, so a blob runs unchanged on either; their working memory is the op's
// scratch in the plan, sized to the op (scratch.cc, from tiles.h). The loops around the vector
// code are the shared drivers (kernels/drivers/, kernels/simd_conv2d.h). Helium has eight 128-bit registers:
// register tiles are 4 rows x 4 columns (4 accumulators), the A values are scalars taken from
// general registers by VFMA's vector-by-scalar form, and row ends use tail predication (VCTP)
// instead of scalar loops. Products are fused multiply-adds summed in another order than the
// reference's, hence a float tolerance rather than equality.
#ifndef MOTE_KERNELS_MVE_KERNELS_H
#define MOTE_KERNELS_MVE_KERNELS_H

#include <arm_mve.h>
#include <stdint.h>

#include "../reference/common.h"

#if !defined(__ARM_FEATURE_MVE) || !(__ARM_FEATURE_MVE & 2)
#error "the MVE kernels need Helium with floating point (e.g. -mcpu=cortex-m55)"
#endif

// Register tiles are arrays indexed by constant loops: unrolled completely, they stay in
// registers (GCC keeps them on the stack otherwise).
#define MOTE_UNROLL _Pragma("GCC unroll 16")

#include "../conv_shape.h"
#include "tiles.h"

namespace mote {
namespace mve {

// A fused activation (mote_act) in vector form.
struct VecAct {
  int32_t kind;
  float lo, hi, slope;
};

inline VecAct vec_act(const mote_act& act) {
  VecAct v;
  v.kind = act.kind;
  v.lo = act.kind == MOTE_ACT_CLIP ? act.alpha : 0.0f;
  v.hi = act.kind == MOTE_ACT_CLIP ? act.beta : __builtin_inff();
  v.slope = act.alpha;
  return v;
}

inline float32x4_t apply(const VecAct& a, float32x4_t v) {
  switch (a.kind) {
    case MOTE_ACT_NONE: return v;
    case MOTE_ACT_LEAKY_RELU: return vpselq_f32(v, vmulq_n_f32(v, a.slope), vcmpgeq_n_f32(v, 0.0f));
    default: return vminnmq_f32(vdupq_n_f32(a.hi), vmaxnmq_f32(vdupq_n_f32(a.lo), v));  // Relu (0, inf), Clip
  }
}

// Copies / zeroes n floats with tail-predicated vector moves: the kernels' hot copies do not
// rely on the C library's memcpy (newlib-nano's copies a byte at a time).
inline void copy_floats(float* dst, const float* src, int32_t n) {
  for (int32_t i = 0; i < n; i += 4) {
    const mve_pred16_t live = vctp32q(uint32_t(n - i));
    vstrwq_p_f32(dst + i, vldrwq_z_f32(src + i, live), live);
  }
}
inline void fill_floats(float* dst, int32_t n, float v) {
  for (int32_t i = 0; i < n; i += 4) vstrwq_p_f32(dst + i, vdupq_n_f32(v), vctp32q(uint32_t(n - i)));
}
inline void zero_floats(float* dst, int32_t n) { fill_floats(dst, n, 0.0f); }

// ConvShape and conv_shape(): kernels/conv_shape.h.

// f32_gemm_nn: B read in place, predicated at the row ends (never past column N; no working
// memory). Depthwise Conv: horizontal strides 1 and 2.
#include "../simd_f32_api.inc"

}  // namespace mve
}  // namespace mote

#endif  // MOTE_KERNELS_MVE_KERNELS_H

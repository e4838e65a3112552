// Arm Advanced SIMD (NEON) kernels, float32, for ARMv7-A with VFPv4 (Cortex-A15: -mfpu=neon-vfpv4)
// and AArch64. dispatch.cc picks one by plain checks on the shapes; anything these do not cover
// runs on the reference kernels, which are the specification: tests/qemu/kernels checks every
// variant here against them on random and odd shapes, on the boards themselves.
//
// They read exactly what the reference kernels read (NCHW tensors, the blob's weight layout, no
// scratch from the plan: their buffers are on the stack) and write the same outputs, so a blob
// runs unchanged on either. Products are fused multiply-adds (VFMA) summed in another order
// than the reference's, hence a float tolerance rather than equality.
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

// Copies / zeroes n floats, for the shared Conv body (kernels/simd_conv2d.h).
inline void copy_floats(float* dst, const float* src, int32_t n) { memcpy(dst, src, size_t(n) * sizeof(float)); }
inline void zero_floats(float* dst, int32_t n) {
  for (int32_t i = 0; i < n; ++i) dst[i] = 0.0f;
}

// ConvShape and conv_shape(): kernels/conv_shape.h.

// C[i, j] = act(bias[i] + sum_k A[i, k] * B[k, j]); row-major with leading dimensions; bias may
// be null. With `accumulate`, C's values take the place of the bias (a product split along k).
// Register tiles of 4 rows of A x 8 columns of B (8 accumulators), B read in place.
void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate = false);
// C[i, j] = sum_k A[i, k] * B[j, k] (B transposed: both operands contiguous along k).
void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc);

// Conv over NCHW with weights [M, C/group, kH, kW]: 1x1 stride-1 unpadded as a GEMM per image
// and group reading X in place; any other kernel/stride/dilation/padding as GEMMs over panels of
// X unrolled (im2col) a block at a time into a stack buffer of kConvPanelBytes, so the plan
// needs no scratch. Depthwise (group == C == M, horizontal stride 1 or 2) filters each plane in
// bands of rows copied with their zero padding into a stack buffer of kBandBytes.
constexpr uint32_t kConvPanelBytes = 16 * 1024;
constexpr uint32_t kBandBytes = 16 * 1024;
Status f32_conv2d_1x1(const OpArgs& a, const ConvShape& g);
Status f32_conv2d(const OpArgs& a, const ConvShape& g);
Status f32_dwconv2d(const OpArgs& a, const ConvShape& g);

}  // namespace neon
}  // namespace mote

#endif  // MOTE_KERNELS_NEON_KERNELS_H

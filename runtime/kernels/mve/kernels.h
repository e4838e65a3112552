// Arm Helium (M-profile Vector Extension, MVE) kernels, float32, for Armv8.1-M cores with MVE
// float (Cortex-M55: -mcpu=cortex-m55). dispatch.cc picks one by plain checks on the shapes;
// anything these do not cover runs on the reference kernels, which are the specification:
// tests/qemu/kernels checks every variant here against them on random and odd shapes, on the
// board (QEMU's mps3-an547).
//
// They read exactly what the reference kernels read (NCHW tensors, the blob's weight layout, no
// scratch from the plan: their buffers are on the stack, sized for a Cortex-M stack) and write
// the same outputs, so a blob runs unchanged on either. Helium has eight 128-bit registers:
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
inline void zero_floats(float* dst, int32_t n) {
  for (int32_t i = 0; i < n; i += 4) vstrwq_p_f32(dst + i, vdupq_n_f32(0.0f), vctp32q(uint32_t(n - i)));
}

// ConvShape and conv_shape(): kernels/conv_shape.h.

// C[i, j] = act(bias[i] + sum_k A[i, k] * B[k, j]); row-major with leading dimensions; bias may
// be null. With `accumulate`, C's values take the place of the bias (a product split along k).
// B is read in place, predicated at the row ends (never past column N).
void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate = false);
// C[i, j] = sum_k A[i, k] * B[j, k] (B transposed: both operands contiguous along k).
void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc);

// Conv over NCHW with weights [M, C/group, kH, kW]: 1x1 stride-1 unpadded as a GEMM per image
// and group reading X in place; any other kernel/stride/dilation/padding as GEMMs over panels of
// X unrolled (im2col) a block at a time into a stack buffer of kConvPanelBytes (the boards
// reserve 32 KB of stack or more). Depthwise
// (group == C == M, horizontal stride 1 or 2) filters each plane in bands of rows copied with
// their zero padding into a stack buffer of kBandBytes.
constexpr uint32_t kConvPanelBytes = 16 * 1024;
constexpr uint32_t kBandBytes = 8 * 1024;
Status f32_conv2d_1x1(const OpArgs& a, const ConvShape& g);
Status f32_conv2d(const OpArgs& a, const ConvShape& g);
Status f32_dwconv2d(const OpArgs& a, const ConvShape& g);

}  // namespace mve
}  // namespace mote

#endif  // MOTE_KERNELS_MVE_KERNELS_H

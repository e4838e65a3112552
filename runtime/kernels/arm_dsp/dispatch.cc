// The Arm DSP kernel set (MOTE_KERNEL_ISA=arm_dsp: Cortex-M4, Cortex-M7): int8 QConv (1x1,
// general, depthwise) and QMatMul, routed by kernels/simd_dispatch.h (no float kernels: float
// ops stay with the reference; QMatMul with K above kMaxGemmK too).
#include "kernels.h"

#define MOTE_SIMD_NS arm_dsp
#define MOTE_SIMD_NO_F32
#define MOTE_SIMD_S8_GEMM_MAX_K kMaxGemmK
#include "../simd_dispatch.h"

// The Arm DSP kernel set (MOTE_KERNEL_ISA=arm_dsp: Cortex-M4, Cortex-M7): int8 QConv (1x1,
// general, depthwise) and QMatMul of any size, routed by kernels/simd_dispatch.h (no float
// kernels: float ops stay with the reference).
#include "kernels.h"

#define MOTE_SIMD_NS arm_dsp
#define MOTE_SIMD_NO_F32
#define MOTE_SIMD_NHWC 1
#include "../simd_dispatch.h"

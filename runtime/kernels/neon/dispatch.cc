// The NEON kernel set (MOTE_KERNEL_ISA=neon: Cortex-A with VFPv4, AArch64): float32
// Conv/Gemm/MatMul and int8 QConv/QMatMul, routed by kernels/simd_dispatch.h.
#include "kernels.h"
#include "s8_kernels.h"

#define MOTE_SIMD_NS neon
#define MOTE_SIMD_SCRATCH 1
#include "../simd_dispatch.h"

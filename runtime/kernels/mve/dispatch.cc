// The Helium kernel set (MOTE_KERNEL_ISA=mve: Armv8.1-M with MVE float, Cortex-M55): float32
// Conv/Gemm/MatMul and int8 QConv/QMatMul, routed by kernels/simd_dispatch.h.
#include "kernels.h"
#include "s8_kernels.h"

#define MOTE_SIMD_NS mve
#define MOTE_SIMD_SCRATCH 1
#define MOTE_SIMD_NHWC 1
#include "../simd_dispatch.h"

// f32_conv2d__mve: float32 Conv over NCHW, weights [M, C/group, kH, kW]; the shared body is
// kernels/simd_conv2d.h, over this set's f32_gemm_nn.
#include "kernels.h"

#define MOTE_SIMD_NS mve
#define MOTE_SIMD_SCRATCH 1
#include "../simd_conv2d.h"

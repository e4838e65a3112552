// f32_conv2d__wasm_simd128: float32 Conv over NCHW, weights [M, C/group, kH, kW]; the shared body is
// kernels/simd_conv2d.h, over this set's f32_gemm_nn; the stems (3x3 at stride 2 over few
// channels) have a direct form.
#include "kernels.h"

#define MOTE_SIMD_NS wasm_simd128
#define MOTE_SIMD_SCRATCH 1
#define MOTE_SIMD_CONV_DIRECT 1  // the 3x3 stride-2 stems first: f32_conv2d_s2__wasm_simd128.cc
#include "../simd_conv2d.h"

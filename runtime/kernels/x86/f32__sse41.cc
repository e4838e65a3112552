// float32 Conv (1x1, im2col, depthwise), Gemm, MatMul, element-wise and pooling kernels at the sse41 level.
#define MOTE_X86_LEVEL 1
#include "level.h"

#include "f32_gemm.inc"
#include "f32_dwconv.inc"
#include "f32_dwrows.inc"
#include "f32_conv_direct.inc"
#include "f32_eltwise.inc"
#include "f32_conv.inc"
#include "f32_expand_dw.inc"
#include "f32_winograd.inc"

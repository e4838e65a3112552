// int8 QConv (1x1, general, depthwise) and QMatMul kernels at the avx2 level.
#define MOTE_X86_LEVEL 2
#include "level.h"

#include "s8_simd.inc"
#include "s8_conv.inc"
#include "s8_dwconv.inc"

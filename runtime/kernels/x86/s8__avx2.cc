// int8 kernels at the avx2 level: QConv (1x1, general, depthwise), QMatMul, QAdd, QMul, QuantizeLinear, MaxPool.
#define MOTE_X86_LEVEL 2
#include "level.h"

#include "s8_simd.inc"
#include "s8_conv.inc"
#include "s8_dwconv.inc"
#include "s8_pool.inc"
#include "s8_eltwise.inc"

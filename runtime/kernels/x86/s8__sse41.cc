// int8 QConv (1x1, general, depthwise), QMatMul, QAdd and QMul kernels at the sse4.1 level.
#define MOTE_X86_LEVEL 1
#include "level.h"

#include "s8_simd.inc"
#include "s8_conv.inc"
#include "s8_dwconv.inc"
#include "s8_eltwise.inc"

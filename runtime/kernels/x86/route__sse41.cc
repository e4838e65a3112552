// The sse41 level's routing: kernels/simd_dispatch.h as mote::run_x86_sse41.
#define MOTE_X86_LEVEL 1
#include "level.h"

#define MOTE_SIMD_NO_S8  // until s8__<level>.cc lands
#define MOTE_SIMD_ENTRY run_x86_sse41
#include "../simd_dispatch.h"

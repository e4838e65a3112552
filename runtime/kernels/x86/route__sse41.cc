// The sse41 level's routing: kernels/simd_dispatch.h as mote::run_x86_sse41.
#define MOTE_X86_LEVEL 1
#include "level.h"

#define MOTE_SIMD_EXTRA_ROUTES s8_extra_routes  // QAdd, QMul (s8_eltwise.inc)
#define MOTE_SIMD_ENTRY run_x86_sse41
#include "../simd_dispatch.h"

// The sse41 level's routing (route.inc) as mote::run_x86_sse41.
#define MOTE_X86_LEVEL 1
#include "level.h"

#define MOTE_SIMD_ENTRY run_x86_sse41
#include "route.inc"

// The avx2 level's routing (route.inc) as mote::run_x86_avx2.
#define MOTE_X86_LEVEL 2
#include "level.h"

#define MOTE_SIMD_ENTRY run_x86_avx2
#include "route.inc"

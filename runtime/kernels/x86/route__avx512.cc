// The avx512 level's routing (route.inc) as mote::run_x86_avx512.
#define MOTE_X86_LEVEL 3
#include "level.h"

#define MOTE_SIMD_ENTRY run_x86_avx512
#include "route.inc"

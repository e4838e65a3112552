// The x86 kernel set's levels and the choice among them. A hosted x86 build compiles every level
// (each in its own namespace, its code under a `#pragma GCC target` of that level only) and picks
// the best the CPU offers once, on the first optimised op: run_optimized() then forwards to it.
// A build pinned to one level (CMake MOTE_X86_VARIANT, which defines MOTE_X86_PIN) uses that
// level alone, or the reference kernels if the CPU lacks it: never an illegal instruction.
#ifndef MOTE_KERNELS_X86_CPU_H
#define MOTE_KERNELS_X86_CPU_H

#include <stdint.h>

namespace mote {
namespace x86 {

enum Level : int32_t {
  kReference = 0,  // no optimised kernel: everything on the reference kernels
  kSse41 = 1,      // SSE4.1, 4 floats a vector; int8 by 16-bit pairwise products (PMADDWD)
  kAvx2 = 2,       // AVX2 + FMA, 8 floats; int8 by PMADDWD
  kAvx512 = 3,     // AVX-512 F/BW/DQ/VL + VNNI, 16 floats; int8 by VPDPBUSD
};
constexpr int32_t kLevelCount = 4;

// What this CPU (and its operating system, which must save the wider registers) supports.
bool supported(Level level);
// AVX-512 VBMI beside the avx512 level (its int8 table lookups permute bytes with it).
bool has_avx512_vbmi();
// The best supported level (or the pinned one, if supported).
Level detected();
// The level run_optimized() uses now.
Level active();
// For tests and benches: make run_optimized() use `level` (returns false, changing nothing, if
// the CPU does not support it).
bool force(Level level);
const char* level_name(Level level);

}  // namespace x86
}  // namespace mote

#endif  // MOTE_KERNELS_X86_CPU_H

// The x86 kernel set (MOTE_KERNEL_ISA=x86): picks a level once from CPUID (kernels/x86/cpu.h)
// and forwards every op to that level's routing (kernels/simd_dispatch.h, compiled once per
// level in route__<level>.cc).
#include <cpuid.h>

#include "cpu.h"
#include "mote/kernel.h"

namespace mote {

Status run_x86_sse41(const OpArgs& a);
Status run_x86_avx2(const OpArgs& a);
Status run_x86_avx512(const OpArgs& a);

namespace x86 {
namespace {

// XCR0: which register states the operating system saves on a context switch.
uint64_t xcr0() {
  uint32_t lo, hi;
  __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
  return (uint64_t(hi) << 32) | lo;
}

bool cpu_has(Level level) {
  uint32_t a, b, c, d;
  if (!__get_cpuid(1, &a, &b, &c, &d)) return false;
  const bool sse41 = (c & bit_SSE4_1) != 0;
  if (level == kSse41) return sse41;
  const bool osxsave = (c & bit_OSXSAVE) != 0, fma = (c & bit_FMA) != 0, avx = (c & bit_AVX) != 0;
  if (!sse41 || !osxsave || !fma || !avx) return false;
  const uint64_t xcr = xcr0();
  if ((xcr & 0x6) != 0x6) return false;  // XMM and YMM state
  if (!__get_cpuid_count(7, 0, &a, &b, &c, &d)) return false;
  const bool avx2 = (b & bit_AVX2) != 0;
  if (level == kAvx2) return avx2;
  const bool avx512 = (b & bit_AVX512F) && (b & bit_AVX512BW) && (b & bit_AVX512DQ) && (b & bit_AVX512VL) &&
                      (c & bit_AVX512VNNI);
  return level == kAvx512 && avx2 && avx512 && (xcr & 0xE0) == 0xE0;  // opmask and ZMM state
}

// AVX-512 VBMI (byte permutes across a whole register) on top of the avx512 level: -1 until
// asked, then 0 or 1.
int32_t g_vbmi = -1;

// The chosen level; -1 until the first call decides. A plain word: two threads deciding at
// once write the same value.
int32_t g_level = -1;

}  // namespace

bool has_avx512_vbmi() {
  if (g_vbmi < 0) {
    uint32_t a, b, c, d;
    g_vbmi = cpu_has(kAvx512) && __get_cpuid_count(7, 0, &a, &b, &c, &d) && (c & bit_AVX512VBMI) != 0;
  }
  return g_vbmi == 1;
}

bool supported(Level level) { return level == kReference || (level > kReference && level < kLevelCount && cpu_has(level)); }

Level detected() {
#ifdef MOTE_X86_PIN
  return supported(Level(MOTE_X86_PIN)) ? Level(MOTE_X86_PIN) : kReference;
#else
  for (int32_t l = kLevelCount - 1; l > kReference; --l) {
    if (cpu_has(Level(l))) return Level(l);
  }
  return kReference;
#endif
}

Level active() {
  if (g_level < 0) g_level = detected();
  return Level(g_level);
}

bool force(Level level) {
  if (!supported(level)) return false;
  g_level = level;
  return true;
}

const char* level_name(Level level) {
  switch (level) {
    case kSse41: return "sse4.1";
    case kAvx2: return "avx2";
    case kAvx512: return "avx512";
    default: return "reference";
  }
}

}  // namespace x86

const char* optimized_kernel_set() {
  switch (x86::active()) {
    case x86::kAvx512: return "x86 avx512";
    case x86::kAvx2: return "x86 avx2";
    case x86::kSse41: return "x86 sse4.1";
    default: return "x86 (no supported level: reference)";
  }
}

Status run_optimized(const OpArgs& a) {
  switch (x86::active()) {
    case x86::kAvx512: return run_x86_avx512(a);
    case x86::kAvx2: return run_x86_avx2(a);
    case x86::kSse41: return run_x86_sse41(a);
    default: return Status::kUnsupportedOp;
  }
}

}  // namespace mote

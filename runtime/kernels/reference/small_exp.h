// e^x in double precision without the C library's table (2 KB of data and 0.5 KB of code in a
// WebAssembly module; the C library's exp, its error wrapper and finite, 1.1 KB of flash on the
// Cortex-M4): for the builds that ask for size (MOTE_SMALL_MATH, wasm/build.sh's model-small=
// and mote.wasm) and every Cortex-M build, where Softmax is the only caller of exp(). x = k ln2 + r
// with |r| <= ln2/2 (k the nearest integer, found without floor(): no libm call where doubles
// are soft-float), e^r by its Taylor series to r^12 (relative error below 1e-14,
// far inside the float32 that Softmax stores), times 2^k added to its exponent bits (with one
// rounding step for the subnormal results).
#ifndef MOTE_KERNELS_REFERENCE_SMALL_EXP_H
#define MOTE_KERNELS_REFERENCE_SMALL_EXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

namespace mote {
namespace ref {

inline double small_exp(double x) {
  if (!(x == x)) return x;             // NaN
  if (x > 709.78) return HUGE_VAL;
  if (x < -745.2) return 0.0;
  // k = round(x / ln2) by truncating a positive number (x / ln2 + 1100.5 > 24 here): no
  // floor() and one conversion.
  const int32_t k = int32_t(x * 1.4426950408889634 + 1100.5) - 1100;
  // ln2 split so that k * ln2_hi is exact for |k| < 2^11.
  const double r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10;
  double p = 1.0;  // 1 + r (1 + r/2 (1 + r/3 (... (1 + r/12))))
  for (int32_t n = 12; n >= 1; --n) p = 1.0 + p * r / n;
  // p in [0.7, 1.5) times 2^k: k added to p's exponent bits (a normal result for k >= -1021,
  // finite for x <= 709.78). Below, 2^(k + 64) and then one multiply by 2^-64 rounds the
  // subnormal result once.
  const bool tiny = k < -1000;
  uint64_t bits;
  __builtin_memcpy(&bits, &p, sizeof bits);  // (the builtin: a freestanding build calls memcpy)
  bits += uint64_t(uint32_t(tiny ? k + 64 : k)) << 52;  // modulo 2^64: k's low 12 bits
  __builtin_memcpy(&p, &bits, sizeof p);
  return tiny ? p * 5.42101086242752217e-20 : p;  // 2^-64
}

// e^x in single precision, for Softmax on the Cortex-M (MOTE_SOFTMAX_F32 below), where a double
// is soft-float: the same steps in float. x = k ln2 + r, k = round(x / ln2) (within one: the
// float sum rounds), ln2 split so that k * ln2_hi is exact (15 bits of ln2_hi, |k| <= 150),
// |r| below 0.35, e^r by its Taylor series to r^7 (truncation below 6e-9 of the result),
// times 2^k added to its exponent bits; below k = -120 the exponent takes k + 32 and one
// multiply by 2^-32 rounds the subnormal result once. Within a few units in the last place of
// float (tests/unit/small_exp_test.cc).
inline float small_expf(float x) {
  if (!(x == x)) return x;  // NaN
  if (x > 88.72f) return __builtin_huge_valf();
  if (x < -103.98f) return 0.0f;
  const int32_t k = int32_t(x * 1.44269504f + 200.5f) - 200;
  const float r = (x - float(k) * 0.693145751953125f) - float(k) * 1.42860677e-6f;
  float p = 1.0f;  // 1 + r (1 + r/2 (... (1 + r/7)))
  for (int32_t n = 7; n >= 1; --n) p = 1.0f + p * r / float(n);
  const bool tiny = k < -120;
  uint32_t bits;
  __builtin_memcpy(&bits, &p, sizeof bits);
  bits += uint32_t(tiny ? k + 32 : k) << 23;  // modulo 2^32: k's low 9 bits
  __builtin_memcpy(&p, &bits, sizeof p);
  return tiny ? p * 2.32830644e-10f : p;  // 2^-32
}

// Softmax's sum in float and its e^x small_expf on the Cortex-M, where a double is soft-float
// (libgcc's double add, multiply and divide, and the double small_exp: about 3 KB of flash);
// elsewhere in double with exp_f64, as the host's results are specified.
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
#define MOTE_SOFTMAX_F32 1
#else
#define MOTE_SOFTMAX_F32 0
#endif

// exp() for the reference kernels: small_exp in the builds for size and on the Cortex-M
// (__ARM_ARCH_PROFILE 'M'), else the C library's.
inline double exp_f64(double x) {
#if defined(MOTE_SMALL_MATH) || (defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M')
  return small_exp(x);
#else
  return exp(x);
#endif
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_SMALL_EXP_H

// e^x in double precision without the C library's table (2 KB of data and 0.5 KB of code in a
// WebAssembly module): for the builds that ask for size (MOTE_SMALL_MATH, wasm/build.sh's
// model-small= and mote.wasm), where Softmax is the only caller of exp(). x = k ln2 + r with
// |r| <= ln2/2, e^r by its Taylor series to r^12 (relative error below 1e-14, far inside the
// float32 that Softmax stores), times 2^k built in the exponent bits, in two steps so that
// results down to the smallest subnormal are right.
#ifndef MOTE_KERNELS_REFERENCE_SMALL_EXP_H
#define MOTE_KERNELS_REFERENCE_SMALL_EXP_H

#include <math.h>
#include <stdint.h>
#include <string.h>

namespace mote {
namespace ref {

inline double pow2_int(int32_t k) {  // 2^k for k in [-1022, 1023]
  const uint64_t bits = uint64_t(k + 1023) << 52;
  double d;
  memcpy(&d, &bits, sizeof d);
  return d;
}

inline double small_exp(double x) {
  if (!(x == x)) return x;             // NaN
  if (x > 709.78) return HUGE_VAL;
  if (x < -745.2) return 0.0;
  const double k = floor(x * 1.4426950408889634 + 0.5);
  // ln2 split so that k * ln2_hi is exact for |k| < 2^11.
  const double r = (x - k * 0.693147180369123816490) - k * 1.90821492927058770002e-10;
  double p = 1.0;  // 1 + r (1 + r/2 (1 + r/3 (... (1 + r/12))))
  for (int32_t n = 12; n >= 1; --n) p = 1.0 + p * r / n;
  const int32_t k1 = int32_t(k) / 2;
  return p * pow2_int(k1) * pow2_int(int32_t(k) - k1);
}

// exp() for the reference kernels: small_exp in the builds for size, else the C library's.
inline double exp_f64(double x) {
#ifdef MOTE_SMALL_MATH
  return small_exp(x);
#else
  return exp(x);
#endif
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_SMALL_EXP_H

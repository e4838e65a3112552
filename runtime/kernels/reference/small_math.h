// log, pow, the sine and cosine of a fraction of a turn and fmod in double precision without the
// C library's tables, for the builds that ask for size (MOTE_SMALL_MATH: wasm/build.sh's modules):
// the reference kernels' double paths (LogSoftmax, ReduceLogSum and ReduceLogSumExp, Pow, the
// DFT's twiddle factors, GridSample's reflection) then link neither `log` (4 KB of tables), `pow`
// (4 KB of tables, and `exp`'s 2 KB), `sin`/`cos` (their argument reduction, 2 KB of code) nor
// `fmod`. Each is within a few
// units in the last place of double (tests/unit/small_math_test.cc measures them against the C
// library's), far inside the float32 that the kernels store. Without MOTE_SMALL_MATH the
// kernels call the C library's.
#ifndef MOTE_KERNELS_REFERENCE_SMALL_MATH_H
#define MOTE_KERNELS_REFERENCE_SMALL_MATH_H

#include <math.h>
#include <stdint.h>
#include <string.h>

#include "small_exp.h"

namespace mote {
namespace ref {

// ln x: x = 2^k m with m in [sqrt(1/2), sqrt(2)), ln m = 2 atanh(s), s = (m - 1) / (m + 1),
// |s| <= 0.1716, by its series to s^25 (the next term below 1e-19 of the result).
inline double small_log(double x) {
  if (!(x > 0.0)) return x == 0.0 ? -HUGE_VAL : (x == x ? NAN : x);  // 0, negative, NaN
  if (x == HUGE_VAL) return x;
  uint64_t bits;
  memcpy(&bits, &x, sizeof bits);
  int32_t k = 0;
  if (bits < (uint64_t(1) << 52)) {  // subnormal: scale by 2^54 first
    x *= 18014398509481984.0;
    memcpy(&bits, &x, sizeof bits);
    k = -54;
  }
  // x = 2^k m: the exponent taken relative to sqrt(1/2) (0x3FE6A09E667F3BCD), so that m lands
  // in [sqrt(1/2), sqrt(2)).
  const uint64_t rel = bits - 0x3FE6A09E667F3BCDull;
  k += int32_t(int64_t(rel) >> 52);
  bits -= rel & (uint64_t(0xFFF) << 52);
  double m;
  memcpy(&m, &bits, sizeof m);
  const double s = (m - 1.0) / (m + 1.0), s2 = s * s;
  double p = 1.0 / 25.0;  // 1 + s^2/3 + s^4/5 + ... + s^24/25
  for (int32_t n = 23; n >= 1; n -= 2) p = 1.0 / n + s2 * p;
  const double dk = double(k);
  // ln2 split so that k * ln2_hi is exact for |k| < 2^11.
  return dk * 0.693147180369123816490 + (2.0 * s * p + dk * 1.90821492927058770002e-10);
}

inline double log_f64(double x) {
#ifdef MOTE_SMALL_MATH
  return small_log(x);
#else
  return log(x);
#endif
}

// x^y as C's pow: the special cases of C99 Annex F, an integer y with |y| <= 64 by repeated
// squaring (exact where every partial product is, as for the integer tensors' Pow; at most 6
// squarings, so within about 2^6 units in the last place of double), else e^(y ln|x|)
// (relative error about |y ln x| 2^-52), the sign from an odd y.
inline double small_pow(double x, double y) {
  if (y == 0.0 || x == 1.0) return 1.0;
  if (x != x || y != y) return x + y;  // NaN
  const double ay = fabs(y);
  const bool y_int = floor(y) == y;
  const bool y_odd = y_int && ay < 9007199254740992.0 && floor(ay * 0.5) != ay * 0.5;
  if (ay == HUGE_VAL) {
    const double ax = fabs(x);
    if (ax == 1.0) return 1.0;
    return (ax > 1.0) == (y > 0.0) ? HUGE_VAL : 0.0;
  }
  if (x == 0.0 || fabs(x) == HUGE_VAL) {
    const bool big = (x != 0.0) == (y > 0.0);  // 0^-y and inf^y are infinite
    const double r = big ? HUGE_VAL : 0.0;
    return signbit(x) && y_odd ? -r : r;
  }
  if (x < 0.0 && !y_int) return NAN;
  if (y_int && ay <= 64.0) {
    uint32_t n = uint32_t(ay);
    double base = x, r = 1.0;
    while (true) {
      if (n & 1u) r *= base;
      n >>= 1;
      if (!n) break;
      base *= base;
    }
    return y < 0.0 ? 1.0 / r : r;
  }
  const double r = small_exp(y * small_log(fabs(x)));
  return x < 0.0 && y_odd ? -r : r;
}

inline double pow_f64(double x, double y) {
#ifdef MOTE_SMALL_MATH
  return small_pow(x, y);
#else
  return pow(x, y);
#endif
}

// cos and sin of 2 pi m / n for 0 <= m < n (sign -1: of minus that angle): the turn reduced to
// the nearest quarter exactly in integers, the rest (at most an eighth of a turn) by the
// series to the 18th power, then rotated by the quarters.
inline void small_cos_sin_turn(int64_t m, int64_t n, double sign, double* c, double* s) {
  const int64_t q = (8 * m + n) / (2 * n);  // the nearest quarter, 0..4
  const double x = 6.283185307179586476925286766559 * double(4 * m - q * n) / double(4 * n);
  const double x2 = x * x;
  double sp = 1.0, cp = 1.0;  // sin x / x and cos x by their series
  for (int32_t k = 18; k >= 2; k -= 2) {
    sp = 1.0 - sp * x2 / double(k * (k + 1));
    cp = 1.0 - cp * x2 / double(k * (k - 1));
  }
  sp *= x;
  double cr, sr;
  switch (q & 3) {
    case 0: cr = cp, sr = sp; break;
    case 1: cr = -sp, sr = cp; break;
    case 2: cr = -cp, sr = -sp; break;
    default: cr = sp, sr = -cp; break;
  }
  *c = cr;
  *s = sign * sr;
}

inline void cos_sin_turn(int64_t m, int64_t n, double sign, double* c, double* s) {
#ifdef MOTE_SMALL_MATH
  small_cos_sin_turn(m, n, sign, c, s);
#else
  const double phase = sign * 6.283185307179586476925286766559 * double(m) / double(n);
  *c = cos(phase);
  *s = sin(phase);
#endif
}

// fmod(a, b) for a >= 0 and b > 0 (a NaN or infinite a gives NaN), exact as fmod is: b times
// the powers of two from the largest not above a down to b itself taken off a where they fit
// (each difference exact: a is below twice the power).
inline double small_fmod_pos(double a, double b) {
  if (!(a < HUGE_VAL)) return NAN;
  if (a < b) return a;
  double d = b;
  while (d <= a * 0.5) d += d;
  for (; d >= b; d *= 0.5) {
    if (a >= d) a -= d;
  }
  return a;
}

inline double fmod_pos_f64(double a, double b) {
#ifdef MOTE_SMALL_MATH
  return small_fmod_pos(a, b);
#else
  return fmod(a, b);
#endif
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_SMALL_MATH_H

// ref::small_log, small_pow, small_cos_sin_turn and small_fmod_pos (runtime/kernels/reference/small_math.h), the
// table-free double math of the WebAssembly builds (MOTE_SMALL_MATH): against the C library's
// log, pow, cos, sin and fmod over their ranges, subnormals, the special cases of pow, and the float32
// results the kernels store.
#include <gtest/gtest.h>

#include <math.h>
#include <stdint.h>

#include "runtime/kernels/reference/small_math.h"

namespace {

using mote::ref::small_cos_sin_turn;
using mote::ref::small_fmod_pos;
using mote::ref::small_log;
using mote::ref::small_pow;

double rel(double got, double want) {
  if (got == want) return 0.0;  // infinities too
  return want == 0.0 ? fabs(got) : fabs(got - want) / fabs(want);
}

TEST(SmallLog, MatchesTheLibraryAcrossItsRange) {
  double worst = 0.0;
  for (double e = -1070.0; e < 1023.0; e += 0.0731) {
    const double x = exp2(e);
    worst = fmax(worst, rel(small_log(x), log(x)));
  }
  for (double x = 0.5; x < 2.0; x += 1.37e-5) worst = fmax(worst, rel(small_log(x), log(x)));  // around 1
  EXPECT_LT(worst, 1e-15);
  // Near 1 the result is small: the absolute error counts there.
  double worst_abs = 0.0;
  for (double d = 1e-12; d < 0.3; d *= 1.01) {
    worst_abs = fmax(worst_abs, fabs(small_log(1.0 + d) - log(1.0 + d)) / d);
    worst_abs = fmax(worst_abs, fabs(small_log(1.0 - d) - log(1.0 - d)) / d);
  }
  EXPECT_LT(worst_abs, 1e-15);
}

TEST(SmallLog, EdgesOfTheRange) {
  EXPECT_EQ(small_log(1.0), 0.0);
  EXPECT_EQ(small_log(0.0), -INFINITY);
  EXPECT_EQ(small_log(-0.0), -INFINITY);
  EXPECT_TRUE(isnan(small_log(-1.0)));
  EXPECT_TRUE(isnan(small_log(-INFINITY)));
  EXPECT_TRUE(isnan(small_log(NAN)));
  EXPECT_EQ(small_log(INFINITY), INFINITY);
  EXPECT_NEAR(small_log(4.9406564584124654e-324), log(4.9406564584124654e-324), 1e-12);
  EXPECT_NEAR(small_log(1.7976931348623157e308), log(1.7976931348623157e308), 1e-12);
}

TEST(SmallLog, FloatResultsAreTheLibrarys) {
  // LogSoftmax and the log reductions store float32.
  int32_t differ = 0;
  for (int32_t i = 1; i <= 200000; ++i) {
    const double x = i * 0.0137;
    differ += float(small_log(x)) != float(log(x));
  }
  EXPECT_EQ(differ, 0);
}

TEST(SmallPow, MatchesTheLibrary) {
  double worst = 0.0;
  for (double x = 1e-3; x < 1e3; x *= 1.071) {
    for (double y = -12.0; y < 12.0; y += 0.173) {
      const double want = pow(x, y);
      if (want > 1e300 || want < 1e-300) continue;
      worst = fmax(worst, rel(small_pow(x, y), want));
    }
  }
  EXPECT_LT(worst, 1e-13);  // |y ln x| 2^-52 and less
  // Integer exponents, negative bases.
  for (double x = -7.5; x <= 7.5; x += 0.25) {
    for (int32_t y = -64; y <= 64; ++y) {
      EXPECT_LT(rel(small_pow(x, y), pow(x, y)), 1e-14) << x << " ^ " << y;
    }
  }
  for (double y = 65.0; y < 400.0; y += 7.0) {
    EXPECT_LT(rel(small_pow(-1.5, y), pow(-1.5, y)), 1e-13) << y;
    EXPECT_LT(rel(small_pow(1.00001, y * 1e5), pow(1.00001, y * 1e5)), 1e-11) << y;
  }
}

TEST(SmallPow, IntegersAreExact) {
  // The integer tensors' Pow: every power that fits in 53 bits is exact.
  for (int64_t b = -20; b <= 20; ++b) {
    double want = 1.0;
    for (int32_t y = 0; y <= 64 && fabs(want) < 9007199254740992.0; ++y, want *= double(b)) {
      EXPECT_EQ(small_pow(double(b), double(y)), want) << b << " ^ " << y;
    }
  }
  EXPECT_EQ(small_pow(2.0, 62.0), 4611686018427387904.0);
  EXPECT_EQ(small_pow(2.0, -3.0), 0.125);
}

TEST(SmallPow, SpecialCases) {
  const double vals[] = {0.0, -0.0, 0.5, -0.5, 1.0, -1.0, 2.0, -2.0, 3.0, -3.0, 2.5, -2.5, 1e300, -1e300,
                         INFINITY, -INFINITY, NAN};
  for (double x : vals) {
    for (double y : vals) {
      const double want = pow(x, y), got = small_pow(x, y);
      if (isnan(want)) {
        EXPECT_TRUE(isnan(got)) << x << " ^ " << y;
      } else if (want == 0.0 || isinf(want)) {
        EXPECT_EQ(got, want) << x << " ^ " << y;
        EXPECT_EQ(signbit(got), signbit(want)) << x << " ^ " << y;
      } else {
        EXPECT_LT(rel(got, want), 1e-13) << x << " ^ " << y;
      }
    }
  }
}

TEST(SmallCosSinTurn, MatchesTheLibrary) {
  double worst = 0.0;
  const int64_t lengths[] = {1, 2, 3, 4, 5, 7, 8, 12, 16, 100, 257, 400, 512, 1000, 4096, 65537};
  for (int64_t n : lengths) {
    for (int64_t m = 0; m < n; m += 1 + n / 500) {
      for (double sign : {1.0, -1.0}) {
        double c, s;
        small_cos_sin_turn(m, n, sign, &c, &s);
        // The library's of the same angle, exact to within its own rounding of 2 pi m / n.
        const double phase = sign * 6.283185307179586476925286766559 * double(m) / double(n);
        worst = fmax(worst, fmax(fabs(c - cos(phase)), fabs(s - sin(phase))));
        EXPECT_LE(c * c + s * s, 1.0 + 4e-16);
      }
    }
  }
  EXPECT_LT(worst, 2e-15);
  double c, s;
  small_cos_sin_turn(0, 8, -1.0, &c, &s);
  EXPECT_EQ(c, 1.0);
  EXPECT_EQ(s, 0.0);
  small_cos_sin_turn(1, 4, 1.0, &c, &s);  // a quarter turn: exactly (0, 1)
  EXPECT_EQ(c, 0.0);
  EXPECT_EQ(s, 1.0);
  small_cos_sin_turn(1, 2, -1.0, &c, &s);
  EXPECT_EQ(c, -1.0);
}

TEST(SmallFmodPos, IsTheLibrarysExactly) {
  const double bs[] = {2.0, 0.75, 1e-3, 3.141592653589793, 1e-310, 37.5, 6.0e20};
  for (double b : bs) {
    for (double a = 0.0; a < 1e30; a = a * 1.37 + 0.013) {
      EXPECT_EQ(small_fmod_pos(a, b), fmod(a, b)) << a << " mod " << b;
    }
    EXPECT_EQ(small_fmod_pos(1.7976931348623157e308, b), fmod(1.7976931348623157e308, b)) << b;
    EXPECT_EQ(small_fmod_pos(b, b), 0.0);
    EXPECT_TRUE(isnan(small_fmod_pos(INFINITY, b)));
    EXPECT_TRUE(isnan(small_fmod_pos(NAN, b)));
  }
}

}  // namespace

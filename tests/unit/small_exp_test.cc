// ref::small_exp (runtime/kernels/reference/small_exp.h), the table-free e^x that Softmax,
// LogSoftmax and ReduceLogSumExp use in the WebAssembly builds for size (MOTE_SMALL_MATH):
// against the C library's exp over its whole range, subnormal results, overflow and NaN; and
// ref::small_expf, its single-precision form that Softmax uses on the Cortex-M
// (MOTE_SOFTMAX_F32), against the double one.
#include <gtest/gtest.h>

#include <math.h>

#include "runtime/kernels/reference/small_exp.h"

namespace {

using mote::ref::small_exp;
using mote::ref::small_expf;

TEST(SmallExp, MatchesTheLibraryAcrossItsRange) {
  double worst = 0.0;
  for (double x = -708.0; x < 709.0; x += 0.0173) {
    const double want = exp(x);
    worst = fmax(worst, fabs(small_exp(x) - want) / want);
  }
  EXPECT_LT(worst, 1e-14);
}

TEST(SmallExp, SoftmaxArgumentsRoundToTheSameFloat) {
  // Softmax takes e^(x - max) <= 1, stored as float32: the same float as the library's.
  int32_t differ = 0;
  for (int32_t i = 0; i <= 200000; ++i) {
    const double x = -i * 5e-4;
    differ += float(small_exp(x)) != float(exp(x));
  }
  EXPECT_EQ(differ, 0);
}

TEST(SmallExp, EdgesOfTheRange) {
  EXPECT_EQ(small_exp(0.0), 1.0);
  EXPECT_NEAR(small_exp(-740.0) / exp(-740.0), 1.0, 1e-6);  // a subnormal result
  EXPECT_GT(small_exp(-740.0), 0.0);
  EXPECT_EQ(small_exp(-746.0), 0.0);
  EXPECT_EQ(small_exp(-INFINITY), 0.0);
  EXPECT_EQ(small_exp(710.0), INFINITY);
  EXPECT_EQ(small_exp(INFINITY), INFINITY);
  EXPECT_TRUE(isnan(small_exp(NAN)));
  EXPECT_NEAR(small_exp(709.0) / exp(709.0), 1.0, 1e-14);
}

// The float e^x against the double one rounded to float, in units in the last place of the
// float result, over every normal result, and over Softmax's arguments (x - max <= 0).
double ulps(float got, double want) {
  const float w = float(want);
  const double ulp = double(nextafterf(w, INFINITY)) - double(w);
  return fabs(double(got) - want) / ulp;
}

TEST(SmallExpf, WithinTwoUlpsOfTheDoubleExp) {
  double worst = 0.0;
  for (float x = -87.0f; x < 88.7f; x += 0.00731f) worst = fmax(worst, ulps(small_expf(x), small_exp(double(x))));
  EXPECT_LT(worst, 2.0);
  double softmax_worst = 0.0;
  for (int32_t i = 0; i <= 200000; ++i) {
    const float x = -float(i) * 4.1e-4f;
    softmax_worst = fmax(softmax_worst, ulps(small_expf(x), small_exp(double(x))));
  }
  EXPECT_LT(softmax_worst, 2.0);
}

TEST(SmallExpf, EdgesOfTheRange) {
  EXPECT_EQ(small_expf(0.0f), 1.0f);
  // Subnormal results, rounded once: within one subnormal step (2^-149) of the double's.
  for (float x = -103.9f; x < -87.4f; x += 0.013f) {
    EXPECT_NEAR(double(small_expf(x)), small_exp(double(x)), 1.5e-45) << x;
  }
  EXPECT_GT(small_expf(-103.0f), 0.0f);
  EXPECT_EQ(small_expf(-104.0f), 0.0f);
  EXPECT_EQ(small_expf(-INFINITY), 0.0f);
  EXPECT_EQ(small_expf(89.0f), INFINITY);
  EXPECT_EQ(small_expf(INFINITY), INFINITY);
  EXPECT_TRUE(isnan(small_expf(NAN)));
  EXPECT_NEAR(double(small_expf(88.5f)) / small_exp(88.5), 1.0, 3e-7);
}

}  // namespace

// ref::small_exp (runtime/kernels/reference/small_exp.h), the table-free e^x that Softmax,
// LogSoftmax and ReduceLogSumExp use in the WebAssembly builds for size (MOTE_SMALL_MATH):
// against the C library's exp over its whole range, subnormal results, overflow and NaN.
#include <gtest/gtest.h>

#include <math.h>

#include "runtime/kernels/reference/small_exp.h"

namespace {

using mote::ref::small_exp;

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

}  // namespace

// The calibration methods' range choices (converter/src/calibration.cc) against brute force:
// the expected squared error against numerical integration, the mse range against an
// exhaustive search, the entropy threshold on a tail and on a narrow peak.
#include "converter/src/calibration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "converter/src/int8_rewrite.h"

namespace mote {
namespace {

using calib::kBins;
using calib::Range;

// A histogram of x over [lo, hi] of the given values.
Range histogram(const std::vector<double>& values, bool magnitude) {
  Range r;
  for (double v : values) r.lo = std::min(r.lo, float(v)), r.hi = std::max(r.hi, float(v));
  r.hist.assign(kBins, 0);
  const double base = magnitude ? 0.0 : r.lo;
  const double width = magnitude ? std::max(std::fabs(r.lo), std::fabs(r.hi)) : double(r.hi) - r.lo;
  for (double v : values) {
    const double x = magnitude ? std::fabs(v) : v;
    r.hist[size_t(std::min(kBins - 1, std::max(0, int((x - base) / width * kBins))))]++;
  }
  return r;
}

// The same error by the midpoint rule: 400 points per bin, each rounded as the int8 grid of
// choose(lo, hi) does, clipped at its ends.
double integrated_error(const Range& r, float lo, float hi) {
  const int8::QParams p = int8::choose(lo, hi);
  const double width = (double(r.hi) - r.lo) / kBins;
  double total = 0;
  for (int b = 0; b < kBins; ++b) {
    if (!r.hist[size_t(b)]) continue;
    double sum = 0;
    for (int k = 0; k < 400; ++k) {
      const double x = r.lo + width * (b + (k + 0.5) / 400);
      const double q = std::min(127.0, std::max(-128.0, std::nearbyint(x / p.scale) + p.zp));
      sum += (x - (q - p.zp) * p.scale) * (x - (q - p.zp) * p.scale);
    }
    total += double(r.hist[size_t(b)]) * sum / 400;
  }
  return total;
}

// Laplace (b = 1) values: for 8 bits the least squared error clips near 9.9 b, inside the
// largest of 400,000 values (about 12.2), so mse has a tail to clip.
std::vector<double> laplace(unsigned seed, double shift, int count = 400000) {
  std::mt19937 rng(seed);
  std::exponential_distribution<double> e(1.0);
  std::bernoulli_distribution sign(0.5);
  std::vector<double> v;
  for (int i = 0; i < count; ++i) v.push_back(shift + (sign(rng) ? 1 : -1) * e(rng));
  return v;
}

TEST(CalibrationMethod, ExpectedErrorMatchesIntegration) {
  const Range r = histogram(laplace(1, 0.5, 50000), false);
  for (const auto& range : std::vector<std::pair<float, float>>{{r.lo, r.hi}, {-3.0f, 4.0f}, {-0.7f, 1.3f}, {0.0f, 6.0f}}) {
    const double exact = calib::expected_squared_error(r, range.first, range.second);
    const double numeric = integrated_error(r, range.first, range.second);
    EXPECT_NEAR(exact, numeric, 1e-4 * numeric) << range.first << ".." << range.second;
  }
}

TEST(CalibrationMethod, MseRangeIsNearTheExhaustiveBest) {
  const Range r = histogram(laplace(2, 0.3), false);
  float lo = 0, hi = 0;
  calib::mse_range(r, &lo, &hi);
  const double found = calib::expected_squared_error(r, lo, hi);
  // Every pair of edges 16 bins apart on each side of 0.
  const double width = (double(r.hi) - r.lo) / kBins;
  double best = INFINITY;
  for (int a = 0; a < kBins; a += 16) {
    const double ea = r.lo + width * a;
    if (ea >= 0) break;
    for (int b = kBins; b > 0; b -= 16) {
      const double eb = r.lo + width * b;
      if (eb <= 0) break;
      best = std::min(best, calib::expected_squared_error(r, float(ea), float(eb)));
    }
  }
  EXPECT_LE(found, best * 1.001);
  EXPECT_LT(found, 0.9 * calib::expected_squared_error(r, r.lo, r.hi));  // the tails are clipped
  EXPECT_LT(hi, 0.3f + 11.5f);
  EXPECT_GT(hi, 0.3f + 8.0f);
  EXPECT_GT(lo, r.lo);
}

TEST(CalibrationMethod, MseRangeOfOneSign) {
  std::vector<double> v = laplace(3, 0.0);
  for (double& x : v) x = std::fabs(x);  // a Relu's output: 255 steps on one side
  const Range r = histogram(v, false);
  float lo = 0, hi = 0;
  calib::mse_range(r, &lo, &hi);
  EXPECT_EQ(lo, r.lo);
  EXPECT_LT(hi, r.hi);
  EXPECT_GT(hi, 6.0f);
  EXPECT_LT(calib::expected_squared_error(r, lo, hi), calib::expected_squared_error(r, r.lo, r.hi));
}

TEST(CalibrationMethod, EntropyClipsTheTail) {
  std::vector<double> v = laplace(4, 0.0, 50000);
  for (double& x : v) x = std::fabs(x);
  v.push_back(40.0);  // an outlier far beyond the tail
  const Range r = histogram(v, true);
  float lo = 0, hi = 0;
  calib::entropy_range(r, &lo, &hi);
  EXPECT_EQ(lo, r.lo);
  EXPECT_LT(hi, 20.0f);  // the outlier is clipped
  size_t beyond = 0;
  for (double x : v) beyond += x > hi;
  EXPECT_LE(beyond * 100, v.size());  // at most 1% of the values
}

TEST(CalibrationMethod, EntropyKeepsANarrowPeak) {
  // Squeeze-excite gates: nearly all values near 0.5 in [0, 1]. KL alone would clip at the
  // peak's first bin; no candidate may clip more than 1%.
  std::mt19937 rng(5);
  std::normal_distribution<double> n(0.5, 0.0003);  // about a bin wide
  std::vector<double> v;
  for (int i = 0; i < 20000; ++i) v.push_back(n(rng));
  v.push_back(0.0001);
  v.push_back(1.0);
  const Range r = histogram(v, true);
  float lo = 0, hi = 0;
  calib::entropy_range(r, &lo, &hi);
  size_t beyond = 0;
  for (double x : v) beyond += x > hi;
  EXPECT_LE(beyond * 100, v.size());
  EXPECT_GT(hi, 0.5f);
}

TEST(CalibrationMethod, PercentileOfAUniformHistogram) {
  Range r;
  r.lo = -1.0f;
  r.hi = 1.0f;
  r.hist.assign(kBins, 100);
  float lo = 0, hi = 0;
  calib::percentile_range(r, 99.0, &lo, &hi);
  EXPECT_NEAR(lo, -0.98, 2.0 / kBins);
  EXPECT_NEAR(hi, 0.98, 2.0 / kBins);
}

}  // namespace
}  // namespace mote

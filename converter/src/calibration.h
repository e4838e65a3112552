// Internal to post-training quantisation (ptq.cc): how --calib-method percentile, mse and
// entropy choose an activation's range from its histogram (docs/quantization.md gives the
// formulas).
#ifndef MOTE_CONVERTER_CALIBRATION_H
#define MOTE_CONVERTER_CALIBRATION_H

#include <cmath>
#include <cstdint>
#include <vector>

namespace mote {
namespace calib {

constexpr int kBins = 2048;

// A tensor's range over the calibration samples and its histogram of kBins bins: of x over
// [lo, hi] (percentile, mse), or of |x| over [0, max(|lo|, |hi|)] (entropy).
struct Range {
  float lo = INFINITY, hi = -INFINITY;
  std::vector<uint64_t> hist;  // the second pass (percentile, mse, entropy)
};

// The values at (100 - p)% and p% of the histogram of x.
void percentile_range(const Range& r, double p, float* lo, float* hi);
// The expected squared error of quantising the histogram's values with the parameters chosen
// for [lo, hi] (each bin's count spread uniformly over the bin).
double expected_squared_error(const Range& r, float lo, float hi);
// The range of least expected squared error on the histogram of x.
void mse_range(const Range& r, float* lo, float* hi);
// The range of least KL divergence on the histogram of |x|.
void entropy_range(const Range& r, float* lo, float* hi);

}  // namespace calib
}  // namespace mote

#endif  // MOTE_CONVERTER_CALIBRATION_H

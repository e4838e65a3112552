// The calibration methods' range choices on a tensor's histogram (docs/quantization.md).
#include "calibration.h"

#include <algorithm>
#include <cmath>

#include "int8_rewrite.h"

namespace mote {
namespace calib {

using int8::QParams;
using int8::choose;

// --calib-method percentile: the values at (100 - p)% and p% of the signed histogram.
void percentile_range(const Range& r, double p, float* lo, float* hi) {
  uint64_t total = 0;
  for (uint64_t h : r.hist) total += h;
  const double tail = double(total) * (100.0 - p) / 100.0;
  const double width = (double(r.hi) - double(r.lo)) / kBins;
  uint64_t acc = 0;
  int b = 0;
  while (b < kBins - 1 && double(acc + r.hist[size_t(b)]) <= tail) acc += r.hist[size_t(b++)];
  *lo = float(r.lo + width * b);
  acc = 0;
  b = kBins - 1;
  while (b > 0 && double(acc + r.hist[size_t(b)]) <= tail) acc += r.hist[size_t(b--)];
  *hi = float(r.lo + width * (b + 1));
}

// ∫_0^x (t - round(t))^2 dt: 1/12 per whole unit, then u^3/3 up to the midpoint of the last
// unit and 1/12 + (u - 1)^3 / 3 after it.
namespace {

double rounding_error_integral(double x) {
  const double f = std::floor(x), u = x - f;
  return f / 12.0 + (u <= 0.5 ? u * u * u / 3.0 : 1.0 / 12.0 + (u - 1.0) * (u - 1.0) * (u - 1.0) / 3.0);
}

// The expected squared quantisation error of the histogram's values (each bin's count spread
// uniformly over the bin) with the parameters that choose() gives for [lo, hi]: values outside
// the grid's ends are clipped to them, values inside round to the nearest multiple of the scale.
double histogram_mse(const std::vector<std::pair<int, uint64_t>>& bins, double base, double width, float lo, float hi) {
  const QParams p = choose(lo, hi);
  const double s = p.scale, qlo = s * (-128 - p.zp), qhi = s * (127 - p.zp);
  const auto cube = [](double v) { return v * v * v; };
  double total = 0;
  for (const auto& b : bins) {
    const double a = base + width * b.first, e = a + width;
    double sum = 0;  // ∫ error^2 over the bin
    if (a < qlo) sum += (cube(std::min(e, qlo) - qlo) - cube(a - qlo)) / 3.0;
    if (e > qhi) sum += (cube(e - qhi) - cube(std::max(a, qhi) - qhi)) / 3.0;
    const double u = std::max(a, qlo), v = std::min(e, qhi);
    if (v > u) sum += s * s * s * (rounding_error_integral(v / s) - rounding_error_integral(u / s));
    total += double(b.second) * sum / width;
  }
  return total;
}

}  // namespace

double expected_squared_error(const Range& r, float lo, float hi) {
  std::vector<std::pair<int, uint64_t>> bins;
  for (int b = 0; b < kBins; ++b) {
    if (r.hist[size_t(b)]) bins.emplace_back(b, r.hist[size_t(b)]);
  }
  return histogram_mse(bins, r.lo, (double(r.hi) - double(r.lo)) / kBins, lo, hi);
}

// --calib-method mse: the clipping range [lo', hi'] (bin edges of the signed histogram) with the
// least expected squared error. Coordinate descent: the best hi' for the current lo', then the
// best lo' for that hi', until neither moves (at most 4 rounds); each scan takes every 8th edge,
// then every edge within 8 of the best. Ties keep the wider range.
void mse_range(const Range& r, float* lo, float* hi) {
  std::vector<std::pair<int, uint64_t>> bins;
  for (int b = 0; b < kBins; ++b) {
    if (r.hist[size_t(b)]) bins.emplace_back(b, r.hist[size_t(b)]);
  }
  const double base = r.lo, width = (double(r.hi) - double(r.lo)) / kBins;
  const auto edge = [&](int j) { return j == kBins ? r.hi : j == 0 ? r.lo : float(base + width * j); };
  // Edges above 0 for hi' (or hi itself when hi <= 0), below 0 for lo' (or lo when lo >= 0).
  int first_hi = kBins, last_lo = 0;
  while (first_hi > 1 && edge(first_hi - 1) > 0) --first_hi;
  while (last_lo < kBins - 1 && edge(last_lo + 1) < 0) ++last_lo;
  int jlo = 0, jhi = kBins;
  double best = histogram_mse(bins, base, width, edge(jlo), edge(jhi));
  const auto scan = [&](bool upper) {
    const int from = upper ? first_hi : 0, to = upper ? kBins : last_lo;
    int* j = upper ? &jhi : &jlo;
    const auto consider = [&](int c) {
      if (c < from || c > to || c == *j) return;
      const double e = upper ? histogram_mse(bins, base, width, edge(jlo), edge(c)) : histogram_mse(bins, base, width, edge(c), edge(jhi));
      // Strictly better, or as good and wider.
      if (e < best || (e == best && (upper ? c > *j : c < *j))) best = e, *j = c;
    };
    const int start = *j;
    for (int c = upper ? to : from; upper ? c >= from : c <= to; c += upper ? -8 : 8) consider(c);
    const int coarse = *j;
    for (int c = coarse - 7; c <= coarse + 7; ++c) consider(c);
    return *j != start;
  };
  for (int round = 0; round < 4; ++round) {
    const bool moved_hi = scan(true), moved_lo = scan(false);
    if (!moved_hi && !moved_lo) break;
  }
  *lo = edge(jlo);
  *hi = edge(jhi);
}

// --calib-method entropy: on the histogram of |x| over [0, amax], the threshold T = i bins
// (i from L to 2048) minimising KL(P || Q): P is the first i bins with the count beyond them
// added to bin i - 1, Q the first i bins merged into L groups (bin k in group floor(k L / i)),
// each group's count spread evenly over its non-empty bins. L is the number of int8 steps that
// [0, T] gets in the range [max(lo, -T), min(hi, T)]: 255 T / (min(hi, T) + min(-lo, T)),
// rounded, in [128, 255]: 255 for a tensor of one sign, 128 for a symmetric one. Candidates
// with fewer bins than levels, or clipping more than 1% of the values, are not considered.
void entropy_range(const Range& r, float* lo, float* hi) {
  const double pos = std::max(0.0f, r.hi), neg = std::max(0.0f, -r.lo), amax = std::max(pos, neg);
  const double width = amax / kBins;
  std::vector<uint64_t> above(kBins + 1, 0);  // above[i] = count in bins i and beyond
  for (int b = kBins - 1; b >= 0; --b) above[size_t(b)] = above[size_t(b) + 1] + r.hist[size_t(b)];
  double best = INFINITY;
  int best_i = kBins;
  std::vector<double> q(kBins);
  for (int i = 128; i <= kBins; ++i) {
    const double t = width * i;
    const double span = std::min(pos, t) + std::min(neg, t);
    const int levels = span > 0 ? int(std::min(255L, std::max(128L, std::lround(255.0 * t / span)))) : 255;
    if (i < levels) continue;  // fewer bins than levels: Q would model no rounding at all
    // KL compares shapes only: a threshold leaving a few non-empty bins (a narrow peak, the
    // rest clipped) looks perfect to it. Candidates clipping over 1% of the values are skipped.
    if (above[size_t(i)] * 100 > above[0]) continue;
    // Q: per group, its total spread over its non-empty bins.
    for (int k = 0; k < i;) {
      const int g = int(int64_t(k) * levels / i);
      int end = k;
      uint64_t sum = 0;
      int nonzero = 0;
      while (end < i && int(int64_t(end) * levels / i) == g) {
        sum += r.hist[size_t(end)];
        nonzero += r.hist[size_t(end)] != 0;
        ++end;
      }
      for (int b = k; b < end; ++b) q[size_t(b)] = r.hist[size_t(b)] ? double(sum) / nonzero : 0.0;
      k = end;
    }
    const double p_total = double(above[0]), q_total = double(above[0] - above[size_t(i)]);
    if (q_total <= 0) continue;
    double kl = 0;
    for (int b = 0; b < i; ++b) {
      const double p = double(r.hist[size_t(b)] + (b == i - 1 ? above[size_t(i)] : 0)) / p_total;
      if (p == 0) continue;
      const double qb = q[size_t(b)] / q_total;
      if (qb == 0) {
        kl = INFINITY;  // the outliers land in an empty group: Q cannot represent P
        break;
      }
      kl += p * std::log(p / qb);
    }
    if (kl < best) best = kl, best_i = i;
  }
  const double t = width * best_i;
  *lo = best_i == kBins ? r.lo : float(std::max(double(r.lo), -t));
  *hi = best_i == kBins ? r.hi : float(std::min(double(r.hi), t));
}

}  // namespace calib
}  // namespace mote

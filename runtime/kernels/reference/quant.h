// The int8 arithmetic every int8 kernel shares: this is the specification that optimised
// variants must match bit for bit (docs/quantization.md).
#ifndef MOTE_KERNELS_REFERENCE_QUANT_H
#define MOTE_KERNELS_REFERENCE_QUANT_H

#include <stdint.h>

namespace mote {
namespace ref {

// round(a * b / 2^31) with ties rounded up (toward +infinity: 0.5 -> 1, -0.5 -> 0), saturating
// the one overflow case.
inline int32_t saturating_rounding_doubling_high_mul(int32_t a, int32_t b) {
  if (a == INT32_MIN && b == INT32_MIN) return INT32_MAX;
  const int64_t ab = int64_t(a) * int64_t(b);
  const int64_t nudge = ab >= 0 ? (int64_t(1) << 30) : (1 - (int64_t(1) << 30));
  const int64_t q = (ab + nudge) / (int64_t(1) << 31);  // C division truncates toward zero
  return int32_t(q);
}

// x / 2^exponent rounded to nearest, ties away from zero. 0 <= exponent <= 31.
inline int32_t rounding_divide_by_pot(int32_t x, int32_t exponent) {
  if (exponent <= 0) return x;
  const int32_t mask = int32_t((int64_t(1) << exponent) - 1);
  const int32_t remainder = x & mask;
  const int32_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// acc * multiplier * 2^(shift - 31): multiplier in [2^30, 2^31) (or 0), shift in [-31, 30].
inline int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  const int32_t left = shift > 0 ? shift : 0;
  const int32_t right = shift > 0 ? 0 : -shift;
  int64_t shifted = int64_t(acc) * (int64_t(1) << left);
  if (shifted > INT32_MAX) shifted = INT32_MAX;
  if (shifted < INT32_MIN) shifted = INT32_MIN;
  return rounding_divide_by_pot(saturating_rounding_doubling_high_mul(int32_t(shifted), multiplier), right);
}

inline int32_t clamp_i32(int32_t v, int32_t lo, int32_t hi) { return v < lo ? lo : (v > hi ? hi : v); }

// A QConv/QMatMul accumulator requantised with the multiplier of its sign: a fused LeakyRelu or
// PRelu takes NEG_MULT/NEG_SHIFT for a negative accumulator.
inline int32_t requantize_signed(int32_t acc, int32_t mult, int32_t shift, int32_t neg_mult, int32_t neg_shift) {
  return acc < 0 ? requantize(acc, neg_mult, neg_shift) : requantize(acc, mult, shift);
}

// x / 2^exponent rounded to nearest, ties away from zero, in int64. 0 <= exponent <= 62.
inline int64_t rounding_divide_by_pot64(int64_t x, int32_t exponent) {
  if (exponent <= 0) return x;
  const int64_t mask = (int64_t(1) << exponent) - 1;
  const int64_t remainder = x & mask;
  const int64_t threshold = (mask >> 1) + (x < 0 ? 1 : 0);
  return (x >> exponent) + (remainder > threshold ? 1 : 0);
}

// floor(sqrt(v)), exactly.
inline uint64_t isqrt64(uint64_t v) {
  uint64_t root = 0, bit = uint64_t(1) << 62;
  while (bit > v) bit >>= 2;
  while (bit) {
    if (v >= root + bit) {
      v -= root + bit;
      root = (root >> 1) + bit;
    } else {
      root >>= 1;
    }
    bit >>= 2;
  }
  return root;
}

// QLayerNorm's row statistics (docs/quantization.md): from V = n S2 - S1^2 + eps > 0, the
// reciprocal square root as inv = round(2^61 / r), r = isqrt(V * 4^j) in [2^30, 2^31), and the
// shift 45 - j that brings t * inv to u = t * 2^16 / sqrt(V). V = 0 gives inv = 0.
inline void layer_norm_scale(int64_t v, int64_t* inv, int32_t* shift) {
  *inv = 0;
  *shift = 0;
  if (v <= 0) return;
  int32_t bits = 0;
  while (bits < 63 && (v >> bits) != 0) ++bits;
  const int32_t j = (62 - bits) / 2;
  const int64_t r = int64_t(isqrt64(uint64_t(v) << (2 * j)));
  *inv = ((int64_t(1) << 61) + r / 2) / r;
  *shift = 45 - j;
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_QUANT_H

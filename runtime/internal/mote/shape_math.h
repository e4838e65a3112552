// Overflow-checked shape arithmetic, shared by the verifier, the kernels' infer functions and
// the converter: every product of dimensions goes through these, so a hostile blob or model
// can never make a size computation wrap.
//
// Element counts are bounded by kMaxShapeElements (2^31: the blob limits a tensor to 2 GiB).
// A product that would exceed the limit reports false and leaves *out untouched. Zero
// dimensions make the product 0, but the dimensions after a zero are still bounded, so a
// zero-element tensor with huge trailing dimensions cannot overflow a suffix product either.
#ifndef MOTE_SHAPE_MATH_H
#define MOTE_SHAPE_MATH_H

#include <stdint.h>

namespace mote {

constexpr int64_t kMaxShapeElements = int64_t(1) << 31;

// a * b for 0 <= a, b <= limit; false if either is negative or the product exceeds `limit`.
inline bool checked_mul(int64_t a, int64_t b, int64_t* out, int64_t limit = kMaxShapeElements) {
  if (a < 0 || b < 0 || a > limit || b > limit) return false;
  if (a != 0 && b > limit / a) return false;
  *out = a * b;
  return true;
}

// Product of dims[first, last). True when every dimension is non-negative and the product of
// the non-zero dimensions stays within `limit` (so every prefix and suffix product does).
template <typename Dim>
inline bool checked_product(const Dim* dims, int32_t first, int32_t last, int64_t* out,
                            int64_t limit = kMaxShapeElements) {
  int64_t nonzero = 1;
  bool zero = false;
  for (int32_t k = first; k < last; ++k) {
    const int64_t d = int64_t(dims[k]);
    if (d < 0) return false;
    if (d == 0) {
      zero = true;
      continue;
    }
    if (!checked_mul(nonzero, d, &nonzero, limit)) return false;
  }
  *out = zero ? 0 : nonzero;
  return true;
}

}  // namespace mote

#endif  // MOTE_SHAPE_MATH_H

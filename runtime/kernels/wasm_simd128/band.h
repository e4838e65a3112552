// The SIMD128 side of the bands of padded rows (drivers/f32_band.h), shared by the depthwise
// convolution and the pooling kernels: the row copies the driver fills a band with, and the
// loads of a buffered row. For stride 2 each buffered row is stored split, even columns then
// odd ones, so the taps of 4 neighbouring outputs are again 4 consecutive floats (no shuffles
// in the inner loops).
#ifndef MOTE_KERNELS_WASM_SIMD128_BAND_H
#define MOTE_KERNELS_WASM_SIMD128_BAND_H

#include "../drivers/f32_band.h"
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {

using drivers::Band;

// The row copies of drivers/fill_band(); a set's band kernels derive from it.
struct BandKernel {
  // Inline rather than memcpy: rows are often a few floats (7x7 maps), where a call costs more.
  static void copy_floats(float* dst, const float* src, int32_t n) {
    int32_t j = 0;
    for (; j + 4 <= n; j += 4) wasm_v128_store(dst + j, wasm_v128_load(src + j));
    for (; j < n; ++j) dst[j] = src[j];
  }
  static void fill_floats(float* dst, int32_t n, float v) {
    for (int32_t j = 0; j < n; ++j) dst[j] = v;
  }
  // A padded row (8-float multiple past `width`) into its even columns, then its odd ones.
  static void split_row(const float* row, int32_t width, float* even, float* odd) {
    int32_t i = 0;
    for (; 2 * i + 8 <= width; i += 4) {
      const v128_t a = wasm_v128_load(row + 2 * i), b = wasm_v128_load(row + 2 * i + 4);
      wasm_v128_store(even + i, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
      wasm_v128_store(odd + i, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
    }
    for (; 2 * i < width; ++i) {
      even[i] = row[2 * i];
      if (2 * i + 1 < width) odd[i] = row[2 * i + 1];
    }
  }
};

// 4 inputs for the outputs at ow.. of a buffered row, for a tap `t` columns right of the first.
template <int SW>
inline v128_t taps_at(const float* row, const Band& band, int32_t ow, int32_t t, int32_t sw) {
  if (SW == 2) return wasm_v128_load(row + ((t & 1) ? band.odd : 0) + ow + (t >> 1));
  return load_strided<SW>(row + ow * sw + t, sw);
}

inline void store_tail(float* y, v128_t v, int32_t count) {
  alignas(16) float t[4];
  wasm_v128_store(t, v);
  for (int32_t k = 0; k < count; ++k) y[k] = t[k];
}

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_BAND_H

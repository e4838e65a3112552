// Bands of padded rows, shared by the depthwise convolution and the pooling kernels: the input
// rows a band of output rows reads are copied with their padding (0 or -inf) into a buffer on
// the stack (kBandBytes), so every tap of every output is a plain load and the loops have no borders.
// For stride 2 each buffered row is stored split, even columns then odd ones, so the taps of 4
// neighbouring outputs are again 4 consecutive floats (no shuffles in the inner loops).
#ifndef MOTE_KERNELS_WASM_SIMD128_BAND_H
#define MOTE_KERNELS_WASM_SIMD128_BAND_H

#include "kernels.h"

namespace mote {
namespace wasm_simd128 {

constexpr int32_t kBandFloats = int32_t(kBandBytes / sizeof(float));
constexpr int32_t kRowFloats = kBandFloats / 4;  // one padded row before it is split (stride 2)

struct Band {
  int32_t width;  // floats per buffered row: every column the vector tiles read, tail included
  int32_t odd;    // stride 2: where the odd columns start in a buffered row (the evens come first)
  int32_t rows;   // output rows per band
};

inline Band band_shape(const ConvShape& g) {
  Band b;
  const int32_t tiles = (g.ow + 3) / 4;
  b.width = (tiles * 4 - 1) * g.sw + (g.kw - 1) * g.dw + 1;
  b.odd = (b.width + 1) / 2;
  const int32_t span = (g.kh - 1) * g.dh + 1;
  const int32_t fit = kBandFloats / b.width;
  b.rows = fit < span ? 0 : (fit - span) / g.sh + 1;
  if (g.sw == 2 && ((b.width + 7) & ~7) > kRowFloats) b.rows = 0;
  return b;
}

// The padded input row ih: `pad`, the row, `pad`, `width` floats in all (all `pad` for a row
// outside the input).
inline void padded_row(const ConvShape& g, const float* x, int32_t ih, int32_t width, float pad, float* dst) {
  if (ih < 0 || ih >= g.ih) {
    for (int32_t j = 0; j < width; ++j) dst[j] = pad;
    return;
  }
  const int32_t left = g.pw < width ? g.pw : width;
  const int32_t copy = g.iw < width - left ? g.iw : width - left;
  for (int32_t j = 0; j < left; ++j) dst[j] = pad;
  // Inline rather than memcpy: rows are often a few floats (7x7 maps), where a call costs more.
  const float* src = x + ih * g.iw;
  float* out = dst + left;
  int32_t j = 0;
  for (; j + 4 <= copy; j += 4) wasm_v128_store(out + j, wasm_v128_load(src + j));
  for (; j < copy; ++j) out[j] = src[j];
  for (j = left + copy; j < width; ++j) dst[j] = pad;
}

// Buffers input rows [ih0, ih0 + count) of one plane (row stride band.width); for stride 2 each
// row is split into its even columns, then its odd ones at band.odd.
inline void fill_band(const ConvShape& g, const float* x, int32_t ih0, int32_t count, const Band& band, float pad,
                      float* buf, float* row) {
  for (int32_t r = 0; r < count; ++r) {
    float* dst = buf + r * band.width;
    if (g.sw != 2) {
      padded_row(g, x, ih0 + r, band.width, pad, dst);
      continue;
    }
    const int32_t padded = (band.width + 7) & ~7;
    padded_row(g, x, ih0 + r, padded, pad, row);
    float* even = dst;
    float* odd = dst + band.odd;
    int32_t i = 0;
    for (; 2 * i + 8 <= band.width; i += 4) {
      const v128_t a = wasm_v128_load(row + 2 * i), b = wasm_v128_load(row + 2 * i + 4);
      wasm_v128_store(even + i, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
      wasm_v128_store(odd + i, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
    }
    for (; 2 * i < band.width; ++i) {
      even[i] = row[2 * i];
      if (2 * i + 1 < band.width) odd[i] = row[2 * i + 1];
    }
  }
}

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

// The working memory of the arm_dsp kernels, in one portable header: the kernels lay out their
// scratch with these functions and scratch.cc sizes the plan with the same ones, so the two
// cannot drift. No intrinsics here: every build compiles scratch.cc (the converter plans for the
// Cortex-M boards from any host).
//
// Every buffer is sized to the op, not to the largest op the kernels could take: a Cortex-M4 has
// little RAM, and a small model should plan a small arena.
#ifndef MOTE_KERNELS_ARM_DSP_TILES_H
#define MOTE_KERNELS_ARM_DSP_TILES_H

#include <stdint.h>

#include "../conv_shape.h"
#include "../drivers/s8_nhwc.h"
#include "../simd_route.h"

namespace mote {
namespace arm_dsp {

// The 1x1 and general convolutions pack the activations of this many output pixels at a time.
constexpr int32_t kColumnPixels = 2;

// One packed activation column of k taps: int16, zero-filled up to a multiple of 4 taps (the dot
// products read 4 taps at a time). A multiple of 8 bytes, so the next column stays word aligned.
inline uint64_t column_bytes(int64_t k) { return uint64_t((k + 3) & ~int64_t(3)) * 2u; }

// The packed columns of a convolution with k taps per output value: kColumnPixels of them, or
// as many as the output has pixels.
inline uint64_t columns_bytes(int64_t k, int64_t pixels) {
  return column_bytes(k) * uint64_t(pixels < kColumnPixels ? pixels : kColumnPixels);
}

// Depthwise 3x3, stride 1, dilation 1 runs on a band of three input rows copied with their
// padding (dw3x3 in s8_dwconv2d__arm_dsp.cc): the outputs read ow + 2 columns of each row, and
// when ow is odd the last pair of outputs reads one more, for a second value it drops (that
// byte is reserved, not written).
inline bool dw_banded(const ConvShape& g) {
  return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
}
inline int32_t band_columns(const ConvShape& g) { return g.ow + 2; }
inline uint64_t band_row_bytes(const ConvShape& g) { return (uint64_t(band_columns(g)) + 1u + 3u) & ~uint64_t(3); }
constexpr int32_t kBandRows = 3;

// NHWC int8 convolutions: 2 pixels' columns staged per tile (raw int8, the zero point in the
// padding), then widened to int16 in the dot products' k0 k2 k1 k3 order, the two pixels
// interleaved every 4 taps; the weights are widened the same way once per call, two output
// channels interleaved every 4 taps (the odd last channel beside zeros). Taps are counted in
// multiples of 8 (nhwc_taps), zero weights past k. Work memory: the requantisation table, the
// widened columns, the widened weights, the sums of a tile (requantised a pixel at a time).
constexpr drivers::S8NhwcSpec kNhwc{kColumnPixels, false};
// The requantisation table of m output channels the NHWC and [N, K] kernels precompute once per
// call (s8_nhwc__arm_dsp.cc: a flag word padded to 16 bytes, then 16 bytes a channel).
inline uint64_t requant_table_bytes(int64_t m) { return 16u + uint64_t(m) * 16u; }
inline int32_t nhwc_taps(const ConvShape& g) { return drivers::round_up(g.kh * g.kw * g.c, 8); }
inline uint64_t nhwc_columns_bytes(const ConvShape& g) { return uint64_t(kColumnPixels) * uint64_t(nhwc_taps(g)) * 2u; }
inline uint64_t nhwc_weights_bytes(const ConvShape& g) {
  return uint64_t((g.m + 1) & ~1) * uint64_t(nhwc_taps(g)) * 2u;
}
inline uint64_t nhwc_work_bytes(const ConvShape& g) {  // then a tile's sums: 2 pixels x m
  return requant_table_bytes(g.m) + nhwc_columns_bytes(g) + nhwc_weights_bytes(g) + uint64_t(kColumnPixels) * g.m * 4u;
}
// NHWC depthwise 3x3 stride 1 (dw_banded) with C a multiple of 4 runs two output pixels at a
// time over a band of 3 padded input rows (drivers::nhwc_band): the table, the pair's sums
// (2 x C words), the weights packed as int16 lane pairs (18 words per 4 channels), then the band.
inline bool nhwc_dw_banded(const ConvShape& g) { return dw_banded(g) && (g.c & 3) == 0; }
inline uint64_t nhwc_dw_packed_words(const ConvShape& g) { return uint64_t(g.c) / 4u * 18u; }
inline uint64_t nhwc_dw_work_bytes(const ConvShape& g) {
  const uint64_t table = requant_table_bytes(g.c);
  return nhwc_dw_banded(g) ? table + uint64_t(g.c) * 8u + nhwc_dw_packed_words(g) * 4u + drivers::nhwc_band(g, 0).bytes
                           : table;
}
// QMatMul with B [N, K]: A's packed row, the table, then a row's N sums.
inline uint64_t gemm_nk_bytes(int64_t K, int64_t N) {
  return column_bytes(K) + requant_table_bytes(N) + uint64_t(N) * 4u;
}

// QMatMul packs one row of A as int16 pairs (a[k] - zp, a[k+1] - zp), one word per pair (an odd
// last tap is taken apart).
inline uint64_t gemm_pairs_bytes(int64_t K) { return uint64_t(K / 2) * 4u; }

}  // namespace arm_dsp
}  // namespace mote

#endif  // MOTE_KERNELS_ARM_DSP_TILES_H

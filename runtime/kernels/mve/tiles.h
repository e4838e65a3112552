// The Helium set's tile and buffer constants, portable (no intrinsics): shared by the kernels
// and by scratch.cc, which every build compiles so the converter can plan this set's scratch.
// Sized for a Cortex-M: a small layer takes only what its shape needs (the drivers size every
// buffer to the op), a large one at most these budgets for its float panels and bands.
#ifndef MOTE_KERNELS_MVE_TILES_H
#define MOTE_KERNELS_MVE_TILES_H

#include "../drivers/f32_band.h"
#include "../drivers/s8_conv2d.h"
#include "../drivers/s8_nhwc.h"

namespace mote {
namespace mve {

struct Tiles {
  // The im2col panel of the float Conv (kernels/simd_conv2d.h), at most.
  static constexpr uint32_t kConvPanelBytes = 16 * 1024;
  // Depthwise bands: at most 8 KB; VLD2 reads one float past a stride-2 tile's last tap;
  // horizontal strides 1 and 2.
  static constexpr drivers::BandSpec kBand{8 * 1024, 1, false, false, 0};
  // int8 columns: 4 pixels per pass, 16 pixels transposed at a time by the 1x1 kernel, int8 taps.
  static constexpr drivers::S8ConvSpec kS8{4, 16, 1};
  // NHWC int8 convolutions: 4 pixels' columns per tile, 1x1 read in place, the starts and the
  // columns' bytes moved by the set's own vector code; a flag word, three
  // words of requantisation parameters per channel, two pixels' sums of 32 channels and the
  // weights packed in groups of 4 rows of whole 16-tap blocks (s8_nhwc__mve.cc), M rounded up
  // to 4.
  static constexpr drivers::S8NhwcSpec kNhwc{4, true, true};
  static uint64_t nhwc_work_bytes(const ConvShape& g) {
    return nhwc_band_at(g) + (nhwc_banded(g) ? nhwc_conv_band(g).bytes : 0);
  }
  // Past the parameters and the packed weights: a band of window rows (the columns read in place)
  // when every window row is whole 16-tap blocks and not taller than kNhwcBandRows.
  static constexpr int32_t kNhwcBandRows = 8;
  static bool nhwc_banded(const ConvShape& g) {
    return !is_pointwise(g) && g.dw == 1 && (g.kw * g.c) % 16 == 0 && g.kh <= kNhwcBandRows;
  }
  static uint64_t nhwc_band_at(const ConvShape& g) {
    const uint64_t m = uint64_t(drivers::round_up(g.m, 4));
    return 16 + 12 * m + 256 + m * uint64_t(drivers::round_up(g.kh * g.kw * g.c, 16));
  }
  static drivers::NhwcBand nhwc_conv_band(const ConvShape& g) { return drivers::nhwc_band(g, 0); }
  // NHWC int8 depthwise: a band of kH padded input rows, the requantisation parameters split
  // even / odd per 8 channels and the weights regrouped per 8 channels (s8_dwconv2d_nhwc__mve.cc).
  // Per group of 8 channels: 32 words of split parameters, then 8 bytes of weights a tap.
  static int32_t nhwc_dw_group_bytes(const ConvShape& g) { return 128 + drivers::round_up(g.kh * g.kw * 8, 16); }
  // Then three vectors of constants (48 bytes).
  static drivers::NhwcBand nhwc_dw_band(const ConvShape& g) {
    return drivers::nhwc_band(g, uint64_t(drivers::round_up(g.c, 8) / 8) * uint64_t(nhwc_dw_group_bytes(g)) + 48);
  }
  static uint64_t nhwc_dw_work_bytes(const ConvShape& g) { return nhwc_dw_band(g).bytes; }
  // f32_gemm_nn reads B in place: no working memory.
  static uint64_t gemm_work_floats(int32_t, int32_t, int32_t) { return 0; }

  // The int8 depthwise 3x3 (stride 1, undilated) slides a band of three padded rows down the
  // plane: rows of ow + 2 bytes, 16-byte aligned, with 16 bytes of slack each.
  static bool s8_dw_banded(const ConvShape& g) {
    return g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dh == 1 && g.dw == 1;
  }
  static int32_t s8_dw_band_stride(const ConvShape& g) { return drivers::round_up(g.ow + 2, 16) + 16; }
  static uint64_t s8_dw_band_bytes(const ConvShape& g) {
    return s8_dw_banded(g) && g.ow > 0 ? 3 * uint64_t(s8_dw_band_stride(g)) : 0;
  }
};

}  // namespace mve
}  // namespace mote

#endif  // MOTE_KERNELS_MVE_TILES_H

// The NEON set's tile and buffer constants, portable (no intrinsics): shared by the kernels and
// by scratch.cc, which every build compiles so the converter can plan this set's scratch.
#ifndef MOTE_KERNELS_NEON_TILES_H
#define MOTE_KERNELS_NEON_TILES_H

#include "../drivers/f32_band.h"
#include "../drivers/s8_conv2d.h"

namespace mote {
namespace neon {

struct Tiles {
  // The im2col panel of the float Conv (kernels/simd_conv2d.h), at most.
  static constexpr uint32_t kConvPanelBytes = 16 * 1024;
  // Depthwise bands: at most 16 KB; VLD2 reads one float past a stride-2 tile's last tap;
  // horizontal strides 1 and 2.
  static constexpr drivers::BandSpec kBand{16 * 1024, 1, false, false, 0};
  // int8 columns: 2 pixels per pass, 16 pixels transposed at a time by the 1x1 kernel, int8 taps.
  static constexpr drivers::S8ConvSpec kS8{2, 16, 1};
  // f32_gemm_nn reads B in place: no working memory.
  static uint64_t gemm_work_floats(int32_t, int32_t, int32_t) { return 0; }
  // The int8 depthwise kernel reads the input in place.
  static uint64_t s8_dw_band_bytes(const ConvShape&) { return 0; }
};

}  // namespace neon
}  // namespace mote

#endif  // MOTE_KERNELS_NEON_TILES_H

// ConvWinograd's blocks of tiles (mote/winograd.h), shared by the x86 and SIMD128 plans
// (kernels/x86/plan.h, kernels/wasm_simd128/f32_winograd.h). Portable.
#ifndef MOTE_KERNELS_DRIVERS_WINOGRAD_BLOCKS_H
#define MOTE_KERNELS_DRIVERS_WINOGRAD_BLOCKS_H

#include <stdint.h>

namespace mote {
namespace drivers {

// Tiles per block for `tiles` (> 0) tiles of C input and M output channels: as few blocks as
// keep each block's transformed inputs and products (`points` x (C + M) floats a tile: 16 for
// F(2x2, 3x3), 36 for F(4x4, 3x3)) within `budget` bytes, of about equal size, in whole vectors
// of `vector` tiles (the GEMM's columns), at most `tiles`.
inline int32_t winograd_block(int64_t tiles, int32_t c, int32_t m, int64_t budget, int32_t vector,
                              int32_t points = 16) {
  const int64_t per_tile = int64_t(points) * (int64_t(c) + m) * int64_t(sizeof(float));
  int64_t most = budget / per_tile;
  most = most < 1 ? 1 : most;
  const int64_t passes = (tiles + most - 1) / most;
  int64_t block = (tiles + passes - 1) / passes;
  block = (block + vector - 1) / vector * vector;
  return int32_t(block > tiles ? tiles : block);
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_WINOGRAD_BLOCKS_H

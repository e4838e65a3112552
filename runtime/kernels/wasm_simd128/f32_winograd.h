// ConvWinograd (F(2x2, 3x3) and F(4x4, 3x3), mote/winograd.h) on SIMD128: the scratch plan,
// portable (no intrinsics), shared by the kernel (f32_winograd__wasm_simd128.cc) and by
// scratch.cc, which every build compiles so the converter can plan this set's scratch.
// Below for F(2x2, 3x3); F(4x4, 3x3) is the same with 36 matrices for 16 and six input rows.
//
// Per image, blocks of `block` tiles (of `tiles` in all, row-major over the tile grid): their
// input tiles transformed into V [16][C][block], sixteen products P_k [M, block] = U_k [M, C]
// V_k [C, block] (f32_gemm_nn, U the weights as the converter transformed them), the output
// transform from P into Y. A block is as many tiles as keep V and P within about
// kWinogradBytes, the tiles shared about equally between the blocks, in whole vectors of 4
// tiles (the GEMM then reads V in place). The 16 matrices of V (and of P) are kWinogradSkew
// floats further apart than their size: the transforms touch all 16 at once, and sizes that are
// multiples of 4 KB would put them in one L1 set; the skew also lets a vector load read up to 3
// floats past the last matrix. `rows`: the four input rows of one channel and tile row, with
// their zero padding, B^T applied down their columns, each `row_floats`. `work`: the GEMM's
// (Tiles::gemm_work_floats) for the full block and for the last, partial one.
#ifndef MOTE_KERNELS_WASM_SIMD128_F32_WINOGRAD_H
#define MOTE_KERNELS_WASM_SIMD128_F32_WINOGRAD_H

#include "../drivers/scratch.h"
#include "../drivers/winograd_blocks.h"
#include "tiles.h"

namespace mote {
namespace wasm_simd128 {

constexpr int64_t kWinogradBytes = 512 * 1024;
// F(4x4, 3x3)'s weights are 36 matrices [M, C], read once per block: its 13x13 and 14x14 maps
// (16 tiles) in one block rather than two.
constexpr int64_t kWinograd4Bytes = 1280 * 1024;
constexpr int32_t kWinogradSkew = 16;

struct WinogradPlan {
  bool run;
  int32_t tile, points;  // 2 and 16: F(2x2, 3x3) (W [16, M, C]); 4 and 36: F(4x4, 3x3) (W [36, M, C])
  int32_t block, tiles, tiles_w, row_floats;
  uint64_t v, prod, rows, work;
  drivers::ScratchLayout layout;
};

inline WinogradPlan winograd_plan(const OpArgs& a) {
  WinogradPlan p{};
  if (a.code != MOTE_OP_CONV_WINOGRAD || a.num_in < 2 || a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32 ||
      a.in[0].rank != 4 || !a.out || a.out[0].rank != 4) {
    return p;
  }
  const int32_t c = a.in[0].dims[1], m = a.out[0].dims[1], oh = a.out[0].dims[2], ow = a.out[0].dims[3];
  const bool four = a.in[1].rank == 3 && a.in[1].dims[0] == 36;
  const int32_t t = four ? 4 : 2;
  p.tile = t;
  p.points = four ? 36 : 16;
  const int64_t tiles = int64_t((oh + t - 1) / t) * ((ow + t - 1) / t);
  if (c <= 0 || m <= 0 || tiles <= 0 || tiles > 0x7FFFFFFF) return p;
  p.tiles = int32_t(tiles);
  p.tiles_w = (ow + t - 1) / t;
  const int32_t block = drivers::winograd_block(tiles, c, m, four ? kWinograd4Bytes : kWinogradBytes, 4, p.points);
  p.block = block;
  // A run of tiles reads t x run + 2 columns; F(2x2): the even/odd loads of its last vector of 4
  // tiles reach 2 x round_up(run, 4) + 2 (f32_winograd__wasm_simd128.cc); F(4x4): its 5 loads
  // reach 4 x round_up(run, 4) + 4.
  p.row_floats = four ? 4 * p.tiles_w + 16 : drivers::round_up(2 * p.tiles_w + 12, 4);
  const int32_t in_rows = t + 2;
  p.v = p.layout.add(uint64_t(p.points) * (uint64_t(c) * uint64_t(block) + kWinogradSkew), sizeof(float));
  p.prod = p.layout.add(uint64_t(p.points) * (uint64_t(m) * uint64_t(block) + kWinogradSkew), sizeof(float));
  p.rows = p.layout.add(uint64_t(in_rows) * uint64_t(p.row_floats), sizeof(float));
  const int32_t last = int32_t(tiles % block);
  const uint64_t full = Tiles::gemm_work_floats(m, p.block, c), part = last ? Tiles::gemm_work_floats(m, last, c) : 0;
  p.work = p.layout.add(full > part ? full : part, sizeof(float));
  p.run = true;
  return p;
}

// The kernel: kUnsupportedOp for what winograd_plan does not take, kArenaTooSmall when the
// op's scratch is short of the plan.
Status f32_conv_winograd(const OpArgs& a);

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_F32_WINOGRAD_H

// The x86 kernel set's tile and buffer constants, per level. Portable (no intrinsics): the
// kernels of every level (level.h, the .inc files) and the scratch function (scratch.cc, compiled
// into every build: the converter plans the x86 scratch wherever it runs) read the same numbers,
// so the scratch an op is planned with and what its kernel carves from it cannot drift.
#ifndef MOTE_KERNELS_X86_TILES_H
#define MOTE_KERNELS_X86_TILES_H

#include <stdint.h>

namespace mote {
namespace x86 {

// ---- float32 ---------------------------------------------------------------------------------
// im2col Conv: panels of kPanelDepth rows of k x kPanelColumns output positions (96 KB at most;
// 96 columns are whole register tiles at every level: two of AVX-512's 3 x 16, where 64 left
// a quarter of every panel to one-vector tiles).
constexpr int32_t kPanelColumns = 96;
constexpr int32_t kPanelDepth = 256;
// GEMM: B is read in place one column panel of about kPanelFloats (K x columns) at a time, so it
// stays in L2 while every row tile of A passes over it (a blocking, not a buffer).
constexpr int32_t kPanelFloats = 48 * 1024;
// GEMM: a few left-over columns (N mod the vector width) run as dot products along k, gathered
// column-major into the scratch: at most kDotFloats (K x those columns; else a masked tile).
constexpr int32_t kDotFloats = 4096;
// Depthwise, SSE4.1: bands of padded input rows of about kBandBytes.
constexpr int32_t kBandBytes = 32 * 1024;
// Depthwise, AVX2/AVX-512, the flat form (kernels up to 5x5): per-tap mask tables of kFlatTable
// vectors; at stride 2 the four phases of a plane, at most kPhaseFloats (MobileNet's 112 x 112).
constexpr int32_t kFlatMaxKernel = 5;
constexpr int32_t kFlatTable = 64;
constexpr int32_t kPhaseFloats = 12544;
// Depthwise, AVX2/AVX-512, bands of output rows (3x3 and 5x5 on maps a vector wide or more):
// output rows per pass.
constexpr int32_t kDwRows = 4;
// The direct Conv of few taps (an image model's stem): C x kH x kW at most kDirectMaxK, kernels
// up to kDirectMaxColumns wide.
constexpr int32_t kDirectMaxK = 160;
constexpr int32_t kDirectMaxColumns = 7;
// AVX-512 at stride 2: output rows a block (3 x 8 channels of accumulators) and the most scratch
// for a block's input rows de-interleaved (a 224x224 RGB stem: 21 KB at 3x3, 34 KB at 7x7).
constexpr int32_t kDirectRows = 3;
constexpr uint64_t kDirectBandBytes = 64 * 1024;

// ConvWinograd: the transformed input and product tiles of one block, at most kWinogradBytes.
// 2 MB: ResNet-18's 14x14 layers (49 tiles, 256 channels) run in one block, where 1 MB split
// them into blocks of 32 and 17 tiles: the weights (4 MB transformed) streamed twice and the
// 17-tile block's products as wide as 32; its 28x28 layers take two blocks of 98 tiles for four
// (AVX-512, CPU time, min of 3 interleaved runs: 256x256_14 0.77 -> 0.73 ms, 128x128_28
// 0.73 -> 0.67 ms; the 56x56 and SqueezeNet's maps unchanged within the noise).
constexpr int64_t kWinogradBytes = 2 * 1024 * 1024;
constexpr int32_t kWinogradSkew = 16;  // floats between consecutive matrices of V and of P

// ---- int8 ------------------------------------------------------------------------------------
// QConv/QMatMul panels: at most kS8PanelBytes, aiming at kS8PanelTarget (about L1) when k is
// short enough for that to hold a whole tile, at most kS8MaxCols columns. A k too long for one
// tile's panel is split into blocks of a kS8SplitPanelBytes panel with int32 partial sums of at
// most kS8PartBytes between them.
constexpr int32_t kS8PanelBytes = 64 * 1024;
constexpr int32_t kS8PanelTarget = 24 * 1024;
constexpr int32_t kS8MaxCols = 512;
constexpr int32_t kS8SplitPanelBytes = 16 * 1024;
constexpr int32_t kS8PartBytes = 40 * 1024;
// Depthwise QConv: bands of widened input rows of about kBandBytes (as the float one).

// ---- per level: 1 SSE4.1, 2 AVX2 + FMA, 3 AVX-512 + VNNI (kernels/x86/cpu.h) ----------------
template <int L>
struct Tiles;

template <>
struct Tiles<1> {
  static constexpr int32_t kW = 4;          // floats per vector
  static constexpr int32_t kMaskBytes = 0;  // no masked loads: no tap masks at this level
  static constexpr int32_t kGemmMR = 4;     // float GEMM register tile: rows x kGemmNV vectors
  static constexpr int32_t kGemmNV = 2;
  static constexpr int32_t kDotCols = 2;    // left-over columns as dot products, at most
  static constexpr int32_t kIW = 4;         // int32 lanes per integer vector
  static constexpr int32_t kKG = 2;         // k values per panel group (PMADDWD pairs)
  static constexpr int32_t kPel = 2;        // bytes per panel element (int16)
  static constexpr int32_t kS8MR = 4;       // int8 register tile: rows x kS8NV vectors
  static constexpr int32_t kS8NV = 2;
  static constexpr int32_t kBW = 16;        // int8 lanes per vector (MaxPool)
};

template <>
struct Tiles<2> {
  static constexpr int32_t kW = 8;
  static constexpr int32_t kMaskBytes = 32;  // a lane mask is a vector
  static constexpr int32_t kGemmMR = 6;
  static constexpr int32_t kGemmNV = 2;
  static constexpr int32_t kDotCols = 2;
  static constexpr int32_t kIW = 8;
  static constexpr int32_t kKG = 2;
  static constexpr int32_t kPel = 2;
  static constexpr int32_t kS8MR = 4;
  static constexpr int32_t kS8NV = 2;
  static constexpr int32_t kBW = 32;
};

template <>
struct Tiles<3> {
  static constexpr int32_t kW = 16;
  static constexpr int32_t kMaskBytes = 2;  // __mmask16
  static constexpr int32_t kGemmMR = 8;
  static constexpr int32_t kGemmNV = 3;
  static constexpr int32_t kDotCols = 4;
  static constexpr int32_t kIW = 16;
  static constexpr int32_t kKG = 4;         // VPDPBUSD: 4 bytes
  static constexpr int32_t kPel = 1;        // the activation + 128, one byte
  static constexpr int32_t kS8MR = 8;
  static constexpr int32_t kS8NV = 2;
  static constexpr int32_t kBW = 64;
};

}  // namespace x86
}  // namespace mote

#endif  // MOTE_KERNELS_X86_TILES_H

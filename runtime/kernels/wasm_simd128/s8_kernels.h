// WebAssembly SIMD128 int8 kernels (QConv 1x1, general and depthwise; QMatMul), next to the
// float set in kernels.h. Every integer they write must equal the reference's
// (kernels/reference/quant.cc); tests/wasm/kernels_test.cc checks that exactly.
//
// The arithmetic: activations stay raw int8, so the input zero point leaves the sums through
// sum (x - zp) * w = sum x * w - zp * sum w (sum w per output channel, once per call), and taps in
// the padding hold the zero point itself: (zp - zp) * w = 0, as the reference skips them. Values
// are widened to int16 before any multiply, and i32x4.dot_i16x8_s multiplies 8 int16 pairs into
// int32 and adds neighbours in int32: exact, nothing is ever summed in 16 bits. Where lanes hold
// pixels (depthwise) the weight is a scalar and the products widen straight into int32
// (i32x4.extmul_*_i16x8_s); where they hold columns (QMatMul) two k-steps are interleaved so the
// dot product still applies.
//
// The epilogue (bias, requantisation, clamp; or the raw int32 without multipliers) is the
// scalar s8::Epilogue of kernels/s8_epilogue.h, bit for bit the reference's requantize().
//
// Nothing takes scratch from the plan: buffers are on the stack, under 64 KiB.
#ifndef MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H
#define MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H

#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {

using s8::Epilogue;

// Longest column (taps per output value: C/group * kH * kW) and most output channels per group
// the conv kernels take; larger convolutions stay with the reference. 4 int16 columns of
// kS8MaxTaps are 48 KiB.
constexpr int32_t kS8MaxTaps = 6144;
constexpr int32_t kS8MaxChannels = 1024;
// Columns (output pixels) computed together against each pair of weight rows.
constexpr int32_t kS8Cols = 4;

// The columns of np (1..kS8Cols) pixels, k int16 taps each at cols[q], against the mg weight
// rows of one group (row r: k int8 at w + r * k); start[r] is the channel's bias minus
// zp * sum w. Writes output pixels p0 .. p0 + np - 1 of channels m0 .. m0 + mg - 1.
void s8_columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
// start[r] = e.start(m0 + r) - zp * sum of weight row r, for the mg rows of k taps at w.
void s8_starts(int32_t k, const int8_t* w, int32_t mg, int32_t m0, int32_t zp, const Epilogue& e, int32_t* start);

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul rows: Y[i, j] for A [rows, K] (a_zp) times B [K, N] (int8, zero point 0).
void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int64_t out_base);

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H

// s8_conv2d_1x1__wasm_simd128: QConv 1x1, stride 1, unpadded. In NCHW a pixel's channels are a
// plane apart, so kS8Cols (4) pixels at a time are transposed into int16 columns on the stack:
// 4 channels x 4 pixels are one 16-byte vector, a byte shuffle turns it pixel-major and two
// widenings make the columns' int16. Then every column runs against every weight row
// (contiguous over the channels) as in the general kernel (s8_columns).
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

namespace {

// Four int16 held in an int64, to a column.
inline void store4(int16_t* to, int64_t four) { memcpy(to, &four, 8); }

}  // namespace

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  if (cg > kS8MaxTaps) return Status::kUnsupportedOp;
  int16_t buf[kS8Cols][kS8MaxTaps] __attribute__((aligned(16)));
  int32_t start[kS8MaxChannels];
  const int16_t* cols[kS8Cols] = {buf[0], buf[1], buf[2], buf[3]};
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t pixels = g.ih * g.iw;
  const int64_t plane = pixels;
  // Output channels kS8MaxChannels at a time (the starts on the stack); more than that packs
  // the columns again for each chunk.
  for (int32_t gi = 0; gi < g.group; ++gi) {
    for (int32_t c0 = 0; c0 < mg; c0 += kS8MaxChannels) {
      const int32_t mc = mg - c0 < kS8MaxChannels ? mg - c0 : kS8MaxChannels;
      const int8_t* w = wd + (int64_t(gi) * mg + c0) * cg;
      s8_starts(cg, w, mc, gi * mg + c0, in_zp, e, start);
      for (int32_t b = 0; b < g.n; ++b) {
        const int8_t* x = xd + (int64_t(b) * g.c + int64_t(gi) * cg) * plane;
        const int64_t out_base = int64_t(b) * g.m * plane;
        for (int32_t p = 0; p < pixels; p += kS8Cols) {
          const int32_t np = pixels - p >= kS8Cols ? kS8Cols : pixels - p;
          int32_t ci = 0;
          if (np == kS8Cols) {
            for (; ci + 4 <= cg; ci += 4) {
              const int8_t* xp = x + int64_t(ci) * plane + p;
              // Lane loads: LLVM 14 builds wrong code for i32x4.make of four 32-bit loads here
              // (channel 0 came out as channel 1).
              v128_t v = wasm_v128_load32_zero(xp);
              v = wasm_v128_load32_lane(xp + plane, v, 1);
              v = wasm_v128_load32_lane(xp + 2 * plane, v, 2);
              v = wasm_v128_load32_lane(xp + 3 * plane, v, 3);
              const v128_t t = wasm_i8x16_shuffle(v, v, 0, 4, 8, 12, 1, 5, 9, 13, 2, 6, 10, 14, 3, 7, 11, 15);
              const v128_t lo = wasm_i16x8_extend_low_i8x16(t), hi = wasm_i16x8_extend_high_i8x16(t);
              store4(buf[0] + ci, wasm_i64x2_extract_lane(lo, 0));
              store4(buf[1] + ci, wasm_i64x2_extract_lane(lo, 1));
              store4(buf[2] + ci, wasm_i64x2_extract_lane(hi, 0));
              store4(buf[3] + ci, wasm_i64x2_extract_lane(hi, 1));
            }
          }
          for (; ci < cg; ++ci) {
            for (int32_t q = 0; q < np; ++q) buf[q][ci] = x[int64_t(ci) * plane + p + q];
          }
          s8_columns(cg, cols, np, w, mc, gi * mg + c0, start, e, out_base, plane, p);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

// s8_conv2d_1x1__wasm_simd128: QConv 1x1, stride 1, unpadded (drivers/s8_conv2d.h). In NCHW a
// pixel's channels are a plane apart, so 4 pixels at a time are transposed into int16 columns:
// 4 channels x 4 pixels are one 16-byte vector, a byte shuffle turns it pixel-major and two
// widenings make the columns' int16. Then every column runs against every weight row
// (contiguous over the channels) as in the general kernel (S8Kernel::columns).
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

namespace {

// Four int16 held in an int64, to a column.
inline void store4(int16_t* to, int64_t four) { memcpy(to, &four, 8); }

}  // namespace

void S8Kernel::transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int16_t* buf,
                         int32_t stride) {
  int16_t* col[4] = {buf, buf + stride, buf + 2 * stride, buf + 3 * stride};
  int32_t ci = 0;
  if (np == 4) {
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
      store4(col[0] + ci, wasm_i64x2_extract_lane(lo, 0));
      store4(col[1] + ci, wasm_i64x2_extract_lane(lo, 1));
      store4(col[2] + ci, wasm_i64x2_extract_lane(hi, 0));
      store4(col[3] + ci, wasm_i64x2_extract_lane(hi, 1));
    }
  }
  for (; ci < cg; ++ci) {
    for (int32_t q = 0; q < np; ++q) col[q][ci] = x[int64_t(ci) * plane + p + q];
  }
}

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d_1x1<S8Kernel>(a, g, e, in_zp);
}

}  // namespace wasm_simd128
}  // namespace mote

// s8_conv2d__wasm_simd128: QConv with any kernel, stride, dilation, padding and group, as dot
// products of activation columns (one per output pixel, gathered four at a time by the driver,
// drivers/s8_conv2d.h, widened to int16: a "small im2col", padding filled with the zero point)
// against the weight rows, read in place. The column kernel, shared with the 1x1 kernel: 4
// pixels x 2 channels per pass, 8 taps a step (i16x8.load8x8_s for the weights,
// i32x4.dot_i16x8_s), then single taps.
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

namespace {

// [sum of a, sum of b, sum of c, sum of d].
inline v128_t hsum4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
  const v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 1, 4, 5), wasm_i32x4_shuffle(c, d, 2, 3, 6, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 2, 4, 6), wasm_i32x4_shuffle(ab, cd, 1, 3, 5, 7));
}

inline v128_t dot(v128_t acc, v128_t x, v128_t w) { return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(x, w)); }

}  // namespace

void S8Kernel::columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                       const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0) {
  // Fewer than 4 pixels (the last block) or an odd last row repeat a column or row: the same
  // loop for every block, and only the real results are stored.
  const int16_t* c0 = cols[0];
  const int16_t* c1 = cols[np > 1 ? 1 : 0];
  const int16_t* c2 = cols[np > 2 ? 2 : 0];
  const int16_t* c3 = cols[np > 3 ? 3 : 0];
  Requant4 q;  // the op's zero point and bounds once, each channel's multiplier per row
  if (e.mult) q = requant4_for(e, m0);
  for (int32_t r = 0; r < mg; r += 2) {
    const bool pair = r + 1 < mg;
    const int8_t* w0 = w + int64_t(r) * k;
    const int8_t* w1 = pair ? w0 + k : w0;
    v128_t a00 = wasm_i32x4_splat(0), a10 = a00, a20 = a00, a30 = a00;
    v128_t a01 = a00, a11 = a00, a21 = a00, a31 = a00;
    int32_t i = 0;
    for (; i + 8 <= k; i += 8) {
      const v128_t u0 = wasm_i16x8_load8x8(w0 + i), u1 = wasm_i16x8_load8x8(w1 + i);
      const v128_t x0 = wasm_v128_load(c0 + i), x1 = wasm_v128_load(c1 + i);
      const v128_t x2 = wasm_v128_load(c2 + i), x3 = wasm_v128_load(c3 + i);
      a00 = dot(a00, x0, u0);
      a01 = dot(a01, x0, u1);
      a10 = dot(a10, x1, u0);
      a11 = dot(a11, x1, u1);
      a20 = dot(a20, x2, u0);
      a21 = dot(a21, x2, u1);
      a30 = dot(a30, x3, u0);
      a31 = dot(a31, x3, u1);
    }
    // Lanes: the 4 pixels, consecutive in the output plane.
    v128_t s0 = wasm_i32x4_add(hsum4(a00, a10, a20, a30), wasm_i32x4_splat(start[r]));
    v128_t s1 = wasm_i32x4_add(hsum4(a01, a11, a21, a31), wasm_i32x4_splat(pair ? start[r + 1] : 0));
    for (; i < k; ++i) {
      const v128_t x = wasm_i32x4_make(c0[i], c1[i], c2[i], c3[i]);
      s0 = wasm_i32x4_add(s0, wasm_i32x4_mul(x, wasm_i32x4_splat(w0[i])));
      s1 = wasm_i32x4_add(s1, wasm_i32x4_mul(x, wasm_i32x4_splat(w1[i])));
    }
    const int32_t ch = m0 + r;
    const int64_t at = out_base + int64_t(ch) * plane + p0;
    if (e.mult) {
      requant4_channel(e, ch, q);
      store4<false>(e, &q, at, s0, np);
      if (pair) {
        requant4_channel(e, ch + 1, q);
        store4<false>(e, &q, at + plane, s1, np);
      }
    } else {
      store4<false>(e, nullptr, at, s0, np);
      if (pair) store4<false>(e, nullptr, at + plane, s1, np);
    }
  }
}

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  if (s8_conv2d_direct_shape(g)) return s8_conv2d_direct(a, g, e, in_zp);
  return drivers::s8_conv2d<S8Kernel>(a, g, e, in_zp);
}

}  // namespace wasm_simd128
}  // namespace mote

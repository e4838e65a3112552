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

int32_t S8Kernel::row_sum(const int8_t* row, int32_t k) {
  v128_t acc = wasm_i32x4_splat(0);
  int32_t i = 0;
  for (; i + 16 <= k; i += 16) {
    acc = wasm_i32x4_add(acc, wasm_i32x4_extadd_pairwise_i16x8(wasm_i16x8_extadd_pairwise_i8x16(wasm_v128_load(row + i))));
  }
  int32_t sum = wasm_i32x4_extract_lane(acc, 0) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) +
                wasm_i32x4_extract_lane(acc, 3);
#pragma clang loop unroll(disable)
  for (; i < k; ++i) sum += row[i];
  return sum;
}

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
    // 8 taps from `at`, the columns' lanes ANDed with keep.
    auto step = [&](int32_t at, v128_t keep) __attribute__((always_inline)) {
      const v128_t u0 = wasm_i16x8_load8x8(w0 + at), u1 = wasm_i16x8_load8x8(w1 + at);
      const v128_t x0 = wasm_v128_and(wasm_v128_load(c0 + at), keep), x1 = wasm_v128_and(wasm_v128_load(c1 + at), keep);
      const v128_t x2 = wasm_v128_and(wasm_v128_load(c2 + at), keep), x3 = wasm_v128_and(wasm_v128_load(c3 + at), keep);
      a00 = dot(a00, x0, u0);
      a01 = dot(a01, x0, u1);
      a10 = dot(a10, x1, u0);
      a11 = dot(a11, x1, u1);
      a20 = dot(a20, x2, u0);
      a21 = dot(a21, x2, u1);
      a30 = dot(a30, x3, u0);
      a31 = dot(a31, x3, u1);
    };
    int32_t i = 0;
    for (; i + 8 <= k; i += 8) step(i, wasm_i32x4_splat(-1));
    if (i < k && k >= 8) {
      // The last k - i (1..7) taps: the 8 taps ending at k, in the columns those before i masked
      // to 0 (they are summed), so no tap is read outside the row and none is added twice.
      const int32_t at = k - 8;
      step(at, wasm_i16x8_ge(wasm_i16x8_make(0, 1, 2, 3, 4, 5, 6, 7), wasm_i16x8_splat(int16_t(i - at))));
      i = k;
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
    // The two rows through one store (one copy of the requantisation and the partial stores).
#pragma clang loop unroll(disable)
    for (int32_t j = 0; j <= int32_t(pair); ++j) {
      if (e.mult) requant4_channel(e, ch + j, q);
      store4<false>(e, e.mult ? &q : nullptr, at + j * plane, j ? s1 : s0, np);
    }
  }
}

namespace {

// kw int16 taps of v to t: 4 or 8 taps written (the ones past kw are the column's next window
// rows, written after, or its padding past k), unless exact (they would reach the next column).
inline void store_taps(int16_t* t, v128_t v, int32_t kw, bool exact) {
  if (!exact) {
    if (kw <= 4) {
      wasm_v128_store64_lane(t, v, 0);
    } else {
      wasm_v128_store(t, v);
    }
    return;
  }
  store_bytes(reinterpret_cast<int8_t*>(t), v, 2 * kw);  // kw <= 7: at most 14 bytes
}

// The 4 columns of output pixels ox..ox + 3 of row oy, all four windows inside the row
// (undilated across, sw * 3 + kw <= 16, rows of at least 16 bytes): per channel and window row,
// one 16-byte load of the input row (at the window's first column, or ending at the row's end),
// and per column a swizzle of its kw bytes, widened to int16 and stored; rows in the padding
// hold the zero point. The driver's pack_column gathers the same taps one by one.
void pack4_row(const ConvShape& g, const int8_t* x, int32_t cg, int32_t oy, int32_t ox, int32_t zp, int16_t* buf,
               int32_t stride) {
  const int32_t ih = g.ih, iw = g.iw, kh = g.kh, kw = g.kw, dh = g.dh;
  const int64_t plane = int64_t(ih) * iw;
  const int32_t c0 = ox * g.sw - g.pw, r0 = oy * g.sh - g.ph;
  const int32_t q0 = drivers::min_i32(c0, iw - 16);  // the load's first column
  v128_t idx[4];
  const v128_t lanes = wasm_i8x16_make(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int32_t q = 0; q < 4; ++q) idx[q] = wasm_i8x16_add(lanes, wasm_i8x16_splat(int8_t(c0 - q0 + q * g.sw)));
  const v128_t fill = wasm_i16x8_splat(int16_t(zp));
  const int32_t width = kw <= 4 ? 4 : 8;  // taps store_taps writes when not exact
  int32_t t = 0;  // the tap of the window row's first column
  for (int32_t ci = 0; ci < cg; ++ci) {
    const int8_t* xp = x + ci * plane;
    for (int32_t u = 0; u < kh; ++u, t += kw) {
      const bool exact = t + width > stride;
      const int32_t r = r0 + u * dh;
      if (r < 0 || r >= ih) {
        for (int32_t q = 0; q < 4; ++q) store_taps(buf + q * stride + t, fill, kw, exact);
        continue;
      }
      const v128_t row = wasm_v128_load(xp + int64_t(r) * iw + q0);
      for (int32_t q = 0; q < 4; ++q) {
        store_taps(buf + q * stride + t, wasm_i16x8_extend_low_i8x16(wasm_i8x16_swizzle(row, idx[q])), kw, exact);
      }
    }
  }
}

}  // namespace

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  if (s8_conv2d_direct_shape(g)) return s8_conv2d_direct(a, g, e, in_zp);
  // Windows of up to 7 columns in rows of 16 bytes and more: the columns of 4 pixels of one
  // row whose windows lie inside the row are gathered with vectors (pack4_row), the others tap by
  // tap.
  const bool rows = g.dw == 1 && g.kw <= 7 && g.sw * 3 + g.kw <= 16 && g.iw >= 16;
  const drivers::S8ColumnsLayout l = drivers::s8_conv_layout(g, S8Kernel::kS8);
  const int32_t cg = g.c / g.group, ow = g.ow;
  return drivers::column_blocks<S8Kernel>(
      a, g, e, in_zp, cg * g.kh * g.kw, S8Kernel::kS8.cols, l, [&](const int8_t* x, int32_t p, int32_t np, int16_t* buf) {
        const int32_t oy = p / ow, ox = p % ow;
        const int32_t c0 = ox * g.sw - g.pw;
        if (rows && np == 4 && ox + 3 < ow && c0 >= 0 && c0 + 3 * g.sw + g.kw <= g.iw) {
          pack4_row(g, x, cg, oy, ox, in_zp, buf, l.stride);
          return;
        }
        for (int32_t q = 0; q < np; ++q) {
          drivers::pack_column<S8Kernel>(g, x, cg, (p + q) / ow, (p + q) % ow, in_zp, buf + q * l.stride);
        }
      });
}

}  // namespace wasm_simd128
}  // namespace mote

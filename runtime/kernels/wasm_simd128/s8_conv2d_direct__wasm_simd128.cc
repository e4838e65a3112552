// s8_conv2d_direct__wasm_simd128: QConv of few taps per output (a network's first layer: 3 input
// channels, 3x3, stride 2), undilated, ungrouped, stride 1 or 2 across: lanes are 8 adjacent
// output pixels of one row, as in the depthwise kernel, and 4 output channels share every input
// vector. Taps go in pairs in weight order (channel, kernel row, kernel column): the two taps'
// 8 inputs interleaved (int16), i32x4.dot_i16x8_s by the pair of weights (one 2-byte splat
// widened), an odd last tap by i32x4.extmul. Without the columns of the general kernel
// (drivers/s8_conv2d.h) there is no gathering per pixel and no horizontal sum per output.
//
// Padding: the kernel rows of a vector are pointers into the input, or, where a row lies in the
// padding or the vector's window crosses the left or right edge, into a copy on the stack with
// the zero point around the row's bytes; (zp - zp) * w = 0 there, as the reference skips those
// taps, and the sums start from bias - zp * sum w (the starts, in the op's scratch: the general
// kernel's layout, so the scratch is the same).
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// At most this many kernel rows (input channels x kernel height) and taps, and kernel width: the
// stack copies of edge rows stay small.
constexpr int32_t kDirectRows = 12, kDirectTaps = 40, kDirectWidth = 8;
// Bytes a copied row holds: the 16 a stride-2 vector reads from its last tap's column.
constexpr int32_t kEdgeBytes = 16 + kDirectWidth - 1;

// Inputs p[0], p[SW], ..., p[7 * SW] as int16 (stride 2 reads p[0..15]).
template <int SW>
inline v128_t load8(const int8_t* p) {
  if (SW == 1) return wasm_i16x8_load8x8(p);
  const v128_t v = wasm_v128_load(p);
  return wasm_i16x8_extend_low_i8x16(wasm_i8x16_shuffle(v, v, 0, 2, 4, 6, 8, 10, 12, 14, 0, 0, 0, 0, 0, 0, 0, 0));
}

// Weights w[0] and w[1] as 4 int16 pairs.
inline v128_t weight_pair(const int8_t* w) { return wasm_i16x8_extend_low_i8x16(wasm_v128_load16_splat(w)); }

// The block's outputs: channel m0 + r from lo[r] and hi[r], r < mt. One copy for both strides
// (the requantisation inlined once, not per row and stride: 8 KB less module).
__attribute__((noinline)) void store_block(const v128_t* lo, const v128_t* hi, int32_t m0, int32_t mt,
                                           const Epilogue& e, Requant4& q, int64_t at, int64_t plane) {
#pragma clang loop unroll(disable)
  for (int32_t r = 0; r < mt; ++r) {
    const int64_t y = at + int64_t(m0 + r) * plane;
    if (e.mult) {
      requant4_channel(e, m0 + r, q);
      store8(e, &q, y, lo[r], hi[r], 8);
    } else {
      store8(e, nullptr, y, lo[r], hi[r], 8);
    }
  }
}

// One block: 8 outputs (row pointers `rows`, output 0's window at column 0 of each) for the
// mt (1..4) output channels m0.. whose weight rows (taps each) start at w.
template <int SW>
__attribute__((noinline)) void block(const int8_t* const* rows, int32_t kw, int32_t taps, const int8_t* w, int32_t m0, int32_t mt,
           const int32_t* start, const Epilogue& e, Requant4& q, int64_t at, int64_t plane) {
  const int8_t* wr[4];
  v128_t lo[4], hi[4];
  for (int32_t r = 0; r < 4; ++r) {
    const int32_t k = r < mt ? r : mt - 1;  // rows past mt repeat the last and are not stored
    wr[r] = w + int64_t(m0 + k) * taps;
    lo[r] = hi[r] = wasm_i32x4_splat(start[m0 + k]);
  }
  int32_t row = 0, v = 0;  // the next tap's kernel row and column
  auto next = [&]() {
    const v128_t x = load8<SW>(rows[row] + v);
    if (++v == kw) v = 0, ++row;
    return x;
  };
  // The products of the pair of taps t, t + 1 (their 8 inputs interleaved, xl the first 4
  // outputs' and xh the last 4's), every row's weights w[t], w[t + 1].
  auto pair = [&](v128_t xl, v128_t xh, int32_t t) {
    for (int32_t r = 0; r < 4; ++r) {
      const v128_t wv = weight_pair(wr[r] + t);
      lo[r] = wasm_i32x4_add(lo[r], wasm_i32x4_dot_i16x8(xl, wv));
      hi[r] = wasm_i32x4_add(hi[r], wasm_i32x4_dot_i16x8(xh, wv));
    }
  };
  // Tap t alone (the odd last one: the next tap's row and column), widened into int32.
  auto single = [&](int32_t t) {
    const v128_t a = next();
    for (int32_t r = 0; r < 4; ++r) {
      const v128_t wv = wasm_i16x8_splat(wr[r][t]);
      lo[r] = wasm_i32x4_add(lo[r], wasm_i32x4_extmul_low_i16x8(a, wv));
      hi[r] = wasm_i32x4_add(hi[r], wasm_i32x4_extmul_high_i16x8(a, wv));
    }
  };
  if (SW == 2 && kw == 3) {
    // Kernel rows two at a time (k, k + 1), their 6 taps as 3 pairs in weight order: (k: 0, 1),
    // (k: 2, k + 1: 0), (k + 1: 1, 2). At stride 2 the first and the last are a row's bytes in
    // order from column 0 and 1 (output j's taps are bytes 2j, 2j + 1 and 2j + 2): already
    // interleaved, two widening loads each instead of two strided loads and two shuffles.
    const int32_t nrows = taps / 3;
    int32_t k = 0;
#pragma clang loop unroll(disable)
    for (; k + 2 <= nrows; k += 2) {
      const int8_t* a = rows[k];
      const int8_t* b = rows[k + 1];
      pair(wasm_i16x8_load8x8(a), wasm_i16x8_load8x8(a + 8), 3 * k);
      const v128_t a2 = load8<2>(a + 2), b0 = load8<2>(b);
      pair(wasm_i16x8_shuffle(a2, b0, 0, 8, 1, 9, 2, 10, 3, 11), wasm_i16x8_shuffle(a2, b0, 4, 12, 5, 13, 6, 14, 7, 15),
           3 * k + 2);
      pair(wasm_i16x8_load8x8(b + 1), wasm_i16x8_load8x8(b + 9), 3 * k + 4);
    }
    if (k < nrows) {  // an odd last row: its first two taps, then the third alone
      pair(wasm_i16x8_load8x8(rows[k]), wasm_i16x8_load8x8(rows[k] + 8), 3 * k);
      row = k, v = 2;
      single(3 * k + 2);
    }
    store_block(lo, hi, m0, mt, e, q, at, plane);
    return;
  }
  int32_t t = 0;
#pragma clang loop unroll(disable)
  for (; t + 2 <= taps; t += 2) {
    const v128_t a = next(), b = next();
    pair(wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11), wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15), t);
  }
  if (t < taps) single(t);  // the odd last tap
  store_block(lo, hi, m0, mt, e, q, at, plane);
}

// The loops around the blocks, built for size (minsize: -O3 vectorises and unrolls their setup
// loops into 6 KB for no measurable speed).
template <int SW>
__attribute__((minsize)) void image(const ConvShape& g, const int8_t* x, const int8_t* w, const int32_t* start, int32_t zp, const Epilogue& e,
           int64_t out_base) {
  const int32_t kh = g.kh, kw = g.kw, taps = g.c * kh * kw;
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  const int32_t need = (SW == 1 ? 8 : 16) + kw - 1;  // input bytes a vector reads from its first column
  alignas(16) int8_t edge[kDirectRows][kEdgeBytes];
  alignas(16) int8_t pad[32];
  wasm_v128_store(pad, wasm_i8x16_splat(int8_t(zp)));
  wasm_v128_store(pad + 16, wasm_i8x16_splat(int8_t(zp)));
  const int8_t* rows[kDirectRows];
  Requant4 q = e.mult ? requant4_for(e, 0, int64_t(g.c) * g.kh * g.kw) : Requant4{};
  for (int32_t oy = 0; oy < g.oh; ++oy) {
    const int32_t r0 = oy * g.sh - g.ph;
    for (int32_t ox = 0; ox < g.ow; ox += 8) {
      const int32_t at = ox + 8 > g.ow ? g.ow - 8 : ox;  // the last 8 overlap the ones before
      const int32_t c0 = at * SW - g.pw;
      const bool inside = c0 >= 0 && c0 + need <= g.iw;
      for (int32_t ci = 0, k = 0; ci < g.c; ++ci) {
        for (int32_t u = 0; u < kh; ++u, ++k) {
          const int32_t r = r0 + u;
          if (r < 0 || r >= g.ih) {
            rows[k] = pad;
            continue;
          }
          const int8_t* src = x + ci * plane_in + int64_t(r) * g.iw;
          if (inside) {
            rows[k] = src + c0;
            continue;
          }
#pragma clang loop vectorize(disable) unroll(disable)
          for (int32_t j = 0; j < need; ++j) {
            const int32_t c = c0 + j;
            edge[k][j] = c >= 0 && c < g.iw ? src[c] : int8_t(zp);
          }
          rows[k] = edge[k];
        }
      }
      const int64_t y = out_base + int64_t(oy) * g.ow + at;
      for (int32_t m0 = 0; m0 < g.m; m0 += 4) {
        block<SW>(rows, kw, taps, w, m0, drivers::min_i32(g.m - m0, 4), start, e, q, y, plane);
      }
    }
  }
}

}  // namespace

bool s8_conv2d_direct_shape(const ConvShape& g) {
  return g.group == 1 && g.dh == 1 && g.dw == 1 && (g.sw == 1 || g.sw == 2) && g.ow >= 8 && g.oh > 0 &&
         g.kw <= kDirectWidth && g.c * g.kh <= kDirectRows && g.c * g.kh * g.kw <= kDirectTaps &&
         g.kh * g.kw > 1;
}

__attribute__((minsize)) Status s8_conv2d_direct(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const drivers::S8ColumnsLayout l = drivers::s8_conv_layout(g, Tiles::kS8);
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  int32_t* start = drivers::scratch_at<int32_t>(a, l.starts_at);
  const int8_t* w = a.in[1].as<int8_t>();
  const int32_t taps = g.c * g.kh * g.kw;
  for (int32_t m = 0; m < g.m; ++m) {  // drivers::s8_starts, here at this function's size
    int32_t sum = 0;
    for (int32_t t = 0; t < taps; ++t) sum += w[int64_t(m) * taps + t];
    start[m] = e.start(m) - in_zp * sum;
  }
  const int8_t* xd = a.in[0].as<int8_t>();
  const int64_t image_in = int64_t(g.c) * g.ih * g.iw, image_out = int64_t(g.m) * g.oh * g.ow;
  for (int32_t b = 0; b < g.n; ++b) {
    if (g.sw == 1) {
      image<1>(g, xd + b * image_in, w, start, in_zp, e, b * image_out);
    } else {
      image<2>(g, xd + b * image_in, w, start, in_zp, e, b * image_out);
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

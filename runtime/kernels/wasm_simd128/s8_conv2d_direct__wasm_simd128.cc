// s8_conv2d_direct__wasm_simd128: QConv of few taps per output (a network's first layer: 3 input
// channels, 3x3, stride 2), undilated, ungrouped, stride 1 or 2 across: lanes are 8 adjacent
// output pixels of one row, as in the depthwise kernel, and 4 output channels share every input
// vector. Taps go in pairs in weight order (channel, kernel row, kernel column): the two taps'
// 8 inputs interleaved (int16), i32x4.dot_i16x8_s by the pair of weights (an odd last tap paired
// with weight 0). Without the columns of the general kernel (drivers/s8_conv2d.h) there is no
// gathering per pixel and no horizontal sum per output.
//
// Each output row is run a group of 4 output channels at a time: the group's weight pairs, widened
// to int16 once per row, are the int32 splatted per pair (in the general kernel's column scratch,
// unused here), and its requantisation constants are set once per row, not per block of 8.
//
// Padding: the kernel rows of a vector are pointers into the input, or, where a row lies in the
// padding, a row of the zero point, or where the vector's window crosses the left or right edge,
// copies on the stack (edge_block) with the zero point around the row's bytes; (zp - zp) * w = 0 there, as the reference skips those
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

// The requantisation of a group of 4 output channels, set once per group: the op's bounded
// form per channel (s8_kernels.h), or, where a channel does not allow it, none (each block then
// sets the general form per channel, as requant4_channel does).
struct GroupRequant {
  v128_t mult[4], round[4];
  int32_t right[4];
  bool fast;
};

inline void group_requant(const Epilogue& e, int32_t m0, int32_t mt, int64_t taps, GroupRequant& gr) {
  Requant4 q = requant4_for(e, m0, taps);
  gr.fast = true;
  for (int32_t r = 0; r < mt; ++r) {
    requant4_channel(e, m0 + r, q);
    gr.fast = gr.fast && q.fast;
    gr.mult[r] = q.mult, gr.round[r] = q.round, gr.right[r] = q.right;
  }
}

// The block's outputs: channel m0 + r from lo[r] and hi[r], r < mt. One copy for both strides
// (the requantisation inlined once, not per row and stride: 8 KB less module).
__attribute__((noinline)) void store_block(const v128_t* lo, const v128_t* hi, int32_t m0, int32_t mt,
                                           const Epilogue& e, const GroupRequant& gr, int64_t taps, int64_t at,
                                           int64_t plane) {
  if (!e.mult) {
#pragma clang loop unroll(disable)
    for (int32_t r = 0; r < mt; ++r) store8(e, nullptr, at + int64_t(m0 + r) * plane, lo[r], hi[r], 8);
    return;
  }
  Requant4 q;  // the op's zero point and bounds; each channel's multiplier from gr or set here
  q.zp = wasm_i32x4_splat(e.out_zp);
  q.lo = wasm_i32x4_splat(e.lo);
  q.hi = wasm_i32x4_splat(e.hi);
  q.limit = wasm_i32x4_splat(INT32_MAX);
  q.k_bound = taps * 32640;
  q.left = 0;
#pragma clang loop unroll(disable)
  for (int32_t r = 0; r < mt; ++r) {
    if (gr.fast) {
      q.fast = true, q.mult = gr.mult[r], q.round = gr.round[r], q.right = gr.right[r];
    } else {
      requant4_channel(e, m0 + r, q);
    }
    store8(e, &q, at + int64_t(m0 + r) * plane, lo[r], hi[r], 8);
  }
}

// One block: 8 outputs (row pointers `rows`, output 0's window at column 0 of each) for the
// mt (1..4) output channels m0..: pairs[r * np + i] holds row r's taps 2i and 2i + 1 as two
// int16 (np pairs a row), start[r] its start.
template <int SW>
__attribute__((noinline)) void block(const int8_t* const* rows, int32_t kw, int32_t taps, const int32_t* pairs,
                                     int32_t m0, int32_t mt, const int32_t* start, const Epilogue& e,
                                     const GroupRequant& gr, int64_t at, int64_t plane) {
  const int32_t np = (taps + 1) / 2;
  const int32_t* wr[4];
  v128_t lo[4], hi[4];
  for (int32_t r = 0; r < 4; ++r) {
    const int32_t k = r < mt ? r : mt - 1;  // rows past mt repeat the last and are not stored
    wr[r] = pairs + k * np;
    lo[r] = hi[r] = wasm_i32x4_splat(start[k]);
  }
  int32_t row = 0, v = 0;  // the next tap's kernel row and column
  auto next = [&]() {
    const v128_t x = load8<SW>(rows[row] + v);
    if (++v == kw) v = 0, ++row;
    return x;
  };
  // The products of the pair of taps t, t + 1 (their 8 inputs interleaved, xl the first 4
  // outputs' and xh the last 4's), every row's pair.
  auto pair = [&](v128_t xl, v128_t xh, int32_t t) {
    for (int32_t r = 0; r < 4; ++r) {
      const v128_t wv = wasm_v128_load32_splat(wr[r] + t / 2);
      lo[r] = wasm_i32x4_add(lo[r], wasm_i32x4_dot_i16x8(xl, wv));
      hi[r] = wasm_i32x4_add(hi[r], wasm_i32x4_dot_i16x8(xh, wv));
    }
  };
  // Tap t alone (the odd last one), its pair's second weight 0: the input interleaved with itself.
  auto single = [&](int32_t t) {
    const v128_t a = next();
    pair(wasm_i16x8_shuffle(a, a, 0, 8, 1, 9, 2, 10, 3, 11), wasm_i16x8_shuffle(a, a, 4, 12, 5, 13, 6, 14, 7, 15), t);
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
    store_block(lo, hi, m0, mt, e, gr, taps, at, plane);
    return;
  }
  int32_t t = 0;
#pragma clang loop unroll(disable)
  for (; t + 2 <= taps; t += 2) {
    const v128_t a = next(), b = next();
    pair(wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11), wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15), t);
  }
  if (t < taps) single(t);  // the odd last tap
  store_block(lo, hi, m0, mt, e, gr, taps, at, plane);
}

// The weight pairs of output channels m0..m0 + mt - 1 into pairs (np = (taps + 1) / 2 a
// channel): pair i holds taps 2i and 2i + 1 as two int16, the low half first, so a channel's
// pairs are its weight row widened to int16 (an odd count's last pair with 0).
inline void make_pairs(const int8_t* w, int32_t m0, int32_t mt, int32_t taps, int32_t* pairs) {
  const int32_t np = (taps + 1) / 2;
  for (int32_t r = 0; r < mt; ++r) {
    const int8_t* src = w + int64_t(m0 + r) * taps;
    int16_t* dst = reinterpret_cast<int16_t*>(pairs + r * np);
    int32_t t = 0;
    for (; t + 8 <= taps; t += 8) wasm_v128_store(dst + t, wasm_i16x8_load8x8(src + t));
#pragma clang loop vectorize(disable) unroll(disable)
    for (; t < 2 * np; ++t) dst[t] = t < taps ? src[t] : 0;
  }
}

// A row's blocks of 8 outputs: from column 0 on, the last 8 overlapping the ones before.
inline int32_t block_at(int32_t ow, int32_t ox) { return ox + 8 > ow ? ow - 8 : ox; }

// The first input column of the block at output column `at`, and whether its window (the
// `need` bytes a vector reads) lies inside the row.
inline bool block_inside(const ConvShape& g, int32_t sw, int32_t need, int32_t at) {
  const int32_t c0 = at * sw - g.pw;
  return c0 >= 0 && c0 + need <= g.iw;
}

// Output channels in groups of 4 over blocks of one row: each group's weight pairs (into
// `pairs`, the columns' scratch) and requantisation set once, then its blocks. edge_at >= 0: the
// one block at that column, its kernel rows at base[] (an edge copy); else every block whose
// window lies inside the row, its kernel rows from base[k] (the input row, or null for a row in
// the padding: pad) at its first column.
template <int SW>
__attribute__((minsize)) void groups(const ConvShape& g, const int8_t* const* base, const int8_t* pad, int32_t edge_at,
                                     const int8_t* w, int32_t* pairs, const int32_t* start, const Epilogue& e,
                                     int64_t row_at, int64_t plane) {
  const int32_t taps = g.c * g.kh * g.kw, nrows = g.c * g.kh, need = (SW == 1 ? 8 : 16) + g.kw - 1;
  const int8_t* rows[kDirectRows];
  GroupRequant gr{};
  for (int32_t m0 = 0; m0 < g.m; m0 += 4) {
    const int32_t mt = drivers::min_i32(g.m - m0, 4);
    make_pairs(w, m0, mt, taps, pairs);
    if (e.mult) group_requant(e, m0, mt, taps, gr);
    if (edge_at >= 0) {
      block<SW>(base, g.kw, taps, pairs, m0, mt, start + m0, e, gr, row_at + edge_at, plane);
      continue;
    }
    for (int32_t ox = 0; ox < g.ow; ox += 8) {
      const int32_t at = block_at(g.ow, ox);
      if (!block_inside(g, SW, need, at)) continue;
      const int32_t c0 = at * SW - g.pw;
      for (int32_t k = 0; k < nrows; ++k) rows[k] = base[k] ? base[k] + c0 : pad;
      block<SW>(rows, g.kw, taps, pairs, m0, mt, start + m0, e, gr, row_at + at, plane);
    }
  }
}

// A block whose window crosses the left or right edge: its kernel rows copied with the zero point
// around the row's bytes (the zero point alone for a row in the padding), in this frame, then
// run for every group of output channels.
template <int SW>
__attribute__((noinline, minsize)) void edge_block(const ConvShape& g, const int8_t* x, int32_t r0, int32_t at,
                                                   const int8_t* w, int32_t* pairs, const int32_t* start, int32_t zp,
                                                   const Epilogue& e, int64_t row_at, int64_t plane) {
  const int32_t need = (SW == 1 ? 8 : 16) + g.kw - 1, c0 = at * SW - g.pw;
  const int64_t plane_in = int64_t(g.ih) * g.iw;
  alignas(16) int8_t edge[kDirectRows][kEdgeBytes];
  const int8_t* rows[kDirectRows];
  const v128_t fill = wasm_i8x16_splat(int8_t(zp));
  const int32_t lo = drivers::max_i32(c0, 0), hi = drivers::min_i32(c0 + need, g.iw);
  for (int32_t ci = 0, k = 0; ci < g.c; ++ci) {
    for (int32_t u = 0; u < g.kh; ++u, ++k) {
      // The zero point (two vector stores), then the row's bytes inside the input in one copy.
      const int32_t r = r0 + u;
      wasm_v128_store(edge[k], fill);
      wasm_v128_store(edge[k] + kEdgeBytes - 16, fill);
      if (r >= 0 && r < g.ih && hi > lo) memcpy(edge[k] + (lo - c0), x + ci * plane_in + int64_t(r) * g.iw + lo, size_t(hi - lo));
      rows[k] = edge[k];
    }
  }
  groups<SW>(g, rows, nullptr, at, w, pairs, start, e, row_at, plane);
}

// The loops around the blocks, built for size (minsize: -O3 vectorises and unrolls their setup
// loops into 6 KB for no measurable speed). Row by row (the row's inputs stay in cache): the
// blocks whose window crosses an edge, each from its copy, then the inside ones.
template <int SW>
__attribute__((minsize)) void image(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t* pairs,
                                    const int32_t* start, int32_t zp, const Epilogue& e, int64_t out_base) {
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  const int32_t need = (SW == 1 ? 8 : 16) + g.kw - 1;
  alignas(16) int8_t pad[32];  // a row in the padding: need <= 16 + kDirectWidth - 1 bytes of zp
  wasm_v128_store(pad, wasm_i8x16_splat(int8_t(zp)));
  wasm_v128_store(pad + 16, wasm_i8x16_splat(int8_t(zp)));
  const int8_t* base[kDirectRows];
  for (int32_t oy = 0; oy < g.oh; ++oy) {
    const int32_t r0 = oy * g.sh - g.ph;
    const int64_t row_at = out_base + int64_t(oy) * g.ow;
    bool any_inside = false;
    for (int32_t ox = 0; ox < g.ow; ox += 8) {
      const int32_t at = block_at(g.ow, ox);
      if (block_inside(g, SW, need, at)) {
        any_inside = true;
      } else {
        edge_block<SW>(g, x, r0, at, w, pairs, start, zp, e, row_at, plane);
      }
    }
    if (!any_inside) continue;
    for (int32_t ci = 0, k = 0; ci < g.c; ++ci) {
      for (int32_t u = 0; u < g.kh; ++u, ++k) {
        const int32_t r = r0 + u;
        base[k] = r < 0 || r >= g.ih ? nullptr : x + ci * plane_in + int64_t(r) * g.iw;
      }
    }
    groups<SW>(g, base, pad, -1, w, pairs, start, e, row_at, plane);
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
  const int32_t z = e.sum_zp(in_zp);  // 0 folded: the start holds - zp * sum w
  for (int32_t m = 0; m < g.m; ++m) {  // drivers::s8_starts, here at this function's size
    int32_t sum = 0;
    if (z != 0) {
      for (int32_t t = 0; t < taps; ++t) sum += w[int64_t(m) * taps + t];
    }
    start[m] = e.start(m) - z * sum;
  }
  const int8_t* xd = a.in[0].as<int8_t>();
  const int64_t image_in = int64_t(g.c) * g.ih * g.iw, image_out = int64_t(g.m) * g.oh * g.ow;
  // The weight pairs of a group of 4 output channels in the columns' place: 4 rows of
  // (taps + 1) / 2 int32, within the 4 columns of round_up(taps, 8) int16 of s8_conv_layout.
  int32_t* pairs = drivers::scratch_at<int32_t>(a, l.cols_at);
  for (int32_t b = 0; b < g.n; ++b) {
    if (g.sw == 1) {
      image<1>(g, xd + b * image_in, w, pairs, start, in_zp, e, b * image_out);
    } else {
      image<2>(g, xd + b * image_in, w, pairs, start, in_zp, e, b * image_out);
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

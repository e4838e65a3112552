// s8_dwconv2d__wasm_simd128: depthwise QConv (group == C == M). Where a run of output pixels has
// its whole window inside the input, lanes are 8 adjacent output pixels of one channel: for every
// tap, their 8 inputs widened to int16 (one i16x8.load8x8_s at stride 1; at stride 2 two 8-byte
// loads and a shuffle of the even bytes) times the tap's weight, widened into two int32 vectors
// (i32x4.extmul_*_i16x8_s); the zero point leaves the loop as - zp * sum w, and the 8 results
// are requantised together (Requant4). Undilated kernels at stride 1 or 2 (the mobile networks'
// 3x3 and 5x5) go through a ring of kh padded rows in the scratch (plane, Tiles::s8_dw_banded):
// the zero point in the padding, so every output is an inside one and every output in a vector,
// 7x7 planes included; there taps go in pairs into i32x4.dot_i16x8_s (band_row). Other pixels (the border of the other shapes, rows with fewer than 8
// inside outputs, other strides) take the reference's sum in the driver
// (drivers/s8_dwconv2d.h), skipping padded taps, and the scalar epilogue.
#include "../drivers/s8_dwconv2d.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// Inputs px[0], px[SW], ..., px[7 * SW] as int16, reading nothing past px[7 * SW].
template <int SW>
inline v128_t load8_strided(const int8_t* px) {
  if (SW == 1) return wasm_i16x8_load8x8(px);
  // Bytes 0..7 and 7..14: the even ones of px[0..14] are lanes 0, 2, 4, 6 of the first and
  // 1, 3, 5, 7 of the second.
  const v128_t a = wasm_v128_load64_zero(px), b = wasm_v128_load64_zero(px + 7);
  return wasm_i16x8_extend_low_i8x16(wasm_i8x16_shuffle(a, b, 0, 2, 4, 6, 17, 19, 21, 23, 0, 0, 0, 0, 0, 0, 0, 0));
}

// The even bytes px[0], px[2], ..., px[14] as int16, from one 16-byte load: each int16 lane's low
// byte, shifted up and back with its sign. No byte shuffle: an engine builds a shuffle's mask
// in the loop (V8 on x64: four instructions per mask) where these are two shifts. Reads px[15]:
// the band rows only, whose stride passes every tap a vector reads for odd kernel widths.
inline v128_t load8_even(const int8_t* px) {
  return wasm_i16x8_shr(wasm_i16x8_shl(wasm_v128_load(px), 8), 8);
}

// One row's inside run [x_lo, x_hi) of output pixels, 8 at a time; returns where it stopped.
template <int SW>
int32_t run8(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi, int32_t inner,
             const Epilogue& e, const Requant4* q, int64_t row_at) {
  int32_t ox = x_lo;
  // The last 8 of the inside run overlap the previous ones rather than go scalar (the
  // overlapped outputs are written twice, with the same values).
  for (; ox < x_hi && x_hi - x_lo >= 8; ox += 8) {
    if (ox + 8 > x_hi) ox = x_hi - 8;
    v128_t lo = wasm_i32x4_splat(inner), hi = lo;
    const int8_t* r0 = top + int64_t(ox) * SW;
    const int8_t* wt = w;
    for (int32_t u = 0; u < g.kh; ++u, r0 += int64_t(g.dh) * g.iw) {
      const int8_t* px = r0;
      for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
        const v128_t xv = load8_strided<SW>(px);
        const v128_t wv = wasm_i16x8_splat(*wt++);
        lo = wasm_i32x4_add(lo, wasm_i32x4_extmul_low_i16x8(xv, wv));
        hi = wasm_i32x4_add(hi, wasm_i32x4_extmul_high_i16x8(xv, wv));
      }
    }
    store8<true>(e, q, row_at + ox, lo, hi, 8);
  }
  return ox > x_lo ? x_hi : x_lo;
}

// A row of fewer than 16 bytes (7x7 and 14x14 planes) placed at column pw of one vector: the
// 16 bytes read from the row's start (fwd) or ending at its end (back), moved into place by a
// swizzle (index past 15: 0) and the zero point blended around them. Set per plane.
struct ShortRow {
  bool on;           // rows of n bytes, pw + n <= 16, a plane of at least 16 bytes
  v128_t fwd, back;  // swizzle indices
  v128_t keep;       // lanes [pw, pw + n): the row's bytes
};

inline ShortRow short_row(const ConvShape& g, int32_t width) {
  ShortRow s;
  const int32_t n = drivers::min_i32(g.iw, width - g.pw);
  s.on = n > 0 && n < 16 && g.pw + n <= 16 && int64_t(g.ih) * g.iw >= 16;
  if (!s.on) return s;
  const v128_t iota = wasm_i8x16_make(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const v128_t at = wasm_i8x16_sub(iota, wasm_i8x16_splat(int8_t(g.pw)));  // lane j: row byte j - pw
  s.keep = wasm_v128_and(wasm_i8x16_ge(at, wasm_i8x16_splat(0)), wasm_i8x16_lt(at, wasm_i8x16_splat(int8_t(n))));
  s.fwd = wasm_v128_or(at, wasm_v128_not(s.keep));  // lanes outside: 0xFF, which swizzles to 0
  s.back = wasm_v128_or(wasm_i8x16_add(at, wasm_i8x16_splat(int8_t(16 - n))), wasm_v128_not(s.keep));
  return s;
}

// Input row r of one channel into dst[0, stride) at column offset pw, the zero point where the
// row or a column lies in the padding: whole vectors (stride is a multiple of 16), the row's
// bytes 16 at a time, the last 16 overlapping; a row of fewer than 16 by ShortRow (reads stay
// within the plane), else byte by byte.
void padded_row(const ConvShape& g, const int8_t* x, int32_t r, int32_t width, int32_t stride, v128_t zp,
                const ShortRow& sr, int8_t* dst) {
  if (sr.on && r >= 0 && r < g.ih) {
    const int64_t begin = int64_t(r) * g.iw, plane = int64_t(g.ih) * g.iw;
    const int32_t n = drivers::min_i32(g.iw, width - g.pw);
    const v128_t v = begin + 16 <= plane ? wasm_i8x16_swizzle(wasm_v128_load(x + begin), sr.fwd)
                                         : wasm_i8x16_swizzle(wasm_v128_load(x + begin + n - 16), sr.back);
    wasm_v128_store(dst, wasm_v128_bitselect(v, zp, sr.keep));
    for (int32_t j = 16; j < stride; j += 16) wasm_v128_store(dst + j, zp);
    return;
  }
  for (int32_t j = 0; j < stride; j += 16) wasm_v128_store(dst + j, zp);
  if (r < 0 || r >= g.ih) return;
  const int32_t n = drivers::min_i32(g.iw, width - g.pw);
  const int8_t* src = x + int64_t(r) * g.iw;
  int8_t* to = dst + g.pw;
  if (n >= 16) {
    for (int32_t j = 0; j < n; j += 16) {
      const int32_t at = j + 16 > n ? n - 16 : j;
      wasm_v128_store(to + at, wasm_v128_load(src + at));
    }
  } else {
    for (int32_t j = 0; j < n; ++j) to[j] = src[j];
  }
}

// The last 4 outputs of a row (the blocks of 4 below), one copy for every kernel shape, in the
// general requantisation alone (exact for every accumulator; once per row, the bounded form's
// code would cost more module than it saves time).
__attribute__((noinline)) void store_last4(const Epilogue& e, const Requant4* q, int64_t at, v128_t lo) {
  store4<false>(e, q, at, lo, 4);
}

// The weight pairs of the band rows' dot products: taps 2i and 2i + 1 (in kernel order) as the
// two int16 halves of wp[i], an odd last tap with 0.
inline void weight_pairs(const int8_t* w, int32_t taps, int32_t* wp) {
  for (int32_t t = 0; t < taps; t += 2) {
    const int32_t hi = t + 1 < taps ? w[t + 1] : 0;
    wp[t / 2] = int32_t((uint32_t(hi) << 16) | (uint32_t(int32_t(w[t])) & 0xFFFFu));
  }
}

// Taps a and b (int16, the low 4 of 8 outputs) interleaved against the weight pair at `pair`.
inline void tap_pair_lo(v128_t a, v128_t b, const int32_t* pair, v128_t& lo) {
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11), wasm_v128_load32_splat(pair)));
}

// One output row from the band's kh rows (rows[u]: the window's row u, output 0's window at
// column 0), 8 outputs a vector; a row of fewer than 8 computes 8 from the row's slack and
// stores its own, a longer one ends with 8 that overlap the ones before. Taps go in pairs (in
// kernel order, across rows): their inputs interleaved, i32x4.dot_i16x8_s by the weight pair,
// 16 products in two instructions. KH, KW: the kernel when fixed (3x3, unrolled), else 0.
template <int SW, int KH, int KW>
void band_row(const int8_t* const* rows, int32_t kh, int32_t kw, const int32_t* wp, int32_t ow, int32_t inner,
              const Epilogue& e, const Requant4* q, int64_t row_at) {
  if (KH) kh = KH;
  if (KW) kw = KW;
  // 3x3 at stride 1: a row of 8k + 1..4 outputs (k >= 1: the 28-wide rows) ends with a block of
  // 4 (half the products and one requantisation) instead of 8 overlapping the ones before.
  const int32_t full = SW == 1 && KH == 3 && KW == 3 && ow > 8 && (ow & 7) != 0 && (ow & 7) <= 4 ? ow & ~7 : ow;
  for (int32_t ox = 0; ox < full; ox += 8) {
    const int32_t at = full >= 8 && ox + 8 > full ? full - 8 : ox;
    const int32_t n = drivers::min_i32(full - at, 8);
    v128_t lo = wasm_i32x4_splat(inner), hi = lo, held = lo;
    bool pending = false;
    const int32_t* pair = wp;
    for (int32_t u = 0; u < kh; ++u) {
      const int8_t* px = rows[u] + int64_t(at) * SW;
      for (int32_t v = 0; v < kw; ++v) {
        const v128_t xv = load8_strided<SW>(px + v);
        if (!pending) {
          held = xv;
          pending = true;
          continue;
        }
        const v128_t wv = wasm_v128_load32_splat(pair++);
        lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(held, xv, 0, 8, 1, 9, 2, 10, 3, 11), wv));
        hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(held, xv, 4, 12, 5, 13, 6, 14, 7, 15), wv));
        pending = false;
      }
    }
    if (pending) {  // the odd last tap, its pair's weight 0
      const v128_t wv = wasm_v128_load32_splat(pair);
      lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(held, held, 0, 8, 1, 9, 2, 10, 3, 11), wv));
      hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(held, held, 4, 12, 5, 13, 6, 14, 7, 15), wv));
    }
    store8<true>(e, q, row_at + at, lo, hi, n);
  }
  if (full < ow) {  // the last 4 outputs: each tap's 4 inputs (the low int16 lanes), pairs as above
    const int32_t at = ow - 4;
    auto in = [&](int32_t u, int32_t v) { return wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(rows[u] + at + v)); };
    v128_t lo = wasm_i32x4_splat(inner);
    tap_pair_lo(in(0, 0), in(0, 1), wp, lo);
    tap_pair_lo(in(0, 2), in(1, 0), wp + 1, lo);
    tap_pair_lo(in(1, 1), in(1, 2), wp + 2, lo);
    tap_pair_lo(in(2, 0), in(2, 1), wp + 3, lo);
    const v128_t last = in(2, 2);
    tap_pair_lo(last, last, wp + 4, lo);
    store_last4(e, q, row_at + at, lo);
  }
}

// Taps a and b (int16, 8 outputs each) interleaved against the weight pair at `pair`.
inline void tap_pair(v128_t a, v128_t b, const int32_t* pair, v128_t& lo, v128_t& hi) {
  const v128_t wv = wasm_v128_load32_splat(pair);
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11), wv));
  hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15), wv));
}

// row_vectors' taps for a block of 8 outputs (Half<false>) or of 4 (Half<true>: lo alone).
template <bool H>
struct Half {
  static constexpr bool value = H;
};

// A row of ow outputs 8 at a time (fewer than 8: 8 from the row's slack, its own stored;
// longer: the last 8 overlapping the ones before, or, for rows of 8k + 1..4 (k >= 1: 28-wide),
// a last block of 4 at ow - 4, half the products, where TAIL4): taps(Half<H>(), at, lo, hi) adds
// the products of the 8 (4) outputs from column at into lo and hi (lo), which start from inner.
template <bool TAIL4, class Taps>
inline void row_vectors(int32_t ow, int32_t inner, const Epilogue& e, const Requant4* q, int64_t row_at, Taps taps) {
  const int32_t full = TAIL4 && ow > 8 && (ow & 7) != 0 && (ow & 7) <= 4 ? ow & ~7 : ow;
  for (int32_t ox = 0; ox < full; ox += 8) {
    const int32_t at = full >= 8 && ox + 8 > full ? full - 8 : ox;
    v128_t lo = wasm_i32x4_splat(inner), hi = lo;
    taps(Half<false>(), at, lo, hi);
    store8<true>(e, q, row_at + at, lo, hi, drivers::min_i32(full - at, 8));
  }
  if constexpr (TAIL4) {
    if (full < ow) {
      v128_t lo = wasm_i32x4_splat(inner), hi = lo;
      taps(Half<true>(), ow - 4, lo, hi);
      store_last4(e, q, row_at + ow - 4, lo);
    }
  }
}

// A band row's 8 inputs from px (at stride 2 load8_even: the band's rows of 5x5 and 3x3 kernels),
// or (H) its first 4 in the low lanes, reading 4 bytes (8 at stride 2: px[0, 7], within the band
// row's stride for odd kernel widths).
template <int SW, bool H = false>
inline v128_t band_load(const int8_t* px) {
  if (H) {
    return SW == 1 ? wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(px))
                   : wasm_i16x8_shr(wasm_i16x8_shl(wasm_v128_load64_zero(px), 8), 8);
  }
  return SW == 1 ? wasm_i16x8_load8x8(px) : load8_even(px);
}

// tap_pair, or (H) its low 4 outputs alone.
template <bool H>
inline void tap_pair_h(v128_t a, v128_t b, const int32_t* pair, v128_t& lo, v128_t& hi) {
  if (H) {
    tap_pair_lo(a, b, pair, lo);
  } else {
    tap_pair(a, b, pair, lo, hi);
  }
}

// band_row for 5x5: kernel rows two at a time (their 10 taps are 5 whole pairs, a loop of two
// passes, kept rolled: unrolled it is 0.8 KB more module for no measurable speed), then the last
// row's 5 taps, its fifth with weight 0 in its pair.
template <int SW>
void band_row_5x5(const int8_t* const* rows, const int32_t* wp, int32_t ow, int32_t inner, const Epilogue& e,
                  const Requant4* q, int64_t row_at) {
  row_vectors<false>(ow, inner, e, q, row_at, [&](auto half, int32_t at, v128_t& lo, v128_t& hi) {
    constexpr bool H = decltype(half)::value;
    const int32_t* pair = wp;
#pragma clang loop unroll(disable)
    for (int32_t u = 0; u < 4; u += 2, pair += 5) {
      const int8_t* a = rows[u] + int64_t(at) * SW;
      const int8_t* b = rows[u + 1] + int64_t(at) * SW;
      const v128_t a4 = band_load<SW, H>(a + 4), b0 = band_load<SW, H>(b);
      tap_pair_h<H>(band_load<SW, H>(a), band_load<SW, H>(a + 1), pair, lo, hi);
      tap_pair_h<H>(band_load<SW, H>(a + 2), band_load<SW, H>(a + 3), pair + 1, lo, hi);
      tap_pair_h<H>(a4, b0, pair + 2, lo, hi);
      tap_pair_h<H>(band_load<SW, H>(b + 1), band_load<SW, H>(b + 2), pair + 3, lo, hi);
      tap_pair_h<H>(band_load<SW, H>(b + 3), band_load<SW, H>(b + 4), pair + 4, lo, hi);
    }
    const int8_t* c = rows[4] + int64_t(at) * SW;
    const v128_t c4 = band_load<SW, H>(c + 4);
    tap_pair_h<H>(band_load<SW, H>(c), band_load<SW, H>(c + 1), pair, lo, hi);
    tap_pair_h<H>(band_load<SW, H>(c + 2), band_load<SW, H>(c + 3), pair + 1, lo, hi);
    tap_pair_h<H>(c4, c4, pair + 2, lo, hi);
  });
}

// band_row for 3x3 at stride 2: a kernel row's first two taps are, for 8 outputs, the
// row's 16 bytes from the first output's window in order (output j's taps 0 and 1 are bytes 2j
// and 2j + 1): already interleaved, so two widening loads make the pair's vectors, without the
// strided loads' shuffles. The third taps: rows 0 and 1 as a pair, row 2's with weight 0 in its
// pair. wp: pairs (w00, w01), (w10, w11), (w20, w21), (w02, w12), (w22, 0) (pairs_3x3_s2).
void band_row_3x3_s2(const int8_t* const* rows, const int32_t* wp, int32_t ow, int32_t inner, const Epilogue& e,
                     const Requant4* q, int64_t row_at) {
  row_vectors<true>(ow, inner, e, q, row_at, [&](auto half, int32_t at, v128_t& lo, v128_t& hi) {
    constexpr bool H = decltype(half)::value;
    for (int32_t u = 0; u < 3; ++u) {
      const int8_t* px = rows[u] + int64_t(at) * 2;
      const v128_t wv = wasm_v128_load32_splat(wp + u);
      lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(px), wv));
      if (!H) hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_load8x8(px + 8), wv));
    }
    tap_pair_h<H>(band_load<2, H>(rows[0] + int64_t(at) * 2 + 2), band_load<2, H>(rows[1] + int64_t(at) * 2 + 2), wp + 3,
                  lo, hi);
    const v128_t c = band_load<2, H>(rows[2] + int64_t(at) * 2 + 2);
    tap_pair_h<H>(c, c, wp + 4, lo, hi);
  });
}

// Two weights as an int16 pair (a low, b high).
inline int32_t pair16(int32_t a, int32_t b) { return int32_t((uint32_t(b) << 16) | (uint32_t(a) & 0xFFFFu)); }

// A 3x3 kernel's pairs in band_row_3x3_s2's order.
inline void pairs_3x3_s2(const int8_t* w, int32_t* wp) {
  for (int32_t u = 0; u < 3; ++u) wp[u] = pair16(w[3 * u], w[3 * u + 1]);
  wp[3] = pair16(w[2], w[5]);
  wp[4] = pair16(w[8], 0);
}

// 3x3 planes whose padded rows fit one vector (pads of 1, rows of at most 14: the mobile
// networks' 7x7 and 14x14 layers at stride 1, and 14x14 -> 7x7 at stride 2): no band. Each input
// row is loaded once with its padding (ShortRow's swizzle and the zero point around it), and its
// taps for a block of 8 outputs widened, the first two columns' interleaved, once for the output
// rows that read it (three at stride 1, two at stride 2); per output row 8 dot products, the
// third column's taps of window rows 0 and 1 as a pair and row 2's by i32x4.extmul. At stride 1
// the blocks are at 0 and, for rows of more than 8, at ow - 8 (overlapping); at stride 2 a row
// of at most 7 outputs is one block, and a row's bytes in order are already its outputs' first
// two taps interleaved. The band's row copies, reloaded tap by tap for each output row, cost
// these planes more than their products.
inline bool small_3x3(const ConvShape& g) {
  if (g.kh != 3 || g.kw != 3 || g.ph != 1 || g.pw != 1 || g.iw > 14 || int64_t(g.ih) * g.iw < 16) return false;
  if (g.sh == 1 && g.sw == 1) return g.oh == g.ih && g.ow == g.iw;
  return g.sh == 2 && g.sw == 2 && g.ow <= 7 && 2 * g.oh <= g.ih + 1;
}

// One input row's taps for a block: columns (0, 1) of the 8 outputs interleaved (lo, hi: the
// pairs of outputs 0-3 and 4-7), column 2 widened.
struct SmallRow {
  v128_t lo, hi, c2;
};

// The kernel's pairs: rows' columns (0, 1), the third column's rows (0, 1), and w22.
struct SmallTaps {
  v128_t w0, w1, w2, wc, w22;
};

inline void small_sums(const SmallRow& r0, const SmallRow& r1, const SmallRow& r2, const SmallTaps& k, v128_t& lo,
                       v128_t& hi) {
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(r0.lo, k.w0));
  hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(r0.hi, k.w0));
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(r1.lo, k.w1));
  hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(r1.hi, k.w1));
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(r2.lo, k.w2));
  hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(r2.hi, k.w2));
  lo = wasm_i32x4_add(lo, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(r0.c2, r1.c2, 0, 8, 1, 9, 2, 10, 3, 11), k.wc));
  hi = wasm_i32x4_add(hi, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(r0.c2, r1.c2, 4, 12, 5, 13, 6, 14, 7, 15), k.wc));
  lo = wasm_i32x4_add(lo, wasm_i32x4_extmul_low_i16x8(r2.c2, k.w22));
  hi = wasm_i32x4_add(hi, wasm_i32x4_extmul_high_i16x8(r2.c2, k.w22));
}

void small_plane(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t inner, int32_t zp, const Requant4* q,
                 const Epilogue& e, int64_t out_base) {
  const ShortRow sr = short_row(g, 16);
  const v128_t fill = wasm_i8x16_splat(int8_t(zp));
  const int64_t plane = int64_t(g.ih) * g.iw;
  SmallTaps k;
  k.w0 = wasm_i32x4_splat(pair16(w[0], w[1])), k.w1 = wasm_i32x4_splat(pair16(w[3], w[4]));
  k.w2 = wasm_i32x4_splat(pair16(w[6], w[7])), k.wc = wasm_i32x4_splat(pair16(w[2], w[5]));
  k.w22 = wasm_i16x8_splat(w[8]);
  auto padded = [&](int32_t r) {
    if (r < 0 || r >= g.ih) return fill;
    const int64_t begin = int64_t(r) * g.iw;
    const v128_t v = begin + 16 <= plane ? wasm_i8x16_swizzle(wasm_v128_load(x + begin), sr.fwd)
                                         : wasm_i8x16_swizzle(wasm_v128_load(x + begin + g.iw - 16), sr.back);
    return wasm_v128_bitselect(v, fill, sr.keep);
  };
  if (g.sw == 2) {
    // Padded columns 2j, 2j + 1 (bytes in order) and 2j + 2 of output j.
    auto taps = [&](int32_t r) {
      const v128_t p = padded(r);
      SmallRow t;
      t.lo = wasm_i16x8_extend_low_i8x16(p);
      t.hi = wasm_i16x8_extend_high_i8x16(p);
      t.c2 = wasm_i16x8_extend_low_i8x16(wasm_i8x16_shuffle(p, fill, 2, 4, 6, 8, 10, 12, 14, 16, 0, 0, 0, 0, 0, 0, 0, 0));
      return t;
    };
    SmallRow r0 = taps(-1);
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      const SmallRow r1 = taps(2 * oy), r2 = taps(2 * oy + 1);
      v128_t lo = wasm_i32x4_splat(inner), hi = lo;
      small_sums(r0, r1, r2, k, lo, hi);
      store8<true>(e, q, out_base + int64_t(oy) * g.ow, lo, hi, g.ow);
      r0 = r2;
    }
    return;
  }
  const v128_t iota = wasm_i8x16_make(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  for (int32_t at = 0;;) {
    const v128_t s1 = wasm_i8x16_add(iota, wasm_i8x16_splat(int8_t(at + 1)));
    const v128_t s2 = wasm_i8x16_add(iota, wasm_i8x16_splat(int8_t(at + 2)));
    const v128_t s0 = wasm_i8x16_add(iota, wasm_i8x16_splat(int8_t(at)));
    auto taps = [&](int32_t r) {
      const v128_t p = padded(r);
      const v128_t a = wasm_i16x8_extend_low_i8x16(wasm_i8x16_swizzle(p, s0));
      const v128_t b = wasm_i16x8_extend_low_i8x16(wasm_i8x16_swizzle(p, s1));
      SmallRow t;
      t.lo = wasm_i16x8_shuffle(a, b, 0, 8, 1, 9, 2, 10, 3, 11);
      t.hi = wasm_i16x8_shuffle(a, b, 4, 12, 5, 13, 6, 14, 7, 15);
      t.c2 = wasm_i16x8_extend_low_i8x16(wasm_i8x16_swizzle(p, s2));
      return t;
    };
    SmallRow r0 = taps(-1), r1 = taps(0);
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      const SmallRow r2 = taps(oy + 1);
      v128_t lo = wasm_i32x4_splat(inner), hi = lo;
      small_sums(r0, r1, r2, k, lo, hi);
      store8<true>(e, q, out_base + int64_t(oy) * g.ow + at, lo, hi, drivers::min_i32(g.ow - at, 8));
      r0 = r1;
      r1 = r2;
    }
    if (g.ow <= 8 || at > 0) break;
    at = g.ow - 8;
  }
}

template <int SW>
void band_row_any(const int8_t* const* rows, const ConvShape& g, const int32_t* wp, int32_t inner, const Epilogue& e,
                  const Requant4* q, int64_t row_at) {
  if (SW == 2 && g.kh == 3 && g.kw == 3) return band_row_3x3_s2(rows, wp, g.ow, inner, e, q, row_at);
  if (g.kh == 3 && g.kw == 3) return band_row<SW, 3, 3>(rows, 3, 3, wp, g.ow, inner, e, q, row_at);
  if (g.kh == 5 && g.kw == 5) return band_row_5x5<SW>(rows, wp, g.ow, inner, e, q, row_at);
  band_row<SW, 0, 0>(rows, g.kh, g.kw, wp, g.ow, inner, e, q, row_at);
}

struct DwKernel {
  // Tiles::s8_dw_banded shapes: a ring of kh padded rows, input row r in slot r mod kh, each
  // row copied once per plane (stride <= kh) or per use.
  static constexpr bool kBanded = true;
  static uint64_t band_bytes(const ConvShape& g) { return Tiles::s8_dw_band_bytes(g); }

  // One channel's vector requantisation (none for int32 output).
  struct Channel {
    Requant4 requant;
    bool requantised;
    int32_t ch;
    Channel(const Epilogue& e, int32_t ch) : requant(), requantised(e.mult != nullptr), ch(ch) {
      if (requantised) requant = requant4_for(e, ch), narrow_bounds(e, requant);
    }
    const Requant4* q() const { return requantised ? &requant : nullptr; }
  };

  static void plane(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t inner, int32_t zp, const Channel& c,
                    const Epilogue& e, int64_t out_base, int8_t* band) {
    if (small_3x3(g)) {
      Requant4 q;
      if (c.requantised) {
        q = c.requant;
        q.k_bound = 9 * 32640;
        requant4_channel(e, c.ch, q);
      }
      return small_plane(g, x, w, inner, zp, c.requantised ? &q : nullptr, e, out_base);
    }
    const int32_t stride = Tiles::s8_dw_band_stride(g), kh = g.kh;
    const int32_t width = (drivers::max_i32(g.ow, 8) - 1) * g.sw + g.kw;
    int32_t held[Tiles::kDwBandRows];
    const int8_t* rows[Tiles::kDwBandRows];
    int32_t wp[Tiles::kDwBandTaps / 2];
    if (g.sw == 2 && kh == 3 && g.kw == 3) {
      pairs_3x3_s2(w, wp);
    } else {
      weight_pairs(w, kh * g.kw, wp);
    }
    for (int32_t u = 0; u < kh; ++u) held[u] = INT32_MIN;
    const v128_t fill = wasm_i8x16_splat(int8_t(zp));
    const ShortRow sr = short_row(g, width);
    // The channel's requantisation in its bounded form where the kernel's taps allow it.
    Requant4 q;
    if (c.requantised) {
      q = c.requant;
      q.k_bound = int64_t(kh) * g.kw * 32640;
      requant4_channel(e, c.ch, q);
    }
    const Requant4* cq = c.requantised ? &q : nullptr;
    // Input row r's slot, r mod kh, for the window's first row r0: set once (r0 = -ph) and moved
    // on by the stride per output row, without a division per row.
    int32_t first = g.ph % kh == 0 ? 0 : kh - g.ph % kh;
    for (int32_t oy = 0; oy < g.oh; ++oy, first += g.sh) {
      const int32_t r0 = oy * g.sh - g.ph;
      while (first >= kh) first -= kh;
      int32_t slot = first;  // then one up per window row, wrapping
      for (int32_t u = 0; u < kh; ++u, slot = slot + 1 == kh ? 0 : slot + 1) {
        const int32_t r = r0 + u;
        int8_t* row = band + int64_t(slot) * stride;
        if (held[slot] != r) {
          padded_row(g, x, r, width, stride, fill, sr, row);
          held[slot] = r;
        }
        rows[u] = row;
      }
      const int64_t row_at = out_base + int64_t(oy) * g.ow;
      if (g.sw == 1) {
        band_row_any<1>(rows, g, wp, inner, e, cq, row_at);
      } else {
        band_row_any<2>(rows, g, wp, inner, e, cq, row_at);
      }
    }
  }

  static int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi,
                            int32_t inner, const Epilogue& e, const Channel& c, int64_t row_at) {
    if (g.sw == 1) return run8<1>(g, top, w, x_lo, x_hi, inner, e, c.q(), row_at);
    if (g.sw == 2) return run8<2>(g, top, w, x_lo, x_hi, inner, e, c.q(), row_at);
    return x_lo;  // the vector loads take strides 1 and 2
  }
};

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_dwconv2d<DwKernel>(a, g, e, in_zp);
}

}  // namespace wasm_simd128
}  // namespace mote

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
// The epilogue (bias, requantisation, clamp; or the raw int32 without multipliers) is
// s8::Epilogue of kernels/s8_epilogue.h, bit for bit the reference's requantize(); where four
// lanes share a channel (conv: lanes are pixels) it runs on vectors, Requant4 below.
//
// The loops around this vector code are the shared drivers (drivers/s8_conv2d.h,
// s8_dwconv2d.h, gemm.h); the columns and starts live in the op's scratch.
#ifndef MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H
#define MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H

#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {

using s8::Epilogue;

// s8::requantize() + out_zp + clamp on four lanes of one channel (one multiplier and shift),
// bit for bit: the saturating left shift is a shift with the two saturated cases selected
// afterwards; the doubling high multiply with ties toward +infinity is
// (acc * mult + 2^30) >> 31 = the high half of 2 * acc * mult + 2^31 in 64-bit lanes
// (i64x2.extmul, then one shuffle picks the four high halves: no 64-bit shift, which engines
// emulate on x86), exact while 0 <= mult < 2^31 (|2 acc mult| + 2^31 < 2^63); the rounding right
// shift adds 1 where the remainder exceeds half the divisor (one more for negative values: ties
// away from zero).
//
// Bounded form (fast): where every accumulator is known to satisfy |acc| < 2^30 (a convolution's
// bias plus at most k products of |x - zp| <= 255 and |w| <= 128: |bias| + k * 32640 < 2^30) and
// the shift is a right shift r >= 1, the two roundings take fewer steps: 2 acc cannot overflow,
// so (2 acc mult + 2^31) needs no doubling in 64 bits, and 2^(r-1) added to its high half rides in
// the same 64-bit constant (the high half stays below 2^31); ties away from zero subtract 1 from
// negative values before the arithmetic shift: high + 2^(r-1) - [high < 0], then >> r. The sign
// of acc stands for that of high: they differ only where high is 0, which rounds to 0 either way.
struct Requant4 {
  v128_t mult, limit, mask, half, zp, lo, hi;
  v128_t round;      // fast: 2^31 + 2^(r-1) * 2^32 in each 64-bit lane
  v128_t zp16, lo8, hi8;  // store8<true>: the zero point as int16, the bounds as int8 (narrow_bounds)
  int32_t left, right;
  int64_t k_bound;   // k * 32640 for the op (kernels that know k), else 2^30: never fast
  bool fast;
};

// The channel's multiplier and shift into q, whose zero point and bounds (the op's) stay: a
// kernel that requantises channel after channel sets those once (requant4_for) and only this
// per channel.
inline void requant4_channel(const Epilogue& e, int32_t ch, Requant4& q) {
  const int32_t k = e.per_channel ? ch : 0;
  const int32_t shift = e.shift[k];
  q.left = shift > 0 ? shift : 0;
  q.right = shift < 0 ? -shift : 0;
  q.mult = wasm_i32x4_splat(e.mult[k]);
  q.fast = false;
  if (q.k_bound < (int64_t(1) << 30) && q.right > 0) {
    const int32_t bias = e.start(ch);
    q.fast = q.k_bound + (bias < 0 ? -int64_t(bias) : int64_t(bias)) < (int64_t(1) << 30);
  }
  if (q.fast) {
    q.round = wasm_i64x2_splat((int64_t(1) << 31) + (int64_t(1) << (q.right - 1 + 32)));
    return;
  }
  if (q.left) q.limit = wasm_i32x4_splat(INT32_MAX >> q.left);  // read only with a left shift
  const uint32_t mask = q.right ? (uint32_t(1) << q.right) - 1u : 0u;
  q.mask = wasm_i32x4_splat(int32_t(mask));
  q.half = wasm_i32x4_splat(int32_t(mask >> 1));
}

// The zero point and bounds as store8<true> takes them (int8 outputs).
inline void narrow_bounds(const Epilogue& e, Requant4& q) {
  q.zp16 = wasm_i16x8_splat(int16_t(e.out_zp));
  q.lo8 = wasm_i8x16_splat(int8_t(e.lo));
  q.hi8 = wasm_i8x16_splat(int8_t(e.hi));
}

// taps: the products per accumulator of a convolution (its bound, see above), or 0 for the
// general form only.
inline Requant4 requant4_for(const Epilogue& e, int32_t ch, int64_t taps = 0) {
  Requant4 q;
  q.limit = wasm_i32x4_splat(INT32_MAX);
  q.zp = wasm_i32x4_splat(e.out_zp);
  q.lo = wasm_i32x4_splat(e.lo);
  q.hi = wasm_i32x4_splat(e.hi);
  q.k_bound = taps > 0 && taps < (int64_t(1) << 20) ? taps * 32640 : int64_t(1) << 30;
  requant4_channel(e, ch, q);
  return q;
}

// i64x2.extmul_{low,high}_i32x4_s of acc and the multiplier m, kept as those instructions: the
// intrinsics are written as extend * extend, and where m is loop-invariant LLVM 14 hoists its
// extension out of the loop, leaving an i64x2.extend of acc and an i64x2.mul, which V8 runs as
// about 9 x86 instructions (three pmuludq with shifts and adds) instead of one pmuldq and two
// unpacks. The empty asm makes m opaque at each use, so the extension cannot be hoisted and the
// pair matches extmul again (no instruction of its own).
inline v128_t mul_low_i64(v128_t acc, v128_t m) {
  __asm__ volatile("" : "+r"(m));
  return wasm_i64x2_extmul_low_i32x4(acc, m);
}
inline v128_t mul_high_i64(v128_t acc, v128_t m) {
  __asm__ volatile("" : "+r"(m));
  return wasm_i64x2_extmul_high_i32x4(acc, m);
}

// OUT false: the rescaled value alone, without the zero point and clamp (QAdd's inputs, whose
// Requant4 has zero point 0 and the int32 bounds). BOUNDED false: the general form only (no
// branch to the bounded one: a loop already short of registers keeps its code).
template <bool OUT = true, bool BOUNDED = true>
inline v128_t requant4(const Requant4& q, v128_t acc) {
  if (BOUNDED && q.fast) {
    const v128_t a2 = wasm_i32x4_add(acc, acc);
    const v128_t p0 = wasm_i64x2_add(mul_low_i64(a2, q.mult), q.round);
    const v128_t p1 = wasm_i64x2_add(mul_high_i64(a2, q.mult), q.round);
    const v128_t v = wasm_i32x4_shr(wasm_i32x4_add(wasm_i32x4_shuffle(p0, p1, 1, 3, 5, 7), wasm_i32x4_shr(acc, 31)), q.right);
    if (!OUT) return v;
    return wasm_i32x4_min(wasm_i32x4_max(wasm_i32x4_add(v, q.zp), q.lo), q.hi);
  }
  if (q.left) {
    const v128_t over = wasm_i32x4_gt(acc, q.limit);
    // Below -limit - 1 the shift of the clamped value is INT32_MIN exactly.
    acc = wasm_i32x4_shl(wasm_i32x4_max(acc, wasm_i32x4_sub(wasm_i32x4_neg(q.limit), wasm_i32x4_splat(1))), q.left);
    acc = wasm_v128_bitselect(wasm_i32x4_splat(INT32_MAX), acc, over);
  }
  const v128_t round = wasm_i64x2_splat(int64_t(1) << 31);
  v128_t p0 = mul_low_i64(acc, q.mult), p1 = mul_high_i64(acc, q.mult);
  p0 = wasm_i64x2_add(wasm_i64x2_add(p0, p0), round);
  p1 = wasm_i64x2_add(wasm_i64x2_add(p1, p1), round);
  v128_t v = wasm_i32x4_shuffle(p0, p1, 1, 3, 5, 7);
  if (q.right) {
    const v128_t remainder = wasm_v128_and(v, q.mask);
    const v128_t threshold = wasm_i32x4_sub(q.half, wasm_i32x4_shr(v, 31));  // + 1 where v < 0
    v = wasm_i32x4_sub(wasm_i32x4_shr(v, q.right), wasm_i32x4_gt(remainder, threshold));
  }
  if (!OUT) return v;
  v = wasm_i32x4_add(v, q.zp);
  return wasm_i32x4_min(wasm_i32x4_max(v, q.lo), q.hi);
}

// The first n (< 16) bytes of b to y: lane stores of 8, 4, 2 and 1 bytes by n's bits (a row of
// 7 outputs, the 7x7 maps' depthwise rows, in three stores instead of a copy through the stack).
inline void store_bytes(int8_t* y, v128_t b, int32_t n) {
  if (n & 8) wasm_v128_store64_lane(y, b, 0);
  const int32_t at4 = n & 8;  // where the 4-byte piece goes: 0 or 8
  if (n & 4) {
    if (at4) {
      wasm_v128_store32_lane(y + 8, b, 2);
    } else {
      wasm_v128_store32_lane(y, b, 0);
    }
  }
  const int32_t at2 = n & 12;  // 0, 4, 8 or 12
  if (n & 2) {
    switch (at2) {
      case 0: wasm_v128_store16_lane(y, b, 0); break;
      case 4: wasm_v128_store16_lane(y + 4, b, 2); break;
      case 8: wasm_v128_store16_lane(y + 8, b, 4); break;
      default: wasm_v128_store16_lane(y + 12, b, 6); break;
    }
  }
  if (n & 1) {
    const int32_t at1 = n & 14;  // the last byte's lane
    switch (at1) {
      case 0: wasm_v128_store8_lane(y, b, 0); break;
      case 2: wasm_v128_store8_lane(y + 2, b, 2); break;
      case 4: wasm_v128_store8_lane(y + 4, b, 4); break;
      case 6: wasm_v128_store8_lane(y + 6, b, 6); break;
      case 8: wasm_v128_store8_lane(y + 8, b, 8); break;
      case 10: wasm_v128_store8_lane(y + 10, b, 10); break;
      case 12: wasm_v128_store8_lane(y + 12, b, 12); break;
      default: wasm_v128_store8_lane(y + 14, b, 14); break;
    }
  }
}

// Stores n (1..4) outputs of one channel at y + at: requantised to int8, or the raw int32.
template <bool BOUNDED = true>
inline void store4(const Epilogue& e, const Requant4* q, int64_t at, v128_t acc, int32_t n) {
  if (q) {
    const v128_t v = requant4<true, BOUNDED>(*q, acc);
    const v128_t b = wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(v, v), wasm_i16x8_narrow_i32x4(v, v));
    int8_t* y = static_cast<int8_t*>(e.y) + at;
    if (n == 4) {
      wasm_v128_store32_lane(y, b, 0);
    } else {
      store_bytes(y, b, n);
    }
  } else {
    int32_t* y = static_cast<int32_t*>(e.y) + at;
    if (n == 4) {
      wasm_v128_store(y, acc);
    } else {
      int32_t t[4];
      wasm_v128_store(t, acc);
      for (int32_t i = 0; i < n; ++i) y[i] = t[i];
    }
  }
}

// Stores n (1..8) outputs of one channel at y + at from lo (the first 4) and hi: requantised together
// into one 8-byte store, or the raw int32.
// NARROW: the bounded form's zero point and clamp on int16 and int8 (below; the depthwise
// kernels, where it measured faster), else on int32 as requant4 does.
template <bool NARROW = false>
inline void store8(const Epilogue& e, const Requant4* q, int64_t at, v128_t lo, v128_t hi, int32_t n) {
  if (!q) {
    store4(e, q, at, lo, drivers::min_i32(n, 4));
    if (n > 4) store4(e, q, at + 4, hi, n - 4);
    return;
  }
  v128_t b;
  if (NARROW && q->fast) {
    // The bounded form (|v| < 2^29): narrowed to int16 with saturation, the zero point added with
    // saturation, narrowed to int8 and clamped there: clamp(v + zp, lo, hi) exactly (a value
    // past int16 or int8 saturates to a bound it would have been clamped to anyway).
    const v128_t h = wasm_i16x8_add_sat(wasm_i16x8_narrow_i32x4(requant4<false>(*q, lo), requant4<false>(*q, hi)), q->zp16);
    b = wasm_i8x16_min(wasm_i8x16_max(wasm_i8x16_narrow_i16x8(h, h), q->lo8), q->hi8);
  } else {
    const v128_t h = wasm_i16x8_narrow_i32x4(requant4<true, !NARROW>(*q, lo), requant4<true, !NARROW>(*q, hi));
    b = wasm_i8x16_narrow_i16x8(h, h);
  }
  int8_t* y = static_cast<int8_t*>(e.y) + at;
  if (n == 8) {
    wasm_v128_store64_lane(y, b, 0);
  } else {
    store_bytes(y, b, n);
  }
}

// The column kernels of the QConv drivers (drivers/s8_conv2d.h): columns widened to int16, 4
// pixels a pass and per 1x1 transposition.
struct S8Kernel {
  using Col = int16_t;
  static constexpr drivers::S8ConvSpec kS8 = Tiles::kS8;
  static constexpr bool kRowCopy = false;
  // s8_conv2d__wasm_simd128.cc: the np (1..4) columns against the weight rows; fewer than 4
  // pixels, or an odd last row, repeat a column or row, whose results are not stored.
  static void columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                      const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
  // s8_conv2d__wasm_simd128.cc: the sum of a weight row's k taps, 16 a step (the starts).
  static int32_t row_sum(const int8_t* row, int32_t k);
  // s8_conv2d_1x1__wasm_simd128.cc
  static void transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int16_t* buf,
                        int32_t stride);
};

#include "../simd_s8_api.inc"

// s8_conv2d_direct__wasm_simd128.cc: QConv of few taps (a network's first layer), lanes = 8
// output pixels; s8_conv2d sends it the shapes s8_conv2d_direct_shape accepts.
bool s8_conv2d_direct_shape(const ConvShape& g);
Status s8_conv2d_direct(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_S8_KERNELS_H

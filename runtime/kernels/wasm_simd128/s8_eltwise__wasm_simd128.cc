// s8_eltwise__wasm_simd128: the int8 element-wise and pooling ops that the shared routing
// (kernels/simd_eltwise_dispatch.h, MOTE_SIMD_S8_ELTWISE) sends to a set, as x86 has them, each
// lane the reference's arithmetic (kernels/reference/quant.cc, pool.cc) bit for bit:
//   QAdd, QSub, QMul, QMax, QMin: full operands, or one broadcast in runs (drivers/s8_eltwise.h:
//     a squeeze-excite [1,C,1,1] scale, a scalar), 4 values a step widened to int32,
//     requantised by Requant4 (s8_kernels.h) with the op's one multiplier;
//   QuantizeLinear float32 -> int8, per tensor: a true division, NaN to 0, clamped to +-256,
//     rounded to the nearest integer (ties to even) by adding 1.5 * 2^23, plus the zero point,
//     saturated;
//   GlobalAveragePool of int8, and ReduceMean of int8 over trailing axes: each run summed 16 bytes a step (pairwise widening adds),
//     rounded half away from zero;
//   MaxPool of int8 (1-D, 2-D, any window, dilation and padding, strides 1 and 2): the window's
//     rows inside the input, 16 outputs a vector where the window lies inside horizontally (at
//     stride 2 the even bytes of two loads; 8 where fewer than 16 do), the border pixels one by one; a window with no tap
//     in the input gives 0, as in the reference. No scratch.
//   Requantize int8 -> int8 (Concat, Split, Slice, Transpose between different scales; routed
//     by dispatch.cc): the 256 outputs in a table (s8::requantize), then the Lut's loop;
//   Lut: the reference's table loop, unrolled, on 32-bit pointers;
// Others (per-channel QuantizeLinear, GlobalMaxPool, other broadcasts and strides) return
// kUnsupportedOp before writing anything: the reference runs them.
#include "../drivers/s8_eltwise.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// Requant4 of one multiplier and shift for every lane; bounded: the caller's values are known to
// stay below 2^30 in magnitude, so the bounded form may serve (s8_kernels.h; passed as one tap).
inline Requant4 scalar_requant(int32_t mult, int32_t shift, int32_t zp, int32_t lo, int32_t hi, bool bounded) {
  Epilogue e{};
  e.mult = &mult;
  e.shift = &shift;
  e.per_channel = false;
  e.out_zp = zp;
  e.lo = lo;
  e.hi = hi;
  return requant4_for(e, 0, bounded ? 1 : 0);
}

// Four int32 vectors (values in int8 range) as 16 int8.
inline v128_t narrow16(const v128_t* q) {
  return wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(q[0], q[1]), wasm_i16x8_narrow_i32x4(q[2], q[3]));
}

// z = f(x, y) over n elements, 16 then 4 at a time (one requantisation sequence per op in the code);
// an operand with run r > 1 holds one value per r outputs, splatted; run 1 is a full operand.
// Each block is read before it is written: in place is fine.
inline v128_t load4(const int8_t* p, int32_t m) {
  if (m == 4) return wasm_i32x4_extend_low_i16x8(wasm_i16x8_extend_low_i8x16(wasm_v128_load32_zero(p)));
  int32_t t[4] = {0, 0, 0, 0};
  for (int32_t i = 0; i < m; ++i) t[i] = p[i];
  return wasm_v128_load(t);
}

// 16 int8 at p as four int32 vectors, or the splatted value four times.
inline void widen16(const int8_t* p, bool splat, v128_t b, v128_t* v) {
  if (splat) {
    v[0] = v[1] = v[2] = v[3] = b;
    return;
  }
  const v128_t x = wasm_v128_load(p);
  const v128_t lo = wasm_i16x8_extend_low_i8x16(x), hi = wasm_i16x8_extend_high_i8x16(x);
  v[0] = wasm_i32x4_extend_low_i16x8(lo);
  v[1] = wasm_i32x4_extend_high_i16x8(lo);
  v[2] = wasm_i32x4_extend_low_i16x8(hi);
  v[3] = wasm_i32x4_extend_high_i16x8(hi);
}

// y[i] = t[in[i]] for i < n (t: a table's entry for 0; the Lut's loop, below).
void table_loop(const int8_t* t, const int8_t* in, int8_t* y, int64_t n) {
  const int8_t* end = in + n;
#pragma clang loop unroll_count(4)
  for (; in < end; ++in, ++y) *y = t[*in];
}

// Runs of at least this many outputs against one value go through a table (256 outputs computed
// for it): EfficientNet-B0's squeeze-excite scales on 112x112 and 56x56 planes 20-25% faster,
// those on 28x28 (784) 6% slower.
constexpr int64_t kTableRun = 2048;

template <bool WIDE, typename F>
void qbinary_runs(const int8_t* x, int64_t rx, const int8_t* y, int64_t ry, int8_t* z, int64_t n, F f) {
  const int64_t run = rx > 1 ? rx : ry > 1 ? ry : n;
  // Against one value (a squeeze-excite scale, a scalar) each output of a run is a function of the
  // full operand's byte alone: in runs of kTableRun or more, the loops below compute its 256
  // outputs into a table (the bytes -128..127 in place of the full operand), and the Lut's loop
  // runs it over the run.
  const bool table = WIDE && run >= kTableRun && (rx > 1 || ry > 1);
  alignas(16) int8_t t[256];
  for (int64_t at = 0, j = 0; at < n; at += run, ++j) {
    const v128_t bx = wasm_i32x4_splat(rx > 1 ? x[j] : 0), by = wasm_i32x4_splat(ry > 1 ? y[j] : 0);
    const int8_t* xs = rx > 1 ? x : x + at;
    const int8_t* ys = ry > 1 ? y : y + at;
    int8_t* zs = z + at;
    int64_t len = run;
    if (table) {
      const v128_t iota = wasm_i8x16_make(-128, -127, -126, -125, -124, -123, -122, -121, -120, -119, -118, -117, -116, -115, -114, -113);
      for (int32_t k = 0; k < 256; k += 16) wasm_v128_store(t + k, wasm_i8x16_add(iota, wasm_i8x16_splat(int8_t(k))));
      if (rx > 1) {
        ys = t;
      } else {
        xs = t;
      }
      zs = t, len = 256;
    }
    int64_t i = 0;
    // 16 at a time (QAdd, QSub, QMul: the residual adds and squeeze-excite scales of the mobile
    // networks; QMax and QMin keep the smaller code): one load and the widenings per operand,
    // one narrowing and store.
    for (; WIDE && i + 16 <= len; i += 16) {
      v128_t vx[4], vy[4], v[4];
      widen16(xs + i, rx > 1, bx, vx);
      widen16(ys + i, ry > 1, by, vy);
      for (int k = 0; k < 4; ++k) v[k] = f(vx[k], vy[k]);
      wasm_v128_store(zs + i, narrow16(v));
    }
    for (; i < len; i += 4) {
      const int32_t m = len - i < 4 ? int32_t(len - i) : 4;
      const v128_t vx = rx > 1 ? bx : load4(xs + i, m);
      const v128_t vy = ry > 1 ? by : load4(ys + i, m);
      const v128_t v = f(vx, vy);
      const v128_t b = wasm_i8x16_narrow_i16x8(wasm_i16x8_narrow_i32x4(v, v), wasm_i16x8_narrow_i32x4(v, v));
      if (m == 4) {
        wasm_v128_store32_lane(zs + i, b, 0);
      } else {
        store_bytes(zs + i, b, m);
      }
    }
    if (table) table_loop(t + 128, (rx > 1 ? y : x) + at, z + at, run);
  }
}

Status qbinary(const OpArgs& a) {
  const int64_t n = a.out[0].numel();
  int64_t rx = 1, ry = 1;
  if (!drivers::s8_binary_runs(a, &rx, &ry)) return Status::kUnsupportedOp;
  if (n == 0) return Status::kOk;
  const mote_qbinary_params& p = a.p<mote_qbinary_params>();
  const int8_t* x = a.in[0].as<int8_t>();
  const int8_t* y = a.in[1].as<int8_t>();
  int8_t* z = a.out[0].as<int8_t>();
  const v128_t azp = wasm_i32x4_splat(p.a_zp), bzp = wasm_i32x4_splat(p.b_zp);
  // The bounded requantisation where the values stay below 2^30: QMul's products are at most
  // 255 * 255; QAdd's inputs (x - zp) << left_shift at most 255 * 2^20, and their rescaled sum
  // at most twice that (the rescaling never grows a value: multiplier < 2^31, a right shift).
  const bool small_left = p.left_shift >= 0 && p.left_shift <= 20;
  const bool add = a.code == MOTE_OP_QADD || a.code == MOTE_OP_QSUB;
  const Requant4 out = scalar_requant(p.out_mult, p.out_shift, p.out_zp, p.act_min, p.act_max,
                                      add ? small_left && p.a_shift <= 0 && p.b_shift <= 0 : a.code == MOTE_OP_QMUL);
  if (add) {
    // Each input rescaled to the common scale (no zero point, no clamp), summed (or
    // subtracted), requantised. |x - zp| <= 255 and left_shift <= 20: the shift cannot overflow.
    const bool sub = a.code == MOTE_OP_QSUB;
    const Requant4 ra = scalar_requant(p.a_mult, p.a_shift, 0, INT32_MIN, INT32_MAX, small_left);
    const Requant4 rb = scalar_requant(p.b_mult, p.b_shift, 0, INT32_MIN, INT32_MAX, small_left);
    const int32_t left = p.left_shift;
    qbinary_runs<true>(x, rx, y, ry, z, n, [&](v128_t vx, v128_t vy) {
      const v128_t va = requant4<false>(ra, wasm_i32x4_shl(wasm_i32x4_sub(vx, azp), left));
      const v128_t vb = requant4<false>(rb, wasm_i32x4_shl(wasm_i32x4_sub(vy, bzp), left));
      return requant4(out, sub ? wasm_i32x4_sub(va, vb) : wasm_i32x4_add(va, vb));
    });
  } else if (a.code == MOTE_OP_QMAX || a.code == MOTE_OP_QMIN) {
    // Each input brought to the output (zero point added, clamped), then the larger (smaller):
    // adding and clamping are monotonic, so this is the reference's max before them.
    const bool max = a.code == MOTE_OP_QMAX;
    const Requant4 ra = scalar_requant(p.a_mult, p.a_shift, p.out_zp, p.act_min, p.act_max, false);
    const Requant4 rb = scalar_requant(p.b_mult, p.b_shift, p.out_zp, p.act_min, p.act_max, false);
    qbinary_runs<false>(x, rx, y, ry, z, n, [&](v128_t vx, v128_t vy) {
      const v128_t va = requant4(ra, wasm_i32x4_sub(vx, azp));
      const v128_t vb = requant4(rb, wasm_i32x4_sub(vy, bzp));
      return max ? wasm_i32x4_max(va, vb) : wasm_i32x4_min(va, vb);
    });
  } else if (a.code == MOTE_OP_QMUL) {
    qbinary_runs<true>(x, rx, y, ry, z, n, [&](v128_t vx, v128_t vy) {
      return requant4(out, wasm_i32x4_mul(wasm_i32x4_sub(vx, azp), wasm_i32x4_sub(vy, bzp)));
    });
  } else {
    return Status::kUnsupportedOp;
  }
  return Status::kOk;
}

// f(p) for every 16 values p of in[0, n) (the last m < 16 copied to a zeroed block on
// the stack, so that f always reads 16), the 16 int8 it returns stored at y + i (m of them).
template <typename T, typename F>
inline void blocks16(const T* in, int8_t* y, int64_t n, F f) {
  for (int64_t i = 0; i < n; i += 16) {
    const int32_t m = n - i < 16 ? int32_t(n - i) : 16;
    T t[16] = {};
    const T* p = in + i;
    if (m < 16) {
      for (int32_t j = 0; j < m; ++j) t[j] = p[j];
      p = t;
    }
    const v128_t b = f(p);
    if (m == 16) {
      wasm_v128_store(y + i, b);
    } else {
      store_bytes(y + i, b, m);
    }
  }
}

// QuantizeLinear float32 -> int8 with one scale (and zero point) for the tensor. The quotient
// (NaN to 0) is clamped to [-256, 256] rather than +-2e9: either way every value past +-256
// saturates to the same int8 once the zero point (-128..127) is added. Within that range
// v + 1.5 * 2^23 rounds v to the nearest integer, ties to even, as nearbyintf does (the sum lies
// in [2^23, 2^24), where floats are the integers), and its bits less those of 1.5 * 2^23 are
// that integer: no f32x4.nearest and i32x4.trunc_sat (about 8 instructions on x86 engines). The
// zero point rides in the subtracted constant, and the two saturating narrowings are the clamp
// to int8 (v + zp lies within int16).
Status quantize(const OpArgs& a) {
  const TensorView& x = a.in[0];
  if (x.dtype != MOTE_F32 || a.out[0].dtype != MOTE_I8 || a.in[1].numel() != 1) return Status::kUnsupportedOp;
  const bool has_zp = a.num_in > 2 && a.in[2].present();
  if (has_zp && (a.in[2].dtype != MOTE_I8 || a.in[2].numel() != 1)) return Status::kUnsupportedOp;
  const int32_t zp = has_zp ? a.in[2].as<int8_t>()[0] : 0;
  const v128_t scale = wasm_f32x4_splat(a.in[1].as<float>()[0]);
  const v128_t lim = wasm_f32x4_splat(256.0f), nlim = wasm_f32x4_splat(-256.0f);
  const v128_t magic = wasm_f32x4_splat(12582912.0f);           // 1.5 * 2^23
  const v128_t unmagic = wasm_i32x4_splat(0x4B400000 - zp);     // its bits, less the zero point
  const float* in = x.as<float>();
  int8_t* y = a.out[0].as<int8_t>();
  const int64_t n = x.numel();
  blocks16(in, y, n, [&](const float* p) {
    v128_t q[4];
    for (int k = 0; k < 4; ++k) {
      v128_t v = wasm_f32x4_div(wasm_v128_load(p + 4 * k), scale);
      v = wasm_v128_and(v, wasm_f32x4_eq(v, v));  // NaN to 0
      v = wasm_f32x4_add(wasm_f32x4_pmin(lim, wasm_f32x4_pmax(nlim, v)), magic);
      q[k] = wasm_i32x4_sub(v, unmagic);
    }
    return narrow16(q);
  });
  return Status::kOk;
}

// The mean of each of `planes` runs of `size` int8 (GlobalAveragePool, ReduceMean over trailing
// axes), rounded half away from zero as the reference: lanes of int32 sums (at most 4 * 128 per
// lane and step), folded into an int64 every 2^20 steps so that none overflows.
void mean_runs(const int8_t* in, int8_t* out, int64_t planes, int64_t size) {
  for (int64_t c = 0; c < planes; ++c) {
    const int8_t* xp = in + c * size;
    int64_t sum = 0, i = 0;
    while (i + 16 <= size) {
      const int64_t end = size - i > (int64_t(16) << 20) ? i + (int64_t(16) << 20) : size;
      v128_t acc = wasm_i32x4_splat(0);
      for (; i + 16 <= end; i += 16) {
        acc = wasm_i32x4_add(acc, wasm_i32x4_extadd_pairwise_i16x8(wasm_i16x8_extadd_pairwise_i8x16(wasm_v128_load(xp + i))));
      }
      sum += int64_t(wasm_i32x4_extract_lane(acc, 0)) + wasm_i32x4_extract_lane(acc, 1) + wasm_i32x4_extract_lane(acc, 2) +
             wasm_i32x4_extract_lane(acc, 3);
    }
    for (; i < size; ++i) sum += xp[i];
    const int64_t half = size / 2;
    out[c] = int8_t(size == 0 ? 0 : sum >= 0 ? (sum + half) / size : (sum - half) / size);
  }
}

Status global_average(const OpArgs& a) {
  if (a.code != MOTE_OP_GLOBAL_AVERAGE_POOL) return Status::kUnsupportedOp;
  const TensorView& x = a.in[0];
  int64_t size = 1;
  for (int32_t d = 2; d < x.rank; ++d) size *= x.dims[d];
  mean_runs(x.as<int8_t>(), a.out[0].as<int8_t>(), int64_t(x.dims[0]) * x.dims[1], size);
  return Status::kOk;
}

// ReduceMean of int8 over trailing axes (every axis from the first reduced one on: NCHW's
// spatial mean, keepdims or not, MNASNet's head): the runs of mean_runs. Other axes: the
// reference.
Status reduce_mean(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const uint32_t axes = a.p<mote_reduce_params>().axes_mask;
  if (x.dtype != MOTE_I8 || axes == 0 || x.rank > 31) return Status::kUnsupportedOp;
  const int32_t first = __builtin_ctz(axes);
  if (axes != (((1u << x.rank) - 1u) & ~((1u << first) - 1u))) return Status::kUnsupportedOp;
  int64_t planes = 1, size = 1;
  for (int32_t d = 0; d < x.rank; ++d) {
    if (d < first) {
      planes *= x.dims[d];
    } else {
      size *= x.dims[d];
    }
  }
  mean_runs(x.as<int8_t>(), a.out[0].as<int8_t>(), planes, size);
  return Status::kOk;
}

// The window's columns for W (16 or 8) outputs from p: at stride 1 the bytes p[0..W), at
// stride 2 the even bytes of p[0..2W - 1) (two loads, nothing read past p[2W - 2]); W = 8 in
// the low 8 bytes.
template <int SW, int W>
inline v128_t window_columns(const int8_t* p) {
  if (W == 16) {
    if (SW == 1) return wasm_v128_load(p);
    // The even bytes of p[0..15] as the low bytes of int16 lanes (shifted up and back with
    // their sign) and those of p[16..30] as the high bytes of p[15..30]'s (shifted down), narrowed
    // together: no byte shuffle, whose masks an engine builds in the loop.
    const v128_t lo = wasm_i16x8_shr(wasm_i16x8_shl(wasm_v128_load(p), 8), 8);
    return wasm_i8x16_narrow_i16x8(lo, wasm_i16x8_shr(wasm_v128_load(p + 15), 8));
  }
  const v128_t t = wasm_v128_load64_zero(p);
  if (SW == 1) return t;
  return wasm_i8x16_shuffle(t, wasm_v128_load64_zero(p + 7), 0, 2, 4, 6, 17, 19, 21, 23, 0, 0, 0, 0, 0, 0, 0, 0);
}

// Outputs ox.. (W: 16, or 8 for rows of 8 to 15 inside outputs, SqueezeNet's 27x27 -> 13x13) of
// a row: the maximum over the n window rows at rows[] and the kw taps, their first input column
// c0 = ox * SW - pw; the window inside the row for all W.
template <int SW, int W>
inline v128_t max_row(const int8_t* const* rows, int32_t n, int32_t kw, int32_t dw, int64_t c0) {
  v128_t m = wasm_i8x16_splat(-128);
  for (int32_t r = 0; r < n; ++r) {
    const int8_t* p = rows[r] + c0;
    for (int32_t v = 0; v < kw; ++v, p += dw) m = wasm_i8x16_max(m, window_columns<SW, W>(p));
  }
  return m;
}

// One output of a row from the n window rows, the taps inside the input only (0 if none).
inline int8_t max_pixel(const int8_t* const* rows, int32_t n, const ConvShape& g, int32_t ox) {
  int32_t best = 0;
  bool any = false;
  for (int32_t v = 0; v < g.kw; ++v) {
    const int64_t c = int64_t(ox) * g.sw - g.pw + int64_t(v) * g.dw;
    if (c < 0 || c >= g.iw) continue;
    for (int32_t r = 0; r < n; ++r) {
      if (!any || rows[r][c] > best) best = rows[r][c];
      any = true;
    }
  }
  return int8_t(best);
}

Status maxpool(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_I8 || a.num_out != 1 || !planar(a)) return Status::kUnsupportedOp;
  const ConvShape g = pool_shape(a);
  if (g.sw != 1 && g.sw != 2) return Status::kUnsupportedOp;
  if (g.ow < 1 || g.oh < 1 || g.iw < 1 || g.ih < 1) return Status::kUnsupportedOp;
  if (g.kh > 64) return Status::kUnsupportedOp;  // the row pointers below: a small frame
  // Outputs [x_lo, x_hi) have their whole window inside the row.
  const int32_t span = (g.kw - 1) * g.dw;
  int32_t x_lo = (g.pw + g.sw - 1) / g.sw;
  int32_t x_hi = g.iw - span + g.pw <= 0 ? 0 : (g.iw - span + g.pw - 1) / g.sw + 1;
  x_hi = drivers::min_i32(x_hi, g.ow);
  x_lo = drivers::min_i32(x_lo, x_hi);
  const int64_t planes = int64_t(g.n) * g.c;
  const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
  const int8_t* rows[64];
  for (int64_t c = 0; c < planes; ++c) {
    const int8_t* x = a.in[0].as<int8_t>() + c * in_plane;
    int8_t* y = a.out[0].as<int8_t>() + c * out_plane;
    for (int32_t oy = 0; oy < g.oh; ++oy, y += g.ow) {
      int32_t n = 0;
      for (int32_t u = 0; u < g.kh; ++u) {
        const int64_t r = int64_t(oy) * g.sh - g.ph + int64_t(u) * g.dh;
        if (r >= 0 && r < g.ih) rows[n++] = x + r * g.iw;
      }
      if (n == 0) {  // the whole row of windows in the vertical padding
        memset(y, 0, size_t(g.ow));
        continue;
      }
      int32_t ox = 0;
      for (; ox < x_lo; ++ox) y[ox] = max_pixel(rows, n, g, ox);
      if (x_hi - x_lo >= 16) {
        // The last 16 overlap the ones before rather than go one by one.
        for (; ox < x_hi; ox += 16) {
          if (ox + 16 > x_hi) ox = x_hi - 16;
          const int64_t c0 = int64_t(ox) * g.sw - g.pw;
          wasm_v128_store(y + ox, g.sw == 1 ? max_row<1, 16>(rows, n, g.kw, g.dw, c0) : max_row<2, 16>(rows, n, g.kw, g.dw, c0));
        }
        ox = x_hi;
      } else if (x_hi - x_lo >= 8) {
        for (; ox < x_hi; ox += 8) {
          if (ox + 8 > x_hi) ox = x_hi - 8;
          const int64_t c0 = int64_t(ox) * g.sw - g.pw;
          wasm_v128_store64_lane(y + ox, g.sw == 1 ? max_row<1, 8>(rows, n, g.kw, g.dw, c0) : max_row<2, 8>(rows, n, g.kw, g.dw, c0), 0);
        }
        ox = x_hi;
      }
      for (; ox < g.ow; ++ox) y[ox] = max_pixel(rows, n, g, ox);
    }
  }
  return Status::kOk;
}

}  // namespace

Status s8_quantize(const OpArgs& a) { return quantize(a); }
Status s8_qbinary(const OpArgs& a) { return qbinary(a); }
Status s8_maxpool2d(const OpArgs& a) { return maxpool(a); }
Status s8_global_pool(const OpArgs& a) { return global_average(a); }
// Lut (y = T[x + 128], t = T + 128): SIMD128 has no byte gather, and sixteen i8x16.swizzle of the table's
// slices per 16 values cost what a table loop does. The loop is the reference's on 32-bit
// pointers (its 64-bit index costs wrap and extend instructions in wasm32) at -O3, 4 values a
// step: EfficientNet-B0's 49 SiLU tables 3.40 -> 2.14 ms, MobileNetV3's HardSwish 0.44 -> 0.28 ms
// (+319 bytes of module; rolled, +190 bytes and 2.9 ms).
Status s8_lut(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_I8 || a.out[0].dtype != MOTE_I8) return Status::kUnsupportedOp;
  table_loop(a.in[1].as<int8_t>() + 128, a.in[0].as<int8_t>(), a.out[0].as<int8_t>(), a.in[0].numel());
  return Status::kOk;
}
Status s8_reduce_mean(const OpArgs& a) { return reduce_mean(a); }

// Requantize int8 -> int8: each output a function of its input byte alone, so the 256 of them
// (s8::requantize, the reference's arithmetic, + zero point, clamped) in a table in this frame,
// then the Lut's loop: ShuffleNet's 11 (its Concat branches) 0.21 -> 0.1 ms, against four
// vector requantisations per 16 values. Tensors under 256 values go one by one, as the table.
Status s8_requantize(const OpArgs& a) {
  const TensorView& x = a.in[0];
  if (x.dtype != MOTE_I8 || a.out[0].dtype != MOTE_I8) return Status::kUnsupportedOp;
  const mote_quantize_params& p = a.p<mote_quantize_params>();
  auto value = [&](int32_t v) {
    return int8_t(ref::clamp_i32(s8::requantize(v - p.in_zp, p.mult, p.shift) + p.out_zp, -128, 127));
  };
  const int8_t* in = x.as<int8_t>();
  int8_t* y = a.out[0].as<int8_t>();
  const int64_t n = x.numel();
  if (n < 256) {
    for (int64_t i = 0; i < n; ++i) y[i] = value(in[i]);
    return Status::kOk;
  }
  int8_t table[256];
  for (int32_t v = -128; v < 128; ++v) table[v + 128] = value(v);
  table_loop(table + 128, in, y, n);
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

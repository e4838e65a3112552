// s8_nhwc__arm_dsp: NHWC QConv on the Cortex-M4/M7 DSP extension (drivers/s8_nhwc.h), and QMatMul
// with B [N, K].
//
// Group 1: the driver stages two pixels' columns (raw int8, rows copied whole, the zero point in
// the padding); both are widened once to int16 with SXTB16, which yields the k0 k2 k1 k3 order the
// SMLAD dot products read, and interleaved every 4 taps; the weights were widened and interleaved
// two rows at a time once per call (tiles.h), so a pass of 2 pixels x 2 output channels is word
// loads and SMLAD only (nhwc_pass: 26 instructions per 8 taps, 32 MACs). Raw activations are
// exact: the starts carry bias - zp * sum w. Both pixels' outputs of a channel are requantised
// together, the channel's multiplier and shift loaded once.
//
// Depthwise: four adjacent channels of a pixel are one word; SXTB16 splits it (and the tap's
// four weights, regrouped tap-major by the driver) into halves that SMLABB / SMLATT multiply
// lane by lane into four accumulators. Taps in the padding read the zero point, which the starts
// cancel; channels past the last multiple of 4 are summed one by one.
// 3x3 stride 1 with C a multiple of 4 runs on a band of padded rows instead, two pixels over all
// channels a call, the weights packed once per call (s8_dwconv2d_nhwc).
#include "../drivers/s8_nhwc.h"
#include "kernels.h"

namespace mote {
namespace arm_dsp {

namespace {

// requantize() in a few DSP instructions, for a channel whose shift is <= 0 and whose
// accumulators provably stay below 2^30 in magnitude: the doubling high multiply with ties up is
// SMMULR(2 acc, mult) (2 acc cannot overflow), and the rounding right shift by r, ties away from
// zero, is (high + 2^(r-1) - (high < 0)) >> r (no overflow: |high| <= |acc|). Bit for bit the
// reference on that domain; other channels take requantize() itself.
struct FastRequant {
  int32_t mult, right, nudge, negmask;
};

struct RequantTable {  // 16 bytes, then one FastRequant per channel
  int32_t fast;         // every channel is on the fast path
  int32_t pad[3];
};
inline FastRequant* channels(RequantTable* t) { return reinterpret_cast<FastRequant*>(t + 1); }
inline const FastRequant* channels(const RequantTable* t) { return reinterpret_cast<const FastRequant*>(t + 1); }

inline int32_t requant_fast(int32_t acc, const FastRequant& f) {
  int32_t high;
  __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(acc << 1), "r"(f.mult));
  return (high + f.nudge + ((high >> 31) & f.negmask)) >> f.right;
}

// The int8 output's fields in locals: an int8_t store may alias anything, so fields read through
// the epilogue would be loaded again after every output.
struct OutI8 {
  int8_t* y;
  int32_t zp, lo, hi;
  explicit OutI8(const Epilogue& e) : y(static_cast<int8_t*>(e.y)), zp(e.out_zp), lo(e.lo), hi(e.hi) {}
  void put(int32_t at, int32_t q) const {
    const int32_t v = q + zp;
    y[at] = int8_t(v < lo ? lo : (v > hi ? hi : v));
  }
};

// The table of m output channels with k taps each (|x - zp| <= 255, |w| <= 128: an accumulator
// is at most |bias| + 255 * 128 * k in magnitude).
void prepare_requant(int32_t m, int32_t k, const Epilogue& e, RequantTable* t) {
  t->fast = 0;
  if (e.mult == nullptr || int64_t(k) * 255 * 128 >= (int64_t(1) << 30)) return;
  // |bias| + 255 * 128 * k < 2^30, in 32 bits: |bias| < room.
  const int32_t room = (int32_t(1) << 30) - k * 255 * 128;
  static const int32_t kNoBias = 0;
  const int32_t* bias = e.bias ? e.bias : &kNoBias;
  const int32_t* mult = e.mult;
  const int32_t* shift = e.shift;
  const int32_t bias_step = e.bias ? 1 : 0, step = e.per_channel ? 1 : 0;
  FastRequant* f = channels(t);
  for (int32_t r = 0; r < m; ++r, bias += bias_step, mult += step, shift += step, ++f) {
    const int32_t sh = *shift, b = *bias;
    if (sh > 0 || b <= -room || b >= room) return;
    f->mult = *mult;
    f->right = -sh;
    f->nudge = sh < 0 ? int32_t(1) << (-sh - 1) : 0;
    f->negmask = sh < 0 ? -1 : 0;
  }
  t->fast = 1;
}

// One output of channel ch.
inline void store_one(const Epilogue& e, const RequantTable* t, int32_t ch, int32_t acc, int32_t at) {
  if (t->fast) {
    OutI8(e).put(at, requant_fast(acc, channels(t)[ch]));
  } else {
    e.store(at, ch, acc);
  }
}

// Two staged int8 columns (kp taps, a multiple of 8) widened to int16 and interleaved: every 4
// taps (x0 x2, x1 x3) of pixel 0, then of pixel 1, the order nhwc_pass reads.
inline void widen_columns(const int8_t* c0, const int8_t* c1, int32_t kp, int16_t* dst) {
  uint32_t* d = reinterpret_cast<uint32_t*>(dst);
  for (int32_t i = 0; i < kp; i += 4, d += 4) {
    const uint32_t v0 = load32(c0 + i), v1 = load32(c1 + i);
    d[0] = uint32_t(__sxtb16(int32_t(v0)));
    d[1] = uint32_t(sxtb16_ror8(v0));
    d[2] = uint32_t(__sxtb16(int32_t(v1)));
    d[3] = uint32_t(sxtb16_ror8(v1));
  }
}

// Taps [i, i + 4) of a weight row of k, zero past k.
inline uint32_t weight_word(const int8_t* row, int32_t i, int32_t k) {
  if (i + 4 <= k) return load32(row + i);
  uint32_t v = 0;
  for (int32_t j = i; j < k; ++j) v |= uint32_t(uint8_t(row[j])) << (8 * (j - i));
  return v;
}

// The weights [m, k] widened once per call: per pair of rows (a, b), every 4 taps as the words
// (a0 a2, a1 a3, b0 b2, b1 b3); an odd last row is paired with zeros.
void widen_weights(const int8_t* w, int32_t m, int32_t k, int32_t kp, int16_t* dst) {
  uint32_t* d = reinterpret_cast<uint32_t*>(dst);
  for (int32_t r = 0; r < m; r += 2) {
    const int8_t* a = w + r * k;
    const int8_t* b = a + k;
    const bool two = r + 1 < m;
    for (int32_t i = 0; i < kp; i += 4, d += 4) {
      const uint32_t va = weight_word(a, i, k), vb = two ? weight_word(b, i, k) : 0u;
      d[0] = uint32_t(__sxtb16(int32_t(va)));
      d[1] = uint32_t(sxtb16_ror8(va));
      d[2] = uint32_t(__sxtb16(int32_t(vb)));
      d[3] = uint32_t(sxtb16_ror8(vb));
    }
  }
}

// 2 pixels x 2 output channels over kp taps (a multiple of 8): the interleaved columns at c
// against a widened row pair at w, 8 taps a loop pass (eight LDRD, sixteen SMLAD). Written out
// so that the 13 values stay in registers.
inline void nhwc_pass(const int16_t* c, const int16_t* w, int32_t kp, int32_t& a00, int32_t& a01, int32_t& a10,
                      int32_t& a11) {
  const int16_t* const end = c + 2 * kp;
  int32_t x0, x1, x2, x3, wa, wb;
  // 4 taps: the two pixels' column words, then each row's weight words.
#define MOTE_CONV_STEP                               \
  "ldrd %[x0], %[x1], [%[c]], #8\n\t"               \
  "ldrd %[x2], %[x3], [%[c]], #8\n\t"               \
  "ldrd %[wa], %[wb], [%[w]], #8\n\t"               \
  "smlad %[a00], %[x0], %[wa], %[a00]\n\t"          \
  "smlad %[a10], %[x2], %[wa], %[a10]\n\t"          \
  "smlad %[a00], %[x1], %[wb], %[a00]\n\t"          \
  "smlad %[a10], %[x3], %[wb], %[a10]\n\t"          \
  "ldrd %[wa], %[wb], [%[w]], #8\n\t"               \
  "smlad %[a01], %[x0], %[wa], %[a01]\n\t"          \
  "smlad %[a11], %[x2], %[wa], %[a11]\n\t"          \
  "smlad %[a01], %[x1], %[wb], %[a01]\n\t"          \
  "smlad %[a11], %[x3], %[wb], %[a11]\n\t"
  __asm__ volatile("1:\n\t" MOTE_CONV_STEP MOTE_CONV_STEP
                   "cmp %[c], %[end]\n\t"
                   "bne 1b\n\t"
      : [a00] "+r"(a00), [a01] "+r"(a01), [a10] "+r"(a10), [a11] "+r"(a11), [c] "+r"(c), [w] "+r"(w),
        [x0] "=&r"(x0), [x1] "=&r"(x1), [x2] "=&r"(x2), [x3] "=&r"(x3), [wa] "=&r"(wa), [wb] "=&r"(wb)
      : [end] "r"(end)
      : "cc", "memory");
}
#undef MOTE_CONV_STEP

// n sums on the fast path into y, the output's fields as values (no int8 store can change
// them): without a fused activation the clamp is one SSAT.
__attribute__((noinline)) void requant_row(const int32_t* sum, const FastRequant* f, int32_t n, int8_t* y, int32_t zp,
                                           int32_t lo, int32_t hi) {
  if (lo == -128 && hi == 127) {
    for (int32_t r = 0; r < n; ++r) y[r] = int8_t(__ssat(requant_fast(sum[r], f[r]) + zp, 8));
    return;
  }
  for (int32_t r = 0; r < n; ++r) {
    const int32_t v = requant_fast(sum[r], f[r]) + zp;
    y[r] = int8_t(v < lo ? lo : (v > hi ? hi : v));
  }
}

// Two pixels' n sums each on the fast path (s[r] and s[n + r] into y[r] and y[n + r]), each
// channel's parameters loaded once for both.
__attribute__((noinline)) void requant_pair(const int32_t* s, const FastRequant* f, int32_t n, int8_t* y, int32_t zp,
                                            int32_t lo, int32_t hi) {
  if (lo == -128 && hi == 127) {
    for (int32_t r = 0; r < n; ++r) {
      const FastRequant g = f[r];
      y[r] = int8_t(__ssat(requant_fast(s[r], g) + zp, 8));
      y[n + r] = int8_t(__ssat(requant_fast(s[n + r], g) + zp, 8));
    }
    return;
  }
  requant_row(s, f, n, y, zp, lo, hi);
  requant_row(s + n, f, n, y + n, zp, lo, hi);
}

struct NhwcKernel {
  static constexpr drivers::S8NhwcSpec kNhwc = arm_dsp::kNhwc;
  static uint64_t work_bytes(const ConvShape& g) { return nhwc_work_bytes(g); }
  static int16_t* columns(void* work, int32_t m) {
    return reinterpret_cast<int16_t*>(static_cast<uint8_t*>(work) + requant_table_bytes(m));
  }
  static void prepare(const ConvShape& g, const int8_t* w, const Epilogue& e, void* work) {
    prepare_requant(g.m, g.kh * g.kw * g.c, e, static_cast<RequantTable*>(work));
    widen_weights(w, g.m, g.kh * g.kw * g.c, nhwc_taps(g), columns(work, g.m) + nhwc_columns_bytes(g) / 2);
  }

  static void tile(int32_t k, int32_t, const int8_t* const* col, int32_t np, const int8_t*, int32_t m,
                   const int32_t* start, const Epilogue& e, int32_t at, void* work) {
    const RequantTable* t = static_cast<const RequantTable*>(work);
    const bool fast = t->fast;
    const int32_t kp = (k + 7) & ~7;
    int16_t* cw = columns(work, m);
    const int16_t* ww = cw + 2 * kp;  // nhwc_columns_bytes / 2
    widen_columns(col[0], col[np - 1], kp, cw);
    int32_t* s0 = reinterpret_cast<int32_t*>(cw + 2 * kp + ((m + 1) & ~1) * kp);  // after the weights
    int32_t* s1 = s0 + m;
    for (int32_t r = 0; r < m; r += 2, ww += 2 * kp) {
      const bool two = r + 1 < m;
      int32_t a00 = start[r], a01 = two ? start[r + 1] : 0;
      int32_t a10 = a00, a11 = a01;
      nhwc_pass(cw, ww, kp, a00, a01, a10, a11);
      s0[r] = a00, s1[r] = a10;
      if (two) s0[r + 1] = a01, s1[r + 1] = a11;
    }
    if (fast && np == 2) {
      requant_pair(s0, channels(t), m, static_cast<int8_t*>(e.y) + at, e.out_zp, e.lo, e.hi);
    } else if (fast) {
      requant_row(s0, channels(t), m, static_cast<int8_t*>(e.y) + at, e.out_zp, e.lo, e.hi);
    } else {
      for (int32_t r = 0; r < m; ++r) store_one(e, t, r, s0[r], at + r);
      for (int32_t r = 0; np == 2 && r < m; ++r) store_one(e, t, r, s1[r], at + m + r);
    }
  }
};

// One tap of four adjacent channels: the word of activations and of weights split by SXTB16 into
// channels (0, 2) and (1, 3), each multiplied lane by lane.
inline void dw_tap4(uint32_t xv, uint32_t wv, int32_t& a0, int32_t& a1, int32_t& a2, int32_t& a3) {
  const int32_t x02 = __sxtb16(int32_t(xv)), x13 = sxtb16_ror8(xv);
  const int32_t w02 = __sxtb16(int32_t(wv)), w13 = sxtb16_ror8(wv);
  a0 = __smlabb(x02, w02, a0);
  a2 = __smlatt(x02, w02, a2);
  a1 = __smlabb(x13, w13, a1);
  a3 = __smlatt(x13, w13, a3);
}

// A 3x3 window, stride and dilation 1, wholly inside: the nine taps unrolled (x at the window's
// top-left pixel, rows `rs` bytes apart, pixels `c`; the tap's weights `stride` apart).
inline void dw3x3_inside4(const int8_t* x, int32_t rs, int32_t c, const int8_t* w, int32_t stride, int32_t& a0,
                          int32_t& a1, int32_t& a2, int32_t& a3) {
  for (int32_t u = 0; u < 3; ++u, x += rs, w += 3 * stride) {
    dw_tap4(load32(x), load32(w), a0, a1, a2, a3);
    dw_tap4(load32(x + c), load32(w + stride), a0, a1, a2, a3);
    dw_tap4(load32(x + 2 * c), load32(w + 2 * stride), a0, a1, a2, a3);
  }
}

struct DwNhwcKernel {
  static uint64_t dw_work_bytes(const ConvShape& g) { return nhwc_dw_work_bytes(g); }
  static void prepare(const ConvShape& g, const int8_t*, const Epilogue& e, void* work) {
    prepare_requant(g.c, g.kh * g.kw, e, static_cast<RequantTable*>(work));
  }
  static void pixel(const ConvShape& g, const int8_t* x, int32_t oy, int32_t ox, int32_t zp, const int8_t* wt,
                    int32_t stride, const int32_t* start, const Epilogue& e, int32_t at, void* work) {
    const RequantTable* t = static_cast<const RequantTable*>(work);
    const bool fast = t->fast;
    const OutI8 o(e);
    const int32_t c = g.c, kh = g.kh, kw = g.kw, iw = g.iw;
    const bool unit3x3 = kh == 3 && kw == 3 && g.dh == 1 && g.dw == 1;
    const int32_t r0 = oy * g.sh - g.ph, c0 = ox * g.sw - g.pw;
    const bool inside = r0 >= 0 && r0 + (kh - 1) * g.dh < g.ih && c0 >= 0 && c0 + (kw - 1) * g.dw < iw;
    const uint32_t fill = uint32_t(uint8_t(zp)) * 0x01010101u;
    const int32_t row_step = g.dh * iw * c, tap_step = g.dw * c;
    const int32_t c4 = c & ~3;
    for (int32_t ch = 0; ch < c4; ch += 4) {
      int32_t a0 = start[ch], a1 = start[ch + 1], a2 = start[ch + 2], a3 = start[ch + 3];
      const int8_t* wp = wt + ch;
      if (inside && unit3x3) {
        dw3x3_inside4(x + (r0 * iw + c0) * c + ch, iw * c, c, wp, stride, a0, a1, a2, a3);
      } else if (inside) {
        const int8_t* xr = x + (r0 * iw + c0) * c + ch;
        for (int32_t u = 0; u < kh; ++u, xr += row_step) {
          const int8_t* xp = xr;
          for (int32_t v = 0; v < kw; ++v, xp += tap_step, wp += stride) {
            dw_tap4(load32(xp), load32(wp), a0, a1, a2, a3);
          }
        }
      } else {
        for (int32_t u = 0; u < kh; ++u) {
          const int32_t r = r0 + u * g.dh;
          const bool row_in = r >= 0 && r < g.ih;
          for (int32_t v = 0; v < kw; ++v, wp += stride) {
            const int32_t cc = c0 + v * g.dw;
            const uint32_t xv = row_in && cc >= 0 && cc < iw ? load32(x + (r * iw + cc) * c + ch) : fill;
            dw_tap4(xv, load32(wp), a0, a1, a2, a3);
          }
        }
      }
      if (fast) {
        const FastRequant* f = channels(t) + ch;
        o.put(at + ch, requant_fast(a0, f[0]));
        o.put(at + ch + 1, requant_fast(a1, f[1]));
        o.put(at + ch + 2, requant_fast(a2, f[2]));
        o.put(at + ch + 3, requant_fast(a3, f[3]));
      } else {
        store_one(e, t, ch, a0, at + ch);
        store_one(e, t, ch + 1, a1, at + ch + 1);
        store_one(e, t, ch + 2, a2, at + ch + 2);
        store_one(e, t, ch + 3, a3, at + ch + 3);
      }
    }
    for (int32_t ch = c4; ch < c; ++ch) {  // the last channels, one at a time
      int32_t acc = start[ch];
      for (int32_t u = 0; u < kh; ++u) {
        const int32_t r = r0 + u * g.dh;
        for (int32_t v = 0; v < kw; ++v) {
          const int32_t cc = c0 + v * g.dw;
          const bool in = r >= 0 && r < g.ih && cc >= 0 && cc < iw;
          acc += (in ? int32_t(x[(r * iw + cc) * c + ch]) : zp) * int32_t(wt[(u * kw + v) * stride + ch]);
        }
      }
      store_one(e, t, ch, acc, at + ch);
    }
  }
};

}  // namespace

// Four rows of B [N, K] (p0 at row 0, q at row 1, K bytes apart) against the packed column c:
// every 4 taps one LDRD of the column, and per row a word load, two SXTB16 and two SMLAD.
#define MOTE_FC_ROW(ACC, LOAD)                   \
  LOAD "\n\t"                                    \
  "sxtb16 %[t], %[w]\n\t"                        \
  "sxtb16 %[w], %[w], ror #8\n\t"                \
  "smlad %[" ACC "], %[xa], %[t], %[" ACC "]\n\t" \
  "smlad %[" ACC "], %[xb], %[w], %[" ACC "]\n\t"
#define MOTE_FC_STEP                                \
  "ldrd %[xa], %[xb], [%[c]], #8\n\t"               \
  MOTE_FC_ROW("a0", "ldr %[w], [%[p0]], #4")        \
  MOTE_FC_ROW("a2", "ldr %[w], [%[q], %[K]]")       \
  MOTE_FC_ROW("a3", "ldr %[w], [%[q], %[K], lsl #1]") \
  MOTE_FC_ROW("a1", "ldr %[w], [%[q]], #4")
#define MOTE_FC_OPERANDS                                                                                   \
  : [a0] "+r"(a0), [a1] "+r"(a1), [a2] "+r"(a2), [a3] "+r"(a3), [c] "+r"(c), [p0] "+r"(p0), [q] "+r"(q), \
    [xa] "=&r"(xa), [xb] "=&r"(xb), [w] "=&r"(w), [t] "=&r"(t)

// Out of line: the loop wants 13 registers, more than GCC finds for it inside its caller.
// The sums of the four rows start from start[0..3] (none: 0) and go to sum[0..3].
__attribute__((noinline)) void fc_rows4(const int16_t* c, const int8_t* p0, int32_t K, int32_t groups,
                                        const int32_t* start, int32_t* sum) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0;
  if (start) a0 = start[0], a1 = start[1], a2 = start[2], a3 = start[3];
  const int8_t* q = p0 + K;
  int32_t xa, xb, w, t;
  if (groups & 1) {
    __asm__ volatile(MOTE_FC_STEP MOTE_FC_OPERANDS : [K] "r"(K) : "cc", "memory");
  }
  if (groups >= 2) {
    const int16_t* const end = c + 4 * (groups & ~1);
    __asm__ volatile("1:\n\t" MOTE_FC_STEP MOTE_FC_STEP "cmp %[c], %[end]\n\t"
                     "bne 1b\n\t" MOTE_FC_OPERANDS
                     : [K] "r"(K), [end] "r"(end)
                     : "cc", "memory");
  }
  sum[0] = a0, sum[1] = a1, sum[2] = a2, sum[3] = a3;
}
#undef MOTE_FC_OPERANDS
#undef MOTE_FC_STEP
#undef MOTE_FC_ROW

// B [N, K]: A's row, minus its zero point, packed once as an int16 column (k0 k2 k1 k3 within
// every 4 taps, zero-filled to a multiple of 4: SXTB16 and SSUB16 per 2 taps) and run against
// four rows of B at a time (fc_rows4), each word of B widened in place with SXTB16; the sums
// are requantised in one pass after them.
Status s8_gemm_nk(const OpArgs& a, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B,
                  const Epilogue& e) {
  if (a.scratch == nullptr || a.scratch_bytes < gemm_nk_bytes(K, N)) return Status::kArenaTooSmall;
  int16_t* col = static_cast<int16_t*>(a.scratch);
  RequantTable* t = reinterpret_cast<RequantTable*>(static_cast<uint8_t*>(a.scratch) + column_bytes(K));
  prepare_requant(N, K, e, t);
  int32_t* sum = reinterpret_cast<int32_t*>(reinterpret_cast<uint8_t*>(t) + requant_table_bytes(N));
  const bool fast = t->fast;
  const OutI8 o(e);
  const int32_t full = K & ~3;
  const int32_t zz = int32_t((uint32_t(a_zp) & 0xffffu) | (uint32_t(a_zp) << 16));
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t* ar = A + i * K;
    uint32_t* cw = reinterpret_cast<uint32_t*>(col);
    for (int32_t k = 0; k < full; k += 4, cw += 2) {
      const uint32_t v = load32(ar + k);
      cw[0] = uint32_t(__ssub16(__sxtb16(int32_t(v)), zz));
      cw[1] = uint32_t(__ssub16(sxtb16_ror8(v), zz));
    }
    if (full < K) {
      for (int32_t k = full; k < K; ++k) col[k] = int16_t(int32_t(ar[k]) - a_zp);
      interleave_column(col + full, K - full);
    }
    int32_t j = 0;
    // The sums of every four rows first, then one requantisation pass over them.
    for (; j + 4 <= N; j += 4) {
      const int8_t* b = B + j * K;
      int32_t* s = sum + j;
      fc_rows4(col, b, K, full >> 2, e.bias ? e.bias + j : nullptr, s);
      if (full < K) {
        for (int32_t r = 0; r < 4; ++r) s[r] = dot_1x1(K - full, col + full, b + r * K + full, s[r]);
      }
    }
    int8_t* y = static_cast<int8_t*>(e.y) + i * N;
    if (fast) {
      requant_row(sum, channels(t), j, y, o.zp, o.lo, o.hi);
    } else {
      for (int32_t r = 0; r < j; ++r) store_one(e, t, r, sum[r], i * N + r);
    }
    for (; j < N; ++j) store_one(e, t, j, dot_1x1(K, col, B + j * K, e.start(j)), i * N + j);
  }
  return Status::kOk;
}

Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d_nhwc<NhwcKernel>(a, g, e, in_zp);
}

namespace {

// The depthwise weights packed once per call for the band pass: per group of 4 channels, the
// even lanes (channels 0 and 2 as an int16 pair, the order SXTB16 splits an activation word
// into) of the nine taps, row by row, then the odd lanes (1 and 3): 18 words read in order,
// `scale` times the weight (2 when the pass's sums go straight to SMMULR, which wants 2 acc).
void pack_dw_weights(const int8_t* wt, int32_t stride, int32_t c, int32_t scale, uint32_t* dst) {
  for (int32_t ch = 0; ch < c; ch += 4) {
    for (int32_t h = 0; h < 2; ++h) {
      for (int32_t t = 0; t < 9; ++t, ++dst) {
        const int8_t* w = wt + t * stride + ch + h;
        *dst = (uint32_t(scale * w[0]) & 0xffffu) | (uint32_t(scale * w[2]) << 16);
      }
    }
  }
}

// Two adjacent output pixels' 3x3 windows, half the lanes of 4 channels (SPLIT "": channels 0
// and 2, ", ror #8": 1 and 3): per window row (r: the three band row pointers at the pair's
// first window column, plus `off`; pixels c bytes apart) the three packed tap words, then each
// of the row's four column words split and multiplied into the pixels that read it (p: the
// first pixel, q: the second). Written out: 13 values in registers.
#define MOTE_DW_ROW(SPLIT)                                   \
  "ldr %[xr], [%[r]], #4\n\t"                                \
  "ldrd %[w0], %[w1], [%[w]], #8\n\t"                        \
  "add %[xr], %[xr], %[off]\n\t"                             \
  "ldr %[w2], [%[w]], #4\n\t"                                \
  "ldr %[x], [%[xr]]\n\t"                                    \
  "sxtb16 %[x], %[x]" SPLIT "\n\t"                           \
  "smlabb %[p0], %[x], %[w0], %[p0]\n\t"                     \
  "smlatt %[p1], %[x], %[w0], %[p1]\n\t"                     \
  "ldr %[x], [%[xr], %[c]]\n\t"                              \
  "sxtb16 %[x], %[x]" SPLIT "\n\t"                           \
  "smlabb %[p0], %[x], %[w1], %[p0]\n\t"                     \
  "smlatt %[p1], %[x], %[w1], %[p1]\n\t"                     \
  "smlabb %[q0], %[x], %[w0], %[q0]\n\t"                     \
  "smlatt %[q1], %[x], %[w0], %[q1]\n\t"                     \
  "add %[xr], %[xr], %[c], lsl #1\n\t"                       \
  "ldr %[x], [%[xr]]\n\t"                                    \
  "sxtb16 %[x], %[x]" SPLIT "\n\t"                           \
  "smlabb %[p0], %[x], %[w2], %[p0]\n\t"                     \
  "smlatt %[p1], %[x], %[w2], %[p1]\n\t"                     \
  "smlabb %[q0], %[x], %[w1], %[q0]\n\t"                     \
  "smlatt %[q1], %[x], %[w1], %[q1]\n\t"                     \
  "ldr %[x], [%[xr], %[c]]\n\t"                              \
  "sxtb16 %[x], %[x]" SPLIT "\n\t"                           \
  "smlabb %[q0], %[x], %[w2], %[q0]\n\t"                     \
  "smlatt %[q1], %[x], %[w2], %[q1]\n\t"
#define MOTE_DW_HALF(SPLIT)                                                                                   \
  __asm__ volatile(MOTE_DW_ROW(SPLIT) MOTE_DW_ROW(SPLIT) MOTE_DW_ROW(SPLIT)                                   \
                   : [p0] "+r"(p0), [p1] "+r"(p1), [q0] "+r"(q0), [q1] "+r"(q1), [r] "+r"(rr), [w] "+r"(w), \
                     [xr] "=&r"(xr), [x] "=&r"(x), [w0] "=&r"(w0), [w1] "=&r"(w1), [w2] "=&r"(w2)           \
                   : [c] "r"(c), [off] "r"(off)                                                               \
                   : "memory")

// Both pixels' sums of lanes h and h + 2 of the group at `off`, from st[h], st[h + 2];
// w advances past the half's nine words.
template <bool kOdd>
__attribute__((always_inline)) inline void dw3x3_half(const int8_t* const* r, int32_t off, int32_t c, const uint32_t*& w, const int32_t* st,
                       int32_t& p0, int32_t& p1, int32_t& q0, int32_t& q1) {
  const int32_t h = kOdd ? 1 : 0;
  p0 = st[h], p1 = st[h + 2], q0 = p0, q1 = p1;
  const int8_t* const* rr = r;
  const int8_t* xr;
  int32_t x, w0, w1, w2;
  if (kOdd) {
    MOTE_DW_HALF(", ror #8");
  } else {
    MOTE_DW_HALF("");
  }
}
#undef MOTE_DW_HALF
#undef MOTE_DW_ROW

// The band pass's requantisation: a fast table (prepare_requant) of c channels rewritten with
// the output zero point folded into each nudge (2^(right-1) + zp << right, right 1 to 22: no
// overflow), so that an output is SSAT((SMMULR(2 acc, mult) + nudge - (high < 0)) >> right, 8),
// requant_fast() + zp bit for bit; without a fused activation's clamp only. False (the table
// untouched) when a channel is outside that domain.
bool dw_requant(RequantTable* t, int32_t c, const Epilogue& e) {
  if (!t->fast || e.lo != -128 || e.hi != 127) return false;
  FastRequant* f = channels(t);
  for (int32_t ch = 0; ch < c; ++ch) {
    if (f[ch].right < 1 || f[ch].right > 22) return false;
  }
  for (int32_t ch = 0; ch < c; ++ch) {
    const int32_t r = f[ch].right;
    f[ch].nudge = (int32_t(1) << (r - 1)) + int32_t(uint32_t(e.out_zp) << r);
  }
  return true;
}

inline int8_t dw_out(int32_t acc2, const FastRequant& f) {
  int32_t high;
  __asm__("smmulr %0, %1, %2" : "=r"(high) : "r"(acc2), "r"(f.mult));
  return int8_t(__ssat((high + f.nudge + (high >> 31)) >> f.right, 8));
}

// One band row pair of outputs: every group of 4 channels, two pixels (y0, y1: y1 == y0 when
// the row has one pixel left; the second pixel's outputs are written first). kFast: the sums
// are twice the accumulators (doubled weights and starts) and requantised here with the
// entries dw_requant() rewrote; otherwise they go to s0 and s1.
template <bool kFast>
__attribute__((noinline)) void dw3x3_band_pair(const int8_t* const* r, int32_t c, const uint32_t* w,
                                               const int32_t* st, const FastRequant* f, int8_t* y0, int8_t* y1,
                                               int32_t* s0, int32_t* s1) {
  for (int32_t ch = 0; ch < c; ch += 4, st += 4) {
    int32_t p0, p1, q0, q1;
    dw3x3_half<false>(r, ch, c, w, st, p0, p1, q0, q1);
    if (kFast) {
      const FastRequant f0 = f[ch], f2 = f[ch + 2];
      y1[ch] = dw_out(q0, f0), y1[ch + 2] = dw_out(q1, f2);
      y0[ch] = dw_out(p0, f0), y0[ch + 2] = dw_out(p1, f2);
    } else {
      s0[ch] = p0, s0[ch + 2] = p1, s1[ch] = q0, s1[ch + 2] = q1;
    }
    dw3x3_half<true>(r, ch, c, w, st, p0, p1, q0, q1);
    if (kFast) {
      const FastRequant f1 = f[ch + 1], f3 = f[ch + 3];
      y1[ch + 1] = dw_out(q0, f1), y1[ch + 3] = dw_out(q1, f3);
      y0[ch + 1] = dw_out(p0, f1), y0[ch + 3] = dw_out(p1, f3);
    } else {
      s0[ch + 1] = p0, s0[ch + 3] = p1, s1[ch + 1] = q0, s1[ch + 3] = q1;
    }
  }
}

}  // namespace

// Depthwise: 3x3 stride 1 with C a multiple of 4 on the band of padded rows (every window
// inside, the zero point in the padding), two pixels at a time over all channels, the weights
// packed once per call; the outputs requantised in the pass when every channel allows
// (dw_requant), else the sums a pixel pair at a time. Other shapes a pixel at a time on the
// image (DwNhwcKernel).
Status s8_dwconv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  if (!nhwc_dw_banded(g)) return drivers::s8_dwconv2d_nhwc<DwNhwcKernel>(a, g, e, in_zp);
  const drivers::S8NhwcLayout l = drivers::s8_nhwc_dw_layout(g, nhwc_dw_work_bytes(g));
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  const int32_t c = g.c, ow = g.ow;
  int8_t* wt = drivers::scratch_at<int8_t>(a, l.cols_at);
  int32_t* start = drivers::scratch_at<int32_t>(a, l.starts_at);
  uint8_t* work = drivers::scratch_at<uint8_t>(a, l.work_at);
  drivers::s8_nhwc_dw_prepare(g, a.in[1].as<int8_t>(), in_zp, e, l.stride, wt, start);
  RequantTable* t = reinterpret_cast<RequantTable*>(work);
  prepare_requant(c, 9, e, t);
  const bool fast = dw_requant(t, c, e);
  int32_t* sums = reinterpret_cast<int32_t*>(work + requant_table_bytes(c));
  uint32_t* packed = reinterpret_cast<uint32_t*>(sums + 2 * c);
  pack_dw_weights(wt, l.stride, c, fast ? 2 : 1, packed);
  if (fast) {
    for (int32_t ch = 0; ch < c; ++ch) start[ch] *= 2;  // |start| < 2^30 on the fast table's domain
  }
  const FastRequant* f = channels(t);
  uint8_t* bb = reinterpret_cast<uint8_t*>(packed + nhwc_dw_packed_words(g));
  const drivers::NhwcBand b = drivers::nhwc_band(g, 0);
  int8_t* band = reinterpret_cast<int8_t*>(bb + b.band_at);
  int32_t* tag = reinterpret_cast<int32_t*>(bb + b.tags_at);
  int32_t* slot = tag + g.kh;
  int8_t* y = static_cast<int8_t*>(e.y);
  for (int32_t n = 0; n < g.n; ++n) {
    const int8_t* x = a.in[0].as<int8_t>() + n * g.ih * g.iw * c;
    for (int32_t s = 0; s < g.kh; ++s) tag[s] = INT32_MIN;
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      drivers::nhwc_band_slide(g, x, in_zp, b, band, tag, slot, oy);
      const int8_t* r0 = band + slot[0] * b.row_stride;
      const int8_t* r1 = band + slot[1] * b.row_stride;
      const int8_t* r2 = band + slot[2] * b.row_stride;
      for (int32_t ox = 0; ox < ow; ox += 2) {
        const int32_t off = ox * c;
        const int8_t* r[3] = {r0 + off, r1 + off, r2 + off};
        const int32_t at = ((n * g.oh + oy) * ow + ox) * c;
        const int32_t np = ox + 1 < ow ? 2 : 1;
        if (fast) {
          dw3x3_band_pair<true>(r, c, packed, start, f, y + at, y + at + (np - 1) * c, sums, sums + c);
          continue;
        }
        dw3x3_band_pair<false>(r, c, packed, start, f, y + at, y + at, sums, sums + c);
        for (int32_t i = 0; i < np * c; ++i) store_one(e, t, i % c, sums[i], at + i);
      }
    }
  }
  return Status::kOk;
}

}  // namespace arm_dsp
}  // namespace mote

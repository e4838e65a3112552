// s8_nhwc__mve: NHWC QConv on Helium (drivers/s8_nhwc.h), and QMatMul with B [N, K].
//
// Group 1: the weights packed once per call (four rows' 16-tap blocks interleaved, in the op's
// scratch), then two pixels' columns against four weight rows at a time: 16 taps per VMLADAVA,
// eight accumulators in even registers, one pointer for the four rows (written out: dot24). The
// columns are the pixels themselves for 1x1; windows whose rows are whole 16-tap blocks are read
// in place from a zero-point-padded band of input rows (drivers::nhwc_band); other windows are
// staged by the driver. The sums of 32 channels go to the working memory and are requantised
// four channels a vector (requantize_groups), the shifts split into left and right parts once per
// call; the last channels under a VCTP predicate.
// QMatMul B [N, K]: four of B's rows a pass (dot_nk4), the zero point's term as VMLADAVA of B's
// blocks with a vector of -a_zp.
// Depthwise: s8_dwconv2d_nhwc__mve.cc.
#include "../drivers/s8_nhwc.h"
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

// Four channels' accumulators (with their starts) of one pixel out at y + at, the live lanes.
inline void store_channels(const Epilogue& e, int32x4_t acc, const int32x4_t& mult, const int32x4_t& shift, int32_t at,
                           mve_pred16_t live) {
  if (e.mult) {
    vstrbq_p_s32(static_cast<int8_t*>(e.y) + at, requantize4(acc, mult, shift, e.out_zp, e.lo, e.hi), live);
  } else {
    vstrwq_p_s32(static_cast<int32_t*>(e.y) + at, acc, live);
  }
}

// The multipliers and shifts of channels ch.. (the live lanes), or the op's single pair.
inline void channel_requant(const Epilogue& e, int32_t ch, mve_pred16_t live, int32x4_t* mult, int32x4_t* shift) {
  if (!e.mult) {
    *mult = *shift = vdupq_n_s32(0);
  } else if (e.per_channel) {
    *mult = vldrwq_z_s32(e.mult + ch, live);
    *shift = vldrwq_z_s32(e.shift + ch, live);
  } else {
    *mult = vdupq_n_s32(e.mult[0]);
    *shift = vdupq_n_s32(e.shift[0]);
  }
}

// The weights of group-1 convolutions packed for the tile: per group of 4 output channels (rows
// past M zero), per 16 taps, the 4 rows' 16 bytes one after the other, so that one pointer walks
// all four rows; the last partial block of taps (k not a multiple of 16, zero past k) comes first.
inline void pack_rows4(int32_t k, const int8_t* w, int32_t m, int8_t* packed) {
  const int32_t full = k & ~15, blocks = (k + 15) / 16;
  const int8x16_t zero = vdupq_n_s8(0);
  for (int32_t r0 = 0; r0 < m; r0 += 4) {
    for (int32_t i = 0; i < blocks; ++i) {
      const int32_t base = full == k ? i * 16 : (i == 0 ? full : (i - 1) * 16);
      const mve_pred16_t live = vctp8q(uint32_t(k - base));
      for (int32_t j = 0; j < 4; ++j, packed += 16) {
        vst1q_s8(packed, r0 + j < m ? vldrbq_z_s8(w + (r0 + j) * k + base, live) : zero);
      }
    }
  }
}


// The eight VMLADAVA of one pass: columns q0, q1 against the four rows' 16 taps at wp (q2, q3
// for the weights); OP is VMLADAV for the first pass (fresh sums), VMLADAVA after.
#define MOTE_DOT24_PASS(OP)                  \
  "  vldrb.8 q2, [%[wp]], #16\n"             \
  "  vldrb.8 q3, [%[wp]], #16\n"             \
  "  " OP ".s8 %[a0], q0, q2\n"              \
  "  " OP ".s8 %[b0], q1, q2\n"              \
  "  vldrb.8 q2, [%[wp]], #16\n"             \
  "  " OP ".s8 %[a1], q0, q3\n"              \
  "  " OP ".s8 %[b1], q1, q3\n"              \
  "  vldrb.8 q3, [%[wp]], #16\n"             \
  "  " OP ".s8 %[a2], q0, q2\n"              \
  "  " OP ".s8 %[b2], q1, q2\n"              \
  "  " OP ".s8 %[a3], q0, q3\n"              \
  "  " OP ".s8 %[b3], q1, q3\n"
#define MOTE_DOT24_BODY                      \
  "1:\n"                                     \
  "  vldrb.8 q0, [%[c0]], #16\n"             \
  "  vldrb.8 q1, [%[c1]], #16\n"             \
  MOTE_DOT24_PASS("vmladava")                \
  "  subs %[n], %[n], #1\n"                  \
  "  bne 1b\n"
#define MOTE_DOT24_LOOP                      \
  "  cmp %[n], #0\n"                         \
  "  beq 2f\n"                               \
  MOTE_DOT24_BODY                            \
  "2:\n"
#define MOTE_DOT24_TO_VECTORS                \
  "  vmov %q[p0][2], %q[p0][0], %[a0], %[a2]\n" \
  "  vmov %q[p0][3], %q[p0][1], %[a1], %[a3]\n" \
  "  vmov %q[p1][2], %q[p1][0], %[b0], %[b2]\n" \
  "  vmov %q[p1][3], %q[p1][1], %[b1], %[b3]\n"
// The eight sums (constraint SUM: "=&Te" fresh, "+Te" carried on) and the pointers.
#define MOTE_DOT24_SUMS(SUM)                                                                   \
  [a0] SUM(a0), [a1] SUM(a1), [a2] SUM(a2), [a3] SUM(a3), [b0] SUM(b0), [b1] SUM(b1), [b2] SUM(b2), \
      [b3] SUM(b3), [n] "+r"(n), [c0] "+r"(c0), [c1] "+r"(c1), [wp] "+r"(wp)
#define MOTE_DOT24_OUTPUTS MOTE_DOT24_SUMS("=&Te"), [p0] "=&w"(p0), [p1] "=&w"(p1)

// p0[j] = dot(column 0, packed row j), p1 the same for column 1, over k taps: two columns x four
// rows, 16 taps a pass. The eight VMLADAVA accumulators must be even registers (the instruction's
// RdaLo field), and GCC's allocation of eight of them around the intrinsics spills, so the passes
// are written out: six loads and eight VMLADAVA each (the first one VMLADAV, so the sums need no
// clearing), the counter in an odd register (LR may hold an accumulator), q0-q3 for the loads,
// and the sums moved into the two vectors two lanes at a time. A partial block of the columns
// (k not a multiple of 16) is the first pass, loaded before under a VCTP predicate (the 1x1 kernel
// reads the pixels in place: nothing may be read past them; the packed weights are zero there).
// Returns wp past the four rows.
inline const int8_t* dot24(int32_t k, const int8_t* c0, const int8_t* c1, const int8_t* wp, int32x4_t& p0,
                           int32x4_t& p1) {
  int32_t a0, a1, a2, a3, b0, b1, b2, b3;
  const int32_t full = k & ~15;
  if (full == k) {
    int32_t n = k / 16 - 1;  // passes after the first
    __asm__ volatile(
        "  vldrb.8 q0, [%[c0]], #16\n"
        "  vldrb.8 q1, [%[c1]], #16\n"
        MOTE_DOT24_PASS("vmladav") MOTE_DOT24_LOOP MOTE_DOT24_TO_VECTORS
        : MOTE_DOT24_OUTPUTS
        :
        : "cc", "memory", "q0", "q1", "q2", "q3");
  } else {
    const mve_pred16_t live = vctp8q(uint32_t(k - full));
    const int8x16_t t0 = vldrbq_z_s8(c0 + full, live), t1 = vldrbq_z_s8(c1 + full, live);
    int32_t n = k / 16;  // whole passes after the partial one
    __asm__ volatile(
        "  vmov q0, %q[t0]\n"
        "  vmov q1, %q[t1]\n"
        MOTE_DOT24_PASS("vmladav") MOTE_DOT24_LOOP MOTE_DOT24_TO_VECTORS
        : MOTE_DOT24_OUTPUTS
        : [t0] "w"(t0), [t1] "w"(t1)
        : "cc", "memory", "q0", "q1", "q2", "q3");
  }
  return wp;
}
// dot24 over a column in kh segments of `passes` whole 16-tap blocks, segment u at rows[u] + x0
// (column 0) and rows[u] + x1 (column 1): the band's window rows, the packed weights walked in
// order. The sums stay in their registers from one segment to the next.
inline const int8_t* dot24_rows(int32_t kh, int32_t passes, const int8_t* const* rows, int32_t x0, int32_t x1,
                                const int8_t* wp, int32x4_t& p0, int32x4_t& p1) {
  int32_t a0, a1, a2, a3, b0, b1, b2, b3;
  const int8_t* c0 = rows[0] + x0;
  const int8_t* c1 = rows[0] + x1;
  int32_t n = passes - 1;
  __asm__ volatile(
      "  vldrb.8 q0, [%[c0]], #16\n"
      "  vldrb.8 q1, [%[c1]], #16\n"
      MOTE_DOT24_PASS("vmladav") MOTE_DOT24_LOOP
      : MOTE_DOT24_SUMS("=&Te")
      :
      : "cc", "memory", "q0", "q1", "q2", "q3");
  for (int32_t u = 1; u < kh; ++u) {
    c0 = rows[u] + x0;
    c1 = rows[u] + x1;
    n = passes;
    __asm__ volatile(MOTE_DOT24_BODY : MOTE_DOT24_SUMS("+Te") : : "cc", "memory", "q0", "q1", "q2", "q3");
  }
  __asm__(MOTE_DOT24_TO_VECTORS
          : [p0] "=&w"(p0), [p1] "=&w"(p1)
          : [a0] "r"(a0), [a1] "r"(a1), [a2] "r"(a2), [a3] "r"(a3), [b0] "r"(b0), [b1] "r"(b1), [b2] "r"(b2),
            [b3] "r"(b3));
  return wp;
}
#undef MOTE_DOT24_PASS
#undef MOTE_DOT24_BODY
#undef MOTE_DOT24_LOOP
#undef MOTE_DOT24_TO_VECTORS
#undef MOTE_DOT24_SUMS
#undef MOTE_DOT24_OUTPUTS

// The working memory of the group-1 convolutions (Tiles::nhwc_work_bytes): a word saying whether
// any channel shifts left, the multipliers and the left and right parts of the shifts per
// channel (M rounded up to 4, each), the sums of two pixels' 32 channels (pixel_pair), then the
// packed weights (pack_rows4).
struct NhwcWork {
  static int32_t channels(int32_t m) { return drivers::round_up(m, 4); }
  static int32_t* params(void* work) { return static_cast<int32_t*>(work) + 4; }
  static int32_t* sums(void* work, int32_t m) { return params(work) + 3 * channels(m); }
  static int8_t* packed(void* work, int32_t m) { return reinterpret_cast<int8_t*>(sums(work, m) + 64); }
};

// requantize4 of `groups` whole groups of 4 channels (the starts added first, the shift split into
// its left and right parts beforehand, no left shift without kLeft), narrowed and stored at y:
// written out, as GCC 12 moves the predicate through general registers and addresses every load
// apart; every pointer advances by post-increment.
template <bool kLeft>
inline void requantize_groups(int32_t groups, const int32_t* acc, const int32_t* start, const int32_t* mult,
                              const int32_t* left, const int32_t* right, int32_t out_zp, int32x4_t lo, int32x4_t hi,
                              int8_t* y) {
  if (groups <= 0) return;
#define MOTE_RQ_LOOP(LEFT)                                                                        \
  "1:\n"                                                                                          \
  "  vldrw.32 q0, [%[acc]], #16\n"                                                                \
  "  vldrw.32 q1, [%[st]], #16\n"                                                                 \
  "  vadd.i32 q0, q0, q1\n" LEFT                                                                  \
  "  vldrw.32 q1, [%[mult]], #16\n"                                                               \
  "  vqrdmulh.s32 q0, q0, q1\n"                                                                   \
  "  vldrw.32 q2, [%[right]], #16\n"                                                              \
  "  vand q1, q0, q2\n"                                                                           \
  "  vshr.s32 q1, q1, #31\n"                                                                      \
  "  vqadd.s32 q0, q0, q1\n"                                                                      \
  "  vrshl.s32 q0, q0, q2\n"                                                                      \
  "  vadd.i32 q0, q0, %[zp]\n"                                                                    \
  "  vmax.s32 q0, q0, %q[lo]\n"                                                                   \
  "  vmin.s32 q0, q0, %q[hi]\n"                                                                   \
  "  vstrb.32 q0, [%[y]], #4\n"                                                                   \
  "  subs %[n], %[n], #1\n"                                                                       \
  "  bne 1b\n"
#define MOTE_RQ_OPERANDS(...)                                                                       \
  : [acc] "+r"(acc), [st] "+r"(start), __VA_ARGS__[mult] "+r"(mult), [right] "+r"(right), [y] "+l"(y), \
    [n] "+r"(groups)                                                                             \
  : [zp] "r"(out_zp), [lo] "w"(lo), [hi] "w"(hi)                                                 \
  : "cc", "memory", "q0", "q1", "q2"
  if (kLeft) {
    __asm__ volatile(MOTE_RQ_LOOP("  vldrw.32 q1, [%[left]], #16\n  vqshl.s32 q0, q0, q1\n")
                         MOTE_RQ_OPERANDS([left] "+r"(left), ));
  } else {
    (void)left;
    __asm__ volatile(MOTE_RQ_LOOP("") MOTE_RQ_OPERANDS());
  }
#undef MOTE_RQ_LOOP
#undef MOTE_RQ_OPERANDS
}

// The channels [r0, r1) of n pixels (n = 1 or 2) whose sums are at acc[q * 32 + (r - r0)] (plus
// the starts), requantised, pixel q's channel r written at y + q * m + r; the last channels (m
// not a multiple of 4) under a VCTP predicate.
template <bool kLeft>
__attribute__((noinline)) void requantize_pixels(const int32_t* acc, int32_t n, int32_t r0, int32_t r1, int32_t m,
                                                 const int32_t* start, const int32_t* mult, const int32_t* left,
                                                 const int32_t* right, const Epilogue& e, int8_t* y) {
  const int32x4_t lo = vdupq_n_s32(e.lo), hi = vdupq_n_s32(e.hi);
  const int32_t whole = (r1 - r0) / 4;
  for (int32_t q = 0; q < n; ++q, acc += 32, y += m) {
    requantize_groups<kLeft>(whole, acc, start + r0, mult + r0, left + r0, right + r0, e.out_zp, lo, hi, y + r0);
    const int32_t r = r0 + whole * 4;
    if (r < r1) {
      int32x4_t v = vaddq_s32(vldrwq_s32(acc + (r - r0)), vldrwq_s32(start + r));
      if (kLeft) v = vqshlq_s32(v, vldrwq_s32(left + r));
      v = vqrdmulhq_s32(v, vldrwq_s32(mult + r));
      const int32x4_t rv = vldrwq_s32(right + r);
      const int32x4_t fixup = vshrq_n_s32(vandq_s32(v, rv), 31);
      v = vaddq_n_s32(vrshlq_s32(vqaddq_s32(v, fixup), rv), e.out_zp);
      vstrbq_p_s32(y + r, vminq_s32(vmaxq_s32(v, lo), hi), vctp32q(uint32_t(r1 - r)));
    }
  }
}

// The m outputs of n (1 or 2) pixels from element `at` on (pixel q at at + q * m): the sums of up
// to 32 channels (dot(wp, v0, v1): four channels of both pixels from the packed rows at wp,
// returning wp past them) go to a buffer in the working memory, then get their starts and are requantised
// four channels a vector. The starts are read four at a time: the scratch holds them in whole
// 16-byte blocks.
template <class Dot>
inline void pixel_pair(int32_t m, int32_t n, const int32_t* start, const Epilogue& e, int32_t at, void* work,
                       const Dot& dot) {
  const int32_t mc = NhwcWork::channels(m);
  const int8_t* wp = NhwcWork::packed(work, m);
  const int32_t* mult = NhwcWork::params(work);
  const bool any_left = *static_cast<const int32_t*>(work) != 0;
  int32_t* acc = NhwcWork::sums(work, m);  // [pixel][32 channels]
  for (int32_t r0 = 0; r0 < m; r0 += 32) {
    const int32_t r1 = m - r0 < 32 ? m : r0 + 32;
    for (int32_t r = r0; r < r1; r += 4) {
      int32x4_t v0, v1;
      wp = dot(wp, v0, v1);
      vstrwq_s32(acc + (r - r0), v0);
      vstrwq_s32(acc + 32 + (r - r0), v1);
    }
    if (!e.mult) {
      for (int32_t q = 0; q < n; ++q) {
        int32_t* y = static_cast<int32_t*>(e.y) + at + q * m;
        for (int32_t r = r0; r < r1; ++r) y[r] = acc[q * 32 + r - r0] + start[r];
      }
    } else if (any_left) {
      requantize_pixels<true>(acc, n, r0, r1, m, start, mult, mult + mc, mult + 2 * mc, e,
                              static_cast<int8_t*>(e.y) + at);
    } else {
      requantize_pixels<false>(acc, n, r0, r1, m, start, mult, mult + mc, mult + 2 * mc, e,
                               static_cast<int8_t*>(e.y) + at);
    }
  }
}

struct NhwcKernel {
  static constexpr drivers::S8NhwcSpec kNhwc = Tiles::kNhwc;
  using Bytes = VectorBytes;
  static uint64_t work_bytes(const ConvShape& g) { return Tiles::nhwc_work_bytes(g); }
  // start[r] = bias[r] - zp * sum of weight row r, the row summed 16 taps a VADDVA (called
  // through drivers::s8_nhwc_conv_starts, which takes a folded op's start as it is).
  static void starts(int32_t k, const int8_t* w, int32_t m, int32_t zp, const Epilogue& e, int32_t* start) {
    for (int32_t r = 0; r < m; ++r, w += k) {
      int32_t sum = 0;
      for (int32_t i = 0; i < k; i += 16) sum = vaddvaq_s8(sum, vldrbq_z_s8(w + i, vctp8q(uint32_t(k - i))));
      start[r] = e.start(r) - zp * sum;
    }
  }
  static void prepare(const ConvShape& g, const int8_t* w, const Epilogue& e, void* work) {
    const int32_t m = g.m, mc = NhwcWork::channels(m);
    int32_t* mult = NhwcWork::params(work);
    int32_t* left = mult + mc;
    int32_t* right = left + mc;
    int32_t any_left = 0;
    for (int32_t r = 0; r < mc; ++r) {
      const int32_t shift = e.mult && r < m ? e.shift_at(r) : 0;
      mult[r] = e.mult && r < m ? e.mult_at(r) : 0;
      left[r] = shift > 0 ? shift : 0;
      right[r] = shift < 0 ? shift : 0;
      any_left |= shift > 0;
    }
    *static_cast<int32_t*>(work) = any_left;
    pack_rows4(g.kh * g.kw * g.c, w, m, NhwcWork::packed(work, m));
  }

  // Two pixels at a time (pixel_pair).
  static void tile(int32_t k, int32_t, const int8_t* const* col, int32_t np, const int8_t*, int32_t m,
                   const int32_t* start, const Epilogue& e, int32_t at, void* work) {
    for (int32_t p = 0; p < np; p += 2) {
      const int32_t n = np - p < 2 ? np - p : 2;
      // A missing second column (np odd) repeats the first: computed, never stored.
      const int8_t* c0 = col[p];
      const int8_t* c1 = n > 1 ? col[p + 1] : c0;
      pixel_pair(m, n, start, e, at + p * m, work, [=](const int8_t* wp, int32x4_t& v0, int32x4_t& v1) {
        return dot24(k, c0, c1, wp, v0, v1);
      });
    }
  }
};

}  // namespace

// QMatMul with B [N, K]: A's row against four of B's rows at a time, 16 taps a VMLADAVA. The
// zero point's term -a_zp * sum b joins the same sums: VMLADAVA of B's block with a vector of
// -a_zp (for a_zp = -128, twice with 64; nothing for 0). Written out for the whole blocks (four
// accumulators in even registers, five pointers, q0 and q1 for the loads); the last partial
// block under a VCTP predicate, then the four columns requantised as one vector.
#define MOTE_NK_COLUMN(B, ACC, ZP) \
  "  vldrb.8 q1, [" B "], #16\n  vmladava.s8 " ACC ", q0, q1\n" ZP
#define MOTE_NK_LOOP(Z0, Z1, Z2, Z3)                                                               \
  "  cmp %[n], #0\n"                                                                              \
  "  beq 2f\n"                                                                                    \
  "1:\n"                                                                                          \
  "  vldrb.8 q0, [%[a]], #16\n"                                                                   \
  MOTE_NK_COLUMN("%[b0]", "%[d0]", Z0) MOTE_NK_COLUMN("%[b1]", "%[d1]", Z1)                         \
  MOTE_NK_COLUMN("%[b2]", "%[d2]", Z2) MOTE_NK_COLUMN("%[b3]", "%[d3]", Z3)                         \
  "  subs %[n], %[n], #1\n"                                                                       \
  "  bne 1b\n"                                                                                    \
  "2:\n"                                                                                          \
  "  vmov %q[v][2], %q[v][0], %[d0], %[d2]\n"                                                      \
  "  vmov %q[v][3], %q[v][1], %[d1], %[d3]\n"
#define MOTE_NK_ZP1(ACC) "  vmladava.s8 " ACC ", %q[z], q1\n"
#define MOTE_NK_ZP2(ACC) MOTE_NK_ZP1(ACC) MOTE_NK_ZP1(ACC)
#define MOTE_NK_OPERANDS                                                                           \
  : [d0] "+Te"(d0), [d1] "+Te"(d1), [d2] "+Te"(d2), [d3] "+Te"(d3), [a] "+r"(a), [b0] "+r"(b0),     \
    [b1] "+r"(b1), [b2] "+r"(b2), [b3] "+r"(b3), [n] "+r"(n), [v] "=&w"(v)                         \
  : [z] "w"(z)                                                                                    \
  : "cc", "memory", "q0", "q1"

// Lane j: dot(a, b_j) - a_zp * sum b_j over k taps (z: the zero point's vector, above).
__attribute__((always_inline)) inline int32x4_t dot_nk4(int32_t k, const int8_t* a, const int8_t* b0,
                                                        const int8_t* b1, const int8_t* b2, const int8_t* b3,
                                                        int32_t a_zp, int8x16_t z) {
  const int32_t full = k & ~15;
  int32_t n = k / 16;
  int32_t d0 = 0, d1 = 0, d2 = 0, d3 = 0;
  int32x4_t v;
  if (a_zp == 0) {
    __asm__ volatile(MOTE_NK_LOOP("", "", "", "") MOTE_NK_OPERANDS);
  } else if (a_zp == -128) {
    __asm__ volatile(MOTE_NK_LOOP(MOTE_NK_ZP2("%[d0]"), MOTE_NK_ZP2("%[d1]"), MOTE_NK_ZP2("%[d2]"),
                                  MOTE_NK_ZP2("%[d3]")) MOTE_NK_OPERANDS);
  } else {
    __asm__ volatile(MOTE_NK_LOOP(MOTE_NK_ZP1("%[d0]"), MOTE_NK_ZP1("%[d1]"), MOTE_NK_ZP1("%[d2]"),
                                  MOTE_NK_ZP1("%[d3]")) MOTE_NK_OPERANDS);
  }
  if (full < k) {  // the pointers are past the whole blocks
    const mve_pred16_t live = vctp8q(uint32_t(k - full));
    const int8x16_t av = vldrbq_z_s8(a, live);
    const int8_t* b[4] = {b0, b1, b2, b3};
    int32_t t[4] __attribute__((aligned(16)));
    for (int32_t j = 0; j < 4; ++j) {
      const int8x16_t bv = vldrbq_z_s8(b[j], live);
      t[j] = vmladavq_s8(av, bv) - a_zp * vaddvq_s8(bv);
    }
    v = vaddq_s32(v, vldrwq_s32(t));
  }
  return v;
}
#undef MOTE_NK_COLUMN
#undef MOTE_NK_LOOP
#undef MOTE_NK_ZP1
#undef MOTE_NK_ZP2
#undef MOTE_NK_OPERANDS

Status s8_gemm_nk(const OpArgs&, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B,
                  const Epilogue& e) {
  const int8x16_t z = vdupq_n_s8(int8_t(a_zp == -128 ? 64 : -a_zp));
  // The requantisation's vectors, loaded per group of columns only when per channel.
  const int32x4_t zero = vdupq_n_s32(0), out_zp = vdupq_n_s32(e.out_zp), lo = vdupq_n_s32(e.lo), hi = vdupq_n_s32(e.hi);
  int32x4_t mult, shift;
  channel_requant(e, 0, vctp32q(4), &mult, &shift);
  int32x4_t left = vmaxq_s32(shift, zero), right = vminq_s32(shift, zero);
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t* a = A + i * K;
    for (int32_t j = 0; j < N; j += 4) {
      const int32_t nj = N - j < 4 ? N - j : 4;
      // Missing columns (nj < 4) repeat the last one: computed, never stored.
      const int8_t* b0 = B + j * K;
      const int8_t* b1 = nj > 1 ? b0 + K : b0;
      const int8_t* b2 = nj > 2 ? b1 + K : b1;
      const int8_t* b3 = nj > 3 ? b2 + K : b2;
      const mve_pred16_t live = vctp32q(uint32_t(nj));
      int32x4_t v = dot_nk4(K, a, b0, b1, b2, b3, a_zp, z);
      if (e.bias) v = vaddq_s32(v, vldrwq_z_s32(e.bias + j, live));
      if (!e.mult) {
        vstrwq_p_s32(static_cast<int32_t*>(e.y) + i * N + j, v, live);
        continue;
      }
      if (e.per_channel) {
        mult = vldrwq_z_s32(e.mult + j, live);
        shift = vldrwq_z_s32(e.shift + j, live);
        left = vmaxq_s32(shift, zero);
        right = vminq_s32(shift, zero);
      }
      v = vqrdmulhq_s32(vqshlq_s32(v, left), mult);
      v = vrshlq_s32(vqaddq_s32(v, vshrq_n_s32(vandq_s32(v, right), 31)), right);
      v = vminq_s32(vmaxq_s32(vaddq_s32(v, out_zp), lo), hi);
      vstrbq_p_s32(static_cast<int8_t*>(e.y) + i * N + j, v, live);
    }
  }
  return Status::kOk;
}

// A window whose rows are whole 16-tap blocks (Tiles::nhwc_banded): no staged columns; the
// window rows of an output row are the band's (drivers::nhwc_band_slide, in the working memory
// after the packed weights) and two pixels' columns are read there in place, a block at a time.
Status s8_conv2d_nhwc_banded(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t zp) {
  const drivers::S8NhwcLayout l = drivers::s8_nhwc_conv_layout(g, Tiles::kNhwc, Tiles::nhwc_work_bytes(g));
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  const int32_t k = g.kh * g.kw * g.c, m = g.m, c = g.c, ow = g.ow;
  const int8_t* w = a.in[1].as<int8_t>();
  int32_t* start = drivers::scratch_at<int32_t>(a, l.starts_at);
  drivers::s8_nhwc_conv_starts<NhwcKernel>(k, w, m, zp, e, start);
  void* work = drivers::scratch_at<void>(a, l.work_at);
  NhwcKernel::prepare(g, w, e, work);
  const drivers::NhwcBand b = Tiles::nhwc_conv_band(g);
  uint8_t* band_base = static_cast<uint8_t*>(work) + Tiles::nhwc_band_at(g);
  int8_t* band = reinterpret_cast<int8_t*>(band_base + b.band_at);
  int32_t* tag = reinterpret_cast<int32_t*>(band_base + b.tags_at);
  int32_t* slot = tag + g.kh;
  const int32_t passes = g.kw * c / 16, pix = g.sw * c;
  const int8_t* rows[Tiles::kNhwcBandRows];
  for (int32_t n = 0; n < g.n; ++n) {
    const int8_t* x = a.in[0].as<int8_t>() + int64_t(n) * g.ih * g.iw * c;
    for (int32_t s = 0; s < g.kh; ++s) tag[s] = INT32_MIN;
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      drivers::nhwc_band_slide<VectorBytes>(g, x, zp, b, band, tag, slot, oy);
      for (int32_t u = 0; u < g.kh; ++u) rows[u] = band + slot[u] * b.row_stride;
      const int32_t out_row = (n * g.oh + oy) * ow;
      for (int32_t ox = 0; ox < ow; ox += 2) {
        const int32_t np = ow - ox < 2 ? ow - ox : 2;
        const int32_t x0 = ox * pix, x1 = (ox + np - 1) * pix;
        pixel_pair(m, np, start, e, (out_row + ox) * m, work, [=](const int8_t* wp, int32x4_t& v0, int32x4_t& v1) {
          return dot24_rows(g.kh, passes, rows, x0, x1, wp, v0, v1);
        });
      }
    }
  }
  return Status::kOk;
}

Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  if (Tiles::nhwc_banded(g)) return s8_conv2d_nhwc_banded(a, g, e, in_zp);
  return drivers::s8_conv2d_nhwc<NhwcKernel>(a, g, e, in_zp);
}

}  // namespace mve
}  // namespace mote

// s8_dwconv2d_nhwc__mve: NHWC depthwise QConv on Helium, lanes = channels.
//
// A band of kH input rows, padded left and right with the zero point (and a zero-point row for a
// window row in the vertical padding), lives in the op's scratch (drivers::nhwc_band): every
// output pixel's window is then inside the band and the taps need no bounds checks. Each input
// row is copied into the band once while the window slides down (a slot keeps the row it holds).
//
// Two output pixels of a row share a pass: 8 channels widened to int16 lanes (VLDRB.S16), VMULLB /
// VMULLT multiply the even and the odd lanes into int32 sums (exact) and VADD accumulates them.
// The starts, multipliers and shifts are split even / odd per group of 8 channels once per call
// (the band's parameter block, with the group's weights, 8 bytes a tap), so a pixel's 8 channels
// are requantised as two vectors with plain loads and narrowed back in order (VMOVNT) into one
// 8-byte store. 3x3 stride 1 is written out (dw3x3_pairs: a row's pixel pairs in one loop, the
// window's columns loaded once for both pixels); other shapes run the same arithmetic in C, the
// last channels (C not a multiple of 8) under a VCTP predicate. Taps in the padding read the zero
// point, which the starts cancel (bias - zp * sum w).
#include "../drivers/s8_nhwc.h"
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

using drivers::NhwcBand;

// Requantisation of four lanes with the shift split beforehand into its left (>= 0) and right
// (<= 0) parts: requantize4 (kernels/arm_requantize.h) without the split, and without the left
// shift when no channel of the op has one.
inline int32x4_t requantize_split(int32x4_t acc, int32x4_t mult, int32x4_t left, int32x4_t right, bool any_left,
                                  int32_t out_zp, int32_t lo, int32_t hi) {
  if (any_left) acc = vqshlq_s32(acc, left);
  int32x4_t v = vqrdmulhq_s32(acc, mult);
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(v, right), 31);
  v = vrshlq_s32(vqaddq_s32(v, fixup), right);
  v = vaddq_n_s32(v, out_zp);
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

// The parameter block: per group of 8 channels (Tiles::nhwc_dw_group_bytes apart), 8 vectors of
// 4 words: starts, multipliers, right shifts, left shifts, each even channels then odd ones
// (channels past C: zero); then the group's weights, 8 bytes a tap (the 3x3 stride-1 pass).
enum : int32_t { kStart = 0, kMult = 8, kRight = 16, kLeft = 24, kGroupWords = 32 };

// Fills the parameter block; returns whether any channel shifts left.
inline bool split_params(const ConvShape& g, const int32_t* start, const int8_t* wt, int32_t wstride,
                         const Epilogue& e, int32_t* p) {
  const int32_t c = g.c, taps = g.kh * g.kw, group_words = Tiles::nhwc_dw_group_bytes(g) / 4;
  bool any_left = false;
  for (int32_t ch = 0; ch < drivers::round_up(c, 8); ++ch) {
    int32_t* q = p + (ch / 8) * group_words + (ch & 1) * 4 + (ch & 7) / 2;
    int8_t* wg = reinterpret_cast<int8_t*>(p + (ch / 8) * group_words + kGroupWords) + (ch & 7);
    for (int32_t t = 0; t < taps; ++t) wg[t * 8] = wt[t * wstride + ch];
    const bool live = ch < c;
    const int32_t shift = live && e.mult ? e.shift_at(ch) : 0;
    q[kStart] = live ? start[ch] : 0;
    q[kMult] = live && e.mult ? e.mult_at(ch) : 0;
    q[kRight] = shift < 0 ? shift : 0;
    q[kLeft] = shift > 0 ? shift : 0;
    any_left = any_left || shift > 0;
  }
  return any_left;
}

// The window sums of two output pixels (band offsets x0, x1 from the rows' channel group) for 8
// channels: KH x KW fixed (3x3: unrolled) or not (0: kh x kw). rows[u]: band row of window row u.
template <int KH, int KW>
inline void dw_pair(const int8_t* const* rows, int32_t kh, int32_t kw, int32_t x0, int32_t x1, int32_t tap_step,
                    const int8_t* wp, int32_t wstride, int32x4_t& e0, int32x4_t& o0, int32x4_t& e1,
                    int32x4_t& o1) {
  const int32_t nh = KH ? KH : kh, nw = KW ? KW : kw;
  for (int32_t u = 0; u < nh; ++u) {
    const int8_t* r0 = rows[u] + x0;
    const int8_t* r1 = rows[u] + x1;
    for (int32_t v = 0; v < nw; ++v, wp += wstride) {
      const int16x8_t w = vldrbq_s16(wp);
      const int16x8_t a = vldrbq_s16(r0 + v * tap_step), b = vldrbq_s16(r1 + v * tap_step);
      e0 = vaddq_s32(e0, vmullbq_int_s16(a, w));
      o0 = vaddq_s32(o0, vmulltq_int_s16(a, w));
      e1 = vaddq_s32(e1, vmullbq_int_s16(b, w));
      o1 = vaddq_s32(o1, vmulltq_int_s16(b, w));
    }
  }
}

// The 3x3 stride-1 window sums and requantisation of 8 channels of two adjacent output pixels,
// written out (GCC 12 leaves the tap loops rolled and moves the predicate through general
// registers): rows r0..r2 are the band rows at the first pixel's window, c the bytes between two
// pixels, p the group's parameters and 9 x 8 weights, k the requantisation's constants (the
// widening loads and narrowing stores take low registers: w walks the weights, then the
// stores). The
// accumulators are q0-q3 (even and odd channels of each pixel), the weights alternate between
// q4 and q5, q6 holds the window column (shared by the two pixels: column j is tap j of the first
// and tap j - 1 of the second), q7 the product, then out_zp.
#define MOTE_DW_MAC(X, W, E, O) \
  "  vmullb.s16 q7, " X ", " W "\n  vadd.i32 " E ", " E ", q7\n" \
  "  vmullt.s16 q7, " X ", " W "\n  vadd.i32 " O ", " O ", q7\n"
#define MOTE_DW_ROW(R)                                                                       \
  "  vldrb.s16 q4, [%[w]], #8\n"                                                             \
  "  vldrb.s16 q6, [" R "]\n"                                                                \
  "  add " R ", " R ", %[c]\n" MOTE_DW_MAC("q6", "q4", "q0", "q1")                            \
  "  vldrb.s16 q5, [%[w]], #8\n"                                                             \
  "  vldrb.s16 q6, [" R "]\n"                                                                \
  "  add " R ", " R ", %[c]\n" MOTE_DW_MAC("q6", "q5", "q0", "q1") MOTE_DW_MAC("q6", "q4", "q2", "q3") \
  "  vldrb.s16 q4, [%[w]], #8\n"                                                             \
  "  vldrb.s16 q6, [" R "]\n"                                                                \
  "  add " R ", " R ", %[c]\n" MOTE_DW_MAC("q6", "q4", "q0", "q1") MOTE_DW_MAC("q6", "q5", "q2", "q3") \
  "  vldrb.s16 q6, [" R "]\n" MOTE_DW_MAC("q6", "q4", "q2", "q3")
// One vector's requantisation (no left shift): q4 multipliers, q5 right shifts, q6 scratch.
#define MOTE_DW_REQ(A)                                                  \
  "  vqrdmulh.s32 " A ", " A ", q4\n  vand q6, " A ", q5\n"              \
  "  vshr.s32 q6, q6, #31\n  vqadd.s32 " A ", " A ", q6\n"               \
  "  vrshl.s32 " A ", " A ", q5\n  vadd.i32 " A ", " A ", q7\n"
// The loop over pairs: each pass leaves the row pointers 3c on, the next pair starts 2c on.
#define MOTE_DW_PAIRS(LEFT_E, LEFT_O)                                                         \
  "1:\n"                                                                                      \
  "  vldrw.32 q0, [%[p]]\n  vldrw.32 q1, [%[p], #16]\n  vmov q2, q0\n  vmov q3, q1\n"          \
  "  add %[w], %[p], #128\n"                                                                  \
  MOTE_DW_ROW("%[r0]") MOTE_DW_ROW("%[r1]") MOTE_DW_ROW("%[r2]")                              \
  "  vldrw.32 q7, [%[k]]\n"                                                                   \
  LEFT_E                                                                                      \
  "  vldrw.32 q4, [%[p], #32]\n  vldrw.32 q5, [%[p], #64]\n" MOTE_DW_REQ("q0") MOTE_DW_REQ("q2") \
  LEFT_O                                                                                      \
  "  vldrw.32 q4, [%[p], #48]\n  vldrw.32 q5, [%[p], #80]\n" MOTE_DW_REQ("q1") MOTE_DW_REQ("q3") \
  "  vldrw.32 q4, [%[k], #16]\n  vldrw.32 q5, [%[k], #32]\n"                                  \
  "  vmax.s32 q0, q0, q4\n  vmax.s32 q1, q1, q4\n  vmax.s32 q2, q2, q4\n  vmax.s32 q3, q3, q4\n" \
  "  vmin.s32 q0, q0, q5\n  vmin.s32 q1, q1, q5\n  vmin.s32 q2, q2, q5\n  vmin.s32 q3, q3, q5\n" \
  "  vmovnt.i32 q0, q1\n  vmovnt.i32 q2, q3\n"                                                \
  "  mov %[w], %[y]\n  vstrb.16 q0, [%[w]]\n  add %[w], %[w], %[c]\n  vstrb.16 q2, [%[w]]\n"    \
  "  add %[y], %[y], %[c], lsl #1\n"                                                          \
  "  sub %[r0], %[r0], %[c]\n  sub %[r1], %[r1], %[c]\n  sub %[r2], %[r2], %[c]\n"             \
  "  subs %[n], %[n], #1\n"                                                                   \
  "  bne 1b\n"

// The requantisation's constants, each in four lanes: out_zp, lo, hi.
struct DwConstants {
  int32_t out_zp[4], lo[4], hi[4];
};

// `pairs` (>= 1) pairs of adjacent output pixels from the band rows r0..r2 at the first pixel's
// window on, written from y on.
inline void dw3x3_pairs(int32_t pairs, const int8_t* r0, const int8_t* r1, const int8_t* r2, int32_t c,
                        const int32_t* p, bool any_left, const DwConstants& k, int8_t* y) {
  const int8_t* w;
  if (any_left) {
    __asm__ volatile(MOTE_DW_PAIRS(
                         "  vldrw.32 q4, [%[p], #96]\n  vqshl.s32 q0, q0, q4\n  vqshl.s32 q2, q2, q4\n",
                         "  vldrw.32 q4, [%[p], #112]\n  vqshl.s32 q1, q1, q4\n  vqshl.s32 q3, q3, q4\n")
                     : [r0] "+l"(r0), [r1] "+l"(r1), [r2] "+l"(r2), [w] "=&l"(w), [y] "+r"(y), [n] "+r"(pairs)
                     : [c] "r"(c), [p] "r"(p), [k] "r"(&k)
                     : "cc", "memory", "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7");
  } else {
    __asm__ volatile(MOTE_DW_PAIRS("", "")
                     : [r0] "+l"(r0), [r1] "+l"(r1), [r2] "+l"(r2), [w] "=&l"(w), [y] "+r"(y), [n] "+r"(pairs)
                     : [c] "r"(c), [p] "r"(p), [k] "r"(&k)
                     : "cc", "memory", "q0", "q1", "q2", "q3", "q4", "q5", "q6", "q7");
  }
}
#undef MOTE_DW_MAC
#undef MOTE_DW_ROW
#undef MOTE_DW_REQ
#undef MOTE_DW_PAIRS

// One pixel's 8 channels (n of them live) out at element `at`.
inline void store8(const Epilogue& e, const int32_t* p, bool any_left, int32x4_t ev, int32x4_t od, int32_t at,
                   int32_t n) {
  if (!e.mult) {
    int32_t t[8];
    int32x4x2_t z;
    z.val[0] = ev, z.val[1] = od;
    vst2q_s32(t, z);
    for (int32_t i = 0; i < n; ++i) static_cast<int32_t*>(e.y)[at + i] = t[i];
    return;
  }
  const int32x4_t qe = requantize_split(ev, vldrwq_s32(p + kMult), vldrwq_s32(p + kLeft), vldrwq_s32(p + kRight),
                                        any_left, e.out_zp, e.lo, e.hi);
  const int32x4_t qo = requantize_split(od, vldrwq_s32(p + kMult + 4), vldrwq_s32(p + kLeft + 4),
                                        vldrwq_s32(p + kRight + 4), any_left, e.out_zp, e.lo, e.hi);
  const int16x8_t q = vmovntq_s32(vmovnbq_s32(vdupq_n_s16(0), qe), qo);
  int8_t* y = static_cast<int8_t*>(e.y) + at;
  if (n == 8) {
    vstrbq_s16(y, q);
  } else {
    vstrbq_p_s16(y, q, vctp16q(uint32_t(n)));
  }
}

// Not inlined: the two instances' frames stay apart (kernel frames stay under 512 bytes).
template <int KH, int KW>
__attribute__((noinline)) void dw_rows(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t zp, const drivers::S8NhwcLayout& l,
             const NhwcBand& b) {
  const int32_t c = g.c, ow = g.ow, kh = g.kh, kw = g.kw;
  const int8_t* wt = drivers::scratch_at<int8_t>(a, l.cols_at);
  int8_t* band = drivers::scratch_at<int8_t>(a, l.work_at + b.band_at);
  int32_t* params = drivers::scratch_at<int32_t>(a, l.work_at + b.params_at);
  int32_t* tag = drivers::scratch_at<int32_t>(a, l.work_at + b.tags_at);
  int32_t* slot = tag + kh;
  const bool any_left = split_params(g, drivers::scratch_at<int32_t>(a, l.starts_at), wt, l.stride, e, params);
  const int32_t group_words = Tiles::nhwc_dw_group_bytes(g) / 4;
  // The written-out pass: 3x3, stride 1, undilated, int8 out, whole groups of 8 channels.
  const bool fast = KH == 3 && KW == 3 && g.sw == 1 && g.dw == 1 && e.mult;
  // The constants after the groups' parameters (Tiles::nhwc_dw_band).
  DwConstants& k = *reinterpret_cast<DwConstants*>(params + drivers::round_up(c, 8) / 8 * group_words);
  for (int32_t i = 0; i < 4; ++i) k.out_zp[i] = e.out_zp, k.lo[i] = e.lo, k.hi[i] = e.hi;
  const int32_t tap_step = g.dw * c, pix_step = g.sw * c;
  // Up to 4 window rows' pointers on the stack; taller windows step through the slots.
  const int8_t* rows[4];
  for (int32_t n = 0; n < g.n; ++n) {
    const int8_t* x = a.in[0].as<int8_t>() + int64_t(n) * g.ih * g.iw * c;
    for (int32_t s = 0; s < kh; ++s) tag[s] = INT32_MIN;
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      drivers::nhwc_band_slide<VectorBytes>(g, x, zp, b, band, tag, slot, oy);
      const int64_t out_row = (int64_t(n) * g.oh + oy) * ow * c;
      for (int32_t ch = 0; ch < c; ch += 8) {
        const int32_t live = c - ch < 8 ? c - ch : 8;
        const int32_t* p = params + (ch / 8) * group_words;
        const int8_t* wp = wt + ch;
        int32_t ox = 0;
        if (fast && live == 8) {
          int8_t* y = static_cast<int8_t*>(e.y) + out_row + ch;
          const int8_t* r0 = band + slot[0] * b.row_stride + ch;
          const int8_t* r1 = band + slot[1] * b.row_stride + ch;
          const int8_t* r2 = band + slot[2] * b.row_stride + ch;
          const int32_t pairs = ow / 2;
          if (pairs > 0) dw3x3_pairs(pairs, r0, r1, r2, c, p, any_left, k, y);
          ox = 2 * pairs;
        }
        for (; ox < ow; ox += 2) {
          const int32_t ox1 = ox + 1 < ow ? ox + 1 : ox;
          int32x4_t e0 = vldrwq_s32(p + kStart), o0 = vldrwq_s32(p + kStart + 4);
          int32x4_t e1 = e0, o1 = o0;
          if (kh <= 4) {
            for (int32_t u = 0; u < kh; ++u) rows[u] = band + slot[u] * b.row_stride + ch;
            dw_pair<KH, KW>(rows, kh, kw, ox * pix_step, ox1 * pix_step, tap_step, wp, l.stride, e0, o0, e1, o1);
          } else {
            for (int32_t u = 0; u < kh; ++u) {
              const int8_t* row = band + slot[u] * b.row_stride + ch;
              dw_pair<1, 0>(&row, 1, kw, ox * pix_step, ox1 * pix_step, tap_step, wp + u * kw * l.stride, l.stride,
                            e0, o0, e1, o1);
            }
          }
          store8(e, p, any_left, e0, o0, int32_t(out_row + ox * c + ch), live);
          if (ox + 1 < ow) store8(e, p, any_left, e1, o1, int32_t(out_row + (ox + 1) * c + ch), live);
        }
      }
    }
  }
}

}  // namespace

Status s8_dwconv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const NhwcBand b = Tiles::nhwc_dw_band(g);
  const drivers::S8NhwcLayout l = drivers::s8_nhwc_dw_layout(g, b.bytes);
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  drivers::s8_nhwc_dw_prepare(g, a.in[1].as<int8_t>(), in_zp, e, l.stride, drivers::scratch_at<int8_t>(a, l.cols_at),
                              drivers::scratch_at<int32_t>(a, l.starts_at));
  if (g.kh == 3 && g.kw == 3) {
    dw_rows<3, 3>(a, g, e, in_zp, l, b);
  } else {
    dw_rows<0, 0>(a, g, e, in_zp, l, b);
  }
  return Status::kOk;
}

}  // namespace mve
}  // namespace mote

// s8_dwconv2d_nhwc__mve: NHWC depthwise QConv on Helium, lanes = channels.
//
// A band of kH input rows, padded left and right with the zero point (and a zero-point row for a
// window row in the vertical padding), lives in the op's scratch (drivers::nhwc_band): every
// output pixel's window is then inside the band and the taps need no bounds checks. Each input
// row is copied into the band once while the window slides down (a slot keeps the row it holds).
//
// Two output pixels of a row share a pass: every tap loads the 8 channels' weights once (regrouped
// tap-major by drivers::s8_nhwc_dw_prepare, widened to int16 by VLDRB.S16) and both pixels'
// 8 input channels, and VMULLB / VMULLT multiply the even and the odd lanes into int32 sums
// (products of int16 lanes, exact). The starts, multipliers and shifts are split even / odd per
// group of 8 channels once per call (the band's parameter block), so the requantisation of a
// pixel's 8 channels is two vectors with plain loads, narrowed back in order (VMOVNB, VMOVNT) into
// one 8-byte store; the last channels (C not a multiple of 8) under a VCTP predicate. Taps in the
// padding read the zero point, which the starts cancel (bias - zp * sum w).
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

// The parameter block: per group of 8 channels, 8 vectors of 4 words: starts, multipliers, right
// shifts, left shifts, each even channels then odd ones (channels past C: zero).
enum : int32_t { kStart = 0, kMult = 8, kRight = 16, kLeft = 24, kGroupWords = 32 };

// Fills the parameter block; returns whether any channel shifts left.
inline bool split_params(int32_t c, const int32_t* start, const Epilogue& e, int32_t* p) {
  bool any_left = false;
  for (int32_t ch = 0; ch < drivers::round_up(c, 8); ++ch) {
    int32_t* q = p + (ch / 8) * kGroupWords + (ch & 1) * 4 + (ch & 7) / 2;
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

template <int KH, int KW>
void dw_rows(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t zp, const drivers::S8NhwcLayout& l,
             const NhwcBand& b) {
  const int32_t c = g.c, ow = g.ow, kh = g.kh, kw = g.kw;
  const int8_t* wt = drivers::scratch_at<int8_t>(a, l.cols_at);
  int8_t* band = drivers::scratch_at<int8_t>(a, l.work_at + b.band_at);
  int32_t* params = drivers::scratch_at<int32_t>(a, l.work_at + b.params_at);
  int32_t* tag = drivers::scratch_at<int32_t>(a, l.work_at + b.tags_at);
  int32_t* slot = tag + kh;
  const bool any_left = split_params(c, drivers::scratch_at<int32_t>(a, l.starts_at), e, params);
  const int32_t tap_step = g.dw * c, pix_step = g.sw * c;
  // Up to 4 window rows' pointers on the stack; taller windows step through the slots.
  const int8_t* rows[4];
  for (int32_t n = 0; n < g.n; ++n) {
    const int8_t* x = a.in[0].as<int8_t>() + int64_t(n) * g.ih * g.iw * c;
    for (int32_t s = 0; s < kh; ++s) tag[s] = INT32_MIN;
    for (int32_t oy = 0; oy < g.oh; ++oy) {
      drivers::nhwc_band_slide(g, x, zp, b, band, tag, slot, oy);
      const int64_t out_row = (int64_t(n) * g.oh + oy) * ow * c;
      for (int32_t ch = 0; ch < c; ch += 8) {
        const int32_t live = c - ch < 8 ? c - ch : 8;
        const int32_t* p = params + (ch / 8) * kGroupWords;
        const int8_t* wp = wt + ch;
        for (int32_t ox = 0; ox < ow; ox += 2) {
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

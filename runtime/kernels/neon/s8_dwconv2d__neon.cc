// s8_dwconv2d__neon: depthwise QConv (group == C == M). At horizontal stride 1, lanes are 8
// adjacent output pixels of one channel: for every tap, one 8-byte load widened to int16 and two
// VMLAL by the tap's weight into int32; where the whole window lies inside the input the zero
// point leaves the loop as - zp * sum w, and the 8 results are requantised together
// (requantize4) and stored narrowed. Other pixels (the border, rows with fewer than 8 inside
// outputs, any other stride) take the reference's sum, skipping padded taps, and the scalar
// epilogue.
#include "s8_kernels.h"

namespace mote {
namespace neon {
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t taps = g.kh * g.kw;
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  // Output columns whose window is inside horizontally: [x_lo, x_hi); rows likewise.
  const int32_t span_w = (g.kw - 1) * g.dw, span_h = (g.kh - 1) * g.dh;
  int32_t x_lo = (g.pw + g.sw - 1) / g.sw, x_hi = g.iw - span_w + g.pw <= 0 ? 0 : (g.iw - span_w + g.pw - 1) / g.sw + 1;
  int32_t y_lo = (g.ph + g.sh - 1) / g.sh, y_hi = g.ih - span_h + g.ph <= 0 ? 0 : (g.ih - span_h + g.ph - 1) / g.sh + 1;
  if (x_hi > g.ow) x_hi = g.ow;
  if (y_hi > g.oh) y_hi = g.oh;
  if (x_lo > x_hi) x_lo = x_hi;
  if (y_lo > y_hi) y_lo = y_hi;
  if (g.sw != 1) x_hi = x_lo;  // vector loads need adjacent pixels
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t ch = 0; ch < g.c; ++ch) {
      const int8_t* x = xd + (int64_t(b) * g.c + ch) * plane_in;
      const int8_t* w = wd + int64_t(ch) * taps;
      int32_t sum_w = 0;
      for (int32_t t = 0; t < taps; ++t) sum_w += w[t];
      const int32_t start = e.start(ch);
      const int32x4_t inner = vdupq_n_s32(start - in_zp * sum_w);
      const int64_t out_base = (int64_t(b) * g.m + ch) * plane;
      const int32x4_t mult = vdupq_n_s32(e.mult ? e.mult_at(ch) : 0), shift = vdupq_n_s32(e.mult ? e.shift_at(ch) : 0);
      for (int32_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_at = out_base + int64_t(oy) * g.ow;
        int32_t ox = 0;
        if (oy >= y_lo && oy < y_hi) {
          for (; ox < x_lo; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
          const int8_t* top = x + int64_t(oy * g.sh - g.ph) * g.iw - g.pw;
          // The last 8 of the inside run overlap the previous ones rather than go scalar
          // (the overlapped outputs are written twice, with the same values).
          for (; ox < x_hi && x_hi - x_lo >= 8; ox += 8) {
            if (ox + 8 > x_hi) ox = x_hi - 8;
            int32x4_t lo = inner, hi = inner;
            const int8_t* r0 = top + ox;
            const int8_t* wt = w;
            for (int32_t u = 0; u < g.kh; ++u, r0 += int64_t(g.dh) * g.iw) {
              const int8_t* px = r0;
              for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
                const int16x8_t xv = vmovl_s8(vld1_s8(px));
                const int16_t wv = *wt++;
                lo = vmlal_n_s16(lo, vget_low_s16(xv), wv);
                hi = vmlal_n_s16(hi, vget_high_s16(xv), wv);
              }
            }
            if (e.mult) {
              store8(static_cast<int8_t*>(e.y) + row_at + ox, requantize4(lo, mult, shift, e.out_zp, e.lo, e.hi),
                     requantize4(hi, mult, shift, e.out_zp, e.lo, e.hi));
            } else {
              vst1q_s32(static_cast<int32_t*>(e.y) + row_at + ox, lo);
              vst1q_s32(static_cast<int32_t*>(e.y) + row_at + ox + 4, hi);
            }
          }
        }
        for (; ox < g.ow; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
      }
    }
  }
  return Status::kOk;
}

}  // namespace neon
}  // namespace mote

// s8_dwconv2d__mve: depthwise QConv (group == C == M). Lanes are 4 adjacent output pixels of one
// channel: for every tap, one widening load (VLDRB.S32, or a gather at stride > 1) and one
// VMLA by the tap's weight; where the whole window lies inside the input, the zero point leaves
// the loop as - zp * sum w, and the 4 results are requantised together (requantize4) and
// stored narrowed (VSTRB.32). Pixels whose window touches the padding take the reference's
// sum, skipping the padded taps, and the scalar epilogue. 3x3 at stride 1 (most depthwise
// layers) goes through a band of three padded rows instead (dw3x3): every output in a vector.
#include "s8_kernels.h"

namespace mote {
namespace mve {
namespace {

// Input row r of one channel into dst[0, width), the zero point where columns fall in the
// padding (left: pw columns) or the whole row does: vector moves, predicated at the ends.
void padded_row(const int8_t* x, const ConvShape& g, int32_t r, int32_t width, int32_t zp, int8_t* dst) {
  const int8x16_t fill = vdupq_n_s8(int8_t(zp));
  for (int32_t c = 0; c < width; c += 16) vstrbq_p_s8(dst + c, fill, vctp8q(uint32_t(width - c)));
  if (r < 0 || r >= g.ih) return;
  const int32_t lo = g.pw, n = g.iw < width - g.pw ? g.iw : width - g.pw;  // columns [pw, pw + n)
  const int8_t* row = x + int64_t(r) * g.iw;
  for (int32_t c = 0; c < n; c += 16) {
    const mve_pred16_t live = vctp8q(uint32_t(n - c));
    vstrbq_p_s8(dst + lo + c, vldrbq_z_s8(row + c, live), live);
  }
}

// 3x3, stride 1, dilation 1 (the common case): three input rows at a time, copied with their
// padding (the zero point) into a stack band that slides down one row per output row, so every
// output is an inside one (sum x * w - zp * sum w over all nine taps) and every output of a row
// is in a vector, the nine weights in registers.
constexpr int32_t kBandWidth = 1024;
void dw3x3(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t inner, int32_t zp, int32x4_t mult,
           int32x4_t shift, const Epilogue& e, int64_t out_base) {
  int8_t band[3][kBandWidth + 16] __attribute__((aligned(16)));
  const int32_t width = g.ow + 2;
  const int32_t w00 = w[0], w01 = w[1], w02 = w[2], w10 = w[3], w11 = w[4], w12 = w[5], w20 = w[6], w21 = w[7], w22 = w[8];
  int8_t* rows[3] = {band[0], band[1], band[2]};
  padded_row(x, g, -g.ph, width, zp, rows[0]);
  padded_row(x, g, 1 - g.ph, width, zp, rows[1]);
  for (int32_t oy = 0; oy < g.oh; ++oy) {
    padded_row(x, g, oy + 2 - g.ph, width, zp, rows[2]);
    const int64_t row_at = out_base + int64_t(oy) * g.ow;
    for (int32_t ox = 0; ox < g.ow; ox += 4) {
      const mve_pred16_t live = vctp32q(uint32_t(g.ow - ox));
      const int8_t* r0 = rows[0] + ox;
      const int8_t* r1 = rows[1] + ox;
      const int8_t* r2 = rows[2] + ox;
      int32x4_t acc = vdupq_n_s32(inner);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r0, live), w00);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r0 + 1, live), w01);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r0 + 2, live), w02);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r1, live), w10);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r1 + 1, live), w11);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r1 + 2, live), w12);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r2, live), w20);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r2 + 1, live), w21);
      acc = vmlaq_n_s32(acc, vldrbq_z_s32(r2 + 2, live), w22);
      if (e.mult) {
        vstrbq_p_s32(static_cast<int8_t*>(e.y) + row_at + ox, requantize4(acc, mult, shift, e.out_zp, e.lo, e.hi), live);
      } else {
        vstrwq_p_s32(static_cast<int32_t*>(e.y) + row_at + ox, acc, live);
      }
    }
    int8_t* oldest = rows[0];
    rows[0] = rows[1];
    rows[1] = rows[2];
    rows[2] = oldest;
  }
}

}  // namespace

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
  const bool k3 = g.kh == 3 && g.kw == 3 && g.sh == 1 && g.sw == 1 && g.dw == 1 && g.dh == 1 && g.ow + 2 <= kBandWidth;
  const uint32x4_t lanes = vmulq_n_u32(vidupq_n_u32(0, 1), uint32_t(g.sw));
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t ch = 0; ch < g.c; ++ch) {
      const int8_t* x = xd + (int64_t(b) * g.c + ch) * plane_in;
      const int8_t* w = wd + int64_t(ch) * taps;
      int32_t sum_w = 0;
      for (int32_t t = 0; t < taps; ++t) sum_w += w[t];
      const int32_t start = e.start(ch);
      const int32_t inner = start - in_zp * sum_w;
      const int64_t out_base = (int64_t(b) * g.m + ch) * plane;
      const int32_t k = e.per_channel ? ch : 0;
      const int32x4_t mult = vdupq_n_s32(e.mult ? e.mult[k] : 0), shift = vdupq_n_s32(e.mult ? e.shift[k] : 0);
      if (k3) {
        dw3x3(g, x, w, inner, in_zp, mult, shift, e, out_base);
        continue;
      }
      for (int32_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_at = out_base + int64_t(oy) * g.ow;
        int32_t ox = 0;
        if (oy >= y_lo && oy < y_hi) {
          for (; ox < x_lo; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
          const int8_t* top = x + int64_t(oy * g.sh - g.ph) * g.iw - g.pw;
          for (; ox < x_hi; ox += 4) {
            const int32_t live_n = x_hi - ox < 4 ? x_hi - ox : 4;
            const mve_pred16_t live = vctp32q(uint32_t(live_n));
            int32x4_t acc = vdupq_n_s32(inner);
            const int8_t* r0 = top + ox * g.sw;
            const int8_t* wt = w;
            for (int32_t u = 0; u < g.kh; ++u, r0 += int64_t(g.dh) * g.iw) {
              const int8_t* px = r0;
              for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
                const int32x4_t xv = g.sw == 1 ? vldrbq_z_s32(px, live) : vldrbq_gather_offset_z_s32(px, lanes, live);
                acc = vmlaq_n_s32(acc, xv, int32_t(*wt++));
              }
            }
            if (e.mult) {
              const int32x4_t q = requantize4(acc, mult, shift, e.out_zp, e.lo, e.hi);
              vstrbq_p_s32(static_cast<int8_t*>(e.y) + row_at + ox, q, live);
            } else {
              vstrwq_p_s32(static_cast<int32_t*>(e.y) + row_at + ox, acc, live);
            }
          }
          ox = x_hi;
        }
        for (; ox < g.ow; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
      }
    }
  }
  return Status::kOk;
}

}  // namespace mve
}  // namespace mote

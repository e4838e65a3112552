// s8_dwconv2d__arm_dsp: depthwise QConv (group == C == M). Each channel's window is at most a
// few taps, too short for packing to pay, so the sums are direct; where the whole window lies
// inside the input (all but the border), the zero point leaves the loop through the offset trick
// sum (x - zp) * w = sum x * w - zp * sum w, with sum w taken once per channel, and two
// horizontally adjacent outputs share each weight load. Border pixels skip the taps in the
// padding exactly as the reference does. 3x3 at stride 1 (most depthwise layers) goes through
// a band of three padded rows in the op's scratch instead (dw3x3, tiles.h: band_row_bytes): no
// border case at all.
#include "kernels.h"

namespace mote {
namespace arm_dsp {
namespace {

// Input row r of one channel into dst[0, width), with the zero point where columns fall in the
// padding (left: pw columns) or the whole row does.
void padded_row(const int8_t* x, const ConvShape& g, int32_t r, int32_t width, int32_t zp, int8_t* dst) {
  const bool inside = r >= 0 && r < g.ih;
  const int8_t* row = x + int32_t(r) * g.iw;
  for (int32_t c = 0; c < width; ++c) {
    const int32_t ix = c - g.pw;
    dst[c] = inside && ix >= 0 && ix < g.iw ? row[ix] : int8_t(zp);
  }
}

// 3x3, stride 1, dilation 1 (the common case): three input rows at a time, copied with their
// padding (the zero point) into a band in the scratch that slides down one row per output row,
// so every output is an inside one: sum x * w - zp * sum w over all nine taps, the weights in
// registers, two outputs sharing the loads of the 4 columns their windows cover. Not inlined:
// in its caller's frame the loop keeps fewer values in registers (3% more instructions).
__attribute__((noinline)) void dw3x3(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t ch, int32_t inner,
                                     int32_t zp, const Epilogue& e, int32_t out_base, int8_t* band) {
  const int32_t width = band_columns(g);
  const int32_t row_bytes = int32_t(band_row_bytes(g));
  const int32_t w00 = w[0], w01 = w[1], w02 = w[2], w10 = w[3], w11 = w[4], w12 = w[5], w20 = w[6], w21 = w[7], w22 = w[8];
  int8_t* rows[kBandRows] = {band, band + row_bytes, band + 2 * row_bytes};
  padded_row(x, g, -g.ph, width, zp, rows[0]);
  padded_row(x, g, 1 - g.ph, width, zp, rows[1]);
  for (int32_t oy = 0; oy < g.oh; ++oy) {
    padded_row(x, g, oy + 2 - g.ph, width, zp, rows[2]);
    const int32_t row_at = out_base + int32_t(oy) * g.ow;
    const int8_t* r0 = rows[0];
    const int8_t* r1 = rows[1];
    const int8_t* r2 = rows[2];
    int32_t ox = 0;
    for (; ox < g.ow; ox += 2) {  // an odd last output computes one past the row, not stored
      int32_t a0 = inner, a1 = inner;
      int32_t p0 = r0[ox], p1 = r0[ox + 1], p2 = r0[ox + 2], p3 = r0[ox + 3];
      a0 += p0 * w00 + p1 * w01 + p2 * w02;
      a1 += p1 * w00 + p2 * w01 + p3 * w02;
      p0 = r1[ox], p1 = r1[ox + 1], p2 = r1[ox + 2], p3 = r1[ox + 3];
      a0 += p0 * w10 + p1 * w11 + p2 * w12;
      a1 += p1 * w10 + p2 * w11 + p3 * w12;
      p0 = r2[ox], p1 = r2[ox + 1], p2 = r2[ox + 2], p3 = r2[ox + 3];
      a0 += p0 * w20 + p1 * w21 + p2 * w22;
      a1 += p1 * w20 + p2 * w21 + p3 * w22;
      e.store(row_at + ox, ch, a0);
      if (ox + 1 < g.ow) e.store(row_at + ox + 1, ch, a1);
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
  const int32_t plane_in = int32_t(g.ih) * g.iw, plane = int32_t(g.oh) * g.ow;
  // Output columns whose window is inside horizontally: [x_lo, x_hi); rows likewise.
  const int32_t span_w = (g.kw - 1) * g.dw, span_h = (g.kh - 1) * g.dh;
  int32_t x_lo = (g.pw + g.sw - 1) / g.sw, x_hi = g.iw - span_w + g.pw <= 0 ? 0 : (g.iw - span_w + g.pw - 1) / g.sw + 1;
  int32_t y_lo = (g.ph + g.sh - 1) / g.sh, y_hi = g.ih - span_h + g.ph <= 0 ? 0 : (g.ih - span_h + g.ph - 1) / g.sh + 1;
  if (x_hi > g.ow) x_hi = g.ow;
  if (y_hi > g.oh) y_hi = g.oh;
  if (x_lo > x_hi) x_lo = x_hi;
  if (y_lo > y_hi) y_lo = y_hi;
  const bool k3 = dw_banded(g);
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t ch = 0; ch < g.c; ++ch) {
      const int8_t* x = xd + (int32_t(b) * g.c + ch) * plane_in;
      const int8_t* w = wd + int32_t(ch) * taps;
      int32_t sum_w = 0;
      for (int32_t t = 0; t < taps; ++t) sum_w += w[t];
      const int32_t start = e.start(ch);
      const int32_t inner = start - in_zp * sum_w;
      const int32_t out_base = (int32_t(b) * g.m + ch) * plane;
      if (k3) {
        dw3x3(g, x, w, ch, inner, in_zp, e, out_base, static_cast<int8_t*>(a.scratch));
        continue;
      }
      for (int32_t oy = 0; oy < g.oh; ++oy) {
        const int32_t row_at = out_base + int32_t(oy) * g.ow;
        const bool row_inside = oy >= y_lo && oy < y_hi;
        int32_t ox = 0;
        if (row_inside) {
          for (; ox < x_lo; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
          const int8_t* top = x + int32_t(oy * g.sh - g.ph) * g.iw - g.pw;
          for (; ox + 2 <= x_hi; ox += 2) {
            int32_t acc0 = inner, acc1 = inner;
            const int8_t* r0 = top + ox * g.sw;
            const int8_t* wt = w;
            for (int32_t u = 0; u < g.kh; ++u, r0 += int32_t(g.dh) * g.iw) {
              const int8_t* px = r0;
              for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
                const int32_t wv = *wt++;
                acc0 += int32_t(px[0]) * wv;
                acc1 += int32_t(px[g.sw]) * wv;
              }
            }
            e.store(row_at + ox, ch, acc0);
            e.store(row_at + ox + 1, ch, acc1);
          }
        }
        for (; ox < g.ow; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
      }
    }
  }
  return Status::kOk;
}

}  // namespace arm_dsp
}  // namespace mote

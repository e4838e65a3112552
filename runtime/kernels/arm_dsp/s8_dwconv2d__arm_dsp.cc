// s8_dwconv2d__arm_dsp: depthwise QConv (group == C == M) through the shared driver
// (drivers/s8_dwconv2d.h), which takes the border pixels. Each channel's window is at most a few
// taps, too short for packing to pay, so the sums are direct; inside pixels start from
// bias - zp * sum w (the zero point leaves the loop) and two horizontally adjacent outputs share
// each weight load. 3x3 at stride 1 (most depthwise layers) goes through a band of three padded
// rows in the op's scratch instead (dw3x3, tiles.h: band_row_bytes): no border case at all.
#include "../drivers/s8_dwconv2d.h"
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
                                     int32_t zp, const s8::Epilogue& e, int64_t out_base, int8_t* band) {
  const int32_t width = band_columns(g);
  const int32_t row_bytes = int32_t(band_row_bytes(g));
  const int32_t w00 = w[0], w01 = w[1], w02 = w[2], w10 = w[3], w11 = w[4], w12 = w[5], w20 = w[6], w21 = w[7], w22 = w[8];
  int8_t* rows[kBandRows] = {band, band + row_bytes, band + 2 * row_bytes};
  padded_row(x, g, -g.ph, width, zp, rows[0]);
  padded_row(x, g, 1 - g.ph, width, zp, rows[1]);
  for (int32_t oy = 0; oy < g.oh; ++oy) {
    padded_row(x, g, oy + 2 - g.ph, width, zp, rows[2]);
    const int64_t row_at = out_base + int64_t(oy) * g.ow;
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

struct DwKernel {
  // What the epilogue needs of a channel: its index (Epilogue::store takes it).
  struct Channel {
    int32_t ch;
    Channel(const s8::Epilogue&, int32_t c) : ch(c) {}
  };

  static constexpr bool kBanded = true;
  static uint64_t band_bytes(const ConvShape& g) { return dw_banded(g) ? kBandRows * band_row_bytes(g) : 0; }
  static void plane(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t inner, int32_t zp, const Channel& q,
                    const s8::Epilogue& e, int64_t out_base, int8_t* band) {
    dw3x3(g, x, w, q.ch, inner, zp, e, out_base, band);
  }

  // Inside pixels two at a time, every tap's weight loaded once for both.
  static int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi,
                            int32_t inner, const s8::Epilogue& e, const Channel& q, int64_t row_at) {
    int32_t ox = x_lo;
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
      e.store(row_at + ox, q.ch, acc0);
      e.store(row_at + ox + 1, q.ch, acc1);
    }
    return ox;
  }
};

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_dwconv2d<DwKernel>(a, g, e, in_zp);
}

}  // namespace arm_dsp
}  // namespace mote

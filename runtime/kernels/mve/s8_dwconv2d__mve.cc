// s8_dwconv2d__mve: depthwise QConv (group == C == M); the driver (drivers/s8_dwconv2d.h) takes
// the border pixels. Lanes are 4 adjacent output pixels of one channel: for every tap, one
// widening load (VLDRB.S32, or a gather at stride > 1) and one VMLA by the tap's weight, from
// the inside start (bias - zp * sum w); the 4 results are requantised together (requantize4)
// and stored narrowed (VSTRB.32). 3x3 at stride 1 (most depthwise layers) goes through a band of
// three padded rows in the scratch instead (plane): every output in a vector.
#include "../drivers/s8_dwconv2d.h"
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

// The live lanes of one channel's 4 outputs: requantised to int8, or the raw int32.
inline void store4(const Epilogue& e, int64_t at, int32x4_t acc, int32x4_t mult, int32x4_t shift, mve_pred16_t live) {
  if (e.mult) {
    vstrbq_p_s32(static_cast<int8_t*>(e.y) + at, requantize4(acc, mult, shift, e.out_zp, e.lo, e.hi), live);
  } else {
    vstrwq_p_s32(static_cast<int32_t*>(e.y) + at, acc, live);
  }
}

struct DwKernel {
  using Channel = ChannelRequant;

  static int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi,
                            int32_t inner, const Epilogue& e, const Channel& q, int64_t row_at) {
    const uint32x4_t lanes = vmulq_n_u32(vidupq_n_u32(0, 1), uint32_t(g.sw));
    for (int32_t ox = x_lo; ox < x_hi; ox += 4) {
      const mve_pred16_t live = vctp32q(uint32_t(x_hi - ox));
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
      store4(e, row_at + ox, acc, q.mult, q.shift, live);
    }
    return x_hi;
  }

  // 3x3, stride 1, dilation 1 (the common case): three input rows at a time, copied with their
  // padding (the zero point) into the band, which slides down one row per output row, so every
  // output is an inside one (sum x * w - zp * sum w over all nine taps) and every output of a row
  // is in a vector, the nine weights in registers.
  static constexpr bool kBanded = true;
  static uint64_t band_bytes(const ConvShape& g) { return Tiles::s8_dw_band_bytes(g); }
  static void plane(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t inner, int32_t zp, const Channel& q,
                    const Epilogue& e, int64_t out_base, int8_t* band) {
    const int32_t width = g.ow + 2, stride = Tiles::s8_dw_band_stride(g);
    const int32_t w00 = w[0], w01 = w[1], w02 = w[2], w10 = w[3], w11 = w[4], w12 = w[5], w20 = w[6], w21 = w[7],
                  w22 = w[8];
    int8_t* rows[3] = {band, band + stride, band + 2 * stride};
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
        store4(e, row_at + ox, acc, q.mult, q.shift, live);
      }
      int8_t* oldest = rows[0];
      rows[0] = rows[1];
      rows[1] = rows[2];
      rows[2] = oldest;
    }
  }
};

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_dwconv2d<DwKernel>(a, g, e, in_zp);
}

}  // namespace mve
}  // namespace mote

// The int8 depthwise QConv driver (group == C == M) of the Arm DSP, NEON, Helium and SIMD128 sets. Per
// channel: the start (bias) and the start of an inside pixel (bias - zp * sum w: every tap of
// its window is in the input, so the zero point leaves the sum); per output row, the pixels
// whose window reaches into the padding take the reference's sum tap by tap
// (s8::border_pixel) and the scalar epilogue, and the run of inside pixels goes to the set's
// vector code.
//
// The set's kernel K supplies:
//   struct Channel: built from (e, ch), what its vector epilogue needs for one channel;
//   static int32_t inside_run(g, top, w, x_lo, x_hi, inner, e, q, row_at): inside pixels
//       [x_lo, x_hi) of one output row (top: where output pixel 0's window starts, which may lie
//       in the padding; only inside pixels read through it), returning where it stopped (the
//       border loop takes the rest);
//   kBanded, and then static uint64_t band_bytes(g) and plane(g, x, w, inner, zp, q, e,
//       out_base, band): a whole plane through a band of padded rows in the op's scratch, when
//       band_bytes(g) > 0 (the set's scratch_bytes() returns s8_dw_scratch_bytes(band_bytes(g))).
#ifndef MOTE_KERNELS_DRIVERS_S8_DWCONV2D_H
#define MOTE_KERNELS_DRIVERS_S8_DWCONV2D_H

#include "../conv_shape.h"
#include "../s8_epilogue.h"
#include "scratch.h"

namespace mote {
namespace drivers {

inline ScratchLayout s8_dw_layout(uint64_t band_bytes) {
  ScratchLayout l;
  l.add(band_bytes, 1);
  return l;
}
inline uint32_t s8_dw_scratch_bytes(uint64_t band_bytes) { return s8_dw_layout(band_bytes).total(); }

// Output columns whose window lies inside the input horizontally, [x_lo, x_hi); rows likewise.
struct DwInterior {
  int32_t x_lo, x_hi, y_lo, y_hi;
};

inline DwInterior dw_interior(const ConvShape& g) {
  const int32_t span_w = (g.kw - 1) * g.dw, span_h = (g.kh - 1) * g.dh;
  DwInterior in;
  in.x_lo = (g.pw + g.sw - 1) / g.sw;
  in.x_hi = g.iw - span_w + g.pw <= 0 ? 0 : (g.iw - span_w + g.pw - 1) / g.sw + 1;
  in.y_lo = (g.ph + g.sh - 1) / g.sh;
  in.y_hi = g.ih - span_h + g.ph <= 0 ? 0 : (g.ih - span_h + g.ph - 1) / g.sh + 1;
  in.x_hi = min_i32(in.x_hi, g.ow);
  in.y_hi = min_i32(in.y_hi, g.oh);
  in.x_lo = min_i32(in.x_lo, in.x_hi);
  in.y_lo = min_i32(in.y_lo, in.y_hi);
  return in;
}

template <class K>
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const s8::Epilogue& e, int32_t in_zp) {
  uint64_t band_bytes = 0;
  if constexpr (K::kBanded) band_bytes = K::band_bytes(g);
  if (!scratch_holds(a, s8_dw_layout(band_bytes))) return Status::kArenaTooSmall;
  int8_t* band = static_cast<int8_t*>(a.scratch);
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t taps = g.kh * g.kw;
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  const DwInterior in = dw_interior(g);
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t ch = 0; ch < g.c; ++ch) {
      const int8_t* x = xd + (int64_t(b) * g.c + ch) * plane_in;
      const int8_t* w = wd + int64_t(ch) * taps;
      int32_t sum_w = 0;
      for (int32_t t = 0; t < taps; ++t) sum_w += w[t];
      const int32_t start = e.start(ch);
      const int32_t inner = start - in_zp * sum_w;
      const int64_t out_base = (int64_t(b) * g.m + ch) * plane;
      const typename K::Channel q(e, ch);
      if constexpr (K::kBanded) {
        if (band_bytes) {
          K::plane(g, x, w, inner, in_zp, q, e, out_base, band);
          continue;
        }
      }
      for (int32_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_at = out_base + int64_t(oy) * g.ow;
        int32_t ox = 0;
        if (oy >= in.y_lo && oy < in.y_hi) {
          for (; ox < in.x_lo; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
          const int8_t* top = x + int64_t(oy * g.sh - g.ph) * g.iw - g.pw;
          ox = K::inside_run(g, top, w, in.x_lo, in.x_hi, inner, e, q, row_at);
        }
        for (; ox < g.ow; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
      }
    }
  }
  return Status::kOk;
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_S8_DWCONV2D_H

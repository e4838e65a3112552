// ConvExpandDepthwise (mote_expand_dw_params): the geometry of its bands, shared by the
// reference kernel (kernels/reference/expand_dw.cc) and the x86 plan (kernels/x86/plan.h).
// Portable. A band is up to band_rows output rows [r0, r0 + rows); it reads the expanded rows
// [lo, hi) (those of its windows that lie inside the map: the vertical padding is never
// stored), all E channels, each row W floats.
#ifndef MOTE_KERNELS_DRIVERS_EXPAND_DW_BANDS_H
#define MOTE_KERNELS_DRIVERS_EXPAND_DW_BANDS_H

#include <stdint.h>

#include "mote/kernel.h"

namespace mote {
namespace drivers {

struct ExpandDwGeom {
  int32_t n, c, e, h, w, oh, ow;  // X [n, c, h, w], expanded [n, e, h, w], Y [n, e, oh, ow]
  int32_t kh, kw, sh, sw, dh, dw, ph, pw, band_rows;
};

// From verified shapes (infer_expand_dw has checked them).
inline ExpandDwGeom expand_dw_geom(const OpArgs& a) {
  const mote_expand_dw_params& p = a.p<mote_expand_dw_params>();
  ExpandDwGeom g;
  g.n = a.in[0].dims[0];
  g.c = a.in[0].dims[1];
  g.h = a.in[0].dims[2];
  g.w = a.in[0].dims[3];
  g.e = a.in[1].dims[0];
  g.oh = a.out[0].dims[2];
  g.ow = a.out[0].dims[3];
  g.kh = p.dw.kernel[0];
  g.kw = p.dw.kernel[1];
  g.sh = p.dw.stride[0];
  g.sw = p.dw.stride[1];
  g.dh = p.dw.dilation[0];
  g.dw = p.dw.dilation[1];
  g.ph = p.dw.pad_begin[0];
  g.pw = p.dw.pad_begin[1];
  g.band_rows = p.band_rows < g.oh ? p.band_rows : g.oh;
  if (g.band_rows < 1) g.band_rows = 1;
  return g;
}

struct ExpandDwBand {
  int32_t r0, rows;  // output rows [r0, r0 + rows)
  int32_t lo, hi;    // expanded rows [lo, hi) they read (lo == hi: all padding)
};

inline ExpandDwBand expand_dw_band(const ExpandDwGeom& g, int32_t r0) {
  ExpandDwBand b;
  b.r0 = r0;
  b.rows = g.oh - r0 < g.band_rows ? g.oh - r0 : g.band_rows;
  const int64_t first = int64_t(r0) * g.sh - g.ph;
  const int64_t last = int64_t(r0 + b.rows - 1) * g.sh - g.ph + int64_t(g.kh - 1) * g.dh;  // inclusive
  int64_t lo = first < 0 ? 0 : first, hi = last + 1 > g.h ? g.h : last + 1;
  if (hi < lo) hi = lo;
  if (lo > g.h) lo = hi = g.h;
  b.lo = int32_t(lo);
  b.hi = int32_t(hi);
  return b;
}

// The most expanded rows any band reads: the band buffer holds this many rows per channel.
inline int32_t expand_dw_band_height(const ExpandDwGeom& g) {
  const int64_t span = int64_t(g.band_rows - 1) * g.sh + int64_t(g.kh - 1) * g.dh + 1;
  return int32_t(span < g.h ? span : g.h);
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_EXPAND_DW_BANDS_H

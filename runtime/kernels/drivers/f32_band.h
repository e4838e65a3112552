// Bands of padded rows, for the float depthwise convolution and pooling drivers: the input rows
// a band of output rows reads are copied with their padding (0, or -inf for MaxPool) into the
// op's scratch, so every tap of every output is a plain load and the vector loops have no
// borders. A set whose stride-2 tiles want their taps consecutive stores each buffered row split,
// its even columns then its odd ones (BandSpec::split).
//
// The geometry (band_shape) is portable: the set's scratch_bytes() sizes the band with it. The
// band holds as many output rows as fit in the set's band budget, at least one and at most the
// plane's, so a small plane takes only what it needs and no row is too wide to run.
#ifndef MOTE_KERNELS_DRIVERS_F32_BAND_H
#define MOTE_KERNELS_DRIVERS_F32_BAND_H

#include "../conv_shape.h"
#include "scratch.h"

namespace mote {
namespace drivers {

// What a set's band kernels read (kernels/<isa>/tiles.h).
struct BandSpec {
  uint32_t budget_bytes;  // the band buffer when the plane is larger: more rows than fit go in more bands
  int32_t past;           // stride 2: floats the tiles read past their last tap (VLD2 de-interleaves 8 for 4)
  bool split;             // stride 2: buffered rows stored as their even columns, then their odd ones
  bool any_stride;        // the kernels take every horizontal stride (otherwise 1 and 2 only)
  int32_t reach;          // an in-place 3x3 path reading up to `reach` floats outside a row (0: none)
};

struct Band {
  int32_t width;  // floats per buffered row: every column the vector tiles read, tail included
  int32_t odd;    // split rows: where the odd columns start
  int32_t rows;   // output rows per band
  int32_t span;   // input rows one output row reads
};

inline Band band_shape(const ConvShape& g, const BandSpec& s) {
  Band b;
  const int32_t tiles = (g.ow + 3) / 4;
  b.width = max_i32((tiles * 4 - 1) * g.sw + (g.kw - 1) * g.dw + 1 + (g.sw == 2 ? s.past : 0), 1);
  b.odd = (b.width + 1) / 2;
  b.span = (g.kh - 1) * g.dh + 1;
  const int32_t fit = int32_t(s.budget_bytes / sizeof(float)) / b.width;
  b.rows = fit < b.span ? 1 : max_i32(min_i32((fit - b.span) / g.sh + 1, g.oh), 1);
  return b;
}

// Input rows buffered for `rows` output rows.
inline int32_t band_input_rows(const Band& b, const ConvShape& g, int32_t rows) { return (rows - 1) * g.sh + b.span; }

// The band buffer and the row buffer (a split row before splitting; the zero row of an in-place
// path), in floats.
inline int64_t band_floats(const Band& b, const ConvShape& g) {
  return int64_t(b.width) * band_input_rows(b, g, b.rows);
}
inline int32_t band_row_floats(const Band& b, const ConvShape& g, const BandSpec& s) {
  int32_t n = s.split && g.sw == 2 ? round_up(b.width, 8) : 0;
  const bool in_place = s.reach > 0 && g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1 && (g.sw == 1 || g.sw == 2);
  return in_place ? max_i32(n, g.iw + 2 * s.reach) : n;
}

// A band and its row buffer in the op's scratch.
struct BandLayout {
  Band band;
  uint64_t buf_at, row_at;
  ScratchLayout scratch;
};

inline BandLayout band_layout(const ConvShape& g, const BandSpec& s) {
  BandLayout l;
  l.band = band_shape(g, s);
  l.buf_at = l.scratch.add(uint64_t(band_floats(l.band, g)), sizeof(float));
  l.row_at = l.scratch.add(uint64_t(band_row_floats(l.band, g, s)), sizeof(float));
  return l;
}

// The padded input row ih: `pad`, the row, `pad`, `width` floats in all (all `pad` for a row
// outside the input). K: the set's band kernels (copy_floats, fill_floats).
template <class K>
inline void padded_row(const ConvShape& g, const float* x, int32_t ih, int32_t width, float pad, float* dst) {
  if (ih < 0 || ih >= g.ih) {
    K::fill_floats(dst, width, pad);
    return;
  }
  const int32_t left = min_i32(g.pw, width);
  const int32_t copy = min_i32(g.iw, width - left);
  K::fill_floats(dst, left, pad);
  K::copy_floats(dst + left, x + int64_t(ih) * g.iw, copy);
  K::fill_floats(dst + left + copy, width - left - copy, pad);
}

// Buffers input rows [ih0, ih0 + count) of one plane (row stride band.width); split rows go
// through `row` (band_row_floats) and K::split_row.
template <class K>
inline void fill_band(const ConvShape& g, const float* x, int32_t ih0, int32_t count, const Band& band, float pad,
                      float* buf, float* row) {
  for (int32_t r = 0; r < count; ++r) {
    float* dst = buf + r * band.width;
    if constexpr (K::kBand.split) {
      if (g.sw == 2) {
        padded_row<K>(g, x, ih0 + r, round_up(band.width, 8), pad, row);
        K::split_row(row, band.width, dst, dst + band.odd);
        continue;
      }
    }
    padded_row<K>(g, x, ih0 + r, band.width, pad, dst);
  }
}

// One plane band by band: fill(oh0, rows) buffers the rows, then rows_fn(oh0, rows) runs them.
template <class K, class Rows>
inline void for_each_band(const ConvShape& g, const Band& band, const float* x, float pad, float* buf, float* row,
                          Rows rows_fn) {
  for (int32_t oh0 = 0; oh0 < g.oh; oh0 += band.rows) {
    const int32_t rows = min_i32(g.oh - oh0, band.rows);
    fill_band<K>(g, x, oh0 * g.sh - g.ph, band_input_rows(band, g, rows), band, pad, buf, row);
    rows_fn(oh0, rows);
  }
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_F32_BAND_H

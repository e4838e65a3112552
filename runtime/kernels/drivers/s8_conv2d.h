// The int8 QConv drivers of the NEON, Helium and SIMD128 sets: dot products of activation
// columns (one per output pixel, a "small im2col") against the weight rows, read in place
// ([M, C/g, kH, kW] is one contiguous row of taps per output channel).
//
//   s8_conv2d: any kernel, stride, dilation, padding and group; spec.cols pixels' columns at a
//     time gathered by pack_column (the zero point where a tap lies in the padding).
//   s8_conv2d_1x1: 1x1, stride 1, unpadded; in NCHW a pixel's channels are a plane apart, so
//     spec.pix pixels at a time are transposed into channel-contiguous columns by the set.
//
// The input zero point leaves the sums through sum (x - zp) * w = sum x * w - zp * sum w: each
// output channel starts from its bias minus zp * sum w (s8_starts; a folded op's start, written
// by the converter, holds that already), and taps in the padding hold the zero point itself,
// (zp - zp) * w = 0, as the reference skips them (folded: zp * w, as the reference adds). The columns and
// the starts live in the op's scratch, sized to the op (s8_conv_layout, s8_pointwise_layout:
// the set's scratch_bytes() returns the same), so no layer is too deep or too wide to run.
//
// The set's kernel K supplies the vector code:
//   static constexpr S8ConvSpec kS8;  using Col = int8_t or int16_t (kS8.col_bytes wide);
//   static void columns(k, cols, np, w, mg, m0, start, e, out_base, plane, p0): the np
//       (1..kS8.cols) columns at cols[0..] (k taps each) against the mg weight rows of one group
//       at w (start[r]: row r's start), writing output pixels p0.. of channels m0..;
//   static void transpose(x, plane, p, np, cg, buf, stride): pixels p..p+np-1 of cg channel
//       planes at x into columns buf + q * stride (every one of the kS8.pix columns may be
//       written; channels past cg in a column's last 4 may be written too);
//   kRowCopy, and then pack_rows(...): a vector copy of the window rows of an inside pixel.
#ifndef MOTE_KERNELS_DRIVERS_S8_CONV2D_H
#define MOTE_KERNELS_DRIVERS_S8_CONV2D_H

#include "../conv_shape.h"
#include "../s8_epilogue.h"
#include "scratch.h"

namespace mote {
namespace drivers {

// The shape of a set's column kernels (kernels/<isa>/tiles.h).
struct S8ConvSpec {
  int32_t cols;       // columns (pixels) per call of the column kernel
  int32_t pix;        // pixels transposed at a time by the 1x1 kernel (a multiple of cols)
  int32_t col_bytes;  // bytes per tap in a column: 1 (int8) or 2 (widened to int16)
};

struct S8ColumnsLayout {
  int32_t stride;  // taps per column in the buffer: k rounded up to 16 bytes
  uint64_t cols_at, starts_at;
  ScratchLayout scratch;
};

inline S8ColumnsLayout s8_columns_layout(int32_t k, int32_t mg, int32_t columns, int32_t col_bytes) {
  S8ColumnsLayout l;
  l.stride = round_up(k, 16 / col_bytes);
  l.cols_at = l.scratch.add(uint64_t(columns) * uint64_t(l.stride), uint64_t(col_bytes));
  l.starts_at = l.scratch.add(uint64_t(mg), sizeof(int32_t));
  return l;
}

inline S8ColumnsLayout s8_conv_layout(const ConvShape& g, const S8ConvSpec& s) {
  return s8_columns_layout(g.c / g.group * g.kh * g.kw, g.m / g.group, s.cols, s.col_bytes);
}
inline S8ColumnsLayout s8_pointwise_layout(const ConvShape& g, const S8ConvSpec& s) {
  return s8_columns_layout(g.c / g.group, g.m / g.group, s.pix, s.col_bytes);
}

// The sum of a weight row's k taps: K::row_sum(row, k) where the set has one (a vector sum),
// else tap by tap.
template <class K>
inline auto row_sum(const int8_t* row, int32_t k, int) -> decltype(K::row_sum(row, k)) {
  return K::row_sum(row, k);
}
template <class K>
inline int32_t row_sum(const int8_t* row, int32_t k, long) {
  int32_t sum = 0;
  for (int32_t i = 0; i < k; ++i) sum += row[i];
  return sum;
}

// start[r] = e.start(m0 + r) - zp * sum of weight row r, for the mg rows of k taps at w. Once
// per call: on a plane of one pixel (squeeze-excite) as many additions as the products. A
// folded op's start (e.folded) has the zero point's term already, and a zero point of 0 none:
// the start as it is, no sums.
template <class K>
inline void s8_starts(int32_t k, const int8_t* w, int32_t mg, int32_t m0, int32_t zp, const s8::Epilogue& e,
                      int32_t* start) {
  const int32_t z = e.sum_zp(zp);
  if (z == 0) {
    for (int32_t r = 0; r < mg; ++r) start[r] = e.start(m0 + r);
    return;
  }
  for (int32_t r = 0; r < mg; ++r) start[r] = e.start(m0 + r) - z * row_sum<K>(w + int64_t(r) * k, k, 0);
}

// The column of output pixel (oy, ox) over the group's cg channels at x, the zero point where
// the window lies in the padding.
template <class K, typename Col>
inline void pack_column(const ConvShape& g, const int8_t* x, int32_t cg, int32_t oy, int32_t ox, int32_t zp, Col* col) {
  // The shape in locals: the stores below may alias anything as far as the compiler knows, so
  // fields read through `g` would be reloaded after every element.
  const int32_t ih = g.ih, iw = g.iw, kh = g.kh, kw = g.kw, dh = g.dh, dw = g.dw;
  const int64_t plane = int64_t(ih) * iw;
  const int32_t c0 = ox * g.sw - g.pw, r0 = oy * g.sh - g.ph;
  const bool inside_w = c0 >= 0 && c0 + (kw - 1) * dw < iw;
  if constexpr (K::kRowCopy) {
    if (inside_w && dw == 1) {
      K::pack_rows(x + c0, plane, iw, ih, r0, dh, kh, kw, cg, zp, col);
      return;
    }
  }
  const Col fill = Col(zp);
  Col* t = col;
  for (int32_t ci = 0; ci < cg; ++ci) {
    const int8_t* xp = x + ci * plane;
    for (int32_t u = 0; u < kh; ++u) {
      const int32_t r = r0 + u * dh;
      if (r < 0 || r >= ih) {
        for (int32_t v = 0; v < kw; ++v) *t++ = fill;
        continue;
      }
      const int8_t* row = xp + int64_t(r) * iw + c0;
      if (inside_w) {
        for (int32_t v = 0; v < kw; ++v) *t++ = row[v * dw];
      } else {
        for (int32_t v = 0; v < kw; ++v) {
          const int32_t c = c0 + v * dw;
          *t++ = c >= 0 && c < iw ? Col(row[v * dw]) : fill;
        }
      }
    }
  }
}

// Every group and image a block of `block` output pixels at a time: fill(x, p, np, buf) puts
// the columns of pixels p..p+np-1 at buf + q * stride (x: the image's group of channels), then
// K::columns runs them kS8.cols at a time against the group's weight rows (k taps each).
template <class K, class Fill>
Status column_blocks(const OpArgs& a, const ConvShape& g, const s8::Epilogue& e, int32_t in_zp, int32_t k,
                     int32_t block, const S8ColumnsLayout& l, Fill fill) {
  using Col = typename K::Col;
  static_assert(sizeof(Col) == size_t(K::kS8.col_bytes), "the column type and the spec disagree");
  constexpr int32_t kCols = K::kS8.cols;
  if (!scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  Col* buf = scratch_at<Col>(a, l.cols_at);
  int32_t* start = scratch_at<int32_t>(a, l.starts_at);
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  const int32_t pixels = g.oh * g.ow;
  for (int32_t gi = 0; gi < g.group; ++gi) {
    const int8_t* w = wd + int64_t(gi) * mg * k;
    s8_starts<K>(k, w, mg, gi * mg, in_zp, e, start);
    for (int32_t b = 0; b < g.n; ++b) {
      const int8_t* x = xd + (int64_t(b) * g.c + int64_t(gi) * cg) * plane_in;
      const int64_t out_base = int64_t(b) * g.m * plane;
      for (int32_t p = 0; p < pixels; p += block) {
        const int32_t np = min_i32(pixels - p, block);
        fill(x, p, np, buf);
        for (int32_t q = 0; q < np; q += kCols) {
          const Col* cols[kCols];
          for (int32_t j = 0; j < kCols; ++j) cols[j] = buf + (q + j) * l.stride;
          K::columns(k, cols, min_i32(np - q, kCols), w, mg, gi * mg, start, e, out_base, plane, p + q);
        }
      }
    }
  }
  return Status::kOk;
}

template <class K>
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const s8::Epilogue& e, int32_t in_zp) {
  const S8ColumnsLayout l = s8_conv_layout(g, K::kS8);
  const int32_t cg = g.c / g.group;
  return column_blocks<K>(a, g, e, in_zp, cg * g.kh * g.kw, K::kS8.cols, l,
                          [&](const int8_t* x, int32_t p, int32_t np, typename K::Col* buf) {
                            for (int32_t q = 0; q < np; ++q) {
                              pack_column<K>(g, x, cg, (p + q) / g.ow, (p + q) % g.ow, in_zp, buf + q * l.stride);
                            }
                          });
}

template <class K>
Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const s8::Epilogue& e, int32_t in_zp) {
  static_assert(K::kS8.pix % K::kS8.cols == 0, "the transposed pixels split into whole column calls");
  const S8ColumnsLayout l = s8_pointwise_layout(g, K::kS8);
  const int32_t cg = g.c / g.group;
  const int64_t plane = int64_t(g.ih) * g.iw;
  return column_blocks<K>(a, g, e, in_zp, cg, K::kS8.pix, l,
                          [&](const int8_t* x, int32_t p, int32_t np, typename K::Col* buf) {
                            K::transpose(x, plane, p, np, cg, buf, l.stride);
                          });
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_S8_CONV2D_H

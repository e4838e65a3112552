// The float32 depthwise Conv driver (group == C == M, NCHW, weights [C, 1, kH, kW]) of the NEON,
// Helium and SIMD128 sets: each channel plane is filtered a band of output rows at a time
// (f32_band.h), the band and row buffers in the op's scratch (dw_layout, which the set's
// scratch_bytes() returns). The set's kernel K supplies only vector code:
//
//   static constexpr BandSpec kBand;                  its band geometry (kernels/<isa>/tiles.h)
//   copy_floats, fill_floats, split_row                the band's row copies (f32_band.h)
//   struct Rows: built per plane from (g, w, bias, act), with
//       template <int SW> void row(in, band, y, y_end) const: one output row from the buffered
//       row `in` (row stride band.width) into y, SW the horizontal stride when it is 1 or 2 and
//       0 for any other (only with kBand.any_stride); a row's last vector may be stored whole
//       into the rows after it, never past y_end;
//       template <int SW> void row_3x3(in, band, y, y_end) const: the same for 3x3 undilated;
//   struct Planes (or DwNoInPlace's): built once per op from (g, row buffer, act); its
//       in_place(plane, index, count) runs a plane without the band and returns true, or false.
#ifndef MOTE_KERNELS_DRIVERS_F32_DWCONV2D_H
#define MOTE_KERNELS_DRIVERS_F32_DWCONV2D_H

#include "f32_band.h"

namespace mote {
namespace drivers {

// Horizontal strides 1 and 2 only, unless the set takes any (a shape choice, kept by routing).
inline bool dw_takes(const ConvShape& g, const BandSpec& s) { return s.any_stride || g.sw == 1 || g.sw == 2; }

// The scratch of one depthwise Conv: 0 when the set leaves it to the reference.
inline uint32_t dw_scratch_bytes(const ConvShape& g, const BandSpec& s) {
  if (!dw_takes(g, s) || g.oh <= 0 || g.ow <= 0) return 0;
  return band_layout(g, s).scratch.total();
}

// One channel plane of a depthwise Conv.
struct DwPlane {
  const float* x;
  const float* w;  // kH * kW taps
  float bias;
  float* y;
};

// For sets without an in-place path.
struct DwNoInPlace {
  struct Planes {
    Planes(const ConvShape&, float*, const mote_act&) {}
    bool in_place(const DwPlane&, int64_t, int64_t) { return false; }
  };
};

// One output row of a band: the 3x3 undilated form where it applies (not for SW 0).
template <int SW, class Rows>
inline void band_row(const ConvShape& g, const Rows& rows, const float* in, const Band& band, float* y,
                     const float* y_end) {
  if (SW != 0 && g.kh == 3 && g.kw == 3 && g.dh == 1 && g.dw == 1) {
    rows.template row_3x3<SW>(in, band, y, y_end);
  } else {
    rows.template row<SW>(in, band, y, y_end);
  }
}

template <class K>
Status f32_dwconv2d(const OpArgs& a, const ConvShape& g) {
  if (!dw_takes(g, K::kBand)) return Status::kUnsupportedOp;
  if (g.oh <= 0 || g.ow <= 0) return Status::kOk;
  const BandLayout l = band_layout(g, K::kBand);
  if (!scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  float* buf = scratch_at<float>(a, l.buf_at);
  float* row = scratch_at<float>(a, l.row_at);
  const float* x = a.in[0].as<float>();
  const float* w = a.in[1].as<float>();
  const float* bias = a.num_in == 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const mote_act& act = a.p<mote_conv_params>().act;
  const int64_t in_plane = int64_t(g.ih) * g.iw, out_plane = int64_t(g.oh) * g.ow;
  const int32_t taps = g.kh * g.kw;
  const int64_t planes = int64_t(g.n) * g.c;
  const float* y_end = y + planes * out_plane;
  typename K::Planes in_place(g, row, act);
  for (int64_t p = 0; p < planes; ++p) {
    const int32_t c = int32_t(p % g.c);
    const DwPlane pl{x + p * in_plane, w + int64_t(c) * taps, bias ? bias[c] : 0.0f, y + p * out_plane};
    if (in_place.in_place(pl, p, planes)) continue;
    const typename K::Rows rows(g, pl.w, pl.bias, act);
    for_each_band<K>(g, l.band, pl.x, 0.0f, buf, row, [&](int32_t oh0, int32_t count) {
      for (int32_t r = 0; r < count; ++r) {
        const float* in = buf + r * g.sh * l.band.width;
        float* out = pl.y + int64_t(oh0 + r) * g.ow;
        if (g.sw == 1) {
          band_row<1>(g, rows, in, l.band, out, y_end);
        } else if (g.sw == 2) {
          band_row<2>(g, rows, in, l.band, out, y_end);
        } else if constexpr (K::kBand.any_stride) {
          band_row<0>(g, rows, in, l.band, out, y_end);
        }
      }
    });
  }
  return Status::kOk;
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_F32_DWCONV2D_H

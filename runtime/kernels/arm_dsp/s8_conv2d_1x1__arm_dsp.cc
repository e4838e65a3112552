// s8_conv2d_1x1__arm_dsp: QConv 1x1, stride 1, unpadded. The activation of a pixel across the
// group's channels is strided by the plane in NCHW; two pixels at a time are gathered (minus the
// zero point) into packed columns in the op's scratch (tiles.h: columns_bytes), then every
// weight row (contiguous over the channels) runs against both with SMLAD: 2 pixels x 2 output
// channels per pass.
#include "kernels.h"

namespace mote {
namespace arm_dsp {

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t zp) {
  const int32_t in_zp = e.sum_zp(zp);  // folded: the start holds - zp * sum w, the columns x
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  int16_t* const col0 = static_cast<int16_t*>(a.scratch);
  int16_t* cols[kColumnPixels] = {col0, col0 + int32_t(column_bytes(cg) / 2)};
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t pixels = g.ih * g.iw;
  const int32_t plane = pixels;
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t gi = 0; gi < g.group; ++gi) {
      const int8_t* x = xd + (int32_t(b) * g.c + int32_t(gi) * cg) * plane;
      const int8_t* w = wd + int32_t(gi) * mg * cg;
      const int32_t out_base = int32_t(b) * g.m * plane;
      for (int32_t p = 0; p < pixels; p += 2) {
        const int32_t np = pixels - p >= 2 ? 2 : 1;
        const int8_t* xp = x + p;
        if (np == 2) {
          int16_t* c0 = cols[0];
          int16_t* c1 = cols[1];
          for (int32_t ci = 0; ci < cg; ++ci, xp += plane) {
            c0[ci] = int16_t(int32_t(xp[0]) - in_zp);
            c1[ci] = int16_t(int32_t(xp[1]) - in_zp);
          }
          interleave_column(c0, cg);
          interleave_column(c1, cg);
        } else {
          for (int32_t ci = 0; ci < cg; ++ci, xp += plane) cols[0][ci] = int16_t(int32_t(xp[0]) - in_zp);
          interleave_column(cols[0], cg);
        }
        gemm_columns(cg, cols, np, w, mg, gi * mg, e, out_base, plane, p);
      }
    }
  }
  return Status::kOk;
}

}  // namespace arm_dsp
}  // namespace mote

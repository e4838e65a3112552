// s8_dwconv2d__neon: depthwise QConv (group == C == M); the driver (drivers/s8_dwconv2d.h) takes
// the border pixels. At horizontal stride 1, the inside pixels of a row go 8 adjacent outputs a
// vector: for every tap, one 8-byte load widened to int16 and two VMLAL by the tap's weight into
// int32, from the inside start (bias - zp * sum w); the 8 results are requantised together
// (requantize4) and stored narrowed. Rows with fewer than 8 inside outputs, and other strides,
// go tap by tap in the driver.
#include "../drivers/s8_dwconv2d.h"
#include "s8_kernels.h"

namespace mote {
namespace neon {
namespace {

struct DwKernel {
  static constexpr bool kBanded = false;

  using Channel = ChannelRequant;

  static int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi,
                            int32_t inner, const Epilogue& e, const Channel& q, int64_t row_at) {
    if (g.sw != 1 || x_hi - x_lo < 8) return x_lo;
    const int32x4_t start = vdupq_n_s32(inner);
    // The last 8 of the run overlap the previous ones rather than go scalar (the overlapped
    // outputs are written twice, with the same values).
    for (int32_t ox = x_lo; ox < x_hi; ox += 8) {
      if (ox + 8 > x_hi) ox = x_hi - 8;
      int32x4_t lo = start, hi = start;
      const int8_t* r0 = top + ox;
      const int8_t* wt = w;
      for (int32_t u = 0; u < g.kh; ++u, r0 += int64_t(g.dh) * g.iw) {
        const int8_t* px = r0;
        for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
          const int16x8_t xv = vmovl_s8(vld1_s8(px));
          const int16_t wv = *wt++;
          lo = vmlal_n_s16(lo, vget_low_s16(xv), wv);
          hi = vmlal_n_s16(hi, vget_high_s16(xv), wv);
        }
      }
      if (e.mult) {
        store8(static_cast<int8_t*>(e.y) + row_at + ox, requantize4(lo, q.mult, q.shift, e.out_zp, e.lo, e.hi),
               requantize4(hi, q.mult, q.shift, e.out_zp, e.lo, e.hi));
      } else {
        vst1q_s32(static_cast<int32_t*>(e.y) + row_at + ox, lo);
        vst1q_s32(static_cast<int32_t*>(e.y) + row_at + ox + 4, hi);
      }
    }
    return x_hi;
  }
};

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_dwconv2d<DwKernel>(a, g, e, in_zp);
}

}  // namespace neon
}  // namespace mote

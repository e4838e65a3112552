// s8_conv2d_1x1__neon: QConv 1x1, stride 1, unpadded. In NCHW a pixel's channels are a plane
// apart, so 16 pixels at a time are transposed into a stack buffer of channel-contiguous columns
// (four channel rows interleaved by one VST4, then a word per pixel), and every column runs
// against every weight row (contiguous over the channels) as in the general kernel.

#include "s8_kernels.h"

namespace mote {
namespace neon {

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  constexpr int32_t kPix = 16;
  if (cg > kS8MaxTaps / kPix || mg > kS8MaxChannels) return Status::kUnsupportedOp;
  const int32_t stride = (cg + 3) & ~3;  // column stride: whole groups of 4 channels
  int8_t buf[kS8MaxTaps + 64] __attribute__((aligned(16)));
  int32_t start[kS8MaxChannels];
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t pixels = g.ih * g.iw;
  const int64_t plane = pixels;
  for (int32_t gi = 0; gi < g.group; ++gi) {
    const int8_t* w = wd + int64_t(gi) * mg * cg;
    s8_starts(cg, w, mg, gi * mg, in_zp, e, start);
    for (int32_t b = 0; b < g.n; ++b) {
      const int8_t* x = xd + (int64_t(b) * g.c + int64_t(gi) * cg) * plane;
      const int64_t out_base = int64_t(b) * g.m * plane;
      for (int32_t p = 0; p < pixels; p += kPix) {
        const int32_t np = pixels - p >= kPix ? kPix : pixels - p;
        if (np == kPix) {
          for (int32_t ci = 0; ci < cg; ci += 4) {
            int8x16x4_t v;
            const int8x16_t z = vdupq_n_s8(0);
            v.val[0] = vld1q_s8(x + int64_t(ci) * plane + p);
            v.val[1] = ci + 1 < cg ? vld1q_s8(x + int64_t(ci + 1) * plane + p) : z;
            v.val[2] = ci + 2 < cg ? vld1q_s8(x + int64_t(ci + 2) * plane + p) : z;
            v.val[3] = ci + 3 < cg ? vld1q_s8(x + int64_t(ci + 3) * plane + p) : z;
            int8_t block[64] __attribute__((aligned(16)));
            vst4q_s8(block, v);
            for (int32_t q = 0; q < kPix; ++q) __builtin_memcpy(buf + q * stride + ci, block + 4 * q, 4);
          }
        } else {
          for (int32_t ci = 0; ci < cg; ++ci) {
            for (int32_t q = 0; q < np; ++q) buf[q * stride + ci] = x[int64_t(ci) * plane + p + q];
          }
        }
        for (int32_t q = 0; q < np; q += 2) {
          const int8_t* cols[2] = {buf + q * stride, buf + (q + 1) * stride};
          s8_columns(cg, cols, np - q >= 2 ? 2 : 1, w, mg, gi * mg, start, e, out_base, plane, p + q);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace neon
}  // namespace mote

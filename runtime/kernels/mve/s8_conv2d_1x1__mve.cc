// s8_conv2d_1x1__mve: QConv 1x1, stride 1, unpadded. In NCHW a pixel's channels are a plane
// apart, so 16 pixels at a time are transposed into a stack buffer (16 channel-contiguous
// columns: four channels per VST4 interleave, whole vectors both ways), then every column runs
// against every weight row (contiguous over the channels) with VMLADAVA, 16 channels at a time.
#include "s8_kernels.h"

namespace mote {
namespace mve {

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  constexpr int32_t kPix = 16;
  if (cg > 2 * kS8MaxTaps / kPix || mg > kS8MaxChannels) return Status::kUnsupportedOp;
  const int32_t stride = (cg + 3) & ~3;  // column stride: whole groups of 4 channels
  int8_t buf[2 * kS8MaxTaps + 64] __attribute__((aligned(16)));
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
        const mve_pred16_t live = vctp8q(uint32_t(np));
        // Channels ci..ci+3 of 16 pixels -> pixel q's 4 bytes at q * 4 of a 64-byte block; the
        // blocks are then scattered a word per pixel into the columns.
        for (int32_t ci = 0; ci < cg; ci += 4) {
          int8x16x4_t v;
          v.val[0] = vldrbq_z_s8(x + int64_t(ci) * plane + p, live);
          v.val[1] = ci + 1 < cg ? vldrbq_z_s8(x + int64_t(ci + 1) * plane + p, live) : vdupq_n_s8(0);
          v.val[2] = ci + 2 < cg ? vldrbq_z_s8(x + int64_t(ci + 2) * plane + p, live) : vdupq_n_s8(0);
          v.val[3] = ci + 3 < cg ? vldrbq_z_s8(x + int64_t(ci + 3) * plane + p, live) : vdupq_n_s8(0);
          int8_t block[64] __attribute__((aligned(16)));
          vst4q_s8(block, v);
          const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), uint32_t(stride));
          const int32_t* words = reinterpret_cast<const int32_t*>(block);
          for (int32_t q = 0; q < kPix; q += 4) {
            vstrwq_scatter_offset_s32(reinterpret_cast<int32_t*>(buf + q * stride + ci), offsets, vldrwq_s32(words + q));
          }
        }
        for (int32_t q = 0; q < np; q += 4) {
          const int8_t* cols[4] = {buf + q * stride, buf + (q + 1) * stride, buf + (q + 2) * stride, buf + (q + 3) * stride};
          s8_columns(cg, cols, np - q >= 4 ? 4 : np - q, w, mg, gi * mg, start, e, out_base, plane, p + q);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mve
}  // namespace mote

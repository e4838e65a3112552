// s8_conv2d_1x1__mve: QConv 1x1, stride 1, unpadded (drivers/s8_conv2d.h). In NCHW a pixel's
// channels are a plane apart, so 16 pixels at a time are transposed into channel-contiguous
// columns (four channels per VST4 interleave, whole vectors both ways), which run against every
// weight row with VMLADAVA as in the general kernel (S8Kernel::columns).
#include "s8_kernels.h"

namespace mote {
namespace mve {

// Channels ci..ci+3 of 16 pixels -> pixel q's 4 bytes at q * 4 of a 64-byte block; the blocks
// are then scattered a word per pixel into the columns (all 16, live or not).
void S8Kernel::transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int8_t* buf,
                         int32_t stride) {
  const mve_pred16_t live = vctp8q(uint32_t(np));
  const uint32x4_t offsets = vmulq_n_u32(vidupq_n_u32(0, 1), uint32_t(stride));
  for (int32_t ci = 0; ci < cg; ci += 4) {
    int8x16x4_t v;
    v.val[0] = vldrbq_z_s8(x + int64_t(ci) * plane + p, live);
    v.val[1] = ci + 1 < cg ? vldrbq_z_s8(x + int64_t(ci + 1) * plane + p, live) : vdupq_n_s8(0);
    v.val[2] = ci + 2 < cg ? vldrbq_z_s8(x + int64_t(ci + 2) * plane + p, live) : vdupq_n_s8(0);
    v.val[3] = ci + 3 < cg ? vldrbq_z_s8(x + int64_t(ci + 3) * plane + p, live) : vdupq_n_s8(0);
    int8_t block[64] __attribute__((aligned(16)));
    vst4q_s8(block, v);
    const int32_t* words = reinterpret_cast<const int32_t*>(block);
    for (int32_t q = 0; q < 16; q += 4) {
      vstrwq_scatter_offset_s32(reinterpret_cast<int32_t*>(buf + q * stride + ci), offsets, vldrwq_s32(words + q));
    }
  }
}

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d_1x1<S8Kernel>(a, g, e, in_zp);
}

}  // namespace mve
}  // namespace mote

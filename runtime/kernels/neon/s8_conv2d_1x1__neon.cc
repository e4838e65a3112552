// s8_conv2d_1x1__neon: QConv 1x1, stride 1, unpadded (drivers/s8_conv2d.h). In NCHW a pixel's
// channels are a plane apart, so 16 pixels at a time are transposed into channel-contiguous
// columns (four channel rows interleaved by one VST4, then a word per pixel), which run against
// every weight row as in the general kernel (S8Kernel::columns).
#include "s8_kernels.h"

namespace mote {
namespace neon {

void S8Kernel::transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int8_t* buf,
                         int32_t stride) {
  if (np < kS8.pix) {
    for (int32_t ci = 0; ci < cg; ++ci) {
      for (int32_t q = 0; q < np; ++q) buf[q * stride + ci] = x[int64_t(ci) * plane + p + q];
    }
    return;
  }
  const int8x16_t z = vdupq_n_s8(0);
  for (int32_t ci = 0; ci < cg; ci += 4) {
    int8x16x4_t v;
    v.val[0] = vld1q_s8(x + int64_t(ci) * plane + p);
    v.val[1] = ci + 1 < cg ? vld1q_s8(x + int64_t(ci + 1) * plane + p) : z;
    v.val[2] = ci + 2 < cg ? vld1q_s8(x + int64_t(ci + 2) * plane + p) : z;
    v.val[3] = ci + 3 < cg ? vld1q_s8(x + int64_t(ci + 3) * plane + p) : z;
    int8_t block[64] __attribute__((aligned(16)));
    vst4q_s8(block, v);
    for (int32_t q = 0; q < 16; ++q) __builtin_memcpy(buf + q * stride + ci, block + 4 * q, 4);
  }
}

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d_1x1<S8Kernel>(a, g, e, in_zp);
}

}  // namespace neon
}  // namespace mote

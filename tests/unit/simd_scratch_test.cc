// The NEON, Helium and SIMD128 sets' scratch functions (runtime/kernels/<isa>/scratch.cc): what
// the plan holds for their kernels. Portable, so they run here whatever the host's set; the
// boards' kernel tests check that each kernel stays inside exactly this much (a canary after
// it). Here: ops left to the reference take none, a small layer takes little (the buffers are
// sized to the op, not to a fixed budget), and no layer is too large to be planned.
#include <gtest/gtest.h>

#include <initializer_list>
#include <vector>

#include "mote/kernel.h"

namespace {

using mote::OpArgs;
using mote::TensorView;

TensorView tensor(int32_t dtype, std::initializer_list<int32_t> dims) {
  TensorView v{nullptr, dtype, int32_t(dims.size()), {0}};
  int32_t k = 0;
  for (int32_t d : dims) v.dims[k++] = d;
  return v;
}

// The op's scratch per set (neon, mve, wasm_simd128), from its inputs and parameters as the
// planner sees them: shapes, no data.
struct Sizes {
  uint32_t neon, mve, wasm;
};

template <typename P>
Sizes sizes(int32_t code, const P& params, std::vector<TensorView> in) {
  char text[192];
  mote::Diag diag(text, sizeof text);
  TensorView out[1];
  OpArgs a{code, &params, uint32_t(sizeof(P)), in.data(), int32_t(in.size()), nullptr, 1, nullptr, 0, &diag};
  uint32_t reference = 0;
  EXPECT_EQ(mote::op_infer(a, out, &reference), mote::Status::kOk) << diag.text();
  a.out = out;
  return {mote::neon::scratch_bytes(a), mote::mve::scratch_bytes(a), mote::wasm_simd128::scratch_bytes(a)};
}

mote_conv_params conv2d(int32_t k, int32_t stride, int32_t pad, int32_t group) {
  mote_conv_params p{};
  p.spatial_rank = 2;
  p.group = group;
  for (int d = 0; d < 2; ++d) {
    p.kernel[d] = k, p.stride[d] = stride, p.dilation[d] = 1, p.pad_begin[d] = p.pad_end[d] = pad;
  }
  return p;
}

Sizes conv(int32_t c, int32_t hw, int32_t m, int32_t k, int32_t stride, int32_t pad, int32_t group) {
  return sizes(MOTE_OP_CONV, conv2d(k, stride, pad, group),
               {tensor(MOTE_F32, {1, c, hw, hw}), tensor(MOTE_F32, {m, c / group, k, k})});
}

Sizes qconv(int32_t c, int32_t hw, int32_t m, int32_t k, int32_t stride, int32_t pad, int32_t group) {
  mote_qconv_params p{};
  p.conv = conv2d(k, stride, pad, group);
  p.act_min = -128, p.act_max = 127;
  const TensorView none{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  return sizes(MOTE_OP_QCONV, p,
               {tensor(MOTE_I8, {1, c, hw, hw}), tensor(MOTE_I8, {m, c / group, k, k}), none,
                tensor(MOTE_I32, {1}), tensor(MOTE_I32, {1})});
}

TEST(SimdScratch, PointwiseFloatConvReadsInPlace) {
  const Sizes s = conv(32, 14, 64, 1, 1, 0, 1);
  EXPECT_EQ(s.neon, 0u);
  EXPECT_EQ(s.mve, 0u);
  EXPECT_EQ(s.wasm, 4u * 32u * 4u);  // its GEMM packs A's rows 4 at a time (196 columns: B in place)
}

TEST(SimdScratch, Im2colPanelIsSizedToTheLayer) {
  // 3 channels x 3x3 taps = 27 panel rows, 8x8 = 64 output positions: 27 x 64 floats.
  const Sizes s = conv(3, 8, 8, 3, 1, 1, 1);
  EXPECT_EQ(s.neon, 27u * 64u * 4u);
  EXPECT_EQ(s.mve, 27u * 64u * 4u);
  EXPECT_GE(s.wasm, 27u * 64u * 4u);
  // 4x4 output positions: a panel row of 16 floats, not 64.
  EXPECT_EQ(conv(3, 4, 8, 3, 1, 1, 1).mve, 27u * 16u * 4u);
  // A deep layer keeps to the set's panel budget.
  EXPECT_LE(conv(512, 14, 512, 3, 1, 1, 1).mve, 16u * 1024u + 64u);
}

TEST(SimdScratch, DepthwiseBandIsSizedToThePlane) {
  // 8x8 plane, 3x3 pad 1, stride 1: the whole plane in one band, 10 padded rows of 10 floats
  // (SIMD128: and its in-place path's zero row, 8 + 2 x 16 floats).
  const Sizes s = conv(16, 8, 16, 3, 1, 1, 16);
  EXPECT_EQ(s.neon, 10u * 10u * 4u);
  EXPECT_EQ(s.mve, 10u * 10u * 4u);
  EXPECT_EQ(s.wasm, 10u * 10u * 4u + (8u + 32u) * 4u);
  // A large plane keeps to the budget (Helium 8 KB, NEON 16 KB); a very wide row still runs,
  // one output row per band.
  EXPECT_LE(conv(16, 112, 16, 3, 1, 1, 16).mve, 8u * 1024u + 16u);
  EXPECT_GT(conv(2, 4000, 2, 3, 1, 1, 2).mve, 3u * 4000u * 4u);
  // Horizontal stride 3: NEON and Helium leave it to the reference, SIMD128 takes it.
  const Sizes s3 = conv(16, 12, 16, 3, 3, 1, 16);
  EXPECT_EQ(s3.neon, 0u);
  EXPECT_EQ(s3.mve, 0u);
  EXPECT_GT(s3.wasm, 0u);
}

TEST(SimdScratch, Int8ColumnsTakeAnyDepth) {
  // 512 channels x 3x3 = 4608 taps a column, 256 output channels (their starts): no limit.
  const Sizes s = qconv(512, 7, 256, 3, 1, 1, 1);
  EXPECT_EQ(s.neon, 2u * 4608u + 256u * 4u);      // 2 int8 columns
  EXPECT_EQ(s.mve, 4u * 4608u + 256u * 4u);       // 4 int8 columns
  EXPECT_EQ(s.wasm, 4u * 4608u * 2u + 256u * 4u);  // 4 int16 columns
  // 1x1: 16 pixels transposed at a time (NEON, Helium; 4 on SIMD128), 40 channels rounded up.
  const Sizes p = qconv(40, 7, 24, 1, 1, 0, 1);
  EXPECT_EQ(p.neon, 16u * 48u + 96u);
  EXPECT_EQ(p.mve, 16u * 48u + 96u);
  EXPECT_EQ(p.wasm, 4u * 40u * 2u + 96u);
  // Depthwise reads in place on NEON; Helium's 3x3 stride-1 band holds three padded rows, and
  // SIMD128's ring kh rows wide enough for 8 outputs and the window (16-byte multiples).
  const Sizes d = qconv(8, 10, 8, 3, 1, 1, 8);
  EXPECT_EQ(d.neon, 0u);
  EXPECT_EQ(d.wasm, 3u * 16u);
  EXPECT_EQ(d.mve, 3u * (16u + 16u));
}

TEST(SimdScratch, ReferenceOpsTakeNone) {
  mote_gemm_params g{};
  g.alpha = g.beta = 1.0f;
  g.trans_a = 1;
  const Sizes t = sizes(MOTE_OP_GEMM, g, {tensor(MOTE_F32, {16, 8}), tensor(MOTE_F32, {16, 12})});
  EXPECT_EQ(t.neon + t.mve + t.wasm, 0u);
  g.trans_a = 0;
  const Sizes nn = sizes(MOTE_OP_GEMM, g, {tensor(MOTE_F32, {8, 16}), tensor(MOTE_F32, {16, 12})});
  EXPECT_EQ(nn.neon + nn.mve, 0u);
  EXPECT_EQ(nn.wasm, 4u * 16u * 4u);  // 4 packed rows of A; 12 columns read in place

  mote_pool_params p{};
  p.spatial_rank = 2;
  for (int d = 0; d < 2; ++d) p.kernel[d] = 3, p.stride[d] = 2, p.dilation[d] = 1, p.pad_begin[d] = p.pad_end[d] = 1;
  const Sizes pool = sizes(MOTE_OP_MAX_POOL, p, {tensor(MOTE_F32, {1, 8, 16, 16})});
  EXPECT_EQ(pool.neon + pool.mve, 0u);
  EXPECT_GT(pool.wasm, 0u);  // SIMD128's MaxPool bands
}

}  // namespace

// The arm_dsp set's scratch (runtime/kernels/arm_dsp/scratch.cc, portable: every build has it),
// against sizes worked out by hand from how the kernels lay out their buffers: two packed int16
// columns of k taps rounded up to 4 for the 1x1 and general QConv (one for a one-pixel output),
// three padded rows for depthwise 3x3 at stride 1, one word per pair of A's taps for QMatMul.
// Long reductions get their scratch too: nothing is left to the reference for its size.
#include <gtest/gtest.h>

#include "mote/kernel.h"
#include "mote/scratch_ops.h"

namespace {

using mote::OpArgs;
using mote::TensorView;

TensorView shape(int32_t dtype, std::initializer_list<int32_t> dims) {
  TensorView v{nullptr, dtype, int32_t(dims.size()), {0}};
  int32_t k = 0;
  for (int32_t d : dims) v.dims[k++] = d;
  return v;
}

// The QConv of x [1, c, h, w] with m output channels, a square kernel, one stride and padding.
uint32_t qconv_scratch(int32_t c, int32_t h, int32_t w, int32_t m, int32_t k, int32_t stride, int32_t pad, int32_t group) {
  mote_qconv_params p{};
  p.conv.spatial_rank = 2;
  p.conv.group = group;
  for (int32_t d = 0; d < 2; ++d) {
    p.conv.kernel[d] = k, p.conv.stride[d] = stride, p.conv.dilation[d] = 1;
    p.conv.pad_begin[d] = pad, p.conv.pad_end[d] = pad;
  }
  p.act_min = -128, p.act_max = 127;
  const TensorView in[2] = {shape(MOTE_I8, {1, c, h, w}), shape(MOTE_I8, {m, c / group, k, k})};
  char text[192];
  mote::Diag diag(text, sizeof text);
  OpArgs a{MOTE_OP_QCONV, &p, sizeof p, in, 2, nullptr, 1, nullptr, 0, &diag};
  TensorView out{};
  uint32_t reference = 0;
  EXPECT_EQ(mote::op_infer(a, &out, &reference), mote::Status::kOk) << diag.text();
  a.out = &out;
  return mote::arm_dsp::scratch_bytes(a);
}

uint32_t qmatmul_scratch(std::initializer_list<int32_t> a_dims, std::initializer_list<int32_t> b_dims) {
  mote_qmatmul_params p{0, 0, -128, 127};
  const TensorView in[2] = {shape(MOTE_I8, a_dims), shape(MOTE_I8, b_dims)};
  char text[192];
  mote::Diag diag(text, sizeof text);
  OpArgs a{MOTE_OP_QMATMUL, &p, sizeof p, in, 2, nullptr, 1, nullptr, 0, &diag};
  TensorView out{};
  uint32_t reference = 0;
  EXPECT_EQ(mote::op_infer(a, &out, &reference), mote::Status::kOk) << diag.text();
  a.out = &out;
  return mote::arm_dsp::scratch_bytes(a);
}

TEST(ArmDspScratch, ConvolutionsHoldTwoPackedColumns) {
  EXPECT_EQ(qconv_scratch(8, 4, 4, 16, 3, 1, 1, 1), 2u * 72 * 2);  // the digits model's second conv: k = 72
  EXPECT_EQ(qconv_scratch(1, 8, 8, 8, 3, 1, 1, 1), 2u * 12 * 2);   // k = 9, rounded up to 12 taps
  EXPECT_EQ(qconv_scratch(512, 7, 7, 4, 3, 1, 1, 1), 2u * 4608 * 2);  // ResNet layer4: k = 4608
  EXPECT_EQ(qconv_scratch(6, 5, 5, 4, 3, 1, 0, 2), 2u * 28 * 2);   // grouped: k = 3 * 9 = 27 -> 28
  EXPECT_EQ(qconv_scratch(4, 3, 3, 4, 3, 1, 0, 1), 1u * 36 * 2);   // one output pixel: one column
}

TEST(ArmDspScratch, PointwiseColumnsSpanTheGroupsChannels) {
  EXPECT_EQ(qconv_scratch(32, 16, 16, 32, 1, 1, 0, 1), 2u * 32 * 2);
  EXPECT_EQ(qconv_scratch(4099, 3, 4, 9, 1, 1, 0, 1), 2u * 4100 * 2);  // past the old 2048-tap stack buffer
  EXPECT_EQ(qconv_scratch(4, 3, 3, 4, 1, 2, 0, 1), 2u * 4 * 2);        // strided 1x1: the general kernel, k = 4
}

TEST(ArmDspScratch, DepthwiseBandsOnlyAtThreeByThreeStrideOne) {
  // Three rows of ow + 2 columns plus one read past an odd row, rounded up to words; the band
  // as a whole rounded up to 16 bytes (the shared depthwise driver's scratch layout).
  EXPECT_EQ(qconv_scratch(32, 16, 16, 32, 3, 1, 1, 32), 64u);  // ow = 16: 19 -> 20, 3 x 20 -> 64
  EXPECT_EQ(qconv_scratch(5, 9, 7, 5, 3, 1, 0, 5), 32u);       // ow = 5: 8, 3 x 8 -> 32
  EXPECT_EQ(qconv_scratch(12, 2000, 1500, 12, 3, 1, 1, 12), 3u * 1504);  // wider than the old 1024-byte band
  EXPECT_EQ(qconv_scratch(32, 16, 16, 32, 3, 2, 1, 32), 0u);  // stride 2: direct sums, no band
  EXPECT_EQ(qconv_scratch(32, 16, 16, 32, 5, 1, 2, 32), 0u);
}

TEST(ArmDspScratch, QMatMulPacksOneRowOfA) {
  EXPECT_EQ(qmatmul_scratch({1, 64}, {64, 32}), 64u / 2 * 4);
  EXPECT_EQ(qmatmul_scratch({3, 6001}, {6001, 10}), 3000u * 4);   // past the old K limit of 4096
  EXPECT_EQ(qmatmul_scratch({2, 3, 5, 7}, {2, 3, 7, 4}), 3u * 4);  // batch by batch
  EXPECT_EQ(qmatmul_scratch({2, 5, 7}, {1, 7, 4}), 3u * 4);        // B's batch is 1: one shared B
  EXPECT_EQ(qmatmul_scratch({2, 5, 7}, {3, 2, 7, 4}), 0u);         // other broadcasts: the reference
}

TEST(ArmDspScratch, FloatOpsStayWithTheReference) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = 1;
  for (int32_t d = 0; d < 2; ++d) p.kernel[d] = 3, p.stride[d] = 1, p.dilation[d] = 1;
  const TensorView in[2] = {shape(MOTE_F32, {1, 8, 6, 6}), shape(MOTE_F32, {4, 8, 3, 3})};
  const TensorView out = shape(MOTE_F32, {1, 4, 4, 4});
  const OpArgs a{MOTE_OP_CONV, &p, sizeof p, in, 2, &out, 1, nullptr, 0, nullptr};
  EXPECT_EQ(mote::arm_dsp::scratch_bytes(a), 0u);
}

// The ops the set states it takes scratch for (mote/scratch_ops.h: arm_dsp::scratch_op), which a
// build for known models folds the verifier's scratch check on: every other op has none, by the
// scratch function's first test (it reads nothing of the op then, not even its shapes).
static_assert(mote::arm_dsp::scratch_op(MOTE_OP_QCONV) && mote::arm_dsp::scratch_op(MOTE_OP_QMATMUL),
              "the int8 convolutions and products take scratch");
static_assert(!mote::arm_dsp::scratch_op(MOTE_OP_CONV) && !mote::arm_dsp::scratch_op(MOTE_OP_GEMM),
              "float ops stay with the reference");

TEST(ArmDspScratch, OnlyTheStatedOpsTakeScratch) {
  for (int32_t code = 0; code < MOTE_OP_COUNT; ++code) {
    if (mote::arm_dsp::scratch_op(code)) continue;
    const OpArgs a{code, nullptr, 0, nullptr, 0, nullptr, 0, nullptr, 0, nullptr};
    EXPECT_EQ(mote::arm_dsp::scratch_bytes(a), 0u) << mote::op_name(code);
  }
}

}  // namespace

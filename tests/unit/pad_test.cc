// Pad with its constant value computed at run time (the op's second input, in X's dtype), and
// the record refusing a value of another dtype or size. The ONNX node tests (node/test_*pad*)
// run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

TEST(Pad, ConstantValueAtRunTime) {
  constexpr int32_t kF = onnx::TensorProto::FLOAT;
  mote_test::OneNode m("Pad", 13);
  m.input("x", kF, {1, 2})
      .initializer<int64_t>("pads", onnx::TensorProto::INT64, {4}, {0, 1, 0, 2})
      .input("value", kF, {})
      .output("y", kF, {1, 5});
  const mote::ConvertResult r = m.convert();
  for (float v : {0.0f, -3.5f, 7.0f}) {
    const auto outs = mote_test::run_blob(r.blob, {mote_test::raw(std::vector<float>{1, 2}), mote_test::raw(std::vector<float>{v})});
    ASSERT_EQ(outs.size(), 1u);
    EXPECT_EQ(mote_test::typed<float>(outs[0]), (std::vector<float>{v, 1, 2, v, v}));
  }
}

TEST(Pad, RunTimeValueMustBeOneElementOfTheInputsDtype) {
  mote_pad_params p{};
  p.mode = MOTE_PAD_CONSTANT;
  p.value = 9;
  p.begin[0] = 1;
  mote_test::Buf x = mote_test::make_t(MOTE_I32, {2}, std::vector<int32_t>{4, 5});
  mote_test::Buf v = mote_test::make_t(MOTE_I32, {1}, std::vector<int32_t>{-1});
  mote_test::Buf vf = mote_test::make_t(MOTE_F32, {1}, std::vector<float>{-1});
  mote_test::Buf v2 = mote_test::make_t(MOTE_I32, {2}, std::vector<int32_t>{-1, -2});
  std::vector<mote_test::Buf> out;
  ASSERT_EQ(mote_test::run_op(MOTE_OP_PAD, p, {&x, &v}, &out), mote::Status::kOk);
  EXPECT_EQ(mote_test::values<int32_t>(out[0]), (std::vector<int32_t>{-1, 4, 5}));
  ASSERT_EQ(mote_test::run_op(MOTE_OP_PAD, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(mote_test::values<int32_t>(out[0]), (std::vector<int32_t>{9, 4, 5}));
  EXPECT_EQ(mote_test::run_op(MOTE_OP_PAD, p, {&x, &vf}, &out), mote::Status::kBadParams);
  EXPECT_EQ(mote_test::run_op(MOTE_OP_PAD, p, {&x, &v2}, &out), mote::Status::kBadParams);
}

TEST(MaxPool, Uint8) {
  mote_pool_params p{};
  p.spatial_rank = 1;
  p.kernel[0] = 2, p.stride[0] = 2, p.dilation[0] = 1;
  mote_test::Buf x = mote_test::make_t(MOTE_U8, {1, 1, 4}, std::vector<uint8_t>{200, 7, 0, 255});
  std::vector<mote_test::Buf> out;
  ASSERT_EQ(mote_test::run_op(MOTE_OP_MAX_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(mote_test::values<uint8_t>(out[0]), (std::vector<uint8_t>{200, 255}));
  // AveragePool stays float32 / int8.
  EXPECT_EQ(mote_test::run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &out), mote::Status::kBadParams);
}

}  // namespace

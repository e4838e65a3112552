// Shrink: the unary kernel against hand-computed values (NaN included), the dtypes it refuses,
// and its lowering with ONNX's attribute defaults. The ONNX node tests (node/test_shrink_hard,
// node/test_shrink_soft) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

TEST(Shrink, KeepsWhatLiesBeyondLambdMovedByBias) {
  const std::vector<float> x = {-3.0f, -1.5f, -1.0f, 0.0f, 1.0f, 1.5f, 3.0f, NAN};
  Buf in = make_t<float>(MOTE_F32, {8}, x);
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SHRINK, mote_unary_params{1.5f, 0.5f, 0.0f}, {&in}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{-2.5f, 0, 0, 0, 0, 0, 2.5f, 0}));
  // Hard shrink (bias 0) keeps the values themselves.
  ASSERT_EQ(run_op(MOTE_OP_SHRINK, mote_unary_params{1.0f, 0.0f, 0.0f}, {&in}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{-3.0f, -1.5f, 0, 0, 0, 1.5f, 3.0f, 0}));
}

TEST(Shrink, TakesFloat32Only) {
  Buf in = make_t<int32_t>(MOTE_I32, {2}, {1, 2});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_SHRINK, mote_unary_params{0.5f, 0.0f, 0.0f}, {&in}, &out), mote::Status::kBadParams);
}

TEST(Shrink, LowersWithTheOnnxDefaults) {
  OneNode soft("Shrink", 9);
  soft.input("x", onnx::TensorProto::FLOAT, {5}).output("y", onnx::TensorProto::FLOAT, {5}).attr_float("bias", 0.25f);
  EXPECT_EQ(run_float(soft, {{-1.0f, -0.5f, 0.25f, 0.75f, 2.0f}}), (std::vector<float>{-0.75f, 0, 0, 0.5f, 1.75f}));
  OneNode hard("Shrink", 9);  // lambd 0.5, bias 0
  hard.input("x", onnx::TensorProto::FLOAT, {4}).output("y", onnx::TensorProto::FLOAT, {4});
  EXPECT_EQ(run_float(hard, {{-1.0f, -0.5f, 0.5f, 0.625f}}), (std::vector<float>{-1.0f, 0, 0, 0.625f}));
}

}  // namespace

// LRN: the reference kernel against hand-computed windows (odd and even sizes, clipped at the
// first and last channel), refused parameters, and the lowering's defaults. The ONNX node tests
// (node/test_lrn, node/test_lrn_default) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

// X [1, 3, 1, 2]: channel 0 = {1, 2}, channel 1 = {0, 1}, channel 2 = {2, -1}.
const std::vector<float> kX = {1, 2, 0, 1, 2, -1};

void expect_near(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6f) << "element " << k;
}

TEST(Lrn, DividesByTheChannelWindowsSumOfSquares) {
  Buf x = make_t<float>(MOTE_F32, {1, 3, 1, 2}, kX);
  std::vector<Buf> out;
  // size 3: channels c-1..c+1; alpha / size = 1, beta 1, bias 1: y = x / (1 + sum x^2).
  ASSERT_EQ(run_op(MOTE_OP_LRN, mote_lrn_params{3.0f, 1.0f, 1.0f, 3}, {&x}, &out), mote::Status::kOk);
  expect_near(values<float>(out[0]), {1.0f / 2, 2.0f / 6, 0.0f / 6, 1.0f / 7, 2.0f / 5, -1.0f / 3});
  // size 2: channels c..c+1 (ONNX: floor((size - 1) / 2) before, ceil after); beta 0.5.
  ASSERT_EQ(run_op(MOTE_OP_LRN, mote_lrn_params{2.0f, 0.5f, 1.0f, 2}, {&x}, &out), mote::Status::kOk);
  expect_near(values<float>(out[0]), {1.0f / std::sqrt(2.0f), 2.0f / std::sqrt(6.0f), 0.0f, 1.0f / std::sqrt(3.0f),
                                      2.0f / std::sqrt(5.0f), -1.0f / std::sqrt(2.0f)});
}

TEST(Lrn, RefusesASizeBelowOneAndIntegers) {
  Buf x = make_t<float>(MOTE_F32, {1, 3, 1, 2}, kX);
  Buf i = make_t<int32_t>(MOTE_I32, {1, 2}, {1, 2});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_LRN, mote_lrn_params{1e-4f, 0.75f, 1.0f, 0}, {&x}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_LRN, mote_lrn_params{1e-4f, 0.75f, 1.0f, 1}, {&i}, &out), mote::Status::kBadParams);
}

TEST(Lrn, LowersWithTheOnnxDefaults) {
  OneNode m("LRN", 13);
  m.input("x", onnx::TensorProto::FLOAT, {1, 3, 1, 2}).output("y", onnx::TensorProto::FLOAT, {1, 3, 1, 2});
  m.attr("size", 1);  // alpha 1e-4, beta 0.75, bias 1: y = x / (1 + 1e-4 x^2)^0.75
  std::vector<float> want;
  for (float v : kX) want.push_back(v / std::pow(1.0f + 1e-4f * v * v, 0.75f));
  expect_near(run_float(m, {kX}), want);
  OneNode no_size("LRN", 13);
  no_size.input("x", onnx::TensorProto::FLOAT, {1, 3, 1, 2}).output("y", onnx::TensorProto::FLOAT, {1, 3, 1, 2});
  EXPECT_NE(convert_error_text(no_size), "");
}

}  // namespace

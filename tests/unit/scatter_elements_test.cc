// ScatterElements (and Scatter, its opset 9-10 form): the reference kernel on ONNX's examples,
// negative and duplicate indices under each reduction, integer wrap-around, indices out of range
// failing at run time, the refusals of infer, and the lowering of both op types. The ONNX node
// tests (node/test_scatter_elements_*, node/test_scatter_with*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote::Status;
using mote_test::Buf;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

mote_gather_scatter_params on_axis(int32_t axis, int32_t reduction = MOTE_SCATTER_NONE) {
  return mote_gather_scatter_params{axis, 0, reduction};
}

TEST(ScatterElements, OnEitherAxis) {
  Buf zeros = make_t<float>(MOTE_F32, {3, 3}, std::vector<float>(9, 0.0f));
  Buf idx = make_t<int64_t>(MOTE_I64, {2, 3}, {1, 0, 2, 0, 2, 1});
  Buf up = make_t<float>(MOTE_F32, {2, 3}, {1.0f, 1.1f, 1.2f, 2.0f, 2.1f, 2.2f});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&zeros, &idx, &up}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{2.0f, 1.1f, 0, 1.0f, 0, 2.2f, 0, 2.1f, 1.2f}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(-1), {&zeros, &idx, &up}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1.1f, 1.0f, 1.2f, 2.0f, 2.2f, 2.1f, 0, 0, 0}));
}

TEST(ScatterElements, NegativeAndDuplicateIndicesUnderEachReduction) {
  Buf x = make_t<float>(MOTE_F32, {1, 5}, {1, 2, 3, 4, 5});
  Buf neg = make_t<int32_t>(MOTE_I32, {1, 2}, {1, -3});
  Buf dup = make_t<int64_t>(MOTE_I64, {1, 3}, {1, -4, 3});
  Buf up2 = make_t<float>(MOTE_F32, {1, 2}, {1.5f, 2.5f});
  Buf up3 = make_t<float>(MOTE_F32, {1, 3}, {3, -1, 0.5f});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1), {&x, &neg, &up2}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 1.5f, 2.5f, 4, 5}));
  // Positions 1, 1 (as -4), 3: applied in order.
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1), {&x, &dup, &up3}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, -1, 3, 0.5f, 5}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1, MOTE_SCATTER_ADD), {&x, &dup, &up3}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 4, 3, 4.5f, 5}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1, MOTE_SCATTER_MUL), {&x, &dup, &up3}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, -6, 3, 2, 5}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1, MOTE_SCATTER_MAX), {&x, &dup, &up3}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 3, 3, 4, 5}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1, MOTE_SCATTER_MIN), {&x, &dup, &up3}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, -1, 3, 0.5f, 5}));
}

TEST(ScatterElements, IntegersWrapAndAnyDtypeMovesWithoutAReduction) {
  const int32_t big = std::numeric_limits<int32_t>::max();
  Buf x = make_t<int32_t>(MOTE_I32, {2}, {big, 7});
  Buf idx = make_t<int64_t>(MOTE_I64, {1}, {0});
  Buf one = make_t<int32_t>(MOTE_I32, {1}, {1});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0, MOTE_SCATTER_ADD), {&x, &idx, &one}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{std::numeric_limits<int32_t>::min(), 7}));
  Buf b = make_t<uint8_t>(MOTE_BOOL, {3}, {0, 0, 0});
  Buf t = make_t<uint8_t>(MOTE_BOOL, {1}, {1});
  Buf last = make_t<int64_t>(MOTE_I64, {1}, {-1});
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&b, &last, &t}, &out), Status::kOk);
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{0, 0, 1}));
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0, MOTE_SCATTER_ADD), {&b, &last, &t}, &out), Status::kBadParams);
}

TEST(ScatterElements, OutOfRangeIndexFailsAtRunTime) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  Buf hi = make_t<int64_t>(MOTE_I64, {1, 2}, {0, 2});
  Buf lo = make_t<int32_t>(MOTE_I32, {1, 1}, {-3});
  Buf up = make_t<float>(MOTE_F32, {1, 2}, {9, 9});
  Buf up1 = make_t<float>(MOTE_F32, {1, 1}, {9});
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &hi, &up}, &out, 1, err), Status::kRuntime);
  EXPECT_NE(std::string(err).find("index 2"), std::string::npos) << err;
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(1), {&x, &lo, &up1}, &out), Status::kRuntime);
}

TEST(ScatterElements, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  Buf idx = make_t<int64_t>(MOTE_I64, {1, 2}, {0, 1});
  Buf wide = make_t<int64_t>(MOTE_I64, {1, 3}, {0, 1, 0});
  Buf flat = make_t<int64_t>(MOTE_I64, {2}, {0, 1});
  Buf up = make_t<float>(MOTE_F32, {1, 2}, {9, 9});
  Buf up_t = make_t<float>(MOTE_F32, {2, 1}, {9, 9});
  Buf up_i = make_t<int32_t>(MOTE_I32, {1, 2}, {9, 9});
  Buf up3 = make_t<float>(MOTE_F32, {1, 3}, {9, 9, 9});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &idx, &up_t}, &out), Status::kBadParams);  // updates shape
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &idx, &up_i}, &out), Status::kBadParams);  // updates dtype
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &flat, &up}, &out), Status::kBadParams);   // indices rank
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &wide, &up3}, &out), Status::kBadParams);  // 3 > 2 off the axis
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(2), {&x, &idx, &up}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0, 5), {&x, &idx, &up}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ELEMENTS, on_axis(0), {&x, &idx}, &out), Status::kBadParams);
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

TEST(ScatterElements, LowersWithAReduction) {
  OneNode m("ScatterElements", 16);
  m.input("data", onnx::TensorProto::FLOAT, {1, 5}).input("indices", onnx::TensorProto::INT64, {1, 2});
  m.input("updates", onnx::TensorProto::FLOAT, {1, 2});
  m.attr("axis", 1).attr("reduction", "add").output("y", onnx::TensorProto::FLOAT, {1, 5});
  const mote::ConvertResult r = m.convert();
  EXPECT_EQ(r.op_count, 1u);
  const std::vector<uint8_t> data = raw<float>({1, 2, 3, 4, 5}), updates = raw<float>({1, 2});
  const auto outs = run_blob(r.blob, {data, raw<int64_t>({4, 4}), updates});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{1, 2, 3, 4, 8}));
  Status st = Status::kOk;
  EXPECT_TRUE(run_blob(r.blob, {data, raw<int64_t>({5, 0}), updates}, &st).empty());
  EXPECT_EQ(st, Status::kRuntime);
}

TEST(ScatterElements, ScatterOfOpset10LowersToIt) {
  OneNode m("Scatter", 10);
  m.input("data", onnx::TensorProto::FLOAT, {3, 3});
  m.initializer<int64_t>("indices", onnx::TensorProto::INT64, {1, 3}, {2, 0, 1});
  m.input("updates", onnx::TensorProto::FLOAT, {1, 3});
  m.output("y", onnx::TensorProto::FLOAT, {3, 3});
  const auto outs = run_blob(m.convert().blob, {raw<float>(std::vector<float>(9, 0.0f)), raw<float>({1, 2, 3})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{0, 2, 0, 0, 0, 3, 1, 0, 0}));
}

}  // namespace

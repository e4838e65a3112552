// OneHot: the reference kernel on every index dtype (negative indices, out-of-range ones giving
// an all-off row, float indices truncated, NaN), the new axis at each place, the refusals of
// infer, and the lowering (depth a constant of either type, axis defaults to -1). The ONNX node
// tests (node/test_onehot_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote::Status;
using mote_test::Buf;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

TEST(OneHot, Int64IndicesNegativeAndOutOfRange) {
  Buf idx = make_t<int64_t>(MOTE_I64, {5}, {0, 2, -1, 3, -4});
  Buf v = make_t<float>(MOTE_F32, {2}, {-1.0f, 5.0f});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, -1}, {&idx, &v}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 2);
  EXPECT_EQ(out[0].view.dims[0], 5);
  EXPECT_EQ(out[0].view.dims[1], 3);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{5, -1, -1, -1, -1, 5, -1, -1, 5, -1, -1, -1, -1, -1, -1}));
}

TEST(OneHot, NewAxisFirstOrInTheMiddle) {
  Buf idx = make_t<int32_t>(MOTE_I32, {2, 2}, {1, 0, 2, 1});
  Buf v = make_t<int32_t>(MOTE_I32, {2}, {0, 7});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 0}, {&idx, &v}, &out), Status::kOk);  // [3, 2, 2]
  EXPECT_EQ(out[0].view.dims[0], 3);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{0, 7, 0, 0, 7, 0, 0, 7, 0, 0, 7, 0}));
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 1}, {&idx, &v}, &out), Status::kOk);  // [2, 3, 2]
  EXPECT_EQ(out[0].view.dims[1], 3);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{0, 7, 7, 0, 0, 0, 0, 0, 0, 7, 7, 0}));
}

TEST(OneHot, FloatAndByteIndicesAnyOutputDtype) {
  const float nan = std::nanf("");
  Buf f = make_t<float>(MOTE_F32, {6}, {1.9f, -0.5f, -2.7f, nan, 1e30f, -3.5f});
  Buf v = make_t<uint8_t>(MOTE_BOOL, {2}, {0, 1});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 1}, {&f, &v}, &out), Status::kOk);
  // 1.9 -> 1; -0.5 -> 0; -2.7 -> -2 -> 1; NaN, 1e30 -> off; -3.5 -> -3 -> 0.
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{0, 1, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0}));
  Buf u = make_t<uint8_t>(MOTE_U8, {2}, {255, 1});
  Buf w = make_t<int64_t>(MOTE_I64, {2}, {-9, 9});
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{2, -1}, {&u, &w}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{-9, -9, -9, 9}));
  Buf s = make_t<int8_t>(MOTE_I8, {}, {-1});
  ASSERT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{4, 0}, {&s, &w}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{-9, -9, -9, 9}));
}

TEST(OneHot, Rejects) {
  Buf idx = make_t<int64_t>(MOTE_I64, {2}, {0, 1});
  Buf v = make_t<float>(MOTE_F32, {2}, {0, 1});
  Buf v3 = make_t<float>(MOTE_F32, {3}, {0, 1, 2});
  Buf b = make_t<uint8_t>(MOTE_BOOL, {2}, {0, 1});
  Buf deep = make_t<int64_t>(MOTE_I64, {1, 1, 1, 1, 1, 1, 1, 1}, {0});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{0, -1}, {&idx, &v}, &out), Status::kBadParams);  // depth
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 2}, {&idx, &v}, &out), Status::kBadParams);   // axis
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, -3}, {&idx, &v}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 0}, {&idx, &v3}, &out), Status::kBadParams);  // values
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 0}, {&b, &v}, &out), Status::kBadParams);     // bool indices
  EXPECT_EQ(run_op(MOTE_OP_ONE_HOT, mote_onehot_params{3, 0}, {&deep, &v}, &out), Status::kBadParams);  // rank 9
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

TEST(OneHot, LowersWithAConstantDepth) {
  OneNode m("OneHot", 11);
  m.input("indices", onnx::TensorProto::INT64, {3});
  m.initializer<float>("depth", onnx::TensorProto::FLOAT, {}, {4.0f});
  m.input("values", onnx::TensorProto::FLOAT, {2});
  m.output("y", onnx::TensorProto::FLOAT, {3, 4});
  const auto outs = run_blob(m.convert().blob, {raw<int64_t>({3, -3, 4}), raw<float>({0.5f, 2.0f})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{0.5f, 0.5f, 0.5f, 2, 0.5f, 2, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f, 0.5f}));

  OneNode a("OneHot", 11);
  a.input("indices", onnx::TensorProto::INT32, {2});
  a.initializer<int32_t>("depth", onnx::TensorProto::INT32, {1}, {2});
  a.initializer<int64_t>("values", onnx::TensorProto::INT64, {2}, {0, 1});
  a.attr("axis", 0).output("y", onnx::TensorProto::INT64, {2, 2});
  const auto o = run_blob(a.convert().blob, {raw<int32_t>({1, 1})});
  ASSERT_EQ(o.size(), 1u);
  EXPECT_EQ(typed<int64_t>(o[0]), (std::vector<int64_t>{0, 0, 1, 1}));
}

TEST(OneHot, DepthFromAGraphInputMustBeSet) {
  OneNode m("OneHot", 11);
  m.input("indices", onnx::TensorProto::INT64, {2});
  m.input("depth", onnx::TensorProto::INT64, {});
  m.initializer<float>("values", onnx::TensorProto::FLOAT, {2}, {0, 1});
  m.output("y", onnx::TensorProto::FLOAT, {2, 3});
  try {
    m.convert();
    FAIL() << "converted with a run-time depth";
  } catch (const mote::NeedsConstantInput& e) {
    EXPECT_EQ(e.input, "depth");
  }
}

}  // namespace

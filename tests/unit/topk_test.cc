// TopK: the reference kernel against hand-ranked slices (ties, NaN, each dtype, k = 0 and k =
// the whole axis), the refusals of infer, and the lowering of k as an attribute (opset 1), an
// initializer and a graph input that must be fixed. The ONNX node tests (node/test_top_k*) run
// in the conformance suite.
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

TEST(TopK, LargestAlongTheLastAxisTiesByLowerIndex) {
  Buf x = make_t<float>(MOTE_F32, {2, 5}, {3, 1, 4, 1, 5, 2, 7, 7, 0, 7});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, 3, 1, 1}, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 2);
  EXPECT_EQ(out[0].view.dims[1], 3);
  EXPECT_EQ(out[1].view.dtype, MOTE_I64);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{5, 4, 3, 7, 7, 7}));
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{4, 2, 0, 1, 2, 4}));
  // Smallest: the two 1s of the first row in index order.
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{-1, 2, 0, 1}, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 1, 0, 2}));
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{1, 3, 3, 0}));
}

TEST(TopK, AlongAnInnerAxisWholeAxisAndNothing) {
  // [2, 3, 2]: TopK along axis 1 of every (outer, inner) slice.
  Buf x = make_t<int64_t>(MOTE_I64, {2, 3, 2}, {1, 6, 3, 5, 2, 4, -1, 0, -3, 0, -2, 9});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, 3, 1, 0}, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{3, 6, 2, 5, 1, 4, -1, 9, -2, 0, -3, 0}));
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{1, 0, 2, 1, 0, 2, 0, 2, 2, 0, 1, 1}));
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{0, 0, 1, 1}, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(out[0].view.dims[0], 0);
  EXPECT_EQ(out[1].view.numel(), 0);
  Buf y = make_t<int32_t>(MOTE_I32, {4}, {-5, 100, 7, 100});
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{0, 1, 1, 1}, {&y}, &out, 2), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{100}));
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{1}));
}

TEST(TopK, NaNRanksAboveEveryNumber) {
  const float nan = std::nanf("");
  Buf x = make_t<float>(MOTE_F32, {4}, {1, nan, INFINITY, -INFINITY});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{0, 2, 1, 1}, {&x}, &out, 2), Status::kOk);
  EXPECT_TRUE(std::isnan(values<float>(out[0])[0]));
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{1, 2}));
  ASSERT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{0, 4, 0, 1}, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[1]), (std::vector<int64_t>{3, 0, 2, 1}));
}

TEST(TopK, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  Buf b = make_t<uint8_t>(MOTE_BOOL, {2}, {0, 1});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, 4, 1, 1}, {&x}, &out, 2), Status::kBadParams);  // k > axis
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, -1, 1, 1}, {&x}, &out, 2), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{2, 1, 1, 1}, {&x}, &out, 2), Status::kBadParams);  // axis
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, 1, 2, 1}, {&x}, &out, 2), Status::kBadParams);  // largest
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{0, 1, 1, 1}, {&b}, &out, 2), Status::kBadParams);  // dtype
  EXPECT_EQ(run_op(MOTE_OP_TOP_K, mote_topk_params{1, 1, 1, 1}, {&x}, &out, 1), Status::kBadParams);  // one output
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

OneNode topk_model(int64_t opset) {
  OneNode m("TopK", opset);
  m.input("x", onnx::TensorProto::FLOAT, {2, 4});
  return m;
}

void expect_top2(const mote::ConvertResult& r) {
  const auto outs = run_blob(r.blob, {raw<float>({4, 9, 1, 9, 0, -1, 8, 2})});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{9, 9, 8, 2}));
  EXPECT_EQ(typed<int64_t>(outs[1]), (std::vector<int64_t>{1, 3, 2, 3}));
}

TEST(TopK, LowersKFromAnAttributeOrAConstant) {
  OneNode v1 = topk_model(1);
  v1.attr("k", 2).output("values", onnx::TensorProto::FLOAT, {2, 2}).output("indices", onnx::TensorProto::INT64, {2, 2});
  const mote::ConvertResult r1 = v1.convert();
  EXPECT_EQ(r1.op_count, 1u);
  expect_top2(r1);
  OneNode v11 = topk_model(11);
  v11.initializer<int64_t>("k", onnx::TensorProto::INT64, {1}, {2});
  v11.attr("axis", 1).output("values", onnx::TensorProto::FLOAT, {2, 2}).output("indices", onnx::TensorProto::INT64, {2, 2});
  expect_top2(v11.convert());
}

TEST(TopK, KFromAGraphInputMustBeSet) {
  OneNode m = topk_model(11);
  m.input("k", onnx::TensorProto::INT64, {1});
  m.attr("largest", 0).output("values", onnx::TensorProto::FLOAT, {2, 1}).output("indices", onnx::TensorProto::INT64, {2, 1});
  try {
    m.convert();
    FAIL() << "converted with a run-time k";
  } catch (const mote::NeedsConstantInput& e) {
    EXPECT_EQ(e.input, "k");
  }
  mote::ConvertOptions set_k;
  set_k.sets["k"] = "1";
  const auto outs = run_blob(m.convert(set_k).blob, {raw<float>({4, 9, 1, 9, 0, -1, 8, 2})});
  ASSERT_EQ(outs.size(), 2u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{1, -1}));
  EXPECT_EQ(typed<int64_t>(outs[1]), (std::vector<int64_t>{2, 1}));
}

}  // namespace

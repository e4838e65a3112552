// ScatterND: the reference kernel on ONNX's examples (single elements, whole slices), duplicate
// and negative index tuples under each reduction, indices out of range failing at run time, the
// refusals of infer, and the lowering. The ONNX node tests (node/test_scatternd*) run in the
// conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
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

mote_gather_scatter_params reduce(int32_t reduction) { return mote_gather_scatter_params{0, 0, reduction}; }

TEST(ScatterND, ElementsAndSlices) {
  Buf x = make_t<float>(MOTE_F32, {8}, {1, 2, 3, 4, 5, 6, 7, 8});
  Buf idx = make_t<int64_t>(MOTE_I64, {4, 1}, {4, 3, 1, 7});
  Buf up = make_t<float>(MOTE_F32, {4}, {9, 10, 11, 12});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&x, &idx, &up}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 11, 3, 10, 9, 6, 7, 12}));

  Buf m = make_t<int32_t>(MOTE_I32, {3, 2}, {1, 2, 3, 4, 5, 6});
  Buf rows = make_t<int32_t>(MOTE_I32, {1, 1}, {-1});
  Buf row = make_t<int32_t>(MOTE_I32, {1, 2}, {7, 8});
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &rows, &row}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 2, 3, 4, 7, 8}));
  Buf cells = make_t<int64_t>(MOTE_I64, {2, 2}, {0, 1, -3, -1});  // (0, 1) twice
  Buf two = make_t<int32_t>(MOTE_I32, {2}, {10, 100});
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_ADD), {&m, &cells, &two}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 112, 3, 4, 5, 6}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_MUL), {&m, &cells, &two}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 2000, 3, 4, 5, 6}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &cells, &two}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 100, 3, 4, 5, 6}));
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_MIN), {&m, &cells, &two}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 2, 3, 4, 5, 6}));
}

TEST(ScatterND, SlicesOfARank3Tensor) {
  // ONNX's example: data [4, 4, 4], indices [[0], [2]], updates [2, 4, 4].
  std::vector<float> data(64), updates(32);
  for (int i = 0; i < 64; ++i) data[size_t(i)] = float(i);
  for (int i = 0; i < 32; ++i) updates[size_t(i)] = float(-1 - i);
  Buf x = make_t<float>(MOTE_F32, {4, 4, 4}, data);
  Buf idx = make_t<int64_t>(MOTE_I64, {2, 1}, {0, 2});
  Buf up = make_t<float>(MOTE_F32, {2, 4, 4}, updates);
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&x, &idx, &up}, &out), Status::kOk);
  const std::vector<float> y = values<float>(out[0]);
  for (int i = 0; i < 64; ++i) {
    const int block = i / 16;
    const float want = block == 0 ? float(-1 - i) : block == 2 ? float(-1 - (i - 16)) : float(i);
    EXPECT_EQ(y[size_t(i)], want) << "at " << i;
  }
}

TEST(ScatterND, OutOfRangeIndexFailsAtRunTime) {
  Buf m = make_t<float>(MOTE_F32, {2, 3}, {0, 1, 2, 3, 4, 5});
  Buf hi = make_t<int64_t>(MOTE_I64, {1, 2}, {1, 3});
  Buf lo = make_t<int64_t>(MOTE_I64, {1, 2}, {-3, 0});
  Buf up = make_t<float>(MOTE_F32, {1}, {9});
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &hi, &up}, &out, 1, err), Status::kRuntime);
  EXPECT_NE(std::string(err).find("index 3"), std::string::npos) << err;
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_ADD), {&m, &lo, &up}, &out), Status::kRuntime);
}

TEST(ScatterND, Rejects) {
  Buf m = make_t<float>(MOTE_F32, {2, 3}, {0, 1, 2, 3, 4, 5});
  Buf idx = make_t<int64_t>(MOTE_I64, {1, 1}, {0});
  Buf long_tuple = make_t<int64_t>(MOTE_I64, {1, 3}, {0, 0, 0});
  Buf scalar = make_t<int64_t>(MOTE_I64, {}, {0});
  Buf row = make_t<float>(MOTE_F32, {1, 3}, {9, 9, 9});
  Buf short_row = make_t<float>(MOTE_F32, {1, 2}, {9, 9});
  Buf one = make_t<float>(MOTE_F32, {1}, {9});
  Buf b = make_t<uint8_t>(MOTE_BOOL, {2, 3}, {0, 0, 0, 0, 0, 0});
  Buf brow = make_t<uint8_t>(MOTE_BOOL, {1, 3}, {1, 1, 1});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &idx, &short_row}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &long_tuple, &one}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&m, &scalar, &row}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_MUL), {&b, &idx, &brow}, &out), Status::kBadParams);
  ASSERT_EQ(run_op(MOTE_OP_SCATTER_ND, reduce(MOTE_SCATTER_NONE), {&b, &idx, &brow}, &out), Status::kOk);
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{1, 1, 1, 0, 0, 0}));
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

TEST(ScatterND, LowersWithAReduction) {
  OneNode m("ScatterND", 16);
  m.input("data", onnx::TensorProto::FLOAT, {2, 2}).input("indices", onnx::TensorProto::INT64, {2, 1});
  m.input("updates", onnx::TensorProto::FLOAT, {2, 2});
  m.attr("reduction", "mul").output("y", onnx::TensorProto::FLOAT, {2, 2});
  const mote::ConvertResult r = m.convert();
  EXPECT_EQ(r.op_count, 1u);
  const std::vector<uint8_t> data = raw<float>({1, 2, 3, 4}), updates = raw<float>({2, 3, 5, 7});
  const auto outs = run_blob(r.blob, {data, raw<int64_t>({1, 1}), updates});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{1, 2, 30, 84}));
  Status st = Status::kOk;
  EXPECT_TRUE(run_blob(r.blob, {data, raw<int64_t>({0, -3}), updates}, &st).empty());
  EXPECT_EQ(st, Status::kRuntime);
}

}  // namespace

// GatherND: the reference kernel on ONNX's examples (whole rows, single elements, batch_dims),
// negative indices, int8 data, indices out of range failing at run time, the refusals of infer,
// and the lowering with indices computed at run time. The ONNX node tests (node/test_gathernd_*)
// run in the conformance suite.
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

mote_gather_scatter_params batch(int32_t b) { return mote_gather_scatter_params{0, b, MOTE_SCATTER_NONE}; }

TEST(GatherND, ElementsRowsAndBatches) {
  Buf m = make_t<int32_t>(MOTE_I32, {2, 2}, {0, 1, 2, 3});
  Buf pairs = make_t<int64_t>(MOTE_I64, {2, 2}, {0, 0, 1, 1});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&m, &pairs}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 1);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{0, 3}));
  Buf rows = make_t<int32_t>(MOTE_I32, {2, 1}, {1, -2});
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&m, &rows}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{2, 3, 0, 1}));

  Buf c = make_t<float>(MOTE_F32, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  Buf nested = make_t<int64_t>(MOTE_I64, {2, 1, 2}, {0, 1, 1, 0});
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&c, &nested}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 3);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{2, 3, 4, 5}));
  Buf per_batch = make_t<int64_t>(MOTE_I64, {2, 1}, {1, 0});
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(1), {&c, &per_batch}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 2);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{2, 3, 4, 5}));
  Buf per_batch_elem = make_t<int64_t>(MOTE_I64, {2, 2}, {1, 1, -1, 0});
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(1), {&c, &per_batch_elem}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{3, 6}));
}

TEST(GatherND, Int8DataMovesUnchanged) {
  Buf q = make_t<int8_t>(MOTE_I8, {3, 2}, {-128, 127, 5, -5, 0, 1});
  Buf idx = make_t<int64_t>(MOTE_I64, {1, 1}, {2});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&q, &idx}, &out), Status::kOk);
  EXPECT_EQ(values<int8_t>(out[0]), (std::vector<int8_t>{0, 1}));
}

TEST(GatherND, OutOfRangeIndexFailsAtRunTime) {
  Buf m = make_t<float>(MOTE_F32, {2, 3}, {0, 1, 2, 3, 4, 5});
  Buf hi = make_t<int64_t>(MOTE_I64, {1, 2}, {1, 3});  // 3 on the axis of 3
  Buf lo = make_t<int32_t>(MOTE_I32, {1, 2}, {-3, 0});  // -3 on the axis of 2
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&m, &hi}, &out, 1, err), Status::kRuntime);
  EXPECT_NE(std::string(err).find("index 3"), std::string::npos) << err;
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&m, &lo}, &out), Status::kRuntime);
}

TEST(GatherND, Rejects) {
  Buf c = make_t<float>(MOTE_F32, {2, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7});
  Buf f = make_t<float>(MOTE_F32, {1, 1}, {0});
  Buf long_tuple = make_t<int64_t>(MOTE_I64, {1, 4}, {0, 0, 0, 0});
  Buf three = make_t<int64_t>(MOTE_I64, {3, 1}, {0, 0, 0});
  Buf flat = make_t<int64_t>(MOTE_I64, {2}, {0, 0});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&c, &f}, &out), Status::kBadParams);           // float indices
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(0), {&c, &long_tuple}, &out), Status::kBadParams);  // 4 > rank 3
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(1), {&c, &three}, &out), Status::kBadParams);       // batch 3 != 2
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(1), {&c, &flat}, &out), Status::kBadParams);        // b >= rank of indices
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ND, batch(-1), {&c, &three}, &out), Status::kBadParams);
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

TEST(GatherND, LowersWithRunTimeIndices) {
  OneNode m("GatherND", 13);
  m.input("data", onnx::TensorProto::FLOAT, {2, 2, 2}).input("indices", onnx::TensorProto::INT64, {2, 1});
  m.attr("batch_dims", 1).output("y", onnx::TensorProto::FLOAT, {2, 2});
  const mote::ConvertResult r = m.convert();
  EXPECT_EQ(r.op_count, 1u);
  const std::vector<uint8_t> data = raw<float>({0, 1, 2, 3, 4, 5, 6, 7});
  const auto outs = run_blob(r.blob, {data, raw<int64_t>({0, 1})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{0, 1, 6, 7}));
  Status st = Status::kOk;
  EXPECT_TRUE(run_blob(r.blob, {data, raw<int64_t>({0, 2})}, &st).empty());
  EXPECT_EQ(st, Status::kRuntime);
}

TEST(GatherND, ConstantIndicesLowerToo) {
  OneNode m("GatherND", 13);
  m.input("data", onnx::TensorProto::INT64, {3});
  m.initializer<int64_t>("indices", onnx::TensorProto::INT64, {2, 1}, {2, 0});
  m.output("y", onnx::TensorProto::INT64, {2});
  const auto outs = run_blob(m.convert().blob, {raw<int64_t>({10, 20, 30})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<int64_t>(outs[0]), (std::vector<int64_t>{30, 10}));
}

}  // namespace

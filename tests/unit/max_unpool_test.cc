// MaxPool with its Indices output and MaxUnpool: lowered one-node models against hand-computed
// results, and MaxUnpool's run-time index check. The ONNX node tests
// (node/test_maxpool_with_argmax_*, node/test_maxunpool_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "tests/unit/one_node_model.h"

namespace {

using mote_test::OneNode;

constexpr int32_t kF = onnx::TensorProto::FLOAT;
constexpr int32_t kI64 = onnx::TensorProto::INT64;

// The one-node model `bytes` with INTS attributes added to its node.
std::string with_ints(const std::string& bytes, const std::vector<std::pair<const char*, std::vector<int64_t>>>& attrs) {
  onnx::ModelProto model;
  EXPECT_TRUE(model.ParseFromString(bytes));
  for (const auto& [name, values] : attrs) {
    auto* a = model.mutable_graph()->mutable_node(0)->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INTS);
    for (int64_t v : values) a->add_ints(v);
  }
  return model.SerializeAsString();
}


TEST(MaxPoolIndices, RowAndColumnMajorIndices) {
  for (int64_t order : {0, 1}) {
    OneNode m("MaxPool", 12);
    m.input("x", kF, {1, 1, 2, 3}).output("y", kF, {1, 1, 1, 2}).output("i", kI64, {1, 1, 1, 2}).attr("storage_order", order);
    // kernel [2, 2], stride 1: windows over columns 0-1 and 1-2.
    const mote::ConvertResult r = mote::convert_bytes(with_ints(m.bytes(), {{"kernel_shape", {2, 2}}}), "maxpool.onnx", {});
    const auto outs = mote_test::run_blob(r.blob, {mote_test::raw(std::vector<float>{1, 9, 2, 3, 4, 8})});
    ASSERT_EQ(outs.size(), 2u);
    EXPECT_EQ(mote_test::typed<float>(outs[0]), (std::vector<float>{9, 9}));
    // The 9 is at h 0, w 1: 1 row-major, 2 column-major.
    EXPECT_EQ(mote_test::typed<int64_t>(outs[1]), (std::vector<int64_t>(2, order == 0 ? 1 : 2)));
  }
}

TEST(MaxUnpool, ScattersIntoAPaddedOutputAndChecksIndices) {
  // x [1, 1, 1, 2], kernel and strides [2, 2]: the indices refer to the unpooled [1, 1, 2, 4],
  // output_shape [1, 1, 2, 5] pads each row by one.
  OneNode m("MaxUnpool", 11);
  m.input("x", kF, {1, 1, 1, 2})
      .input("i", kI64, {1, 1, 1, 2})
      .initializer<int64_t>("shape", kI64, {4}, {1, 1, 2, 5})
      .output("y", kF, {1, 1, 2, 5});
  const std::string model = with_ints(m.bytes(), {{"kernel_shape", {2, 2}}, {"strides", {2, 2}}});
  const mote::ConvertResult r = mote::convert_bytes(model, "maxunpool.onnx", {});
  const auto x = mote_test::raw(std::vector<float>{5, 6});
  const auto outs = mote_test::run_blob(r.blob, {x, mote_test::raw(std::vector<int64_t>{3, 4})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(mote_test::typed<float>(outs[0]), (std::vector<float>{0, 0, 0, 5, 0, 6, 0, 0, 0, 0}));
  mote::Status st = mote::Status::kOk;
  mote_test::run_blob(r.blob, {x, mote_test::raw(std::vector<int64_t>{8, 0})}, &st);
  EXPECT_NE(st, mote::Status::kOk);
  mote_test::run_blob(r.blob, {x, mote_test::raw(std::vector<int64_t>{-1, 0})}, &st);
  EXPECT_NE(st, mote::Status::kOk);
}

}  // namespace

// Compress, lowered to a Gather of the positions its condition (known at conversion) selects:
// along an axis, over the flattened input, a condition shorter than the axis, one longer
// (refused) and one that is a graph input (needs --set). The ONNX node tests
// (node/test_compress_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/one_node_model.h"

namespace {

constexpr int32_t kF = onnx::TensorProto::FLOAT;
constexpr int32_t kB = onnx::TensorProto::BOOL;

std::vector<float> compress(const std::vector<uint8_t>& cond, const int64_t* axis, std::vector<int64_t> out_dims) {
  mote_test::OneNode m("Compress", 11);
  m.input("x", kF, {2, 3}).initializer<uint8_t>("c", kB, {int64_t(cond.size())}, cond).output("y", kF, out_dims);
  if (axis) m.attr("axis", *axis);
  const mote::ConvertResult r = m.convert();
  const auto outs = mote_test::run_blob(r.blob, {mote_test::raw(std::vector<float>{1, 2, 3, 4, 5, 6})});
  return outs.size() == 1 ? mote_test::typed<float>(outs[0]) : std::vector<float>{};
}

TEST(Compress, GathersTheSelectedPositions) {
  const int64_t one = 1, last = -1, zero = 0;
  EXPECT_EQ(compress({1, 0, 1}, &one, {2, 2}), (std::vector<float>{1, 3, 4, 6}));
  EXPECT_EQ(compress({0, 1, 1}, &last, {2, 2}), (std::vector<float>{2, 3, 5, 6}));
  EXPECT_EQ(compress({0, 1}, &zero, {1, 3}), (std::vector<float>{4, 5, 6}));
  // No axis: the flattened input; positions past the condition are dropped.
  EXPECT_EQ(compress({0, 1, 0, 1}, nullptr, {2}), (std::vector<float>{2, 4}));
}

TEST(Compress, RefusesALongConditionAndNeedsItConstant) {
  const int64_t one = 1;
  EXPECT_THROW(compress({1, 0, 1, 1}, &one, {2, 3}), mote::ConvertError);
  mote_test::OneNode m("Compress", 11);
  m.input("x", kF, {2, 3}).input("c", kB, {3}).output("y", kF, {2, 2}).attr("axis", 1);
  EXPECT_THROW(m.convert(), mote::NeedsConstantInput);
}

}  // namespace

// EyeLike: a constant at conversion time (only the input's shape matters), so the tests convert
// one-node models and read the constant output: the diagonal k (positive, negative, outside the
// matrix), the dtype attribute or the input's dtype, and the refusals. The ONNX node tests
// (node/test_eyelike_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "tests/unit/one_node_model.h"

namespace {

using mote_test::OneNode;
using mote_test::run_blob;
using mote_test::typed;

// EyeLike of x [rows, cols] (int32), dtype and k as given (a negative dtype: none).
OneNode eye_model(int64_t rows, int64_t cols, int64_t dtype, int64_t k, int32_t out_type) {
  OneNode m("EyeLike", 9);
  m.input("x", onnx::TensorProto::INT32, {rows, cols});
  if (dtype >= 0) m.attr("dtype", dtype);
  m.attr("k", k).output("y", out_type, {rows, cols});
  return m;
}

std::vector<uint8_t> eye(const OneNode& m, int64_t rows, int64_t cols) {
  const auto outs = run_blob(m.convert().blob, {std::vector<uint8_t>(size_t(rows * cols) * 4, 0)});
  EXPECT_EQ(outs.size(), 1u);
  return outs.empty() ? std::vector<uint8_t>() : outs[0];
}

TEST(EyeLike, DiagonalsAndDtypes) {
  EXPECT_EQ(typed<float>(eye(eye_model(3, 4, onnx::TensorProto::FLOAT, 1, onnx::TensorProto::FLOAT), 3, 4)),
            (std::vector<float>{0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1}));
  EXPECT_EQ(typed<int32_t>(eye(eye_model(3, 2, -1, 0, onnx::TensorProto::INT32), 3, 2)), (std::vector<int32_t>{1, 0, 0, 1, 0, 0}));
  EXPECT_EQ(typed<int64_t>(eye(eye_model(3, 2, onnx::TensorProto::INT64, -2, onnx::TensorProto::INT64), 3, 2)),
            (std::vector<int64_t>{0, 0, 0, 0, 1, 0}));
  EXPECT_EQ(eye(eye_model(2, 2, onnx::TensorProto::BOOL, -1, onnx::TensorProto::BOOL), 2, 2), (std::vector<uint8_t>{0, 0, 1, 0}));
  EXPECT_EQ(typed<float>(eye(eye_model(2, 2, onnx::TensorProto::FLOAT, 2, onnx::TensorProto::FLOAT), 2, 2)),
            std::vector<float>(4, 0.0f));
  EXPECT_EQ(typed<float>(eye(eye_model(2, 2, onnx::TensorProto::FLOAT, -5000000000LL, onnx::TensorProto::FLOAT), 2, 2)),
            std::vector<float>(4, 0.0f));
}

TEST(EyeLike, RefusesAnUnsupportedDtypeOrANonMatrix) {
  EXPECT_THROW(eye_model(2, 2, onnx::TensorProto::DOUBLE, 0, onnx::TensorProto::DOUBLE).convert(), mote::ConvertError);
  OneNode v("EyeLike", 9);
  v.input("x", onnx::TensorProto::FLOAT, {4}).output("y", onnx::TensorProto::FLOAT, {4});
  EXPECT_THROW(v.convert(), mote::ConvertError);
}

}  // namespace

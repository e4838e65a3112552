// Det: the reference kernel against hand-computed determinants (row swaps, singular and empty
// matrices, NaN, a batch), the scratch infer states, refused inputs, and the lowering. The ONNX
// node tests (node/test_det_2d, node/test_det_nd) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

// Det through op_infer / op_run with an empty parameter record; `scratch` receives what infer states.
mote::Status det(std::initializer_list<int32_t> dims, const std::vector<float>& x, std::vector<float>* y, uint32_t* scratch = nullptr) {
  Buf in = make_t<float>(MOTE_F32, dims, x);
  char text[192];
  mote::Diag diag(text, sizeof text);
  mote::TensorView out{};
  mote::OpArgs args{MOTE_OP_DET, nullptr, 0, &in.view, 1, nullptr, 1, nullptr, 0, &diag};
  uint32_t need = 0;
  const mote::Status st = mote::op_infer(args, &out, &need);
  if (st != mote::Status::kOk) return st;
  if (scratch) *scratch = need;
  y->assign(size_t(out.numel()), -7.0f);
  std::vector<uint8_t> work(need + 1);
  out.data = y->data();
  args.out = &out;
  args.scratch = work.data();
  args.scratch_bytes = need;
  return mote::op_run(args);
}

TEST(Det, DeterminantsWithPivoting) {
  std::vector<float> y;
  uint32_t scratch = 0;
  ASSERT_EQ(det({2, 2}, {1, 2, 3, 4}, &y, &scratch), mote::Status::kOk);  // pivots on 3: -3 * (2 - 4 / 3)
  ASSERT_EQ(y.size(), 1u);
  EXPECT_NEAR(y[0], -2.0f, 1e-6f);
  EXPECT_EQ(scratch, 2u * 2u * sizeof(float));
  // A zero first pivot: rows are swapped (det = -2).
  ASSERT_EQ(det({3, 3}, {0, 1, 2, 1, 0, 3, 4, -3, 8}, &y, &scratch), mote::Status::kOk);
  ASSERT_EQ(y.size(), 1u);
  EXPECT_NEAR(y[0], -2.0f, 1e-5f);
  EXPECT_EQ(scratch, 3u * 3u * sizeof(float));
  // A batch [2, 2, 2]: the identity and a singular matrix.
  ASSERT_EQ(det({2, 2, 2}, {1, 0, 0, 1, 1, 2, 2, 4}, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{1.0f, 0.0f}));
  // A zero column is singular; NaN reaches the result.
  ASSERT_EQ(det({2, 2}, {0, 1, 0, 5}, &y), mote::Status::kOk);
  EXPECT_EQ(y, std::vector<float>{0.0f});
  ASSERT_EQ(det({2, 2}, {0, 1, NAN, 5}, &y), mote::Status::kOk);
  EXPECT_TRUE(std::isnan(y.at(0)));
}

TEST(Det, EmptyMatricesAndBatches) {
  std::vector<float> y;
  uint32_t scratch = 7;
  ASSERT_EQ(det({3, 0, 0}, {}, &y, &scratch), mote::Status::kOk);  // the determinant of a 0 x 0 matrix is 1
  EXPECT_EQ(y, (std::vector<float>{1.0f, 1.0f, 1.0f}));
  EXPECT_EQ(scratch, 0u);
  ASSERT_EQ(det({0, 40000, 40000}, {}, &y, &scratch), mote::Status::kOk);  // no matrix: no scratch
  EXPECT_TRUE(y.empty());
  EXPECT_EQ(scratch, 0u);
}

TEST(Det, RefusesWhatIsNotABatchOfSquareFloatMatrices) {
  std::vector<float> y;
  EXPECT_EQ(det({2, 3}, {1, 2, 3, 4, 5, 6}, &y), mote::Status::kBadParams);
  EXPECT_EQ(det({4}, {1, 2, 3, 4}, &y), mote::Status::kBadParams);
  Buf i = make_t<int32_t>(MOTE_I32, {1, 1}, {3});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_DET, int32_t(0), {&i}, &out), mote::Status::kBadParams);  // params too
}

TEST(Det, Lowers) {
  OneNode m("Det", 11);
  m.input("x", onnx::TensorProto::FLOAT, {2, 2, 2}).output("y", onnx::TensorProto::FLOAT, {2});
  const std::vector<float> y = run_float(m, {{2, 0, 0, 3, 1, 2, 3, 4}});
  ASSERT_EQ(y.size(), 2u);
  EXPECT_EQ(y[0], 6.0f);
  EXPECT_NEAR(y[1], -2.0f, 1e-6f);
}

}  // namespace

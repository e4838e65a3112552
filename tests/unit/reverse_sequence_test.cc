// ReverseSequence: the reference kernel with the batch axis first or second, trailing dims moved
// whole, lengths clamped to [0, time], int8 data, the refusals of infer, and the lowering with
// lengths given at run time. The ONNX node tests (node/test_reversesequence_*) run in the
// conformance suite.
#include <gtest/gtest.h>

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

TEST(ReverseSequence, BatchFirstOrTimeFirst) {
  // [4, 4] = 0..15; batch along axis 0, lengths 1, 2, 3, 4.
  std::vector<float> x16(16);
  for (int i = 0; i < 16; ++i) x16[size_t(i)] = float(i);
  Buf x = make_t<float>(MOTE_F32, {4, 4}, x16);
  Buf lens = make_t<int64_t>(MOTE_I64, {4}, {1, 2, 3, 4});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{0, 1}, {&x, &lens}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{0, 1, 2, 3, 5, 4, 6, 7, 10, 9, 8, 11, 15, 14, 13, 12}));
  ASSERT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{1, 0}, {&x, &lens}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{0, 5, 10, 15, 4, 1, 6, 11, 8, 9, 2, 7, 12, 13, 14, 3}));
}

TEST(ReverseSequence, TrailingDimsMoveWholeAndLengthsAreClamped) {
  // [time 3, batch 2, 2]; lengths -5 (none reversed) and 99 (all 3).
  Buf x = make_t<int8_t>(MOTE_I8, {3, 2, 2}, {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11});
  Buf lens = make_t<int32_t>(MOTE_I32, {2}, {-5, 99});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{1, 0}, {&x, &lens}, &out), Status::kOk);
  EXPECT_EQ(values<int8_t>(out[0]), (std::vector<int8_t>{0, 1, 10, 11, 4, 5, 6, 7, 8, 9, 2, 3}));
}

TEST(ReverseSequence, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, {0, 1, 2, 3, 4, 5});
  Buf v = make_t<float>(MOTE_F32, {3}, {0, 1, 2});
  Buf lens2 = make_t<int64_t>(MOTE_I64, {2}, {1, 1});
  Buf lens3 = make_t<int64_t>(MOTE_I64, {3}, {1, 1, 1});
  Buf flens = make_t<float>(MOTE_F32, {2}, {1, 1});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{0, 1}, {&x, &lens3}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{0, 0}, {&x, &lens2}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{0, 2}, {&x, &lens2}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{0, 1}, {&x, &flens}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REVERSE_SEQUENCE, mote_reverse_sequence_params{1, 0}, {&v, &lens3}, &out), Status::kBadParams);
}

using mote_test::OneNode;
using mote_test::raw;
using mote_test::run_blob;
using mote_test::typed;

TEST(ReverseSequence, LowersWithRunTimeLengths) {
  OneNode m("ReverseSequence", 10);  // batch_axis 1, time_axis 0 by default
  m.input("x", onnx::TensorProto::FLOAT, {3, 2}).input("lens", onnx::TensorProto::INT64, {2});
  m.output("y", onnx::TensorProto::FLOAT, {3, 2});
  const mote::ConvertResult r = m.convert();
  EXPECT_EQ(r.op_count, 1u);
  const auto outs = run_blob(r.blob, {raw<float>({0, 1, 2, 3, 4, 5}), raw<int64_t>({3, 2})});
  ASSERT_EQ(outs.size(), 1u);
  EXPECT_EQ(typed<float>(outs[0]), (std::vector<float>{4, 3, 2, 1, 0, 5}));
}

}  // namespace

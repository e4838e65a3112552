// NonMaxSuppression: the reference kernel on hand-computed boxes (corners and centres, the score
// threshold, ties, the -1 rows past the selection and the count), refused records, and the
// lowering of a one-node model (max_output_boxes_per_class clamped, a threshold fed at run
// time). The ONNX node tests (node/test_nonmaxsuppression_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote_test::Buf;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

// Box 0 [0, 0, 1, 1]; box 1 shifted by 0.1 along x (IoU with box 0: 0.9 / 1.1); box 2 apart;
// box 3 is box 0 given by its other diagonal.
const std::vector<float> kCorners = {0, 0, 1, 1, 0, 0.1f, 1, 1.1f, 0, 2, 1, 3, 1, 1, 0, 0};

std::vector<int64_t> select(const mote_nms_params& p, const std::vector<float>& boxes, const std::vector<float>& scores,
                            const float* iou, const float* score_threshold, int64_t* count) {
  Buf b = make_t(MOTE_F32, {1, int32_t(boxes.size() / 4), 4}, boxes);
  Buf s = make_t(MOTE_F32, {1, 1, int32_t(scores.size())}, scores);
  Buf i = make_t(MOTE_F32, {1}, std::vector<float>{iou ? *iou : 0});
  Buf t = make_t(MOTE_F32, {1}, std::vector<float>{score_threshold ? *score_threshold : 0});
  std::vector<Buf> outs;
  EXPECT_EQ(run_op(MOTE_OP_NON_MAX_SUPPRESSION, p, {&b, &s, iou ? &i : nullptr, score_threshold ? &t : nullptr}, &outs, 2),
            mote::Status::kOk);
  if (outs.size() != 2) return {};
  *count = values<int64_t>(outs[1]).at(0);
  return values<int64_t>(outs[0]);
}

TEST(NonMaxSuppression, GreedyByScoreWithPaddedRows) {
  const float iou = 0.5f;
  int64_t count = -7;
  // Box 1 first (0.95), box 0 overlaps it, box 2 is kept, box 3 overlaps box 1 too.
  auto rows = select({3, 0}, kCorners, {0.9f, 0.95f, 0.5f, 0.3f}, &iou, nullptr, &count);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 0, 1, 0, 0, 2, -1, -1, -1}));
  EXPECT_EQ(count, 2);
  // Above the overlap threshold nothing is suppressed, and max_per_class stops the selection.
  const float loose = 0.9f;
  rows = select({3, 0}, kCorners, {0.9f, 0.95f, 0.5f, 0.3f}, &loose, nullptr, &count);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 0, 1, 0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(count, 3);
  // The score threshold drops boxes at or below it; NaN scores never count.
  const float threshold = 0.5f;
  rows = select({4, 0}, kCorners, {0.9f, NAN, 0.7f, 0.5f}, &loose, &threshold, &count);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 0, 0, 0, 0, 2, -1, -1, -1, -1, -1, -1}));
  EXPECT_EQ(count, 2);
  // Equal scores: the lower index first; the IoU threshold defaults to 0 (any overlap suppresses).
  rows = select({2, 0}, kCorners, {0.5f, 0.5f, 0.5f, 0.5f}, nullptr, nullptr, &count);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 0, 0, 0, 0, 2}));
  EXPECT_EQ(count, 2);
}

TEST(NonMaxSuppression, CenterPointBoxes) {
  // The same four boxes as centre, width and height.
  const std::vector<float> centres = {0.5f, 0.5f, 1, 1, 0.6f, 0.5f, 1, 1, 2.5f, 0.5f, 1, 1, 0.5f, 0.5f, 1, 1};
  const float iou = 0.5f;
  int64_t count = 0;
  auto rows = select({4, 1}, centres, {0.9f, 0.95f, 0.5f, 0.3f}, &iou, nullptr, &count);
  EXPECT_EQ(rows, (std::vector<int64_t>{0, 0, 1, 0, 0, 2, -1, -1, -1, -1, -1, -1}));
  EXPECT_EQ(count, 2);
}

TEST(NonMaxSuppression, RefusesBadRecords) {
  Buf b = make_t(MOTE_F32, {1, 4, 4}, kCorners);
  Buf s = make_t(MOTE_F32, {1, 1, 4}, std::vector<float>(4, 1));
  Buf s3 = make_t(MOTE_F32, {1, 1, 3}, std::vector<float>(3, 1));
  Buf two = make_t(MOTE_F32, {2}, std::vector<float>{0, 0});
  std::vector<Buf> outs;
  EXPECT_NE(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{5, 0}, {&b, &s}, &outs, 2), mote::Status::kOk);
  EXPECT_NE(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{-1, 0}, {&b, &s}, &outs, 2), mote::Status::kOk);
  EXPECT_NE(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{1, 2}, {&b, &s}, &outs, 2), mote::Status::kOk);
  EXPECT_NE(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{1, 0}, {&b, &s3}, &outs, 2), mote::Status::kOk);
  EXPECT_NE(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{1, 0}, {&b, &s, &two}, &outs, 2), mote::Status::kOk);
  EXPECT_EQ(run_op(MOTE_OP_NON_MAX_SUPPRESSION, mote_nms_params{0, 0}, {&b, &s}, &outs, 2), mote::Status::kOk);
  EXPECT_EQ(outs[0].view.numel(), 0);
}

TEST(NonMaxSuppression, LoweringClampsTheMaximumAndReadsThresholdsAtRunTime) {
  constexpr int32_t kF = onnx::TensorProto::FLOAT;
  mote_test::OneNode m("NonMaxSuppression", 11);
  m.input("boxes", kF, {1, 4, 4})
      .input("scores", kF, {1, 2, 4})
      .initializer<int64_t>("max", onnx::TensorProto::INT64, {1}, {100})
      .input("iou", kF, {1})
      .output("selected", onnx::TensorProto::INT64, {8, 3});
  const mote::ConvertResult r = m.convert();
  const std::vector<float> scores = {0.9f, 0.95f, 0.5f, 0.3f, 0.1f, 0.2f, 0.3f, 0.4f};
  const auto outs = mote_test::run_blob(r.blob, {mote_test::raw(kCorners), mote_test::raw(scores),
                                                 mote_test::raw(std::vector<float>{0.5f})});
  ASSERT_EQ(outs.size(), 1u);
  // [1 batch x 2 classes x 4 (100 clamped to the 4 boxes), 3]. Class 1 ranks 3, 2, 1, 0: box 3
  // (box 0's twin) and box 2 are kept, box 1 overlaps box 3 by 0.82 and box 0 is its twin.
  std::vector<int64_t> want = {0, 0, 1, 0, 0, 2, 0, 1, 3, 0, 1, 2};
  want.resize(24, -1);
  EXPECT_EQ(mote_test::typed<int64_t>(outs[0]), want);
}

}  // namespace

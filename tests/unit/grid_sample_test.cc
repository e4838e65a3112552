// GridSample: the reference kernel against hand-computed samples for every mode, padding rule
// and align_corners, grids holding NaN, infinities and far-out positions (defined results, no
// out-of-bounds tap), refused shapes and parameters, and the lowering of the ONNX attributes. The
// ONNX node tests (node/test_gridsample*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

const std::vector<float> kImage = {1, 2, 3, 4};  // X [1, 1, 2, 2]

// Samples X [1, 1, h, w] at the (x, y) pairs of `grid` (one output row).
std::vector<float> sample(const std::vector<float>& x, int32_t h, int32_t w, const std::vector<float>& grid, int32_t mode, int32_t padding,
                          int32_t align) {
  Buf in = make(MOTE_F32, {1, 1, h, w}, x.data());
  Buf g = make(MOTE_F32, {1, 1, int32_t(grid.size() / 2), 2}, grid.data());
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, mote_grid_sample_params{mode, padding, align}, {&in, &g}, &out), mote::Status::kOk);
  return out.empty() ? std::vector<float>{} : values<float>(out[0]);
}

void expect_near(const std::vector<float>& got, const std::vector<float>& want) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t k = 0; k < got.size(); ++k) EXPECT_NEAR(got[k], want[k], 1e-6f) << "element " << k;
}

TEST(GridSample, BilinearWithAlignedCorners) {
  // -1 and 1 are the outer pixel centres: the corners, the centre, the top right.
  expect_near(sample(kImage, 2, 2, {-1, -1, 1, 1, 0, 0, 1, -1}, MOTE_GRID_LINEAR, MOTE_GRID_ZEROS, 1), {1, 4, 2.5f, 2});
}

TEST(GridSample, EachPaddingRule) {
  // Without align_corners -1 and 1 are the outer pixel edges: (-1, -1) is (-0.5, -0.5) in pixels,
  // (1, 1) is (1.5, 1.5), (2, 2) is (2.5, 2.5): reflected at 1.5 to 0.5.
  const std::vector<float> grid = {-1, -1, 0, 0, 1, 1, 2, 2};
  expect_near(sample(kImage, 2, 2, grid, MOTE_GRID_LINEAR, MOTE_GRID_ZEROS, 0), {0.25f, 2.5f, 1, 0});
  expect_near(sample(kImage, 2, 2, grid, MOTE_GRID_LINEAR, MOTE_GRID_BORDER, 0), {1, 2.5f, 4, 4});
  expect_near(sample(kImage, 2, 2, grid, MOTE_GRID_LINEAR, MOTE_GRID_REFLECTION, 0), {1, 2.5f, 4, 2.5f});
  // Reflection far out, with align_corners: x = g + 1 on three pixels, 5 reflects to 1 and -3 to 1.
  expect_near(sample({10, 20, 30}, 1, 3, {4, 0, -4, 0}, MOTE_GRID_LINEAR, MOTE_GRID_REFLECTION, 1), {20, 20});
}

TEST(GridSample, NearestRoundsHalfToEven) {
  // align_corners on three pixels: x = g + 1, so -0.5 -> 0.5 -> 0 and 0.5 -> 1.5 -> 2.
  expect_near(sample({10, 20, 30}, 1, 3, {-0.5f, 0, 0.5f, 0, 0, 0, 0.2f, 0}, MOTE_GRID_NEAREST, MOTE_GRID_ZEROS, 1), {10, 30, 20, 20});
}

TEST(GridSample, BicubicHitsPixelsAndFollowsARamp) {
  // Six pixels 0..5 in a row, align_corners: x = 2.5 (g = 0) between pixels 2 and 3 gives 2.5 (the
  // kernel reproduces a linear ramp), g = -1 and 1 land on pixels 0 and 5 exactly.
  const std::vector<float> ramp = {0, 1, 2, 3, 4, 5};
  for (int32_t padding : {MOTE_GRID_ZEROS, MOTE_GRID_BORDER, MOTE_GRID_REFLECTION}) {
    expect_near(sample(ramp, 1, 6, {0, 0, -1, 0, 1, 0}, MOTE_GRID_CUBIC, padding, 1), {2.5f, 0, 5});
  }
}

TEST(GridSample, NonFiniteAndFarPositionsAreDefined) {
  const float inf = std::numeric_limits<float>::infinity();
  const std::vector<float> grid = {NAN, NAN, inf, -inf, -inf, inf, 1e30f, -1e30f, 3e7f, 0.5f, NAN, 1};
  for (int32_t mode : {MOTE_GRID_LINEAR, MOTE_GRID_NEAREST, MOTE_GRID_CUBIC}) {
    for (int32_t padding : {MOTE_GRID_ZEROS, MOTE_GRID_BORDER, MOTE_GRID_REFLECTION}) {
      for (int32_t align : {0, 1}) {
        for (float v : sample(kImage, 2, 2, grid, mode, padding, align)) {
          EXPECT_TRUE(std::isfinite(v)) << mode << " " << padding << " " << align;
        }
      }
    }
  }
  // NaN samples as -1: bilinear, zeros padding, (-0.5, -0.5) in pixels.
  expect_near(sample(kImage, 2, 2, {NAN, NAN}, MOTE_GRID_LINEAR, MOTE_GRID_ZEROS, 0), {0.25f});
  // Far out with zeros padding reads zeros; with border padding the corner.
  expect_near(sample(kImage, 2, 2, {inf, 1e30f}, MOTE_GRID_CUBIC, MOTE_GRID_ZEROS, 0), {0});
  expect_near(sample(kImage, 2, 2, {inf, 1e30f}, MOTE_GRID_LINEAR, MOTE_GRID_BORDER, 0), {4});
}

TEST(GridSample, RefusesShapesAndParametersOutOfRange) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 2, 2}, kImage);
  Buf x3 = make_t<float>(MOTE_F32, {1, 2, 2}, kImage);
  Buf empty = make(MOTE_F32, {1, 1, 0, 2});
  Buf g = make(MOTE_F32, {1, 1, 1, 2});
  Buf g3 = make(MOTE_F32, {1, 1, 1, 3});
  Buf g_batch = make(MOTE_F32, {2, 1, 1, 2});
  std::vector<Buf> out;
  const mote_grid_sample_params ok{MOTE_GRID_LINEAR, MOTE_GRID_ZEROS, 0};
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, ok, {&x, &g}, &out), mote::Status::kOk);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, ok, {&x, &g3}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, ok, {&x, &g_batch}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, ok, {&x3, &g}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, ok, {&empty, &g}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, mote_grid_sample_params{3, 0, 0}, {&x, &g}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, mote_grid_sample_params{0, 3, 0}, {&x, &g}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GRID_SAMPLE, mote_grid_sample_params{0, 0, 2}, {&x, &g}, &out), mote::Status::kBadParams);
}

// A one-node GridSample model on X [1, 1, 2, 2] and a grid of `points` (x, y) pairs.
OneNode grid_model(int64_t points) {
  OneNode m("GridSample", 16);
  m.input("x", onnx::TensorProto::FLOAT, {1, 1, 2, 2}).input("grid", onnx::TensorProto::FLOAT, {1, 1, points, 2});
  m.output("y", onnx::TensorProto::FLOAT, {1, 1, 1, points});
  return m;
}

TEST(GridSample, LowersTheOnnxAttributes) {
  OneNode border = grid_model(4);
  border.attr("padding_mode", std::string("border"));
  EXPECT_EQ(run_float(border, {kImage, {-1, -1, 0, 0, 1, 1, 2, 2}}), (std::vector<float>{1, 2.5f, 4, 4}));
  OneNode nearest = grid_model(2);
  nearest.attr("mode", std::string("nearest")).attr("align_corners", 1);
  EXPECT_EQ(run_float(nearest, {kImage, {1, -1, -1, 1}}), (std::vector<float>{2, 3}));
  OneNode area = grid_model(2);
  area.attr("mode", std::string("area"));
  EXPECT_NE(convert_error_text(area).find("mode 'area'"), std::string::npos) << convert_error_text(area);
}

}  // namespace

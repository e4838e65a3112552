// ConvWinograd (mote/winograd.h): the op on weights transformed by winograd::weights (and
// winograd::f4::weights, W [36, M, C]) against Conv on the 3x3 weights (odd maps, so partial tiles, every padding, the fused activations);
// the verifier's refusals; the converter makes the form for `--target x86` only, and the blob
// computes what the plain one does.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/winograd.h"
#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote::Status;
using namespace mote_test;

std::vector<float> random_floats(std::mt19937& rng, int64_t n) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng);
  return v;
}

// W [M, C, 3, 3] to [16, M, C], or to [36, M, C] (F(4x4, 3x3)) when `points` is 36.
std::vector<float> transform(const std::vector<float>& w, int32_t m, int32_t c, int points = 16) {
  std::vector<float> u(size_t(points) * m * c);
  for (int32_t o = 0; o < m; ++o) {
    for (int32_t ch = 0; ch < c; ++ch) {
      double g[9], t[36];
      for (int k = 0; k < 9; ++k) g[k] = w[(size_t(o) * c + ch) * 9 + k];
      if (points == 36) {
        mote::winograd::f4::weights(g, t);
      } else {
        mote::winograd::weights(g, t);
      }
      for (int k = 0; k < points; ++k) u[(size_t(k) * m + o) * c + ch] = float(t[k]);
    }
  }
  return u;
}

mote_conv_params conv3x3(const int32_t* pads, mote_act act) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = 1, p.act = act;
  for (int d = 0; d < 2; ++d) p.kernel[d] = 3, p.stride[d] = 1, p.dilation[d] = 1, p.pad_begin[d] = pads[d], p.pad_end[d] = pads[2 + d];
  return p;
}

TEST(ConvWinograd, MatchesConvOnTheUntransformedWeights) {
  std::mt19937 rng(17);
  struct Case {
    int32_t n, c, m, h, w;
    int32_t pads[4];
    bool bias;
    mote_act act;
  };
  const Case cases[] = {{1, 3, 8, 7, 9, {1, 1, 1, 1}, true, {MOTE_ACT_NONE, 0, 0}},
                        {2, 5, 4, 6, 6, {0, 0, 0, 0}, false, {MOTE_ACT_RELU, 0, 0}},
                        {1, 16, 12, 13, 5, {2, 0, 1, 2}, true, {MOTE_ACT_CLIP, -0.25f, 0.5f}},
                        {1, 1, 1, 3, 3, {0, 0, 0, 0}, true, {MOTE_ACT_LEAKY_RELU, 0.1f, 0}},
                        {1, 40, 33, 14, 14, {1, 1, 1, 1}, true, {MOTE_ACT_RELU, 0, 0}}};
  for (int points : {16, 36}) {
  for (const Case& cs : cases) {
    const std::vector<float> w = random_floats(rng, int64_t(cs.m) * cs.c * 9);
    Buf x = make_t<float>(MOTE_F32, {cs.n, cs.c, cs.h, cs.w}, random_floats(rng, int64_t(cs.n) * cs.c * cs.h * cs.w));
    Buf w3 = make_t<float>(MOTE_F32, {cs.m, cs.c, 3, 3}, w);
    Buf u = make_t<float>(MOTE_F32, {points, cs.m, cs.c}, transform(w, cs.m, cs.c, points));
    Buf b = make_t<float>(MOTE_F32, {cs.m}, random_floats(rng, cs.m));
    const mote_conv_params p = conv3x3(cs.pads, cs.act);
    std::vector<Buf> got, want;
    ASSERT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &u, cs.bias ? &b : nullptr}, &got), Status::kOk);
    ASSERT_EQ(run_op(MOTE_OP_CONV, p, {&x, &w3, cs.bias ? &b : nullptr}, &want), Status::kOk);
    const std::vector<float> g = values<float>(got[0]), r = values<float>(want[0]);
    ASSERT_EQ(g.size(), r.size());
    for (int d = 0; d < 4; ++d) EXPECT_EQ(got[0].view.dims[d], want[0].view.dims[d]);
    float most = 0;
    for (float v : r) most = std::max(most, std::fabs(v));
    // F(4x4, 3x3) rounds more (mote/winograd.h): 1.2e-5 x (1 + max) seen on these cases.
    const float tol = points == 36 ? 5e-5f : 1e-5f;
    for (size_t i = 0; i < r.size(); ++i) {
      ASSERT_NEAR(g[i], r[i], tol * (1 + most)) << "points " << points << " c" << cs.c << " element " << i;
    }
  }
  }
}

TEST(ConvWinograd, VerifierRefusesOtherShapesAndParams) {
  const int32_t pads[4] = {1, 1, 1, 1};
  Buf x = make_t<float>(MOTE_F32, {1, 4, 6, 6}, std::vector<float>(144, 1.0f));
  Buf u = make_t<float>(MOTE_F32, {16, 2, 4}, std::vector<float>(128, 1.0f));
  std::vector<Buf> out;
  char err[192];
  mote_conv_params p = conv3x3(pads, {MOTE_ACT_NONE, 0, 0});
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &u}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.dims[1], 2);
  Buf u36 = make_t<float>(MOTE_F32, {36, 2, 4}, std::vector<float>(288, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &u36}, &out), Status::kOk);
  Buf nine = make_t<float>(MOTE_F32, {9, 2, 4}, std::vector<float>(72, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &nine}, &out, 1, err), Status::kBadParams);
  EXPECT_NE(std::string(err).find("[16, M, C]"), std::string::npos) << err;
  Buf other_c = make_t<float>(MOTE_F32, {16, 2, 3}, std::vector<float>(96, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &other_c}, &out), Status::kBadParams);
  Buf w4 = make_t<float>(MOTE_F32, {2, 4, 3, 3}, std::vector<float>(72, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &w4}, &out), Status::kBadParams);
  for (int what = 0; what < 4; ++what) {
    mote_conv_params q = p;
    if (what == 0) q.stride[1] = 2;
    if (what == 1) q.dilation[0] = 2;
    if (what == 2) q.kernel[0] = q.kernel[1] = 5;
    if (what == 3) q.group = 2;
    EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, q, {&x, &u}, &out, 1, err), Status::kBadParams) << what;
  }
  Buf bias = make_t<float>(MOTE_F32, {3}, std::vector<float>(3, 0.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_WINOGRAD, p, {&x, &u, &bias}, &out), Status::kBadParams);
}

// A one-node Conv 3x3 (SAME_UPPER padding, odd map): `--target x86`, `--target wasm` and both make
// ConvWinograd with the 16/9 larger weights (36/9 for wasm alone: F(4x4, 3x3)), the default (all targets), a microcontroller target
// and wasm with an Arm core keep the Conv; the blobs compute the same outputs. A 7x7 map (16
// tiles) stays a Conv for x86 and wasm too.
TEST(ConvWinograd, ConverterMakesTheFormForX86AndWasmOnly) {
  const int64_t C = 6, M = 10, H = 12, W = 11;  // 6 x 6 tiles: enough for the form
  std::mt19937 rng(19);
  const std::vector<float> w = random_floats(rng, M * C * 9), b = random_floats(rng, M);
  OneNode m("Conv", 13);
  m.input("x", onnx::TensorProto::FLOAT, {1, C, H, W})
      .initializer("w", onnx::TensorProto::FLOAT, {M, C, 3, 3}, w)
      .initializer("b", onnx::TensorProto::FLOAT, {M}, b)
      .output("y", onnx::TensorProto::FLOAT, {1, M, H, W})
      .attr("auto_pad", std::string("SAME_UPPER"));
  mote::ConvertOptions all, x86, m4, wasm, both, mixed;
  x86.kernel_sets = mote::parse_targets("x86");
  m4.kernel_sets = mote::parse_targets("cortex-m4");
  wasm.kernel_sets = mote::parse_targets("wasm");
  both.kernel_sets = mote::parse_targets("x86,wasm");
  mixed.kernel_sets = mote::parse_targets("wasm,cortex-a");
  const mote::ConvertResult ra = m.convert(all), rx = m.convert(x86), rm = m.convert(m4);
  const mote::ConvertResult rw = m.convert(wasm), rb = m.convert(both), rmix = m.convert(mixed);
  auto noted = [](const mote::ConvertResult& r) {
    for (const std::string& note : r.notes) {
      if (note.find("ConvWinograd") != std::string::npos) return true;
    }
    return false;
  };
  EXPECT_FALSE(noted(ra));
  EXPECT_TRUE(noted(rx));
  EXPECT_FALSE(noted(rm));
  EXPECT_TRUE(noted(rw));
  EXPECT_TRUE(noted(rb));
  EXPECT_FALSE(noted(rmix));
  EXPECT_EQ(rw.weight_bytes, uint64_t((M * C * 36 + M) * 4));
  EXPECT_EQ(rb.weight_bytes, rx.weight_bytes);
  EXPECT_EQ(ra.weight_bytes, uint64_t((M * C * 9 + M) * 4));
  EXPECT_EQ(rx.weight_bytes, uint64_t((M * C * 16 + M) * 4));
  EXPECT_EQ(rm.weight_bytes, ra.weight_bytes);
  const std::vector<float> x = random_floats(rng, C * H * W);
  const auto oa = run_blob(ra.blob, {raw(x)}), ox = run_blob(rx.blob, {raw(x)}), ow = run_blob(rw.blob, {raw(x)});
  ASSERT_EQ(oa.size(), 1u);
  ASSERT_EQ(ox.size(), 1u);
  ASSERT_EQ(ow.size(), 1u);
  const std::vector<float> ya = typed<float>(oa[0]), yx = typed<float>(ox[0]), yw = typed<float>(ow[0]);
  ASSERT_EQ(ya.size(), size_t(M * H * W));
  ASSERT_EQ(yx.size(), ya.size());
  ASSERT_EQ(yw.size(), ya.size());
  float most = 0;
  for (float v : ya) most = std::max(most, std::fabs(v));
  for (size_t i = 0; i < ya.size(); ++i) EXPECT_NEAR(yx[i], ya[i], 1e-5f * (1 + most)) << i;
  for (size_t i = 0; i < ya.size(); ++i) EXPECT_NEAR(yw[i], ya[i], 5e-5f * (1 + most)) << i;  // F(4x4, 3x3)
  OneNode small("Conv", 13);
  small.input("x", onnx::TensorProto::FLOAT, {1, C, 7, 7})
      .initializer("w", onnx::TensorProto::FLOAT, {M, C, 3, 3}, w)
      .output("y", onnx::TensorProto::FLOAT, {1, M, 7, 7})
      .attr("auto_pad", std::string("SAME_UPPER"));
  EXPECT_FALSE(noted(small.convert(x86)));
  EXPECT_FALSE(noted(small.convert(wasm)));
}

// x86 takes F(4x4, 3x3) on maps of at least 32 4x4 tiles (27x27: 49), F(2x2, 3x3) below (13x13:
// 16); WebAssembly alone takes it on both. The 27x27 blob for x86 computes the Conv's outputs.
TEST(ConvWinograd, X86TakesF4x4OnLargerMaps) {
  const int64_t C = 5, M = 7;
  std::mt19937 rng(23);
  const std::vector<float> w = random_floats(rng, M * C * 9), b = random_floats(rng, M);
  mote::ConvertOptions all, x86, wasm, both;
  x86.kernel_sets = mote::parse_targets("x86");
  wasm.kernel_sets = mote::parse_targets("wasm");
  both.kernel_sets = mote::parse_targets("x86,wasm");
  for (int64_t side : {27, 13}) {
    OneNode m("Conv", 13);
    m.input("x", onnx::TensorProto::FLOAT, {1, C, side, side})
        .initializer("w", onnx::TensorProto::FLOAT, {M, C, 3, 3}, w)
        .initializer("b", onnx::TensorProto::FLOAT, {M}, b)
        .output("y", onnx::TensorProto::FLOAT, {1, M, side, side})
        .attr("auto_pad", std::string("SAME_UPPER"));
    const mote::ConvertResult ra = m.convert(all), rx = m.convert(x86), rw = m.convert(wasm), rb = m.convert(both);
    const uint64_t points = side == 27 ? 36 : 16;
    EXPECT_EQ(rx.weight_bytes, uint64_t((M * C * points + M) * 4)) << side;
    EXPECT_EQ(rb.weight_bytes, rx.weight_bytes) << side;
    EXPECT_EQ(rw.weight_bytes, uint64_t((M * C * 36 + M) * 4)) << side;
    const std::vector<float> x = random_floats(rng, C * side * side);
    const auto oa = run_blob(ra.blob, {raw(x)}), ox = run_blob(rx.blob, {raw(x)});
    ASSERT_EQ(oa.size(), 1u);
    ASSERT_EQ(ox.size(), 1u);
    const std::vector<float> ya = typed<float>(oa[0]), yx = typed<float>(ox[0]);
    ASSERT_EQ(yx.size(), ya.size());
    float most = 0;
    for (float v : ya) most = std::max(most, std::fabs(v));
    for (size_t i = 0; i < ya.size(); ++i) EXPECT_NEAR(yx[i], ya[i], 5e-5f * (1 + most)) << side << " " << i;
  }
}

}  // namespace

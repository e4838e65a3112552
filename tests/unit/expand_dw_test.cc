// ConvExpandDepthwise (mote_expand_dw_params): the fused op, on the reference kernel and on the
// runtime's own kernel set, against the two Convs it replaces (a 1x1 and a depthwise), on random
// shapes: every padding, stride 1 and 2, 3x3 and 5x5, odd maps, bands of 1 to more rows than the
// output, two images, SiLU and HardSwish between the two; the checks that refuse a malformed
// record; and the converter, which makes the op for `--target x86` only, when nothing else reads
// the expanded tensor and it is large enough.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "tests/unit/graph_builder.h"
#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote::Status;
using namespace mote_test;

// n values uniform in [-1, 1).
std::vector<float> random_floats(std::mt19937& rng, int64_t n) {
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
  return v;
}

mote_conv_params conv_params(int32_t k, int32_t s, int32_t group, const int32_t* pads, mote_act act) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = group, p.act = act;
  for (int d = 0; d < 2; ++d) p.kernel[d] = k, p.stride[d] = s, p.dilation[d] = 1, p.pad_begin[d] = pads[d], p.pad_end[d] = pads[2 + d];
  return p;
}

// The fused op on the reference kernel alone (op_run would take this build's kernel set first).
std::vector<float> run_reference(const mote_expand_dw_params& p, std::vector<Buf*> ins, mote::TensorView* shape) {
  char text[192];
  mote::Diag diag(text, sizeof text);
  std::vector<mote::TensorView> in;
  for (Buf* b : ins) in.push_back(b->view);
  mote::OpArgs a{MOTE_OP_CONV_EXPAND_DW, &p, uint32_t(sizeof p), in.data(), int32_t(in.size()), nullptr, 1, nullptr, 0, &diag};
  mote::TensorView out{};
  uint32_t scratch = 0;
  EXPECT_EQ(mote::infer_expand_dw(a, &out, &scratch), Status::kOk) << text;
  std::vector<float> y(size_t(out.numel()), std::nanf(""));
  std::vector<float> band(scratch / sizeof(float) + 1);
  out.data = y.data();
  a.out = &out;
  a.scratch = band.data();
  a.scratch_bytes = scratch;
  EXPECT_EQ(mote::run_expand_dw(a), Status::kOk);
  *shape = out;
  return y;
}

TEST(ConvExpandDepthwise, MatchesTheTwoConvs) {
  std::mt19937 rng(23);
  std::uniform_int_distribution<int> pick(0, 1 << 20);
  const mote_act acts[] = {{MOTE_ACT_NONE, 0, 0}, {MOTE_ACT_RELU, 0, 0}, {MOTE_ACT_CLIP, 0.0f, 6.0f}, {MOTE_ACT_CLIP, -0.25f, 0.5f}};
  for (int round = 0; round < 60; ++round) {
    const int32_t k = pick(rng) % 2 ? 5 : 3, s = pick(rng) % 2 + 1;
    const int32_t n = round % 7 == 0 ? 2 : 1;
    const int32_t c = 1 + pick(rng) % 12, e = 1 + pick(rng) % 40;
    // Some maps wide enough for the x86 depthwise row bands (at least 14 outputs a row).
    const int32_t h = k + pick(rng) % 30, w = round % 2 ? 14 * s + pick(rng) % 20 : k + pick(rng) % 16;
    int32_t pads[4];
    for (int32_t& q : pads) q = pick(rng) % (k / 2 + 2);
    const mote_act act1 = acts[pick(rng) % 4], act2 = acts[pick(rng) % 4];
    Buf x = make_t<float>(MOTE_F32, {n, c, h, w}, random_floats(rng, int64_t(n) * c * h * w));
    Buf w1 = make_t<float>(MOTE_F32, {e, c, 1, 1}, random_floats(rng, int64_t(e) * c));
    Buf b1 = make_t<float>(MOTE_F32, {e}, random_floats(rng, e));
    Buf w2 = make_t<float>(MOTE_F32, {e, 1, k, k}, random_floats(rng, int64_t(e) * k * k));
    Buf b2 = make_t<float>(MOTE_F32, {e}, random_floats(rng, e));
    const int32_t none[4] = {0, 0, 0, 0};
    // The 1x1's activation op after its fused one, in a third of the rounds.
    const int32_t ops[3] = {0, MOTE_OP_SILU, MOTE_OP_HARD_SWISH}, expand_op = ops[pick(rng) % 3];
    std::vector<Buf> mid, act, want;
    ASSERT_EQ(run_op(MOTE_OP_CONV, conv_params(1, 1, 1, none, act1), {&x, &w1, &b1}, &mid), Status::kOk);
    if (expand_op) {
      ASSERT_EQ(run_op(expand_op, mote_unary_params{0.0f, 0.0f, 0.0f}, {&mid[0]}, &act), Status::kOk);
      mid = std::move(act);
      for (Buf& b : mid) b.view.data = b.bytes.data();
    }
    const Status st = run_op(MOTE_OP_CONV, conv_params(k, s, e, pads, act2), {&mid[0], &w2, &b2}, &want);
    if (st != Status::kOk) continue;  // the kernel does not fit the padded map: no case
    mote_expand_dw_params p{};
    p.dw = conv_params(k, s, e, pads, act2);
    p.expand_act = act1;
    p.expand_op = expand_op;
    const int32_t oh = want[0].view.dims[2];
    const int32_t band_choices[] = {1, 2, 3, 4, 8, oh, oh + 5};
    p.band_rows = band_choices[pick(rng) % 7];
    if (p.band_rows < 1) p.band_rows = 1;
    std::vector<Buf> fused;
    ASSERT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, &b1, &w2, &b2}, &fused), Status::kOk);
    mote::TensorView shape{};
    const std::vector<float> ref = run_reference(p, {&x, &w1, &b1, &w2, &b2}, &shape);
    const std::vector<float> r = values<float>(want[0]), f = values<float>(fused[0]);
    ASSERT_EQ(f.size(), r.size());
    ASSERT_EQ(ref.size(), r.size());
    for (int d = 0; d < 4; ++d) {
      EXPECT_EQ(fused[0].view.dims[d], want[0].view.dims[d]);
      EXPECT_EQ(shape.dims[d], want[0].view.dims[d]);
    }
    float most = 0;
    for (float v : r) most = std::max(most, std::fabs(v));
    const std::string what = "round " + std::to_string(round) + " x[" + std::to_string(n) + "," + std::to_string(c) + "," +
                             std::to_string(h) + "," + std::to_string(w) + "] e" + std::to_string(e) + " k" + std::to_string(k) +
                             " s" + std::to_string(s) + " band " + std::to_string(p.band_rows) + " op " + std::to_string(expand_op);
    for (size_t i = 0; i < r.size(); ++i) {
      ASSERT_NEAR(ref[i], r[i], 1e-5f * (1 + most)) << what << " reference, element " << i;
      ASSERT_NEAR(f[i], r[i], 1e-5f * (1 + most)) << what << " kernel set, element " << i;
    }
  }
}

TEST(ConvExpandDepthwise, RefusesMalformedRecords) {
  const int32_t pads[4] = {1, 1, 1, 1};
  Buf x = make_t<float>(MOTE_F32, {1, 4, 6, 6}, std::vector<float>(144, 1.0f));
  Buf w1 = make_t<float>(MOTE_F32, {8, 4, 1, 1}, std::vector<float>(32, 0.5f));
  Buf b = make_t<float>(MOTE_F32, {8}, std::vector<float>(8, 0.0f));
  Buf w2 = make_t<float>(MOTE_F32, {8, 1, 3, 3}, std::vector<float>(72, 1.0f));
  mote_expand_dw_params p{};
  p.dw = conv_params(3, 1, 8, pads, {MOTE_ACT_NONE, 0, 0});
  p.band_rows = 4;
  std::vector<Buf> out;
  char err[192];
  ASSERT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, &b, &w2, &b}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.dims[1], 8);
  for (float v : values<float>(out[0])) EXPECT_TRUE(v == 8.0f || v == 12.0f || v == 18.0f) << v;  // 2 x taps inside
  EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, &b, &w2}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, nullptr, &w2, &b}, &out, 1, err), Status::kBadParams);
  EXPECT_NE(std::string(err).find("required"), std::string::npos) << err;
  Buf w1_bad = make_t<float>(MOTE_F32, {8, 3, 1, 1}, std::vector<float>(24, 0.5f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1_bad, &b, &w2, &b}, &out), Status::kBadParams);
  Buf w2_bad = make_t<float>(MOTE_F32, {8, 1, 5, 5}, std::vector<float>(200, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, &b, &w2_bad, &b}, &out), Status::kBadParams);
  Buf b_bad = make_t<float>(MOTE_F32, {7}, std::vector<float>(7, 0.0f));
  EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, p, {&x, &w1, &b_bad, &w2, &b}, &out), Status::kBadParams);
  for (int what = 0; what < 7; ++what) {
    mote_expand_dw_params q = p;
    if (what == 0) q.band_rows = 0;
    if (what == 1) q.dw.group = 4;
    if (what == 2) q.dw.stride[0] = 0;
    if (what == 3) q.expand_act.kind = 9;
    if (what == 4) q.dw.spatial_rank = 1;
    if (what == 5) q.dw.act = mote_act{MOTE_ACT_CLIP, 1.0f, -1.0f};
    if (what == 6) q.expand_op = MOTE_OP_SIGMOID;
    EXPECT_EQ(run_op(MOTE_OP_CONV_EXPAND_DW, q, {&x, &w1, &b, &w2, &b}, &out, 1, err), Status::kBadParams) << what;
  }
}

// x [1, 2, H, H] -> 1x1 Conv to 32 channels -> Clip(0, 6) -> 3x3 stride-2 depthwise; with
// `expanded_out`, the Clip's output is a graph output too.
std::string expand_dw_model(int64_t h, const std::vector<float>& w1, const std::vector<float>& w2, bool expanded_out) {
  mote_test::GraphBuilder b("expand_dw");
  b.input("x", {1, 2, h, h});
  b.output("y", {1, 32, (h + 1) / 2, (h + 1) / 2});
  if (expanded_out) b.output("a", {1, 32, h, h});
  b.floats("w1", {32, 2, 1, 1}, w1);
  b.floats("b1", {32}, std::vector<float>(32, 0.25f));
  b.floats("w2", {32, 1, 3, 3}, w2);
  b.floats("lo", {}, {0.0f});
  b.floats("hi", {}, {6.0f});
  b.node("Conv", {"x", "w1", "b1"}, "m");
  b.node("Clip", {"m", "lo", "hi"}, "a");
  auto* dw = b.node("Conv", {"a", "w2"}, "y");
  auto* group = dw->add_attribute();
  group->set_name("group");
  group->set_type(onnx::AttributeProto::INT);
  group->set_i(32);
  for (const char* name : {"pads", "strides"}) {
    auto* at = dw->add_attribute();
    at->set_name(name);
    at->set_type(onnx::AttributeProto::INTS);
    for (int k = 0; k < (name[0] == 'p' ? 4 : 2); ++k) at->add_ints(name[0] == 'p' ? 1 : 2);
  }
  return b.bytes();
}

bool fused(const mote::ConvertResult& r) {
  for (const std::string& note : r.notes) {
    if (note.find("ConvExpandDepthwise") != std::string::npos) return true;
  }
  return false;
}

TEST(ConvExpandDepthwise, ConverterMakesItForX86Only) {
  std::mt19937 rng(29);
  const int64_t H = 130;  // 32 x 130 x 130 floats expanded: 2.16 MB, above the converter's 2 MiB
  const std::vector<float> w1 = random_floats(rng, 64), w2 = random_floats(rng, 32 * 9);
  mote::ConvertOptions all, x86, m4, wasm;
  x86.kernel_sets = mote::parse_targets("x86");
  m4.kernel_sets = mote::parse_targets("cortex-m4");
  wasm.kernel_sets = mote::parse_targets("wasm");
  const std::string model = expand_dw_model(H, w1, w2, false);
  const mote::ConvertResult ra = mote::convert_bytes(model, "expand_dw.onnx", all);
  const mote::ConvertResult rx = mote::convert_bytes(model, "expand_dw.onnx", x86);
  EXPECT_FALSE(fused(ra));
  EXPECT_TRUE(fused(rx));
  EXPECT_FALSE(fused(mote::convert_bytes(model, "expand_dw.onnx", m4)));
  EXPECT_FALSE(fused(mote::convert_bytes(model, "expand_dw.onnx", wasm)));
  // The expanded tensor is not planned: the x86 arena holds x, y and a band, not 2 MB more.
  EXPECT_LT(rx.arena_bytes + 1500000, ra.arena_bytes);
  // A graph output reads the expanded tensor too, or it is small: the two Convs stay.
  EXPECT_FALSE(fused(mote::convert_bytes(expand_dw_model(H, w1, w2, true), "expand_dw.onnx", x86)));
  EXPECT_FALSE(fused(mote::convert_bytes(expand_dw_model(64, w1, w2, false), "expand_dw.onnx", x86)));
  const std::vector<float> x = random_floats(rng, 2 * H * H);
  const auto oa = run_blob(ra.blob, {raw(x)}), ox = run_blob(rx.blob, {raw(x)});
  ASSERT_EQ(oa.size(), 1u);
  ASSERT_EQ(ox.size(), 1u);
  const std::vector<float> ya = typed<float>(oa[0]), yx = typed<float>(ox[0]);
  ASSERT_EQ(ya.size(), size_t(32 * 65 * 65));
  ASSERT_EQ(yx.size(), ya.size());
  float most = 0;
  for (float v : ya) most = std::max(most, std::fabs(v));
  for (size_t i = 0; i < ya.size(); ++i) ASSERT_NEAR(yx[i], ya[i], 1e-5f * (1 + most)) << i;
}

}  // namespace

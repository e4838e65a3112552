// The converter's channel-shuffle fold (converter/src/channel_shuffle.cc) on a model built like
// ShuffleNet V2: a stride-2 unit (a depthwise and a 1x1 Conv read the input), two stride-1
// units (the shuffled tensor split by two Slices, one passed through to the Concat), a second
// stride-2 unit and a 1x1 Conv reading the last shuffle. The folded blob must compute what the
// unfused one does, with no Transpose left; a shuffle whose tensor a graph output or another op
// reads keeps its Transpose.
#include <gtest/gtest.h>

#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "tests/unit/graph_builder.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

struct ShuffleModel {
  GraphBuilder b{"shuffle_units"};
  std::mt19937 rng{31};
  int names = 0;

  std::string fresh(const char* stem) { return std::string(stem) + std::to_string(names++); }
  void ints(const std::string& name, const std::vector<int64_t>& values) {
    auto* t = b.g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_dims(int64_t(values.size()));
    for (int64_t v : values) t->add_int64_data(v);
  }
  std::vector<float> random(int64_t n) {
    std::vector<float> v(static_cast<size_t>(n));
    for (float& x : v) x = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
    return v;
  }
  static void ints_attr(onnx::NodeProto* n, const char* name, const std::vector<int64_t>& v) {
    auto* at = n->add_attribute();
    at->set_name(name);
    at->set_type(onnx::AttributeProto::INTS);
    for (int64_t x : v) at->add_ints(x);
  }
  // Conv (1x1 when k == 1, else depthwise k x k) with bias, then Relu when `relu`.
  std::string conv(const std::string& x, int64_t cin, int64_t cout, int64_t k, int64_t stride, bool relu) {
    const bool dw = k > 1;
    const std::string w = fresh("w"), bias = fresh("b"), y = fresh("conv");
    b.floats(w.c_str(), {cout, dw ? 1 : cin, k, k}, random(cout * (dw ? 1 : cin) * k * k));
    b.floats(bias.c_str(), {cout}, random(cout));
    auto* n = b.node("Conv", {x.c_str(), w.c_str(), bias.c_str()}, y.c_str());
    if (dw) {
      auto* group = n->add_attribute();
      group->set_name("group");
      group->set_type(onnx::AttributeProto::INT);
      group->set_i(cin);
      ints_attr(n, "pads", {k / 2, k / 2, k / 2, k / 2});
    }
    ints_attr(n, "strides", {stride, stride});
    if (!relu) return y;
    const std::string r = fresh("relu");
    b.node("Relu", {y.c_str()}, r.c_str());
    return r;
  }
  std::string shuffle(const std::string& x, int64_t c, int64_t h) {
    const std::string s1 = fresh("shape"), s2 = fresh("shape"), v = fresh("view"), t = fresh("tr"), y = fresh("shuffled");
    ints(s1, {1, 2, c / 2, h, h});
    ints(s2, {1, c, h, h});
    b.node("Reshape", {x.c_str(), s1.c_str()}, v.c_str());
    ints_attr(b.node("Transpose", {v.c_str()}, t.c_str()), "perm", {0, 2, 1, 3, 4});
    b.node("Reshape", {t.c_str(), s2.c_str()}, y.c_str());
    return y;
  }
  std::string concat(const std::string& a, const std::string& c) {
    const std::string y = fresh("cat");
    auto* n = b.node("Concat", {a.c_str(), c.c_str()}, y.c_str());
    auto* axis = n->add_attribute();
    axis->set_name("axis");
    axis->set_type(onnx::AttributeProto::INT);
    axis->set_i(1);
    return y;
  }
  std::string slice(const std::string& x, int64_t from, int64_t to) {
    const std::string st = fresh("st"), en = fresh("en"), ax = fresh("ax"), y = fresh("half");
    ints(st, {from});
    ints(en, {to});
    ints(ax, {1});
    b.node("Slice", {x.c_str(), st.c_str(), en.c_str(), ax.c_str()}, y.c_str());
    return y;
  }
  // In c channels at h x h, out 2c at h / 2.
  std::string down_unit(const std::string& x, int64_t c, int64_t h) {
    const std::string a = conv(conv(x, c, c, 3, 2, false), c, c, 1, 1, true);
    const std::string m = conv(conv(conv(x, c, c, 1, 1, true), c, c, 3, 2, false), c, c, 1, 1, true);
    return shuffle(concat(a, m), 2 * c, h / 2);
  }
  std::string unit(const std::string& x, int64_t c, int64_t h) {
    const std::string x1 = slice(x, 0, c / 2), x2 = slice(x, c / 2, c);
    const std::string m = conv(conv(conv(x2, c / 2, c / 2, 1, 1, true), c / 2, c / 2, 3, 1, false), c / 2, c / 2, 1, 1, true);
    return shuffle(concat(x1, m), c, h);
  }
};

// x [1, 6, 16, 16] -> down (12 @ 8) -> unit -> unit -> down (24 @ 4) -> unit -> 1x1 Conv to 10.
// With `tap`, the first unit's shuffled tensor is a graph output as well.
std::string shuffle_model(bool tap) {
  ShuffleModel m;
  m.b.input("x", {1, 6, 16, 16});
  std::string s = m.down_unit("x", 6, 16);
  s = m.unit(s, 12, 8);
  if (tap) {
    auto* id = m.b.node("Identity", {s.c_str()}, "tap");
    (void)id;
    m.b.output("tap", {1, 12, 8, 8});
  }
  s = m.unit(s, 12, 8);
  s = m.down_unit(s, 12, 8);
  s = m.unit(s, 24, 4);
  const std::string y = m.conv(s, 24, 10, 1, 1, false);
  m.b.node("Identity", {y.c_str()}, "y");
  m.b.output("y", {1, 10, 4, 4});
  return m.b.bytes();
}

int shuffles_folded(const mote::ConvertResult& r) {
  for (const std::string& note : r.notes) {
    if (note.find("channel shuffles") != std::string::npos) return std::stoi(note.substr(note.find(' ') + 1));
  }
  return 0;
}

void expect_same_outputs(const mote::ConvertResult& want, const mote::ConvertResult& got, const std::vector<float>& x) {
  const auto ow = run_blob(want.blob, {raw(x)}), og = run_blob(got.blob, {raw(x)});
  ASSERT_EQ(ow.size(), og.size());
  for (size_t k = 0; k < ow.size(); ++k) {
    const std::vector<float> yw = typed<float>(ow[k]), yg = typed<float>(og[k]);
    ASSERT_EQ(yw.size(), yg.size());
    float most = 0;
    for (float v : yw) most = std::max(most, std::fabs(v));
    for (size_t i = 0; i < yw.size(); ++i) ASSERT_NEAR(yg[i], yw[i], 1e-5f * (1 + most)) << "output " << k << " element " << i;
  }
}

TEST(ChannelShuffle, FoldedIntoSlicesAndConvs) {
  std::mt19937 rng(7);
  std::vector<float> x(6 * 16 * 16);
  for (float& v : x) v = std::uniform_real_distribution<float>(-2.0f, 2.0f)(rng);
  mote::ConvertOptions plain, folded;
  plain.no_fusion = true;
  const std::string model = shuffle_model(false);
  const mote::ConvertResult rp = mote::convert_bytes(model, "shuffle.onnx", plain);
  const mote::ConvertResult rf = mote::convert_bytes(model, "shuffle.onnx", folded);
  EXPECT_EQ(shuffles_folded(rp), 0);
  EXPECT_EQ(shuffles_folded(rf), 5);
  // Each shuffle's Reshape, Transpose and Reshape are gone (and the Relus fused).
  EXPECT_LE(rf.op_count + 15, rp.op_count);
  expect_same_outputs(rp, rf, x);
  for (const char* target : {"wasm", "x86", "cortex-m4"}) {
    mote::ConvertOptions t;
    t.kernel_sets = mote::parse_targets(target);
    const mote::ConvertResult rt = mote::convert_bytes(model, "shuffle.onnx", t);
    EXPECT_EQ(shuffles_folded(rt), 5) << target;
    expect_same_outputs(rp, rt, x);
  }
}

TEST(ChannelShuffle, KeptWhereAGraphOutputReadsIt) {
  std::mt19937 rng(8);
  std::vector<float> x(6 * 16 * 16);
  for (float& v : x) v = std::uniform_real_distribution<float>(-2.0f, 2.0f)(rng);
  mote::ConvertOptions plain, folded;
  plain.no_fusion = true;
  const std::string model = shuffle_model(true);
  const mote::ConvertResult rp = mote::convert_bytes(model, "shuffle.onnx", plain);
  const mote::ConvertResult rf = mote::convert_bytes(model, "shuffle.onnx", folded);
  // The tapped shuffle's Slices read the input unshuffled all the same; its Transpose stays for
  // the output.
  EXPECT_EQ(shuffles_folded(rf), 5);
  expect_same_outputs(rp, rf, x);
}

}  // namespace

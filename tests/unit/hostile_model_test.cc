// Hostile models never crash the converter: each model here is built with onnx's protobuf API to
// hit one class of problem a fuzzing campaign on `mote convert` found, and each must end in a
// mote::ConvertError that names the node and the value at fault, never a signal, an abort, an
// unrelated exception, a huge allocation or a blob the runtime would refuse.
//
//   1. attributes that make ONNX's own shape inference divide by zero or index out of bounds
//   2. shape arithmetic that overflows (initialisers, Reshape, Range, Resize)
//   3. constant folding that would allocate more than a tensor may hold
//   4. int64 attributes and constant inputs that do not fit the int32 they are narrowed to
//   5. a graph without outputs
//   6. internal exceptions (std::out_of_range and friends) escaping without the node's name
//   7. NaN/Inf calibration data
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/mote.h"
#include "mote/mote.hpp"
#include "onnx/onnx_pb.h"

namespace {

bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }

// A graph under construction: float inputs/outputs, initialisers and nodes.
class Builder {
 public:
  explicit Builder(int64_t opset = 13) {
    m_.set_ir_version(8);
    m_.set_producer_name("hostile_model_test");
    auto* o = m_.add_opset_import();
    o->set_domain("");
    o->set_version(opset);
    g_ = m_.mutable_graph();
    g_->set_name("hostile");
  }
  onnx::GraphProto* graph() { return g_; }

  // dims < 0 are unknown dimensions.
  static void value(google::protobuf::RepeatedPtrField<onnx::ValueInfoProto>* list, const std::string& name,
                    const std::vector<int64_t>& dims, int32_t type = onnx::TensorProto::FLOAT) {
    auto* v = list->Add();
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    auto* shape = tt->mutable_shape();
    for (int64_t d : dims) {
      auto* dim = shape->add_dim();
      if (d >= 0) dim->set_dim_value(d);
    }
  }
  void input(const std::string& name, const std::vector<int64_t>& dims) { value(g_->mutable_input(), name, dims); }
  void output(const std::string& name, const std::vector<int64_t>& dims, int32_t type = onnx::TensorProto::FLOAT) {
    value(g_->mutable_output(), name, dims, type);
  }

  static onnx::TensorProto* ints(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims,
                                 const std::vector<int64_t>& values) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::INT64);
    for (int64_t d : dims) t->add_dims(d);
    for (int64_t v : values) t->add_int64_data(v);
    return t;
  }
  static onnx::TensorProto* floats(onnx::GraphProto* g, const std::string& name, const std::vector<int64_t>& dims,
                                   const std::vector<float>& values) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
    return t;
  }
  onnx::TensorProto* ints(const std::string& name, const std::vector<int64_t>& dims, const std::vector<int64_t>& values) {
    return ints(g_, name, dims, values);
  }
  onnx::TensorProto* floats(const std::string& name, const std::vector<int64_t>& dims, const std::vector<float>& values) {
    return floats(g_, name, dims, values);
  }

  static onnx::NodeProto* node(onnx::GraphProto* g, const std::string& op, const std::string& name,
                               const std::vector<std::string>& inputs, const std::vector<std::string>& outputs) {
    auto* n = g->add_node();
    n->set_op_type(op);
    n->set_name(name);
    for (const auto& s : inputs) n->add_input(s);
    for (const auto& s : outputs) n->add_output(s);
    return n;
  }
  onnx::NodeProto* node(const std::string& op, const std::string& name, const std::vector<std::string>& inputs,
                        const std::vector<std::string>& outputs) {
    return node(g_, op, name, inputs, outputs);
  }

  std::string bytes() const {
    std::string s;
    m_.SerializeToString(&s);
    return s;
  }

 private:
  onnx::ModelProto m_;
  onnx::GraphProto* g_;
};

void int_attr(onnx::NodeProto* n, const std::string& name, int64_t v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(v);
}

void ints_attr(onnx::NodeProto* n, const std::string& name, const std::vector<int64_t>& v) {
  auto* a = n->add_attribute();
  a->set_name(name);
  a->set_type(onnx::AttributeProto::INTS);
  for (int64_t x : v) a->add_ints(x);
}

// The converter's error for `model`; a success or any other exception is a test failure.
std::string convert_error(const Builder& model, const mote::ConvertOptions& opts = {}) {
  try {
    mote::ConvertResult r = mote::convert_bytes(model.bytes(), "hostile.onnx", opts);
    ADD_FAILURE() << "conversion succeeded (" << r.blob.size() << " bytes); expected a ConvertError";
  } catch (const mote::ConvertError& e) {
    EXPECT_STRNE(e.what(), "");
    return e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "a non-ConvertError escaped: " << e.what();
  }
  return "";
}

#define EXPECT_MENTIONS(text, part) EXPECT_TRUE(contains(text, part)) << "'" << (text) << "' lacks '" << (part) << "'"

// If(cond) -> y over a BOOL initialiser "cond": true, or empty (no element at all) when `known`
// is false. fill(graph, "then_branch"/"else_branch", output name) builds each branch's body.
template <typename Fill>
void add_if(Builder* b, bool known, const std::vector<int64_t>& out_dims, Fill fill) {
  auto* cond = b->graph()->add_initializer();
  cond->set_name("cond");
  cond->set_data_type(onnx::TensorProto::BOOL);
  if (known) {
    cond->add_int32_data(1);
  } else {
    cond->add_dims(0);
  }
  auto* n = b->node("If", "branch", {"cond"}, {"y"});
  for (const std::string which : {"then_branch", "else_branch"}) {
    auto* a = n->add_attribute();
    a->set_name(which);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* g = a->mutable_g();
    g->set_name(which);
    Builder::value(g->mutable_output(), which + "_y", out_dims);
    fill(g, which, which + "_y");
  }
}

// x[1,1,4,4] -> OP(x, w[1,1,1,1]) -> y: the shape of Conv and friends.
Builder spatial_model(const std::string& op, const std::vector<int64_t>& w_dims = {1, 1, 1, 1}) {
  Builder b;
  b.input("x", {1, 1, 4, 4});
  b.output("y", {-1, -1, -1, -1});
  std::vector<std::string> in = {"x"};
  if (op == "Conv" || op == "ConvTranspose") {
    int64_t n = 1;
    for (int64_t d : w_dims) n *= d;
    b.floats("w", w_dims, std::vector<float>(size_t(n), 1.0f));
    in.push_back("w");
  }
  b.node(op, "victim", in, {"y"});
  return b;
}

// ---- 1. ONNX shape inference never sees attributes it would divide by or index with -----------

TEST(HostileModel, ZeroStridesAreRefusedBeforeShapeInference) {
  for (const char* op : {"Conv", "MaxPool", "AveragePool", "LpPool"}) {
    Builder b = spatial_model(op);
    auto* n = b.graph()->mutable_node(0);
    if (std::string(op) != "Conv") ints_attr(n, "kernel_shape", {1, 1});
    ints_attr(n, "strides", {0, 0});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "victim");
    EXPECT_MENTIONS(e, op);
    EXPECT_MENTIONS(e, "strides");
  }
}

TEST(HostileModel, HugeDepthToSpaceBlocksizeIsRefused) {
  Builder b = spatial_model("DepthToSpace");
  int_attr(b.graph()->mutable_node(0), "blocksize", int64_t(1) << 32);
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "blocksize");
  EXPECT_MENTIONS(e, "4294967296");
}

TEST(HostileModel, ConvTransposeWeightOfRankOneIsRefused) {
  const std::string e = convert_error(spatial_model("ConvTranspose", {1}));
  EXPECT_MENTIONS(e, "victim");
  EXPECT_MENTIONS(e, "ConvTranspose");
}

// The weight's rank is only known once shape inference has reached it.
TEST(HostileModel, ComputedConvTransposeWeightOfRankOneIsRefused) {
  Builder b;
  b.input("x", {1, 1, 4, 4});
  b.output("y", {-1, -1, -1, -1});
  b.floats("w0", {1}, {1.0f});
  b.node("Identity", "id", {"w0"}, {"w"});
  b.node("ConvTranspose", "victim", {"x", "w"}, {"y"});
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "victim");
}

TEST(HostileModel, ZeroStridesInsideAnIfBranchAreRefused) {
  Builder b;
  b.input("x", {1, 1, 4, 4});
  b.output("y", {-1, -1, -1, -1});
  b.floats("w", {1, 1, 1, 1}, {1.0f});
  add_if(&b, true, {-1, -1, -1, -1}, [](onnx::GraphProto* g, const std::string& which, const std::string& out) {
    ints_attr(Builder::node(g, "Conv", "inner_" + which, {"x", "w"}, {out}), "strides", {0, 0});
  });
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "inner_");
  EXPECT_MENTIONS(e, "strides");
}

// ---- 2. shape arithmetic never overflows --------------------------------------------------------

TEST(HostileModel, InitializerWithOverflowingElementCountIsRefused) {
  Builder b;
  b.input("x", {4});
  b.output("y", {4});
  b.floats("huge", {int64_t(1) << 40, int64_t(1) << 40}, {});
  b.node("Relu", "relu", {"x"}, {"y"});
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "huge");
  EXPECT_MENTIONS(e, "too large");
}

TEST(HostileModel, ReshapeWithOverflowingShapeIsRefused) {
  Builder b;
  b.input("x", {4});
  b.output("y", {-1, -1, -1});
  b.ints("shape", {3}, {int64_t(1) << 32, int64_t(1) << 32, -1});
  b.node("Reshape", "reshape", {"x", "shape"}, {"y"});
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "reshape");
  EXPECT_MENTIONS(e, "too large");
}

TEST(HostileModel, RangeWithNaNOrHugeBoundsIsRefused) {
  const float nan = std::numeric_limits<float>::quiet_NaN(), inf = std::numeric_limits<float>::infinity();
  for (const std::vector<float>& v : {std::vector<float>{0, nan, 1}, {0, inf, 1}, {0, 1e30f, 1}, {0, 1, 0}}) {
    Builder b;
    b.output("y", {-1});
    b.floats("start", {}, {v[0]});
    b.floats("limit", {}, {v[1]});
    b.floats("delta", {}, {v[2]});
    b.node("Range", "range", {"start", "limit", "delta"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "range");
    EXPECT_MENTIONS(e, "Range");
  }
  Builder b;
  b.output("y", {-1}, onnx::TensorProto::INT64);
  b.ints("start", {}, {std::numeric_limits<int64_t>::min()});
  b.ints("limit", {}, {std::numeric_limits<int64_t>::max()});
  b.ints("delta", {}, {1});
  b.node("Range", "range", {"start", "limit", "delta"}, {"y"});
  EXPECT_MENTIONS(convert_error(b), "Range too long");
}

TEST(HostileModel, ResizeWithNaNOrHugeScalesIsRefused) {
  for (float s : {4e30f, std::numeric_limits<float>::quiet_NaN(), -2.0f}) {
    Builder b;
    b.input("x", {1, 1, 2, 2});
    b.output("y", {-1, -1, -1, -1});
    b.floats("scales", {4}, {1.0f, 1.0f, s, 1.0f});
    b.node("Resize", "resize", {"x", "", "scales"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "resize");
    EXPECT_MENTIONS(e, "scale");
  }
}

// The lowering fills per-axis arrays of 8 entries; an initialiser may have any rank.
TEST(HostileModel, InputOfRankAboveEightIsRefused) {
  Builder b;
  b.output("y", std::vector<int64_t>(9, -1));
  b.floats("t9", std::vector<int64_t>(9, 1), {1.0f});
  b.node("Transpose", "transpose", {"t9"}, {"y"});
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "transpose");
  EXPECT_MENTIONS(e, "rank 9");
}

// ---- 3. constant folding checks the size before it allocates ------------------------------------

TEST(HostileModel, FoldingAboveTwoGiBIsRefusedBeforeAllocating) {
  for (int64_t count : {int64_t(1) << 28, int64_t(INT32_MAX)}) {
    Builder b;
    b.output("y", {count}, onnx::TensorProto::INT64);
    b.ints("one", {1}, {1});
    b.ints("shape", {1}, {count});
    b.node("Expand", "expand", {"one", "shape"}, {"y"});
    const auto start = std::chrono::steady_clock::now();
    const std::string e = convert_error(b);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    EXPECT_MENTIONS(e, "expand");
    EXPECT_MENTIONS(e, "2 GiB");
    EXPECT_LT(seconds, 2.0) << "the refusal came after the work";
  }
}

// ---- 4. int64 values never narrow silently to int32 ---------------------------------------------

TEST(HostileModel, Int64AttributesAndInputsThatDoNotFitInt32AreRefused) {
  {
    Builder b;
    b.input("x", {4});
    b.output("y", {-1});
    b.ints("reps", {1}, {int64_t(1) << 40});
    b.node("Tile", "tile", {"x", "reps"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "tile");
    EXPECT_MENTIONS(e, "Tile repeats");
    EXPECT_MENTIONS(e, "1099511627776");
  }
  {
    Builder b;
    b.input("x", {4});
    b.output("y", {-1});
    b.ints("pads", {2}, {0, std::numeric_limits<int64_t>::max()});
    b.node("Pad", "pad", {"x", "pads"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "pad");
    EXPECT_MENTIONS(e, "9223372036854775807");
  }
  struct AxisCase {
    const char* op;
    int64_t axis;
    const char* text;
  };
  for (const AxisCase& c : {AxisCase{"Concat", std::numeric_limits<int64_t>::min(), "-9223372036854775808"},
                            AxisCase{"Gather", (int64_t(1) << 32) + 2, "4294967298"},
                            AxisCase{"Softmax", (int64_t(1) << 32) + 1, "4294967297"}}) {
    Builder b;
    b.input("x", {4, 4});
    b.output("y", {-1, -1});
    std::vector<std::string> in = {"x"};
    if (std::string(c.op) == "Concat") in.push_back("x");
    if (std::string(c.op) == "Gather") {
      b.ints("idx", {1}, {0});
      in.push_back("idx");
    }
    int_attr(b.node(c.op, "victim", in, {"y"}), "axis", c.axis);
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "victim");
    EXPECT_MENTIONS(e, "'axis'");
    EXPECT_MENTIONS(e, c.text);
  }
}

// ---- 5. a graph without outputs is refused, not written -----------------------------------------

TEST(HostileModel, GraphWithoutOutputsIsRefused) {
  Builder b;
  b.input("x", {4});
  b.node("Relu", "relu", {"x"}, {"y"});
  EXPECT_MENTIONS(convert_error(b), "no outputs");
}

// ---- 6. internal exceptions become ConvertErrors naming the node --------------------------------

TEST(HostileModel, InternalExceptionsNameTheNode) {
  // An If whose condition is an empty constant: the lowering's read of its first element throws
  // std::out_of_range.
  Builder b;
  b.input("x", {4});
  b.output("y", {4});
  add_if(&b, false, {4}, [](onnx::GraphProto* g, const std::string& which, const std::string& out) {
    Builder::node(g, "Relu", "inner_" + which, {"x"}, {out});
  });
  const std::string e = convert_error(b);
  EXPECT_MENTIONS(e, "branch");
  EXPECT_MENTIONS(e, "(If)");

  // Strides shorter than the spatial rank: shape inference skips the node, the lowering read
  // past the list.
  Builder conv = spatial_model("Conv");
  ints_attr(conv.graph()->mutable_node(0), "strides", {1});
  const std::string short_strides = convert_error(conv);
  EXPECT_MENTIONS(short_strides, "victim");
  EXPECT_MENTIONS(short_strides, "(Conv)");
}

// ---- 7. NaN/Inf calibration data is refused, naming the sample ----------------------------------

TEST(HostileModel, NonFiniteCalibrationDataIsRefused) {
  Builder b;
  b.input("x", {1, 1, 4, 4});
  b.output("y", {1, 1, 4, 4});
  b.floats("w", {1, 1, 1, 1}, {0.5f});
  b.node("Conv", "conv", {"x", "w"}, {"c"});
  b.node("Relu", "relu", {"c"}, {"y"});
  for (float bad : {std::numeric_limits<float>::quiet_NaN(), -std::numeric_limits<float>::infinity()}) {
    mote::HostTensor calib;
    calib.dtype = MOTE_F32;
    calib.shape = {3, 1, 4, 4};
    std::vector<float> v(48, 0.25f);
    v[16 + 5] = bad;  // sample 1, element 5
    calib.data.resize(v.size() * 4);
    std::memcpy(calib.data.data(), v.data(), calib.data.size());
    const std::string path = testing::TempDir() + "/hostile_calib.npy";
    mote::write_npy(path, calib);
    mote::ConvertOptions opts;
    opts.quantize_int8 = true;
    opts.calib = path;
    const std::string e = convert_error(b, opts);
    EXPECT_MENTIONS(e, "sample 1");
    EXPECT_MENTIONS(e, "element 5");
  }
}

}  // namespace

// ---- 8. Found by the fuzzers (tests/fuzz) after the classes above were closed --------------------

// An axis of 0 on a scalar input was accepted and indexed an empty shape.
TEST(HostileModel, AxisOnAScalarIsRefused) {
  for (const char* op : {"Split", "Squeeze"}) {
    Builder b(11);
    b.input("x", {});
    b.output("y", {});
    auto* n = b.node(op, "victim", {"x"}, {"y"});
    if (std::string(op) == "Squeeze") ints_attr(n, "axes", {0});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "victim");
    EXPECT_MENTIONS(e, "out of range for rank 0");
  }
}

// ONNX's own LayerNormalization inference writes dims [axis, rank) of its statistics outputs
// without checking the axis (SIGSEGV in the library).
TEST(HostileModel, LayerNormalizationAxisOutOfRangeNeverReachesOnnxInference) {
  for (int64_t axis : {int64_t(-100), int64_t(4), int64_t(1) << 40}) {
    Builder b(17);
    b.input("x", {1, 2, 3, 4});
    b.floats("scale", {4}, {1, 1, 1, 1});
    b.output("y", {-1, -1, -1, -1});
    b.output("mean", {-1, -1, -1, -1});
    int_attr(b.node("LayerNormalization", "victim", {"x", "scale"}, {"y", "mean"}), "axis", axis);
    EXPECT_MENTIONS(convert_error(b), "victim");
  }
}

// Clip bounds that are reversed or NaN: every kernel set clamps in its own order, so the result
// would depend on the target.
TEST(HostileModel, ReversedOrNaNClipBoundsAreRefused) {
  for (float hi : {-1.0f, std::nanf("")}) {
    Builder b;
    b.input("x", {1, 4});
    b.output("y", {1, 4});
    b.floats("lo", {}, {0.0f});
    b.floats("hi", {}, {hi});
    b.node("Clip", "victim", {"x", "lo", "hi"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "victim");
    EXPECT_MENTIONS(e, "Clip bounds");
  }
}

// An initialiser that claims 2^30 elements but carries one was allocated (4 GB) before its
// data was checked.
TEST(HostileModel, InitializerWithoutItsDataIsRefusedBeforeAllocating) {
  Builder b;
  b.input("x", {1});
  b.output("y", {1});
  auto* t = b.graph()->add_initializer();
  t->set_name("big");
  t->set_data_type(onnx::TensorProto::INT32);
  t->add_dims(int64_t(1) << 30);
  t->add_int32_data(7);  // one element of the 2^30 it claims
  b.node("Identity", "victim", {"x"}, {"y"});
  const auto t0 = std::chrono::steady_clock::now();
  EXPECT_MENTIONS(convert_error(b), "element count does not match its shape");
  EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 1.0);
}

// ONNX's Gemm inference (opset 6) indexes dims 0 and 1 of a rank-1 B (SIGSEGV in the library).
TEST(HostileModel, GemmOfRankOneNeverReachesOnnxInference) {
  Builder b(6);
  b.input("a", {6, 3});
  b.input("bv", {6});
  b.output("y", {3, 4});
  int_attr(b.node("Gemm", "victim", {"a", "bv", "a"}, {"y"}), "transA", 1);
  EXPECT_MENTIONS(convert_error(b), "victim");
}

// A shape input declared with 2^30 elements: ONNX's inference would add one output dimension
// per element (gigabytes of protobuf) before anything else could refuse it.
TEST(HostileModel, HugeShapeInputLengthsNeverReachOnnxInference) {
  for (const char* op : {"ConstantOfShape", "Reshape", "Expand"}) {
    Builder b;
    b.input("x", {2, 2});
    Builder::value(b.graph()->mutable_input(), "s", {int64_t(1) << 30}, onnx::TensorProto::INT64);
    b.output("y", {-1, -1});
    const bool unary = std::string(op) == "ConstantOfShape";
    b.node(op, "victim", unary ? std::vector<std::string>{"s"} : std::vector<std::string>{"x", "s"}, {"y"});
    const auto t0 = std::chrono::steady_clock::now();
    EXPECT_MENTIONS(convert_error(b), "victim");
    EXPECT_LT(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(), 2.0) << op;
  }
}

// ONNX's inference for the audio and recurrent ops indexes dims of inputs it assumes ranks for:
// STFT's dims 1 and 2 of a rank-1 signal (SIGSEGV in the library). Their ranks are checked first;
// the lowering then refuses the node with its own message.
TEST(HostileModel, AudioAndRecurrentRanksCheckedBeforeOnnxInference) {
  {
    Builder b(17);
    b.input("signal", {1});
    Builder::value(b.graph()->mutable_input(), "step", {}, onnx::TensorProto::INT64);
    Builder::value(b.graph()->mutable_input(), "length", {}, onnx::TensorProto::INT64);
    b.output("y", {1, 15, 9, 2});
    b.node("STFT", "victim", {"signal", "step", "", "length"}, {"y"});
    const std::string e = convert_error(b);
    EXPECT_MENTIONS(e, "victim");
  }
  for (const char* op : {"DFT", "LSTM"}) {
    Builder b(17);
    b.input("x", {4});
    b.input("w", {4});
    b.input("r", {4});
    b.output("y", {4, 2});
    const bool dft = std::string(op) == "DFT";
    b.node(op, "victim", dft ? std::vector<std::string>{"x"} : std::vector<std::string>{"x", "w", "r"}, {"y"});
    EXPECT_MENTIONS(convert_error(b), "victim");
  }
}

// A kernel's run-time error names the op and its node in front of the kernel's own detail (the
// session writes both into its one error text: Diag::detach).
TEST(HostileModel, RunTimeErrorsNameTheOpBeforeTheKernelsDetail) {
  Builder b;
  b.input("x", {4, 3});
  Builder::value(b.graph()->mutable_input(), "idx", {2}, onnx::TensorProto::INT64);
  b.output("y", {2, 3});
  b.node("Gather", "pick", {"x", "idx"}, {"y"});
  const std::vector<uint8_t> blob = mote::convert_bytes(b.bytes(), "gather.onnx", {}).blob;
  alignas(16) static uint8_t copy[1 << 16];
  ASSERT_LE(blob.size(), sizeof copy);
  std::memcpy(copy, blob.data(), blob.size());
  mote::Model model;
  ASSERT_EQ(model.load(copy, blob.size()), mote::Status::kOk) << model.error();
  alignas(16) static uint8_t arena[1 << 12];
  ASSERT_LE(model.arena_bytes(), sizeof arena);
  mote::Session session;
  ASSERT_EQ(session.init(&model, arena, sizeof arena), mote::Status::kOk);
  const float x[12] = {0};
  const int64_t idx[2] = {1, 9};
  ASSERT_EQ(session.set_input(0, x, sizeof x), mote::Status::kOk);
  ASSERT_EQ(session.set_input(1, idx, sizeof idx), mote::Status::kOk);
  EXPECT_EQ(session.run(), mote::Status::kRuntime);
  EXPECT_STREQ(session.error(), "op 0 (Gather 'pick'): index 9 at position 1 is out of range for an axis of size 4");
}

// GatherND's ONNX inference read out of bounds on a fuzzed model (batch_dims -15): the ops whose
// lowering checks every shape itself skip the library's inference; the lowering refuses it.
TEST(HostileModel, GatherNdNegativeBatchDimsIsRefusedNotCrashed) {
  Builder b(13);
  b.input("data", {2, 2, 2});
  b.input("indices", {2, 1});
  b.output("y", {2, 2});
  b.node("GatherND", "victim", {"data", "indices"}, {"y"});
  auto* a = b.graph()->mutable_node(b.graph()->node_size() - 1)->add_attribute();
  a->set_name("batch_dims");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(-15);
  EXPECT_MENTIONS(convert_error(b), "victim");
}

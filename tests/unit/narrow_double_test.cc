// Float64 models (mote convert --narrow-double): refused by name without the option; with it every
// float64 tensor (graph input and output, initialiser, Constant value, Cast target, a subgraph's
// values) becomes float32, the notes and the blob say how many, and the model computes in float32.
// Test data read with narrowing becomes float32 too.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <fstream>
#include <limits>
#include <string>
#include <vector>

#include "mote/model_records.hpp"
#include "tests/unit/bad_input_fixture.h"
#include "tests/unit/one_node_model.h"

namespace {

using namespace mote_test;

constexpr int32_t kDouble = onnx::TensorProto::DOUBLE;

onnx::TensorProto* doubles(onnx::TensorProto* t, const std::string& name, const std::vector<double>& v, bool raw) {
  t->set_name(name);
  t->set_data_type(kDouble);
  t->add_dims(int64_t(v.size()));
  if (raw) {
    t->set_raw_data(std::string(reinterpret_cast<const char*>(v.data()), v.size() * sizeof(double)));
  } else {
    for (double d : v) t->add_double_data(d);
  }
  return t;
}

// y = Cast<double>((x + w) * c) with x a float64 input, w a float64 initialiser (raw data, one
// value beyond float32's range), c a float64 Constant; z = Cast<float>(x), a float32 output.
onnx::ModelProto double_model() {
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("doubles");
  add_value(g->mutable_input(), "x", {3})->mutable_type()->mutable_tensor_type()->set_elem_type(kDouble);
  add_value(g->mutable_output(), "y", {3})->mutable_type()->mutable_tensor_type()->set_elem_type(kDouble);
  add_value(g->mutable_output(), "z", {3});
  doubles(g->add_initializer(), "w", {1.5, -2.0, 1e40}, true);
  onnx::NodeProto* c = add_node(g, "Constant", "two", {}, {"c"});
  auto* value = c->add_attribute();
  value->set_name("value");
  value->set_type(onnx::AttributeProto::TENSOR);
  doubles(value->mutable_t(), "c", {2.0}, false);
  add_node(g, "Add", "add", {"x", "w"}, {"s"});
  add_node(g, "Mul", "mul", {"s", "c"}, {"p"});
  int_attr(add_node(g, "Cast", "to_double", {"p"}, {"y"}), "to", kDouble);
  int_attr(add_node(g, "Cast", "to_float", {"x"}, {"z"}), "to", onnx::TensorProto::FLOAT);
  return m;
}

std::string error_of(const onnx::ModelProto& m) {
  try {
    mote::convert_bytes(serialize(m), "doubles.onnx", {});
  } catch (const mote::ConvertError& e) {
    return e.what();
  }
  return "";
}

TEST(NarrowDouble, RefusedByNameWithoutTheOption) {
  const std::string e = error_of(double_model());
  EXPECT_NE(e.find("'x'"), std::string::npos) << e;
  EXPECT_NE(e.find("float64"), std::string::npos) << e;
  EXPECT_NE(e.find("--narrow-double"), std::string::npos) << e;
  // A float32 model whose Cast makes float64: the Cast's output is named.
  OneNode cast("Cast", 13);
  cast.input("x", onnx::TensorProto::FLOAT, {2}).output("y", kDouble, {2}).attr("to", kDouble);
  const std::string c = convert_error_text(cast);
  EXPECT_NE(c.find("tensor 'y'"), std::string::npos) << c;
  EXPECT_NE(c.find("Cast"), std::string::npos) << c;
  EXPECT_NE(c.find("--narrow-double"), std::string::npos) << c;
}

TEST(NarrowDouble, NarrowsCountsAndComputesInFloat32) {
  mote::ConvertOptions opt;
  opt.narrow_double = true;
  const mote::ConvertResult r = mote::convert_bytes(serialize(double_model()), "doubles.onnx", opt);
  // x, y, w, the Constant's value and the Cast to float64; not z nor the Cast to float32.
  EXPECT_EQ(r.narrowed, 5u);
  bool noted = false;
  for (const std::string& n : r.notes) noted |= n.find("narrowed 5 float64 tensors to float32") != std::string::npos;
  EXPECT_TRUE(noted);
  Aligned bytes(r.blob, r.blob.size());
  mote::Model model;
  ASSERT_EQ(model.load(bytes.data(), bytes.size()), mote::Status::kOk) << model.error();
  EXPECT_EQ(model.meta().narrowed, 5u);
  mote::TensorInfo info;
  ASSERT_EQ(model.input_info(0, &info), mote::Status::kOk);
  EXPECT_EQ(info.dtype, MOTE_F32);
  EXPECT_TRUE(model.tensor(model.input_tensor(0)).flags & MOTE_TENSOR_FLAG_NARROWED);
  EXPECT_TRUE(model.tensor(model.output_tensor(0)).flags & MOTE_TENSOR_FLAG_NARROWED);   // y
  EXPECT_FALSE(model.tensor(model.output_tensor(1)).flags & MOTE_TENSOR_FLAG_NARROWED);  // z
  const auto out = run_blob(r.blob, {raw(std::vector<float>{1, 2, 3})});
  ASSERT_EQ(out.size(), 2u);
  const std::vector<float> y = typed<float>(out[0]);
  ASSERT_EQ(y.size(), 3u);
  EXPECT_EQ(y[0], 5.0f);
  EXPECT_EQ(y[1], 0.0f);
  EXPECT_EQ(y[2], std::numeric_limits<float>::infinity());  // 1e40 overflows float32
  EXPECT_EQ(typed<float>(out[1]), (std::vector<float>{1, 2, 3}));
}

TEST(NarrowDouble, ReachesIntoSubgraphs) {
  // y = If(cond) { float64 Constant 3 } else { float64 Constant -3 }, a float64 output.
  onnx::ModelProto m;
  m.set_ir_version(8);
  m.add_opset_import()->set_version(13);
  onnx::GraphProto* g = m.mutable_graph();
  g->set_name("branches");
  add_value(g->mutable_input(), "cond", {})->mutable_type()->mutable_tensor_type()->set_elem_type(onnx::TensorProto::BOOL);
  add_value(g->mutable_output(), "y", {1})->mutable_type()->mutable_tensor_type()->set_elem_type(kDouble);
  onnx::NodeProto* n = add_node(g, "If", "if", {"cond"}, {"y"});
  for (const char* branch : {"then_branch", "else_branch"}) {
    auto* a = n->add_attribute();
    a->set_name(branch);
    a->set_type(onnx::AttributeProto::GRAPH);
    onnx::GraphProto* b = a->mutable_g();
    b->set_name(branch);
    add_value(b->mutable_output(), std::string(branch) + "_y", {1})->mutable_type()->mutable_tensor_type()->set_elem_type(kDouble);
    auto* c = add_node(b, "Constant", std::string(branch) + "_c", {}, {std::string(branch) + "_y"})->add_attribute();
    c->set_name("value");
    c->set_type(onnx::AttributeProto::TENSOR);
    doubles(c->mutable_t(), "v", {branch[0] == 't' ? 3.0 : -3.0}, false);
  }
  EXPECT_NE(error_of(m).find("--narrow-double"), std::string::npos);
  mote::ConvertOptions opt;
  opt.narrow_double = true;
  mote::ConvertResult r;
  ASSERT_NO_THROW(r = mote::convert_bytes(serialize(m), "branches.onnx", opt));
  EXPECT_EQ(r.narrowed, 5u);  // the output, two constants, two branch outputs
}

TEST(NarrowDouble, TestDataReadAsFloat32) {
  onnx::TensorProto t;
  doubles(&t, "x", {0.1, -2.5}, false);
  const std::string path = ::testing::TempDir() + "narrow_double_input.pb";
  {
    std::ofstream f(path, std::ios::binary);
    f << t.SerializeAsString();
  }
  try {
    mote::read_tensor_proto_file(path);
    ADD_FAILURE() << "read a float64 tensor without narrowing";
  } catch (const mote::ConvertError& e) {
    EXPECT_NE(std::string(e.what()).find("--narrow-double"), std::string::npos) << e.what();
  }
  const mote::HostTensor h = mote::read_tensor_proto_file(path, true);
  EXPECT_EQ(h.dtype, MOTE_F32);
  ASSERT_EQ(h.data.size(), 8u);
  const float* v = reinterpret_cast<const float*>(h.data.data());
  EXPECT_EQ(v[0], 0.1f);
  EXPECT_EQ(v[1], -2.5f);
  std::remove(path.c_str());
}

}  // namespace

// Trilu: the reference kernel against hand-computed triangles, and its lowering (k must be a
// constant at conversion time). The ONNX node tests (node/test_tril*, node/test_triu*) run in
// the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <vector>

#include "mote/converter.h"
#include "mote/kernel.h"
#include "mote/mote.hpp"
#include "onnx/onnx_pb.h"
#include "tests/unit/one_node_model.h"

namespace {

template <typename T>
mote::Status trilu(int32_t upper, int32_t k, int32_t dtype, std::vector<int32_t> dims, const std::vector<T>& x,
                   std::vector<T>* y) {
  mote::TensorView in{const_cast<T*>(x.data()), dtype, int32_t(dims.size()), {0}};
  for (size_t d = 0; d < dims.size(); ++d) in.dims[d] = dims[d];
  mote::TensorView inferred{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  const mote_trilu_params p{upper, k};
  char text[192];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs args{MOTE_OP_TRILU, &p, uint32_t(sizeof p), &in, 1, nullptr, 1, nullptr, 0, &diag};
  uint32_t scratch = 0;
  const mote::Status st = mote::op_infer(args, &inferred, &scratch);
  if (st != mote::Status::kOk) return st;
  EXPECT_EQ(inferred.dtype, dtype);
  EXPECT_EQ(inferred.rank, in.rank);
  y->assign(x.size(), T(-1));
  inferred.data = y->data();
  args.out = &inferred;
  return mote::op_run(args);
}

TEST(Trilu, KeepsTheUpperOrLowerTriangle) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // [3, 4]
  std::vector<float> y;
  ASSERT_EQ(trilu(1, 0, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{1, 2, 3, 4, 0, 6, 7, 8, 0, 0, 11, 12}));
  ASSERT_EQ(trilu(0, 0, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{1, 0, 0, 0, 5, 6, 0, 0, 9, 10, 11, 0}));
  ASSERT_EQ(trilu(1, 2, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{0, 0, 3, 4, 0, 0, 0, 8, 0, 0, 0, 0}));
  ASSERT_EQ(trilu(0, -1, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<float>{0, 0, 0, 0, 5, 0, 0, 0, 9, 10, 0, 0}));
  ASSERT_EQ(trilu(1, -5, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);  // everything kept
  EXPECT_EQ(y, x);
  ASSERT_EQ(trilu(0, -5, MOTE_F32, {3, 4}, x, &y), mote::Status::kOk);  // everything zeroed
  EXPECT_EQ(y, std::vector<float>(12, 0.0f));
}

TEST(Trilu, EachMatrixOfABatchAndEveryDtype) {
  const std::vector<int64_t> x = {1, 2, 3, 4, 5, 6, 7, 8};  // [2, 2, 2]
  std::vector<int64_t> y;
  ASSERT_EQ(trilu(0, 0, MOTE_I64, {2, 2, 2}, x, &y), mote::Status::kOk);
  EXPECT_EQ(y, (std::vector<int64_t>{1, 0, 3, 4, 5, 0, 7, 8}));
  const std::vector<uint8_t> b = {1, 1, 1, 1, 1, 1};  // bool [1, 2, 3]
  std::vector<uint8_t> yb;
  ASSERT_EQ(trilu(1, 1, MOTE_BOOL, {1, 2, 3}, b, &yb), mote::Status::kOk);
  EXPECT_EQ(yb, (std::vector<uint8_t>{0, 1, 1, 0, 0, 1}));
  const std::vector<int8_t> q = {-1, -2, -3, -4};
  std::vector<int8_t> yq;
  ASSERT_EQ(trilu(1, 0, MOTE_I8, {2, 2}, q, &yq), mote::Status::kOk);
  EXPECT_EQ(yq, (std::vector<int8_t>{-1, -2, 0, -4}));
  std::vector<float> empty;
  ASSERT_EQ(trilu(1, 0, MOTE_F32, {0, 3}, std::vector<float>{}, &empty), mote::Status::kOk);
}

TEST(Trilu, RefusesAVector) {
  std::vector<float> y;
  EXPECT_EQ(trilu(1, 0, MOTE_F32, {4}, std::vector<float>{1, 2, 3, 4}, &y), mote::Status::kBadParams);
}

// A one-node Trilu model on x [3, 3]; k is an initializer, a graph input or absent.
std::string trilu_model(const char* k_source, int64_t k, int64_t upper) {
  onnx::ModelProto model;
  model.set_ir_version(8);
  model.add_opset_import()->set_version(14);
  auto* g = model.mutable_graph();
  g->set_name("trilu");
  auto add_value = [](onnx::ValueInfoProto* v, const char* name, int32_t type, std::vector<int64_t> dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    tt->mutable_shape();
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  };
  add_value(g->add_input(), "x", onnx::TensorProto::FLOAT, {3, 3});
  add_value(g->add_output(), "y", onnx::TensorProto::FLOAT, {3, 3});
  auto* n = g->add_node();
  n->set_op_type("Trilu");
  n->set_name("trilu");
  n->add_input("x");
  n->add_output("y");
  auto* a = n->add_attribute();
  a->set_name("upper");
  a->set_type(onnx::AttributeProto::INT);
  a->set_i(upper);
  const std::string source = k_source;
  if (source == "initializer") {
    auto* t = g->add_initializer();
    t->set_name("k");
    t->set_data_type(onnx::TensorProto::INT64);
    t->add_int64_data(k);
    n->add_input("k");
  } else if (source == "input") {
    add_value(g->add_input(), "k", onnx::TensorProto::INT64, {});
    n->add_input("k");
  }
  return model.SerializeAsString();
}

std::vector<float> run_blob(const std::vector<uint8_t>& blob, const std::vector<float>& x) {
  const auto outs = mote_test::run_blob(blob, {mote_test::raw(x)});
  return outs.size() == 1 ? mote_test::typed<float>(outs[0]) : std::vector<float>();
}

TEST(Trilu, LowersWithAConstantK) {
  const std::vector<float> x = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  const mote::ConvertResult upper = mote::convert_bytes(trilu_model("initializer", 1, 1), "trilu.onnx", {});
  EXPECT_EQ(upper.op_count, 1u);
  EXPECT_EQ(run_blob(upper.blob, x), (std::vector<float>{0, 2, 3, 0, 0, 6, 0, 0, 0}));
  const mote::ConvertResult lower = mote::convert_bytes(trilu_model("none", 0, 0), "trilu.onnx", {});
  EXPECT_EQ(run_blob(lower.blob, x), (std::vector<float>{1, 0, 0, 4, 5, 0, 7, 8, 9}));
}

TEST(Trilu, KFromAGraphInputMustBeSet) {
  try {
    mote::convert_bytes(trilu_model("input", 0, 1), "trilu.onnx", {});
    FAIL() << "converted with a run-time k";
  } catch (const mote::NeedsConstantInput& e) {
    EXPECT_EQ(e.input, "k");
  }
  mote::ConvertOptions set_k;
  set_k.sets["k"] = "-1";
  const mote::ConvertResult r = mote::convert_bytes(trilu_model("input", 0, 1), "trilu.onnx", set_k);
  EXPECT_EQ(run_blob(r.blob, {1, 2, 3, 4, 5, 6, 7, 8, 9}), (std::vector<float>{1, 2, 3, 4, 5, 6, 0, 8, 9}));
}

}  // namespace

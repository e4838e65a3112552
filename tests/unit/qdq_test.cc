// QDQ import: a model whose float ops sit between QuantizeLinear/DequantizeLinear pairs (weights
// stored int8 behind a DequantizeLinear) is folded into int8 ops that use the model's own
// parameters. The folded blob must agree with the unfolded one (the float simulation that ONNX
// defines) to within one output quantization step, and bad parameters are refused clearly.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>

#include "mote/converter.h"
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI
#include "onnx/onnx_pb.h"

namespace {

onnx::TensorProto scalar(const std::string& name, float v) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(onnx::TensorProto::FLOAT);
  t.add_float_data(v);
  return t;
}

onnx::TensorProto zp8(const std::string& name, int v, bool u8) {
  onnx::TensorProto t;
  t.set_name(name);
  t.set_data_type(u8 ? onnx::TensorProto::UINT8 : onnx::TensorProto::INT8);
  t.add_int32_data(v);
  return t;
}

void node(onnx::GraphProto* g, const std::string& op, std::vector<std::string> in, std::vector<std::string> out) {
  auto* n = g->add_node();
  n->set_op_type(op);
  n->set_name(op + "_" + out[0]);
  for (auto& s : in) n->add_input(s);
  for (auto& s : out) n->add_output(s);
}

void value(onnx::ValueInfoProto* v, const std::string& name, std::vector<int64_t> dims) {
  v->set_name(name);
  auto* tt = v->mutable_type()->mutable_tensor_type();
  tt->set_elem_type(onnx::TensorProto::FLOAT);
  for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
}

// x -> Q/DQ -> Conv(W: int8 per channel behind DQ, bias) -> Relu -> Q/DQ -> MaxPool -> Q/DQ -> y
// zx: the input's zero point (default: 0 in the int8 domain).
std::string qdq_model(float act_scale, float out_scale_q, float out_scale_dq, bool u8, int zx = -1000) {
  onnx::ModelProto m;
  m.set_ir_version(7);
  m.add_opset_import()->set_version(13);
  auto* g = m.mutable_graph();
  g->set_name("qdq");
  value(g->add_input(), "x", {1, 2, 6, 6});
  value(g->add_output(), "y", {1, 3, 3, 3});
  *g->add_initializer() = scalar("s_x", act_scale);
  *g->add_initializer() = zp8("z_x", zx != -1000 ? zx : u8 ? 128 : 0, u8);
  *g->add_initializer() = scalar("s_a", out_scale_q);
  *g->add_initializer() = scalar("s_a_dq", out_scale_dq);
  *g->add_initializer() = zp8("z_a", u8 ? 0 : -128, u8);
  // Weights: int8 [3, 2, 3, 3] with per-channel scales, dequantized along axis 0.
  onnx::TensorProto w;
  w.set_name("w_q");
  w.set_data_type(onnx::TensorProto::INT8);
  for (int64_t d : {3, 2, 3, 3}) w.add_dims(d);
  std::mt19937 rng(5);
  for (int i = 0; i < 54; ++i) w.add_int32_data(int(rng() % 255) - 127);
  *g->add_initializer() = w;
  onnx::TensorProto ws;
  ws.set_name("w_s");
  ws.set_data_type(onnx::TensorProto::FLOAT);
  ws.add_dims(3);
  for (float v : {0.01f, 0.02f, 0.005f}) ws.add_float_data(v);
  *g->add_initializer() = ws;
  onnx::TensorProto wz;
  wz.set_name("w_z");
  wz.set_data_type(onnx::TensorProto::INT8);
  wz.add_dims(3);
  for (int i = 0; i < 3; ++i) wz.add_int32_data(0);
  *g->add_initializer() = wz;
  onnx::TensorProto b;
  b.set_name("b");
  b.set_data_type(onnx::TensorProto::FLOAT);
  b.add_dims(3);
  for (float v : {0.1f, -0.2f, 0.05f}) b.add_float_data(v);
  *g->add_initializer() = b;

  node(g, "QuantizeLinear", {"x", "s_x", "z_x"}, {"x_q"});
  node(g, "DequantizeLinear", {"x_q", "s_x", "z_x"}, {"x_dq"});
  node(g, "DequantizeLinear", {"w_q", "w_s", "w_z"}, {"w"});
  g->mutable_node(2)->add_attribute()->set_name("axis");
  g->mutable_node(2)->mutable_attribute(0)->set_type(onnx::AttributeProto::INT);
  g->mutable_node(2)->mutable_attribute(0)->set_i(0);
  node(g, "Conv", {"x_dq", "w", "b"}, {"c"});
  auto* pads = g->mutable_node(3)->add_attribute();
  pads->set_name("pads");
  pads->set_type(onnx::AttributeProto::INTS);
  for (int i = 0; i < 4; ++i) pads->add_ints(1);
  node(g, "Relu", {"c"}, {"r"});
  node(g, "QuantizeLinear", {"r", "s_a", "z_a"}, {"r_q"});
  node(g, "DequantizeLinear", {"r_q", "s_a_dq", "z_a"}, {"r_dq"});
  node(g, "MaxPool", {"r_dq"}, {"p"});
  auto* ks = g->mutable_node(7)->add_attribute();
  ks->set_name("kernel_shape");
  ks->set_type(onnx::AttributeProto::INTS);
  ks->add_ints(2);
  ks->add_ints(2);
  auto* st = g->mutable_node(7)->add_attribute();
  st->set_name("strides");
  st->set_type(onnx::AttributeProto::INTS);
  st->add_ints(2);
  st->add_ints(2);
  node(g, "QuantizeLinear", {"p", "s_a", "z_a"}, {"p_q"});
  node(g, "DequantizeLinear", {"p_q", "s_a_dq", "z_a"}, {"y"});
  return m.SerializeAsString();
}

std::vector<float> run(const std::vector<uint8_t>& blob, const std::vector<float>& input, mote::Model* keep = nullptr) {
  std::vector<uint8_t> storage(blob.size() + 64);
  uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(base, blob.data(), blob.size());
  mote::Model m;
  EXPECT_EQ(m.load(base, blob.size()), mote::Status::kOk) << m.error();
  std::vector<uint8_t> arena(m.arena_bytes() + 64);
  uint8_t* a = arena.data() + (64 - reinterpret_cast<uintptr_t>(arena.data()) % 64) % 64;
  mote::Session s;
  EXPECT_EQ(s.init(&m, a, m.arena_bytes()), mote::Status::kOk);
  EXPECT_EQ(s.set_input(0, input.data(), input.size() * 4), mote::Status::kOk);
  EXPECT_EQ(s.run(), mote::Status::kOk) << s.error();
  const float* y = static_cast<const float*>(s.output_data(0));
  if (keep) {
    for (uint32_t k = 0; k < m.num_ops(); ++k) EXPECT_NE(m.op(k).code, MOTE_OP_CONV) << "a float Conv was left";
  }
  return std::vector<float>(y, y + 27);
}

}  // namespace

TEST(QdqImport, FoldsIntoInt8OpsAndMatchesTheFloatSimulation) {
  for (bool u8 : {false, true}) {
    const std::string model = qdq_model(0.02f, 0.01f, 0.01f, u8);
    mote::ConvertResult folded = mote::convert_bytes(model, "qdq.onnx", mote::ConvertOptions{});
    mote::ConvertOptions plain;
    plain.no_fusion = true;  // keeps QuantizeLinear/DequantizeLinear as ops: ONNX's float simulation
    mote::ConvertResult simulated = mote::convert_bytes(model, "qdq.onnx", plain);
    bool has_qconv = false;
    for (const auto& n : folded.notes) has_qconv = has_qconv || n.find("quantized") != std::string::npos;
    EXPECT_TRUE(has_qconv);
    std::mt19937 rng(11);
    std::uniform_real_distribution<float> d(-2.0f, 2.0f);
    for (int trial = 0; trial < 20; ++trial) {
      std::vector<float> x(72);
      for (float& v : x) v = d(rng);
      mote::Model dummy;
      const auto a = run(folded.blob, x, &dummy);
      const auto b = run(simulated.blob, x);
      for (size_t i = 0; i < a.size(); ++i) EXPECT_LE(std::fabs(a[i] - b[i]), 0.01f + 1e-6f) << "u8 " << u8 << " element " << i;
    }
  }
}

TEST(QdqImport, InconsistentScalesAreRefused) {
  const std::string model = qdq_model(0.02f, 0.01f, 0.03f, false);
  try {
    mote::convert_bytes(model, "qdq.onnx", mote::ConvertOptions{});
    FAIL() << "expected an error";
  } catch (const mote::ConvertError& e) {
    EXPECT_NE(std::string(e.what()).find("dequantized with scale"), std::string::npos) << e.what();
  }
}

TEST(QdqImport, ZeroAndNonFiniteScalesAreRefused) {
  for (float bad : {0.0f, -1.0f, INFINITY, NAN}) {
    try {
      mote::convert_bytes(qdq_model(bad, 0.01f, 0.01f, false), "qdq.onnx", mote::ConvertOptions{});
      FAIL() << "expected an error for scale " << bad;
    } catch (const mote::ConvertError& e) {
      EXPECT_NE(std::string(e.what()).find("not a positive finite number"), std::string::npos) << e.what();
    }
  }
}

TEST(Calibration, WrongShapeOrDtypeIsRefusedAndNothingIsWritten) {
  mote::ConvertOptions q;
  q.quantize_int8 = true;
  q.calib = MOTE_SOURCE_DIR "/models/digits_heldout_labels.npy";  // int64 labels, not images
  try {
    mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q);
    FAIL() << "expected an error";
  } catch (const mote::ConvertError& e) {
    EXPECT_NE(std::string(e.what()).find("int64"), std::string::npos) << e.what();
  }
  q.calib = MOTE_SOURCE_DIR "/models/digits_sample_label.txt";
  EXPECT_THROW(mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q), mote::ConvertError);
  q.calib = "/nonexistent/samples.npy";
  EXPECT_THROW(mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q), mote::ConvertError);
}

// The converter folds the input zero point into the QConv's start (input MOTE_QCONV_START, blob
// 1.5): the padded Conv's outputs are the unfolded blob's bit for bit, and the blob is no larger.
TEST(QdqImport, FoldedStartsRunBitForBitAsTheUnfoldedOnes) {
  for (int zx : {-128, -37, 0, 61, 127}) {
    const std::string model = qdq_model(0.02f, 0.01f, 0.01f, false, zx);
    mote::ConvertResult folded = mote::convert_bytes(model, "qdq.onnx", mote::ConvertOptions{});
    mote::ConvertOptions keep;
    keep.fold_zero_points = false;
    mote::ConvertResult unfolded = mote::convert_bytes(model, "qdq.onnx", keep);
    EXPECT_EQ(folded.blob.size(), unfolded.blob.size());
    bool noted = false;
    for (const auto& n : folded.notes) noted = noted || n.find("folded the input zero point") != std::string::npos;
    EXPECT_TRUE(noted) << "zx " << zx;
    // The folded blob's QConv has its start at input 8 and no bias; the unfolded one neither.
    for (int which = 0; which < 2; ++which) {
      const std::vector<uint8_t>& blob = which ? unfolded.blob : folded.blob;
      std::vector<uint8_t> storage(blob.size() + 64);
      uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
      std::memcpy(base, blob.data(), blob.size());
      mote::Model m;
      ASSERT_EQ(m.load(base, blob.size()), mote::Status::kOk) << m.error();
      int starts = 0;
      for (uint32_t k = 0; k < m.num_ops(); ++k) {
        const mote_op_record& op = m.op(k);
        if (op.code != MOTE_OP_QCONV) continue;
        const bool start = op.num_inputs > MOTE_QCONV_START && m.operand(op.operands + MOTE_QCONV_START) != MOTE_NONE;
        starts += start;
        if (start) EXPECT_EQ(m.operand(op.operands + 2), MOTE_NONE);
      }
      EXPECT_EQ(starts, which ? 0 : 1) << "zx " << zx;
    }
    std::mt19937 rng(13);
    std::uniform_real_distribution<float> d(-2.0f, 2.0f);
    for (int trial = 0; trial < 10; ++trial) {
      std::vector<float> x(72);
      for (float& v : x) v = d(rng);
      const auto a = run(folded.blob, x);
      const auto b = run(unfolded.blob, x);
      EXPECT_EQ(0, std::memcmp(a.data(), b.data(), a.size() * sizeof(float))) << "zx " << zx;
    }
  }
}

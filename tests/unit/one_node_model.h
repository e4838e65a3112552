// One-node ONNX models for the lowering tests of single ops: built with onnx's protobuf API,
// converted with mote::convert_bytes and run through the public session API, inputs and outputs
// as raw bytes so that any dtype fits.
#ifndef MOTE_TESTS_UNIT_ONE_NODE_MODEL_H
#define MOTE_TESTS_UNIT_ONE_NODE_MODEL_H

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/mote.hpp"
#include "onnx/onnx_pb.h"

namespace mote_test {

class OneNode {
 public:
  OneNode(const char* op_type, int64_t opset) {
    model_.set_ir_version(8);
    model_.add_opset_import()->set_version(opset);
    g_ = model_.mutable_graph();
    g_->set_name(op_type);
    n_ = g_->add_node();
    n_->set_op_type(op_type);
    n_->set_name(op_type);
  }

  // A graph input that feeds the node's next input.
  OneNode& input(const char* name, int32_t onnx_type, const std::vector<int64_t>& dims) {
    value(g_->add_input(), name, onnx_type, dims);
    n_->add_input(name);
    return *this;
  }
  // An initializer (raw little-endian data of T) that feeds the node's next input.
  template <typename T>
  OneNode& initializer(const char* name, int32_t onnx_type, const std::vector<int64_t>& dims, const std::vector<T>& values) {
    onnx::TensorProto* t = g_->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx_type);
    for (int64_t d : dims) t->add_dims(d);
    t->set_raw_data(std::string(reinterpret_cast<const char*>(values.data()), values.size() * sizeof(T)));
    n_->add_input(name);
    return *this;
  }
  OneNode& output(const char* name, int32_t onnx_type, const std::vector<int64_t>& dims) {
    value(g_->add_output(), name, onnx_type, dims);
    n_->add_output(name);
    return *this;
  }
  OneNode& attr(const char* name, int64_t v) {
    auto* a = n_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::INT);
    a->set_i(v);
    return *this;
  }
  OneNode& attr_float(const char* name, float v) {  // not an attr() overload: attr("k", 1) stays unambiguous
    auto* a = n_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::FLOAT);
    a->set_f(v);
    return *this;
  }
  OneNode& attr(const char* name, const std::string& s) {
    auto* a = n_->add_attribute();
    a->set_name(name);
    a->set_type(onnx::AttributeProto::STRING);
    a->set_s(s);
    return *this;
  }

  std::string bytes() const { return model_.SerializeAsString(); }
  mote::ConvertResult convert(const mote::ConvertOptions& options = {}) const {
    return mote::convert_bytes(bytes(), "one_node.onnx", options);
  }

 private:
  static void value(onnx::ValueInfoProto* v, const char* name, int32_t type, const std::vector<int64_t>& dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(type);
    tt->mutable_shape();
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }

  onnx::ModelProto model_;
  onnx::GraphProto* g_;
  onnx::NodeProto* n_;
};

template <typename T>
std::vector<uint8_t> raw(const std::vector<T>& v) {
  std::vector<uint8_t> b(v.size() * sizeof(T));
  if (!b.empty()) std::memcpy(b.data(), v.data(), b.size());
  return b;
}

template <typename T>
std::vector<T> typed(const std::vector<uint8_t>& b) {
  std::vector<T> v(b.size() / sizeof(T));
  if (!v.empty()) std::memcpy(v.data(), b.data(), v.size() * sizeof(T));
  return v;
}

// Loads the blob, sets the inputs (in graph-input order), runs and returns the outputs' bytes
// (none when the run failed). With `run`, *run gets run()'s status; without, it must succeed.
inline std::vector<std::vector<uint8_t>> run_blob(const std::vector<uint8_t>& blob, const std::vector<std::vector<uint8_t>>& inputs,
                                                  mote::Status* run = nullptr) {
  std::vector<uint8_t> storage(blob.size() + 64);
  uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(base, blob.data(), blob.size());
  mote::Model model;
  EXPECT_EQ(model.load(base, blob.size()), mote::Status::kOk) << model.error();
  std::vector<uint8_t> arena(model.arena_bytes() + 64);
  uint8_t* arena_base = arena.data() + (64 - reinterpret_cast<uintptr_t>(arena.data()) % 64) % 64;
  mote::Session session;
  EXPECT_EQ(session.init(&model, arena_base, model.arena_bytes()), mote::Status::kOk) << session.error();
  EXPECT_EQ(model.num_inputs(), inputs.size());
  for (uint32_t k = 0; k < inputs.size() && k < model.num_inputs(); ++k) {
    EXPECT_EQ(session.set_input(k, inputs[k].data(), inputs[k].size()), mote::Status::kOk) << session.error();
  }
  const mote::Status st = session.run();
  if (run) {
    *run = st;
  } else {
    EXPECT_EQ(st, mote::Status::kOk) << session.error();
  }
  std::vector<std::vector<uint8_t>> outs;
  if (st != mote::Status::kOk) return outs;
  for (uint32_t k = 0; k < model.num_outputs(); ++k) {
    mote::TensorInfo info{};
    EXPECT_EQ(model.output_info(k, &info), mote::Status::kOk);
    const uint8_t* data = static_cast<const uint8_t*>(session.output_data(k));
    outs.emplace_back(data, data + info.bytes);
  }
  return outs;
}

// Converts `m`, runs it on float32 inputs and returns output 0 as float32.
inline std::vector<float> run_float(const OneNode& m, const std::vector<std::vector<float>>& inputs) {
  std::vector<std::vector<uint8_t>> bytes;
  for (const auto& v : inputs) bytes.push_back(raw(v));
  const std::vector<std::vector<uint8_t>> outs = run_blob(m.convert().blob, bytes);
  return outs.empty() ? std::vector<float>{} : typed<float>(outs[0]);
}

// The converter's error text for `m`, or "" when it converts.
inline std::string convert_error_text(const OneNode& m, const mote::ConvertOptions& options = {}) {
  try {
    m.convert(options);
  } catch (const mote::ConvertError& e) {
    return e.what();
  }
  return "";
}

}  // namespace mote_test

#endif  // MOTE_TESTS_UNIT_ONE_NODE_MODEL_H

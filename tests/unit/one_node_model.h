// One-node ONNX models for the lowering tests of single ops, and running a converted blob on
// float32 inputs. The value, node and attribute helpers are the bad-input fixture's.
#ifndef MOTE_TESTS_UNIT_ONE_NODE_MODEL_H
#define MOTE_TESTS_UNIT_ONE_NODE_MODEL_H

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "bad_input_fixture.h"
#include "mote/mote.hpp"

namespace mote_test {

// A model of one `op` node over float inputs "x0", "x1", ... of the given dims, making output
// "y"; `y_dims` may be left empty when a test only expects the conversion to fail.
struct OneNode {
  onnx::ModelProto model;
  onnx::NodeProto* node;

  OneNode(const std::string& op, int64_t opset, const std::vector<std::vector<int64_t>>& in_dims, const std::vector<int64_t>& y_dims) {
    model.set_ir_version(8);
    model.add_opset_import()->set_version(opset);
    onnx::GraphProto* g = model.mutable_graph();
    g->set_name(op);
    std::vector<std::string> names;
    for (size_t k = 0; k < in_dims.size(); ++k) {
      names.push_back("x" + std::to_string(k));
      add_value(g->mutable_input(), names.back(), in_dims[k]);
    }
    add_value(g->mutable_output(), "y", y_dims);
    node = add_node(g, op, op, names, {"y"});
  }
  std::string bytes() const { return serialize(model); }
};

// Loads `blob`, sets the float inputs in order, runs once and returns every output as floats.
inline std::vector<std::vector<float>> run_float_blob(const std::vector<uint8_t>& blob, const std::vector<std::vector<float>>& inputs) {
  Aligned bytes(blob, blob.size());
  mote::Model model;
  EXPECT_EQ(model.load(bytes.data(), bytes.size()), mote::Status::kOk) << model.error();
  Aligned arena(model.arena_bytes());
  mote::Session session;
  EXPECT_EQ(session.init(&model, arena.data(), arena.size()), mote::Status::kOk) << session.error();
  for (size_t k = 0; k < inputs.size(); ++k) {
    EXPECT_EQ(session.set_input(uint32_t(k), inputs[k].data(), inputs[k].size() * sizeof(float)), mote::Status::kOk) << session.error();
  }
  EXPECT_EQ(session.run(), mote::Status::kOk) << session.error();
  std::vector<std::vector<float>> outs;
  for (uint32_t k = 0; k < model.num_outputs(); ++k) {
    mote::TensorInfo info;
    EXPECT_EQ(model.output_info(k, &info), mote::Status::kOk);
    std::vector<float> v(info.bytes / sizeof(float));
    if (const void* data = session.output_data(k)) std::memcpy(v.data(), data, v.size() * sizeof(float));
    outs.push_back(v);
  }
  return outs;
}

// Converts `m` (throwing ConvertError as mote::convert_bytes does) and runs it once.
inline std::vector<float> convert_and_run(const OneNode& m, const std::vector<std::vector<float>>& inputs) {
  const mote::ConvertResult r = mote::convert_bytes(m.bytes(), "one_node.onnx", {});
  return run_float_blob(r.blob, inputs).at(0);
}

// The converter's error text for `m`, or "" when it converts.
inline std::string convert_error_of(const OneNode& m) {
  try {
    mote::convert_bytes(m.bytes(), "one_node.onnx", {});
  } catch (const mote::ConvertError& e) {
    return e.what();
  }
  return "";
}

}  // namespace mote_test

#endif  // MOTE_TESTS_UNIT_ONE_NODE_MODEL_H

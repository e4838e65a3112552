// A float ONNX graph built node by node, for the unit tests that need a model of a given shape.
#ifndef MOTE_TESTS_UNIT_GRAPH_BUILDER_H
#define MOTE_TESTS_UNIT_GRAPH_BUILDER_H

#include <cstdint>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

namespace mote_test {

struct GraphBuilder {
  onnx::ModelProto model;
  onnx::GraphProto* g = model.mutable_graph();

  explicit GraphBuilder(const char* name) {
    model.set_ir_version(8);
    model.add_opset_import()->set_version(14);
    g->set_name(name);
  }
  static void value(onnx::ValueInfoProto* v, const char* name, const std::vector<int64_t>& dims) {
    v->set_name(name);
    auto* tt = v->mutable_type()->mutable_tensor_type();
    tt->set_elem_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) tt->mutable_shape()->add_dim()->set_dim_value(d);
  }
  void input(const char* name, const std::vector<int64_t>& dims) { value(g->add_input(), name, dims); }
  void output(const char* name, const std::vector<int64_t>& dims) { value(g->add_output(), name, dims); }
  // [1, n]
  void input(const char* name, int64_t n) { input(name, std::vector<int64_t>{1, n}); }
  void output(const char* name, int64_t n) { output(name, std::vector<int64_t>{1, n}); }
  void floats(const char* name, std::vector<int64_t> dims, const std::vector<float>& values) {
    auto* t = g->add_initializer();
    t->set_name(name);
    t->set_data_type(onnx::TensorProto::FLOAT);
    for (int64_t d : dims) t->add_dims(d);
    for (float v : values) t->add_float_data(v);
  }
  onnx::NodeProto* node(const char* type, std::vector<const char*> in, const char* out) {
    auto* n = g->add_node();
    n->set_op_type(type);
    n->set_name(out);
    for (const char* i : in) n->add_input(i);
    n->add_output(out);
    return n;
  }
  std::string bytes() const { return model.SerializeAsString(); }
};

}  // namespace mote_test

#endif  // MOTE_TESTS_UNIT_GRAPH_BUILDER_H

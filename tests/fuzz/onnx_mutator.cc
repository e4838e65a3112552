// The structure-aware mutator of fuzz_convert_structured: parses the input as onnx.ModelProto
// and changes one to three things a byte flip rarely reaches intact -- attribute values set to
// boundary values, tensor / initializer dims, data types, op types, node inputs/outputs, nodes,
// graph inputs/outputs, initializer contents, the opset -- then serialises it again. Inputs that
// do not parse (and one mutation in eight) go to libFuzzer's own byte mutator.
#include <math.h>
#include <stdint.h>
#include <string.h>

#include <limits>
#include <random>
#include <string>
#include <vector>

#include "onnx/onnx_pb.h"

extern "C" size_t LLVMFuzzerMutate(uint8_t* data, size_t size, size_t max_size);

namespace {

using Rng = std::mt19937_64;

const int64_t kInts[] = {0, 1, -1, 2, -2, 3, 4, 7, 8, 16, 255, 256, 65535, 65536,
                         int64_t(1) << 31, -(int64_t(1) << 31), (int64_t(1) << 31) - 1, (int64_t(1) << 32) + 2,
                         std::numeric_limits<int64_t>::max(), std::numeric_limits<int64_t>::min()};
const float kFloats[] = {0.0f, -0.0f, 1.0f, -1.0f, 0.5f, 2.0f, 1e-45f, 1e-30f, 1e30f, 3.4028235e38f, -3.4028235e38f,
                         2147483648.0f, -2147483648.0f, 127.5f, -128.5f,
                         std::numeric_limits<float>::quiet_NaN(), std::numeric_limits<float>::infinity(),
                         -std::numeric_limits<float>::infinity()};
const int kDtypes[] = {0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12, 13, 16, 17, 23};
const int kOpsets[] = {1, 6, 7, 9, 10, 11, 12, 13, 14, 17, 18, 19, 20, 21, 22, 23};
const char* const kOps[] = {
    "Abs", "Acos", "Add", "And", "ArgMax", "ArgMin", "Asin", "AveragePool", "BatchNormalization", "Cast", "Ceil",
    "Celu", "Clip", "Concat", "Constant", "ConstantOfShape", "Conv", "ConvInteger", "ConvTranspose", "Cos", "CumSum",
    "DepthToSpace", "DequantizeLinear", "Div", "Dropout", "DynamicQuantizeLinear", "Elu", "Equal", "Erf", "Exp",
    "Expand", "Flatten", "Floor", "Gather", "GatherElements", "Gelu", "Gemm", "GlobalAveragePool", "GlobalMaxPool",
    "Greater", "HardSigmoid", "HardSwish", "Hardmax", "Identity", "If", "InstanceNormalization", "IsInf", "IsNaN",
    "LayerNormalization", "LeakyRelu", "Less", "Log", "LogSoftmax", "LpNormalization", "MatMul", "MatMulInteger",
    "Max", "MaxPool", "Mean", "Min", "Mish", "Mod", "Mul", "Neg", "Not", "Or", "PRelu", "Pad", "Pow",
    "QLinearConv", "QLinearMatMul", "QuantizeLinear", "Range", "Reciprocal", "ReduceL1", "ReduceL2",
    "ReduceLogSumExp", "ReduceMax", "ReduceMean", "ReduceMin", "ReduceProd", "ReduceSum", "ReduceSumSquare", "Relu",
    "Reshape", "Resize", "Round", "Selu", "Shape", "Sigmoid", "Sign", "Sin", "Size", "Slice", "Softmax", "Softplus",
    "Softsign", "SpaceToDepth", "Split", "Sqrt", "Squeeze", "Sub", "Sum", "Tanh", "ThresholdedRelu", "Tile",
    "TopK", "Transpose", "Unsqueeze", "Where", "Xor"};
const char* const kAttrs[] = {"axis", "axes", "keepdims", "kernel_shape", "pads", "strides", "dilations", "group",
                              "auto_pad", "alpha", "beta", "epsilon", "transA", "transB", "perm", "split", "mode",
                              "blocksize", "ceil_mode", "count_include_pad", "to", "value", "min", "max", "starts",
                              "ends", "output_padding", "output_shape", "exclusive", "reverse", "saturate",
                              "block_size", "coordinate_transformation_mode", "select_last_index", "noop_with_empty_axes"};

template <typename T, size_t N>
const T& pick(const T (&a)[N], Rng& r) { return a[r() % N]; }
size_t below(Rng& r, size_t n) { return n ? size_t(r() % n) : 0; }
bool coin(Rng& r) { return r() & 1; }
int64_t any_int(Rng& r) { return r() % 3 ? pick(kInts, r) : int64_t(r() % 33) - 16; }
float any_float(Rng& r) { return r() % 3 ? pick(kFloats, r) : float(int(r() % 65) - 32) / 8.0f; }

// Every node of the main graph and of If/Loop branches.
void collect_nodes(onnx::GraphProto* g, std::vector<onnx::NodeProto*>* out, std::vector<onnx::GraphProto*>* graphs) {
  graphs->push_back(g);
  for (auto& n : *g->mutable_node()) {
    out->push_back(&n);
    for (auto& a : *n.mutable_attribute()) {
      if (a.has_g()) collect_nodes(a.mutable_g(), out, graphs);
    }
  }
}

// A value name visible somewhere in the graph (inputs, initializers, node outputs).
std::string any_value(onnx::GraphProto* g, Rng& r) {
  std::vector<const std::string*> names;
  for (const auto& v : g->input()) names.push_back(&v.name());
  for (const auto& t : g->initializer()) names.push_back(&t.name());
  for (const auto& n : g->node())
    for (const auto& o : n.output()) names.push_back(&o);
  if (names.empty() || r() % 8 == 0) return r() % 2 ? "" : "fuzz_missing";
  return *names[below(r, names.size())];
}

void mutate_tensor(onnx::TensorProto* t, Rng& r) {
  switch (r() % 6) {
    case 0:  // a dim
      if (t->dims_size() && coin(r)) {
        t->set_dims(int(below(r, size_t(t->dims_size()))), coin(r) ? any_int(r) : int64_t(r() % 5));
      } else if (coin(r) && t->dims_size()) {
        t->mutable_dims()->RemoveLast();
      } else {
        t->add_dims(int64_t(r() % 4) + (coin(r) ? 0 : 1));
      }
      break;
    case 1: t->set_data_type(pick(kDtypes, r)); break;
    case 2:  // a value inside raw_data: a special float or a boundary integer
      if (!t->raw_data().empty()) {
        std::string* raw = t->mutable_raw_data();
        if (t->data_type() == onnx::TensorProto::INT64 && raw->size() >= 8) {
          const int64_t v = any_int(r);
          memcpy(&(*raw)[below(r, raw->size() / 8) * 8], &v, 8);
        } else if (raw->size() >= 4) {
          const float f = any_float(r);
          const int32_t i = int32_t(any_int(r));
          memcpy(&(*raw)[below(r, raw->size() / 4) * 4], t->data_type() == onnx::TensorProto::FLOAT ? (const void*)&f : (const void*)&i, 4);
        } else {
          (*raw)[below(r, raw->size())] = char(r());
        }
      } else if (t->int64_data_size()) {
        t->set_int64_data(int(below(r, size_t(t->int64_data_size()))), any_int(r));
      } else if (t->float_data_size()) {
        t->set_float_data(int(below(r, size_t(t->float_data_size()))), any_float(r));
      } else if (t->int32_data_size()) {
        t->set_int32_data(int(below(r, size_t(t->int32_data_size()))), int32_t(any_int(r)));
      }
      break;
    case 3:  // truncate or grow the data
      if (!t->raw_data().empty()) {
        t->mutable_raw_data()->resize(coin(r) ? t->raw_data().size() / 2 : t->raw_data().size() + 4);
      } else if (t->int64_data_size()) {
        t->add_int64_data(any_int(r));
      } else if (t->float_data_size()) {
        t->mutable_float_data()->RemoveLast();
      }
      break;
    case 4:  // raw <-> typed storage
      if (t->data_type() == onnx::TensorProto::INT64 && !t->raw_data().empty() && t->raw_data().size() % 8 == 0) {
        const std::string raw = t->raw_data();
        t->clear_raw_data();
        for (size_t i = 0; i < raw.size(); i += 8) {
          int64_t v;
          memcpy(&v, &raw[i], 8);
          t->add_int64_data(v);
        }
      } else {
        t->clear_raw_data();
      }
      break;
    default:  // an int64 value (shapes, axes, pads, starts...) to a boundary
      if (t->int64_data_size()) t->set_int64_data(int(below(r, size_t(t->int64_data_size()))), any_int(r));
      else if (t->data_type() == onnx::TensorProto::INT64 && t->raw_data().size() >= 8) {
        const int64_t v = any_int(r);
        memcpy(&(*t->mutable_raw_data())[below(r, t->raw_data().size() / 8) * 8], &v, 8);
      }
      break;
  }
}

void mutate_attribute(onnx::NodeProto* n, Rng& r) {
  if (n->attribute_size() == 0 || r() % 6 == 0) {  // add one
    onnx::AttributeProto* a = n->add_attribute();
    a->set_name(pick(kAttrs, r));
    switch (r() % 3) {
      case 0: a->set_type(onnx::AttributeProto::INT); a->set_i(any_int(r)); break;
      case 1: a->set_type(onnx::AttributeProto::INTS); for (int k = int(r() % 5); k > 0; --k) a->add_ints(any_int(r)); break;
      default: a->set_type(onnx::AttributeProto::FLOAT); a->set_f(any_float(r)); break;
    }
    return;
  }
  const int index = int(below(r, size_t(n->attribute_size())));
  onnx::AttributeProto* a = n->mutable_attribute(index);
  if (r() % 10 == 0) {
    n->mutable_attribute()->DeleteSubrange(index, 1);
    return;
  }
  switch (a->type()) {
    case onnx::AttributeProto::INT: a->set_i(any_int(r)); break;
    case onnx::AttributeProto::FLOAT: a->set_f(any_float(r)); break;
    case onnx::AttributeProto::INTS:
      if (a->ints_size() && r() % 4) a->set_ints(int(below(r, size_t(a->ints_size()))), any_int(r));
      else if (coin(r) && a->ints_size()) a->mutable_ints()->RemoveLast();
      else a->add_ints(any_int(r));
      break;
    case onnx::AttributeProto::FLOATS:
      if (a->floats_size() && r() % 4) a->set_floats(int(below(r, size_t(a->floats_size()))), any_float(r));
      else a->add_floats(any_float(r));
      break;
    case onnx::AttributeProto::TENSOR: mutate_tensor(a->mutable_t(), r); break;
    case onnx::AttributeProto::STRING: {
      static const char* const kStrings[] = {"", "NOTSET", "SAME_UPPER", "SAME_LOWER", "VALID", "constant", "reflect",
                                             "edge", "wrap", "nearest", "linear", "cubic", "DCR", "CRD", "half_pixel",
                                             "align_corners", "asymmetric", "round_prefer_floor", "floor", "tanh"};
      a->set_s(pick(kStrings, r));
      break;
    }
    default: a->set_type(onnx::AttributeProto::INT); a->set_i(any_int(r)); break;
  }
}

void mutate_value_info(onnx::ValueInfoProto* v, Rng& r) {
  onnx::TypeProto_Tensor* tt = v->mutable_type()->mutable_tensor_type();
  if (coin(r)) {
    tt->set_elem_type(pick(kDtypes, r));
    return;
  }
  onnx::TensorShapeProto* shape = tt->mutable_shape();
  const int choice = int(r() % 5);
  if (shape->dim_size() && choice < 3) {
    onnx::TensorShapeProto_Dimension* d = shape->mutable_dim(int(below(r, size_t(shape->dim_size()))));
    if (choice == 0) d->set_dim_param("N");
    else d->set_dim_value(choice == 1 ? any_int(r) : int64_t(r() % 5));
  } else if (choice == 3 && shape->dim_size()) {
    shape->mutable_dim()->RemoveLast();
  } else {
    shape->add_dim()->set_dim_value(int64_t(r() % 4) + 1);
  }
}

void mutate_once(onnx::ModelProto* m, Rng& r) {
  std::vector<onnx::NodeProto*> nodes;
  std::vector<onnx::GraphProto*> graphs;
  collect_nodes(m->mutable_graph(), &nodes, &graphs);
  onnx::GraphProto* g = graphs[below(r, graphs.size())];
  onnx::NodeProto* n = nodes.empty() ? nullptr : nodes[below(r, nodes.size())];
  switch (r() % 12) {
    case 0: case 1:
      if (n) mutate_attribute(n, r);
      break;
    case 2:
      if (g->initializer_size()) mutate_tensor(g->mutable_initializer(int(below(r, size_t(g->initializer_size())))), r);
      break;
    case 3: {
      const int vi = g->input_size() + g->output_size() + g->value_info_size();
      if (!vi) break;
      int k = int(below(r, size_t(vi)));
      if (k < g->input_size()) mutate_value_info(g->mutable_input(k), r);
      else if ((k -= g->input_size()) < g->output_size()) mutate_value_info(g->mutable_output(k), r);
      else mutate_value_info(g->mutable_value_info(k - g->output_size()), r);
      break;
    }
    case 4:
      if (n) n->set_op_type(pick(kOps, r));
      break;
    case 5:  // a node input: drop, duplicate, empty (absent optional) or another value
      if (n && n->input_size()) {
        const int k = int(below(r, size_t(n->input_size())));
        switch (r() % 4) {
          case 0: n->mutable_input()->DeleteSubrange(k, 1); break;
          case 1: n->add_input(n->input(k)); break;
          case 2: n->set_input(k, ""); break;
          default: n->set_input(k, any_value(g, r)); break;
        }
      } else if (n) {
        n->add_input(any_value(g, r));
      }
      break;
    case 6:  // a node output: drop or add
      if (n && n->output_size() && coin(r)) n->mutable_output()->DeleteSubrange(int(below(r, size_t(n->output_size()))), 1);
      else if (n) n->add_output(coin(r) ? "" : "fuzz_extra_" + std::to_string(r() % 4));
      break;
    case 7:  // a node: drop, duplicate, move
      if (g->node_size()) {
        const int k = int(below(r, size_t(g->node_size())));
        switch (r() % 3) {
          case 0: g->mutable_node()->DeleteSubrange(k, 1); break;
          case 1: *g->add_node() = g->node(k); break;
          default: g->mutable_node()->SwapElements(k, int(below(r, size_t(g->node_size())))); break;
        }
      }
      break;
    case 8:  // graph outputs: drop, duplicate, or an intermediate value as an extra output
      if (g->output_size() && r() % 3 == 0) {
        g->mutable_output()->DeleteSubrange(int(below(r, size_t(g->output_size()))), 1);
      } else if (g->output_size() && coin(r)) {
        *g->add_output() = g->output(int(below(r, size_t(g->output_size()))));
      } else {
        onnx::ValueInfoProto* v = g->add_output();
        v->set_name(any_value(g, r));
        if (coin(r)) v->mutable_type()->mutable_tensor_type()->set_elem_type(1);
      }
      break;
    case 9:  // graph inputs: drop or duplicate; or turn an initializer into an input
      if (g->input_size() && coin(r)) {
        g->mutable_input()->DeleteSubrange(int(below(r, size_t(g->input_size()))), 1);
      } else if (g->input_size() && coin(r)) {
        *g->add_input() = g->input(int(below(r, size_t(g->input_size()))));
      } else if (g->initializer_size()) {
        const onnx::TensorProto& t = g->initializer(int(below(r, size_t(g->initializer_size()))));
        onnx::ValueInfoProto* v = g->add_input();
        v->set_name(t.name());
        onnx::TypeProto_Tensor* tt = v->mutable_type()->mutable_tensor_type();
        tt->set_elem_type(t.data_type());
        for (int64_t d : t.dims()) tt->mutable_shape()->add_dim()->set_dim_value(d);
      }
      break;
    case 10:
      if (m->opset_import_size()) m->mutable_opset_import(0)->set_version(pick(kOpsets, r));
      break;
    default:  // a Constant node's value
      for (onnx::NodeProto* c : nodes) {
        if (c->op_type() == "Constant" && c->attribute_size() && c->attribute(0).has_t() && coin(r)) {
          mutate_tensor(c->mutable_attribute(0)->mutable_t(), r);
          break;
        }
      }
      break;
  }
}

}  // namespace

extern "C" size_t LLVMFuzzerCustomMutator(uint8_t* data, size_t size, size_t max_size, unsigned int seed) {
  Rng r(seed);
  onnx::ModelProto model;
  if (r() % 8 == 0 || !model.ParseFromArray(data, int(size)) || !model.has_graph()) {
    return LLVMFuzzerMutate(data, size, max_size);
  }
  for (int k = 1 + int(r() % 3); k > 0; --k) mutate_once(&model, r);
  std::string out;
  if (!model.SerializeToString(&out) || out.size() > max_size) return LLVMFuzzerMutate(data, size, max_size);
  memcpy(data, out.data(), out.size());
  return out.size();
}

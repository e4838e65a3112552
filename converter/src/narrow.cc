// mote convert --narrow-double (narrow.h): the model's float64 tensors become float32 before the
// checks, ONNX's shape inference and the lowering read it, so all of them see a float32 model.
// Without the option the first float64 tensor is refused by name.
#include "narrow.h"

#include <cfloat>
#include <cmath>
#include <cstring>
#include <limits>
#include <map>
#include <vector>

#include "mote/converter.h"
#include "validate.h"

namespace mote {

namespace {

constexpr int32_t kDouble = onnx::TensorProto::DOUBLE;
constexpr int32_t kFloat = onnx::TensorProto::FLOAT;

// Round to nearest as an IEEE conversion does, with the overflow to infinity spelled out (a C++
// conversion of an out-of-range double is undefined).
float to_float(double d) {
  if (d != d) return std::numeric_limits<float>::quiet_NaN();
  const double mag = std::fabs(d);
  if (mag > double(FLT_MAX)) {
    const double half_ulp_above = double(FLT_MAX) + std::ldexp(1.0, 103);  // FLT_MAX's ulp is 2^104
    return std::copysign(mag < half_ulp_above ? FLT_MAX : std::numeric_limits<float>::infinity(), float(d > 0 ? 1 : -1));
  }
  return float(d);
}

std::string plural(int n, const char* one, const char* many) { return std::to_string(n) + " " + (n == 1 ? one : many); }

// Integer attributes that name an element type: Cast's `to`, and `dtype` / `output_datatype` of
// EyeLike, the Random* ops, Multinomial, Bernoulli and MelWeightMatrix.
bool is_dtype_attribute(const onnx::NodeProto& n, const onnx::AttributeProto& a) {
  if (a.type() != onnx::AttributeProto::INT) return false;
  if (a.name() == "to") return n.op_type() == "Cast";
  return a.name() == "dtype" || a.name() == "output_datatype";
}

class Narrowing {
 public:
  explicit Narrowing(bool narrow) : narrow_(narrow) {}

  void model(onnx::ModelProto* m) {
    onnx::GraphProto* g = m->mutable_graph();
    std::map<std::string, bool> init;
    for (const auto& t : g->initializer()) init[t.name()] = true;
    for (auto& v : *g->mutable_input()) {
      if (init.count(v.name())) {
        retype(v.mutable_type());  // an initialiser listed as an input (IR < 4) is counted once
      } else if (retype(v.mutable_type(), v.name(), "graph input")) {
        ++count_.graph_inputs;
        count_.io_names.insert(v.name());
      }
    }
    graph_body(g);
    for (auto& v : *g->mutable_output()) {
      if (retype(v.mutable_type(), v.name(), "graph output")) {
        ++count_.graph_outputs;
        count_.io_names.insert(v.name());
      }
    }
    for (auto& f : *m->mutable_functions()) {
      for (auto& n : *f.mutable_node()) node(&n);
    }
  }

  const NarrowedDouble& count() const { return count_; }

 private:
  // A graph's initialisers, nodes and annotations (its inputs and outputs are the caller's).
  void graph_body(onnx::GraphProto* g) {
    for (auto& t : *g->mutable_initializer()) {
      if (t.data_type() != kDouble) continue;
      found(t.name(), "initialiser");
      narrow_tensor_proto(&t);
      ++count_.initialisers;
    }
    for (auto& n : *g->mutable_node()) node(&n);
    for (auto& v : *g->mutable_value_info()) retype(v.mutable_type());
  }

  void subgraph(onnx::GraphProto* g) {
    for (auto& v : *g->mutable_input()) {
      if (retype(v.mutable_type(), v.name(), "subgraph input")) ++count_.subgraph_values;
    }
    graph_body(g);
    for (auto& v : *g->mutable_output()) {
      if (retype(v.mutable_type(), v.name(), "subgraph output")) ++count_.subgraph_values;
    }
  }

  void node(onnx::NodeProto* n) {
    const std::string label = node_label(*n);
    for (auto& a : *n->mutable_attribute()) {
      if (a.has_t() && a.t().data_type() == kDouble) {
        found(n->output_size() ? n->output(0) : a.t().name(), "attribute '" + a.name() + "' of " + label);
        narrow_tensor_proto(a.mutable_t());
        ++count_.constants;
      }
      for (auto& t : *a.mutable_tensors()) {
        if (t.data_type() != kDouble) continue;
        found(t.name(), "attribute '" + a.name() + "' of " + label);
        narrow_tensor_proto(&t);
        ++count_.constants;
      }
      if (is_dtype_attribute(*n, a) && a.i() == kDouble) {
        found(n->output_size() ? n->output(0) : std::string(), "made by " + label + " with " + a.name() + " = DOUBLE");
        a.set_i(kFloat);
        ++(a.name() == "to" ? count_.casts : count_.dtype_attributes);
      }
      if (a.has_g()) subgraph(a.mutable_g());
      for (auto& g : *a.mutable_graphs()) subgraph(&g);
    }
  }

  // Narrows a value's type (tensors, and the tensors inside sequences, optionals and maps);
  // true when it held float64. `what` names it for the refusal; empty for annotations, which
  // are never refused (a DOUBLE there describes a value some node or tensor above makes).
  bool retype(onnx::TypeProto* t, const std::string& name = std::string(), const char* what = nullptr) {
    bool was = false;
    switch (t->value_case()) {
      case onnx::TypeProto::kTensorType:
        was = t->tensor_type().elem_type() == kDouble;
        if (was && what) found(name, what);
        if (was) t->mutable_tensor_type()->set_elem_type(kFloat);
        break;
      case onnx::TypeProto::kSparseTensorType:
        was = t->sparse_tensor_type().elem_type() == kDouble;
        if (was && what) found(name, what);
        if (was) t->mutable_sparse_tensor_type()->set_elem_type(kFloat);
        break;
      case onnx::TypeProto::kSequenceType: was = retype(t->mutable_sequence_type()->mutable_elem_type(), name, what); break;
      case onnx::TypeProto::kOptionalType: was = retype(t->mutable_optional_type()->mutable_elem_type(), name, what); break;
      case onnx::TypeProto::kMapType: was = retype(t->mutable_map_type()->mutable_value_type(), name, what); break;
      default: break;
    }
    return was;
  }

  void found(const std::string& name, const std::string& what) const {
    if (narrow_) return;
    throw ConvertError("tensor '" + name + "' (" + what +
                       ") is float64 (DOUBLE), which Mote does not compute in: --narrow-double converts the model's float64 "
                       "tensors to float32");
  }

  bool narrow_;
  NarrowedDouble count_;
};

}  // namespace

bool narrow_tensor_proto(onnx::TensorProto* t) {
  if (t->data_type() != kDouble) return false;
  std::vector<float> v;
  if (t->has_raw_data()) {
    const std::string& raw = t->raw_data();
    if (raw.size() % 8 != 0) throw ConvertError("tensor '" + t->name() + "': raw data size does not match its shape");
    v.resize(raw.size() / 8);
    for (size_t k = 0; k < v.size(); ++k) {
      double d;
      std::memcpy(&d, raw.data() + 8 * k, 8);
      v[k] = to_float(d);
    }
    t->set_raw_data(v.empty() ? std::string() : std::string(reinterpret_cast<const char*>(v.data()), v.size() * 4));
  } else {
    v.reserve(size_t(t->double_data_size()));
    for (double d : t->double_data()) v.push_back(to_float(d));
    t->clear_double_data();
    for (float f : v) t->add_float_data(f);
  }
  t->set_data_type(kFloat);
  return true;
}

std::string NarrowedDouble::note() const {
  std::vector<std::string> parts;
  if (graph_inputs) parts.push_back(plural(graph_inputs, "graph input", "graph inputs"));
  if (graph_outputs) parts.push_back(plural(graph_outputs, "graph output", "graph outputs"));
  if (initialisers) parts.push_back(plural(initialisers, "initialiser", "initialisers"));
  if (constants) parts.push_back(plural(constants, "constant attribute", "constant attributes"));
  if (casts) parts.push_back(plural(casts, "Cast target", "Cast targets"));
  if (dtype_attributes) parts.push_back(plural(dtype_attributes, "dtype attribute", "dtype attributes"));
  if (subgraph_values) parts.push_back(plural(subgraph_values, "subgraph input/output", "subgraph inputs/outputs"));
  std::string text = "narrowed " + plural(total(), "float64 tensor", "float64 tensors") + " to float32 (--narrow-double): ";
  for (size_t k = 0; k < parts.size(); ++k) text += (k ? ", " : "") + parts[k];
  return text;
}

NarrowedDouble narrow_double(onnx::ModelProto* model, bool narrow) {
  Narrowing n(narrow);
  n.model(model);
  return n.count();
}

}  // namespace mote

// Checks on an untrusted ONNX model before ONNX's own shape inference runs on it (validate.h).
#include "validate.h"

#include <array>
#include <cmath>
#include <functional>
#include <cstring>
#include <set>
#include <vector>

#include "lower.h"
#include "mote/converter.h"
#include "mote/ops.h"
#include "mote/shape_math.h"
#include "onnx/defs/shape_inference.h"

namespace mote {

std::string node_label(const onnx::NodeProto& node) {
  if (!node.name().empty()) return "node '" + node.name() + "' (" + node.op_type() + ")";
  // Exporters often leave nodes unnamed: the tensor it writes names it.
  if (node.output_size() && !node.output(0).empty()) return "the " + node.op_type() + " node writing '" + node.output(0) + "'";
  return "an unnamed " + node.op_type() + " node";
}

namespace {

using Node = onnx::NodeProto;
using Initializers = std::map<std::string, const onnx::TensorProto*>;

// Largest Resize/Upsample scale: with dimensions bounded by kMaxShapeElements, dim * scale stays
// far inside int64 (ONNX inference casts it without a check).
constexpr double kMaxScale = double(kMaxShapeElements);

[[noreturn]] void refuse(const Node& n, const std::string& text) { throw ConvertError(node_label(n) + ": " + text); }

std::string range_text(int64_t lo, int64_t hi) { return "(expected " + std::to_string(lo) + ".." + std::to_string(hi) + ")"; }

void check_range(const Node& n, const onnx::AttributeProto& a, int64_t lo, int64_t hi) {
  auto check = [&](int64_t v) {
    if (v < lo || v > hi) refuse(n, "attribute '" + a.name() + "' value " + std::to_string(v) + " is out of range " + range_text(lo, hi));
  };
  if (a.type() == onnx::AttributeProto::INT) check(a.i());
  for (int64_t v : a.ints()) check(v);
}

// Conv, pooling and their kin: ONNX inference divides by strides and multiplies kernel sizes by
// dilations; the lowering narrows all of them to int32.
const std::set<std::string>& spatial_ops() {
  static const std::set<std::string> ops = {"Conv", "ConvTranspose", "ConvInteger", "QLinearConv", "MaxPool",
                                            "AveragePool", "LpPool", "MaxUnpool"};
  return ops;
}

void check_spatial(const Node& n) {
  for (const auto& a : n.attribute()) {
    const std::string& name = a.name();
    if (name == "strides" || name == "dilations" || name == "kernel_shape" || name == "group") {
      check_range(n, a, 1, kMaxInt32);
    } else if (name == "pads" || name == "output_padding" || name == "output_shape") {
      check_range(n, a, 0, kMaxInt32);
    }
  }
}

// DepthToSpace / SpaceToDepth: inference divides the channels by blocksize squared.
void check_blocksize(const Node& n) {
  for (const auto& a : n.attribute()) {
    if (a.name() != "blocksize") continue;
    int64_t square = 0;
    if (a.i() < 1 || !checked_mul(a.i(), a.i(), &square, kMaxInt32)) {
      refuse(n, "attribute 'blocksize' value " + std::to_string(a.i()) + " is out of range (it must be positive and its square fit int32)");
    }
  }
}

// The values of a tensor of element type T, from raw_data or the typed field.
template <typename T, typename Field>
void append_values(const onnx::TensorProto& t, const Field& typed, std::vector<double>* v) {
  if (!t.has_raw_data()) {
    v->assign(typed.begin(), typed.end());
    return;
  }
  const std::string& raw = t.raw_data();
  for (size_t k = 0; k + sizeof(T) <= raw.size(); k += sizeof(T)) {
    T x;
    std::memcpy(&x, raw.data() + k, sizeof(T));
    v->push_back(double(x));
  }
}

// The values of a small float initializer (Range bounds, Resize scales); empty for other types.
std::vector<double> float_values(const onnx::TensorProto& t) {
  std::vector<double> v;
  if (t.data_type() == onnx::TensorProto::FLOAT) append_values<float>(t, t.float_data(), &v);
  if (t.data_type() == onnx::TensorProto::DOUBLE) append_values<double>(t, t.double_data(), &v);
  return v;
}

const onnx::TensorProto* initializer(const Node& n, int index, const Initializers& inits) {
  if (index >= n.input_size()) return nullptr;
  auto it = inits.find(n.input(index));
  return it == inits.end() ? nullptr : it->second;
}

void check_scales(const Node& n, const std::string& what, const std::vector<double>& scales) {
  for (size_t k = 0; k < scales.size(); ++k) {
    const double s = scales[k];
    if (!std::isfinite(s) || !(s > 0.0) || s > kMaxScale) {
      refuse(n, what + " [" + std::to_string(k) + "] = " + std::to_string(s) + " is not a positive finite scale up to 2^31");
    }
  }
}

// Resize and Upsample: ONNX inference casts dim * scale to int64 unchecked.
void check_resize(const Node& n, const Initializers& inits, int64_t opset) {
  for (const auto& a : n.attribute()) {
    if (a.name() == "scales") check_scales(n, "attribute 'scales'", std::vector<double>(a.floats().begin(), a.floats().end()));
  }
  const bool upsample = n.op_type() == "Upsample";
  const int scales_at = upsample || opset < 11 ? 1 : 2;
  if (const auto* t = initializer(n, scales_at, inits)) check_scales(n, "scales", float_values(*t));
}

// Range: ONNX inference casts ceil((limit - start) / delta) to int64 unchecked.
void check_range_inputs(const Node& n, const Initializers& inits) {
  static const char* names[] = {"start", "limit", "delta"};
  for (int k = 0; k < 3; ++k) {
    const auto* t = initializer(n, k, inits);
    if (!t) continue;
    for (double v : float_values(*t)) {
      if (!std::isfinite(v)) refuse(n, std::string("Range ") + names[k] + " " + std::to_string(v) + " is not finite");
      if (k == 2 && v == 0.0) refuse(n, "Range delta is 0");
    }
  }
}

void check_dims(const std::string& what, const std::vector<int64_t>& dims) {
  std::string text = "[";
  for (size_t k = 0; k < dims.size(); ++k) text += (k ? "," : "") + std::to_string(dims[k]);
  text += "]";
  for (int64_t d : dims) {
    if (d < 0) throw ConvertError(what + ": negative dimension in " + text);
  }
  int64_t n = 0;
  if (!checked_product(dims.data(), 0, int32_t(dims.size()), &n)) {
    throw ConvertError(what + " is too large: " + text + " has more than 2^31 elements");
  }
}

void check_initializer(const onnx::TensorProto& t) {
  check_dims("tensor '" + t.name() + "'", std::vector<int64_t>(t.dims().begin(), t.dims().end()));
}

void check_graph(const onnx::GraphProto& g, Initializers inits, int64_t opset);

void check_node(const Node& n, const Initializers& inits, int64_t opset) {
  const bool onnx_domain = n.domain().empty() || n.domain() == "ai.onnx";
  if (onnx_domain) {
    const std::string& op = n.op_type();
    if (spatial_ops().count(op)) check_spatial(n);
    if (op == "DepthToSpace" || op == "SpaceToDepth") check_blocksize(n);
    if (op == "Resize" || op == "Upsample") check_resize(n, inits, opset);
    if (op == "Range") check_range_inputs(n, inits);
  }
  // Shape inference visits the graphs nested in If/Loop/Scan with the outer names in scope.
  for (const auto& a : n.attribute()) {
    if (a.has_g()) check_graph(a.g(), inits, opset);
    for (const auto& g : a.graphs()) check_graph(g, inits, opset);
  }
}

void check_graph(const onnx::GraphProto& g, Initializers inits, int64_t opset) {
  for (const auto& t : g.initializer()) {
    check_initializer(t);
    inits[t.name()] = &t;
  }
  for (const auto& n : g.node()) check_node(n, inits, opset);
}

// ---- rank checks while inference runs -----------------------------------------------------------

// Index of the weight input of the convolutions whose inference indexes the weight's shape by the
// input's spatial rank; -1 for other ops.
int conv_weight_index(const std::string& op) {
  if (op == "Conv" || op == "ConvTranspose" || op == "ConvInteger") return 1;
  if (op == "QLinearConv") return 3;
  return -1;
}

void check_conv_ranks(onnx::InferenceContext& ctx, int weight) {
  if (!onnx::hasInputShape(ctx, 0) || !onnx::hasInputShape(ctx, size_t(weight))) return;
  const int x_rank = ctx.getInputType(0)->tensor_type().shape().dim_size();
  const int w_rank = ctx.getInputType(size_t(weight))->tensor_type().shape().dim_size();
  if (x_rank < 3 || w_rank != x_rank) {
    fail_shape_inference("input and weight ranks ", x_rank, "/", w_rank, ": both must be the same, at least 3");
  }
}

// LayerNormalization's inference writes dims [axis, rank) of its statistics outputs without
// checking the axis against the input's rank.
void check_layer_norm_axis(onnx::InferenceContext& ctx) {
  if (!onnx::hasInputShape(ctx, 0)) return;
  const int64_t rank = ctx.getInputType(0)->tensor_type().shape().dim_size();
  const onnx::AttributeProto* attr = ctx.getAttribute("axis");
  const int64_t axis = attr ? attr->i() : -1;
  if (axis < -rank || axis >= rank) fail_shape_inference("axis ", axis, " out of range for rank ", rank);
}

// Ops whose output rank is the length of a shape input (ConstantOfShape, Reshape, Expand, Tile):
// ONNX's inference adds one dimension per element, so a declared length of 2^31 takes the
// converter's memory. Mote tensors have at most 8 dimensions.
void check_shape_input_length(onnx::InferenceContext& ctx, size_t input) {
  if (ctx.getNumInputs() <= input || !onnx::hasInputShape(ctx, input)) return;
  const auto& shape = ctx.getInputType(input)->tensor_type().shape();
  if (shape.dim_size() != 1) fail_shape_inference("the shape input must be 1-D, not of rank ", shape.dim_size());
  if (shape.dim(0).has_dim_value() && (shape.dim(0).dim_value() < 0 || shape.dim(0).dim_value() > MOTE_MAX_RANK)) {
    fail_shape_inference("the shape input has ", shape.dim(0).dim_value(), " elements: at most ", MOTE_MAX_RANK, " dimensions");
  }
}

// Gemm's inference (opset 6 and earlier) indexes dims 0 and 1 of A and B without checking ranks.
void check_gemm_ranks(onnx::InferenceContext& ctx) {
  for (size_t k = 0; k < 2 && k < ctx.getNumInputs(); ++k) {
    if (onnx::hasInputShape(ctx, k) && ctx.getInputType(k)->tensor_type().shape().dim_size() != 2) {
      fail_shape_inference("Gemm input ", k, " must be 2-D");
    }
  }
}

// Inputs whose rank an op's inference takes for granted (it indexes their dims): checked first.
void check_input_ranks(onnx::InferenceContext& ctx, const std::vector<std::array<int, 3>>& ranks) {
  for (const auto& r : ranks) {  // {input, min rank, max rank}
    if (ctx.getNumInputs() <= size_t(r[0]) || !onnx::hasInputShape(ctx, size_t(r[0]))) continue;
    const int rank = ctx.getInputType(size_t(r[0]))->tensor_type().shape().dim_size();
    if (rank < r[1] || rank > r[2]) fail_shape_inference("input ", r[0], " has rank ", rank, ", expected ", r[1], "..", r[2]);
  }
}

// The check to run before an op's own inference function, or null for ops whose inference needs
// no guard.
std::function<void(onnx::InferenceContext&)> guard_for(const std::string& op) {
  const int weight = conv_weight_index(op);
  if (weight >= 0) return [weight](onnx::InferenceContext& ctx) { check_conv_ranks(ctx, weight); };
  if (op == "LayerNormalization") return check_layer_norm_axis;
  if (op == "Gemm") return check_gemm_ranks;
  // The audio and recurrent ops: signal, frame and weight ranks.
  if (op == "STFT") {
    return [](onnx::InferenceContext& ctx) { check_input_ranks(ctx, {{0, 3, 3}, {1, 0, 1}, {2, 1, 1}, {3, 0, 1}}); };
  }
  if (op == "DFT") return [](onnx::InferenceContext& ctx) { check_input_ranks(ctx, {{0, 2, MOTE_MAX_RANK}, {1, 0, 1}}); };
  if (op == "RNN" || op == "GRU" || op == "LSTM") {
    return [](onnx::InferenceContext& ctx) {
      check_input_ranks(ctx, {{0, 3, 3}, {1, 3, 3}, {2, 3, 3}, {3, 2, 2}, {4, 1, 1}, {5, 3, 3}, {6, 3, 3}, {7, 2, 2}});
    };
  }
  // GridSample (Mote's is 2-D) indexes X's and the grid's dims, Det the last two of its input.
  if (op == "GridSample") return [](onnx::InferenceContext& ctx) { check_input_ranks(ctx, {{0, 4, 4}, {1, 4, 4}}); };
  if (op == "Det") return [](onnx::InferenceContext& ctx) { check_input_ranks(ctx, {{0, 2, MOTE_MAX_RANK}}); };
  if (op == "ConstantOfShape") return [](onnx::InferenceContext& ctx) { check_shape_input_length(ctx, 0); };
  if (op == "Reshape" || op == "Expand" || op == "Tile") {
    return [](onnx::InferenceContext& ctx) { check_shape_input_length(ctx, 1); };
  }
  return nullptr;
}

}  // namespace

void validate_model(const onnx::ModelProto& model) {
  int64_t opset = 0;
  for (const auto& o : model.opset_import()) {
    if (o.domain().empty() || o.domain() == "ai.onnx") opset = o.version();
  }
  const onnx::GraphProto& g = model.graph();
  for (const auto& input : g.input()) {
    if (!input.type().has_tensor_type() || !input.type().tensor_type().has_shape()) continue;
    std::vector<int64_t> dims;
    for (const auto& d : input.type().tensor_type().shape().dim()) {
      if (d.has_dim_value()) dims.push_back(d.dim_value());
    }
    check_dims("input '" + input.name() + "'", dims);
  }
  check_graph(g, {}, opset);
  for (const auto& f : model.functions()) {
    for (const auto& n : f.node()) check_node(n, {}, opset);
  }
}

const onnx::OpSchema* GuardedSchemaRegistry::GetSchema(const std::string& key, int max_inclusive_version,
                                                       const std::string& domain) const {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(key, max_inclusive_version, domain);
  std::function<void(onnx::InferenceContext&)> guard = guard_for(key);
  const bool lowered = (domain.empty() || domain == "ai.onnx") && lowers_op_type(key);
  // An op the lowering does not handle is refused by name anyway: its ONNX inference (some
  // crash on inputs of unexpected rank, e.g. STFT) is not run at all; its outputs stay unshaped.
  // Nor is the inference of the ops whose lowering infers and checks every shape itself and
  // whose library inference has not been proven against hostile models (GatherND's crashed on
  // a fuzzed model): their outputs stay unshaped for ONNX too, and Mote's own checks decide.
  static const char* const kOwnInference[] = {
      "RNN", "GRU", "LSTM", "DFT", "STFT", "MelWeightMatrix", "Loop", "Scan", "TopK", "OneHot", "GatherND",
      "ScatterElements", "Scatter", "ScatterND", "ReverseSequence", "EyeLike", "Shrink", "LRN", "Det",
      "GridSample", "Einsum", "MaxUnpool"};
  bool own_inference = false;
  for (const char* op : kOwnInference) own_inference = own_inference || key == op;
  if (schema && (!lowered || own_inference) && schema->has_type_and_shape_inference_function()) {
    guard = [](onnx::InferenceContext&) { fail_shape_inference("not run: the op is not supported"); };
  } else if (!schema || !guard || !schema->has_type_and_shape_inference_function()) {
    return schema;
  }
  std::lock_guard<std::mutex> lock(mutex_);
  std::unique_ptr<onnx::OpSchema>& guarded = guarded_[schema];
  if (!guarded) {
    guarded.reset(new onnx::OpSchema(*schema));
    onnx::InferenceFunction infer = schema->GetTypeAndShapeInferenceFunction();
    guarded->TypeAndShapeInferenceFunction([infer, guard](onnx::InferenceContext& ctx) {
      guard(ctx);
      infer(ctx);
    });
  }
  return guarded.get();
}

}  // namespace mote

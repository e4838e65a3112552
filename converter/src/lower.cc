// ONNX -> Mote op lowering (see lower.h): the Lowerer, whose emit() shape-checks each op and folds
// it when its inputs are all constant, the op table and the driver. The lowering of each ONNX op
// type is in its family's file, lower/<family>.cc (lower/common.h).
#include "lower.h"

#include <cstring>
#include <memory>
#include <new>

#include "lower/common.h"
#include "validate.h"
#include "onnx/defs/function.h"
#include "onnx/defs/schema.h"

namespace mote {
namespace {

// Largest tensor, in bytes: the arena plan and the blob's records hold 31-bit sizes.
constexpr int64_t kMaxTensorBytes = 0x7FFFFFFF;

// Every family adds its ONNX op types (lower/<family>.cc).
const lowering::LowerTable& lowering_table() {
  static const lowering::LowerTable table = [] {
    lowering::LowerTable t;
    lowering::add_elementwise_ops(t);
    lowering::add_layout_ops(t);
    lowering::add_constant_ops(t);
    lowering::add_conv_ops(t);
    lowering::add_gemm_ops(t);
    lowering::add_norm_ops(t);
    lowering::add_reduce_ops(t);
    lowering::add_quant_ops(t);
    lowering::add_recurrent_ops(t);
    lowering::add_spectral_ops(t);
    lowering::add_control_ops(t);
    lowering::add_indexing_ops(t);
    return t;
  }();
  return table;
}

}  // namespace

int Lowerer::lookup(const std::string& name) const {
  auto it = names_.find(name);
  if (it == names_.end()) error("input '" + name + "' is not produced by any earlier node, initializer or graph input");
  return it->second;
}

int32_t Lowerer::narrow(int64_t value, const std::string& what) const {
  if (value < INT32_MIN || value > INT32_MAX) error(what + " value " + std::to_string(value) + " does not fit in int32");
  return int32_t(value);
}

uint64_t Lowerer::checked_bytes(const std::vector<int64_t>& shape, int32_t dtype, const std::string& what) const {
  std::string dims = "[";
  for (size_t k = 0; k < shape.size(); ++k) dims += (k ? "," : "") + std::to_string(shape[k]);
  dims += "]";
  int64_t count = 0, bytes = 0;
  if (!checked_product(shape.data(), 0, int32_t(shape.size()), &count)) {
    error(what + " " + dims + " has more than 2^31 elements or a negative dimension");
  }
  if (!checked_mul(count, int64_t(dtype_size(dtype)), &bytes, kMaxTensorBytes)) {
    error(what + " " + dims + " " + dtype_name(dtype) + " takes more than the 2 GiB a tensor may take");
  }
  return uint64_t(bytes);
}

void Lowerer::error(const std::string& text) const {
  std::string where;
  if (node_) where = node_label(*node_) + ": ";
  throw ConvertError(where + text);
}

void Lowerer::remember_qsource(const std::vector<int>& inputs, int out, const std::vector<uint8_t>& params) {
  const Tensor& q = g_.tensors[size_t(inputs[0])];
  if (q.dtype != MOTE_I8 && q.dtype != MOTE_U8) return;
  auto src = std::make_shared<Tensor::QSource>();
  const int shift = q.dtype == MOTE_U8 ? -128 : 0;
  for (int64_t i = 0; i < q.numel(); ++i) {
    src->values.push_back(int8_t(q.dtype == MOTE_U8 ? int32_t(q.data[size_t(i)]) + shift : int32_t(int8_t(q.data[size_t(i)]))));
  }
  src->scales = const_floats(inputs[1], "scale");
  if (inputs.size() > 2 && inputs[2] >= 0) {
    for (int64_t z : const_ints(inputs[2], "zero point")) src->zero_points.push_back(narrow(z, "zero point") + shift);
  } else {
    src->zero_points.assign(src->scales.size(), shift);
  }
  mote_quantize_params p;
  std::memcpy(&p, params.data(), sizeof p);
  src->axis = p.axis < 0 ? p.axis + int32_t(q.shape.size()) : p.axis;
  g_.tensors[size_t(out)].qsource = src;
}

void Lowerer::needs_constant(const Tensor& t, const char* what) const {
  if (t.graph_input || !t.from_input.empty()) {
    const std::string& input = t.graph_input ? t.name : t.from_input;
    std::string where;
    try {
      error(std::string(what) + (t.graph_input ? " comes from" : " is computed from") + " graph input '" + input +
            "', which must be fixed at conversion time: pass --set " + input + "=VALUE");
    } catch (const ConvertError& e) {
      where = e.what();
    }
    throw NeedsConstantInput(where, input);
  }
  error(std::string(what) + " must be known at conversion time, but it is computed at run time");
}

std::string Lowerer::fresh_name(const std::string& base) { return base + "__mote" + std::to_string(counter_++); }

int Lowerer::constant(Tensor t) {
  t.is_const = true;
  if (t.name.empty()) t.name = fresh_name("const");
  return g_.add_tensor(std::move(t));
}

std::vector<int64_t> Lowerer::const_ints(int id, const char* what) const {
  if (id < 0) error(std::string(what) + " is missing");
  const Tensor& t = g_.tensors[size_t(id)];
  if (!t.is_const) needs_constant(t, what);
  std::vector<int64_t> v(size_t(t.numel()));
  for (size_t k = 0; k < v.size(); ++k) {
    switch (t.dtype) {
      case MOTE_I64: v[k] = t.as<int64_t>()[k]; break;
      case MOTE_I32: v[k] = t.as<int32_t>()[k]; break;
      case MOTE_I8: v[k] = t.as<int8_t>()[k]; break;
      case MOTE_U8:
      case MOTE_BOOL: v[k] = t.as<uint8_t>()[k]; break;
      default: error(std::string(what) + " must be an integer tensor");
    }
  }
  return v;
}

std::vector<float> Lowerer::const_floats(int id, const char* what) const {
  if (id < 0) error(std::string(what) + " is missing");
  const Tensor& t = g_.tensors[size_t(id)];
  if (!t.is_const) needs_constant(t, what);
  if (t.dtype != MOTE_F32) {
    std::vector<float> v;
    for (int64_t x : const_ints(id, what)) v.push_back(float(x));
    return v;
  }
  std::vector<float> v(size_t(t.numel()));
  if (!v.empty()) std::memcpy(v.data(), t.data.data(), v.size() * 4);
  return v;
}

std::vector<int> Lowerer::emit(int32_t code, std::vector<uint8_t> params, const std::vector<int>& inputs,
                               const std::vector<std::string>& out_names) {
  if (inputs.size() > MOTE_MAX_OP_INPUTS) error("more than 16 inputs");
  if (out_names.size() > MOTE_MAX_OP_OUTPUTS) error("more than 16 outputs");
  if (inputs.size() + out_names.size() > MOTE_MAX_OP_OPERANDS) error("more than 17 inputs and outputs together");
  std::vector<TensorView> in;
  bool all_const = true;
  std::string from_input;
  for (int id : inputs) {
    if (id < 0) {
      in.push_back(TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}});
      continue;
    }
    const Tensor& t = g_.tensors[size_t(id)];
    all_const = all_const && t.is_const;
    if (from_input.empty()) from_input = t.graph_input ? t.name : t.from_input;
    in.push_back(view_of(t, t.is_const));
  }
  char text[192];
  Diag diag(text, sizeof text);
  std::vector<TensorView> inferred(out_names.size());
  const int32_t num_out = int32_t(out_names.size());
  OpArgs args{code, params.data(), uint32_t(params.size()), in.data(), int32_t(in.size()), nullptr, num_out, nullptr, 0, &diag};
  uint32_t scratch = 0;
  Status st = op_infer(args, inferred.data(), &scratch);
  if (st == Status::kUnsupportedOp) error(std::string("no Mote kernel for ") + op_name(code) + ": " + diag.text());
  if (st != Status::kOk) error(diag.text());
  std::vector<int> ids;
  for (int32_t k = 0; k < num_out; ++k) {
    Tensor t;
    t.name = out_names[size_t(k)];
    t.dtype = inferred[size_t(k)].dtype;
    for (int32_t d = 0; d < inferred[size_t(k)].rank; ++d) t.shape.push_back(inferred[size_t(k)].dims[d]);
    t.from_input = from_input;
    // Before folding allocates it (and before the planner would refuse it much later).
    checked_bytes(t.shape, t.dtype, "output '" + t.name + "'");
    ids.push_back(g_.add_tensor(std::move(t)));
  }
  if (all_const && !keep_at_run_time_) {
    std::vector<TensorView> out_views;
    for (int id : ids) {
      Tensor& t = g_.tensors[size_t(id)];
      t.is_const = true;
      t.data.assign(t.bytes(), 0);
      out_views.push_back(view_of(t, true));
    }
    std::vector<uint8_t> scratch_buf(scratch + 16);
    args.out = out_views.data();
    args.scratch = scratch_buf.data();
    args.scratch_bytes = scratch;
    st = op_run_reference(args);  // reference kernels: the blob must not depend on the host CPU
    if (st != Status::kOk) error(std::string("while folding constants: ") + diag.text());
    ++folded_;
    if (code == MOTE_OP_DEQUANTIZE) remember_qsource(inputs, ids[0], params);
  } else {
    Op op;
    op.code = code;
    op.params = std::move(params);
    op.inputs = inputs;
    op.outputs = ids;
    op.name = node_ ? node_->name() : std::string();
    g_.ops.push_back(std::move(op));
  }
  for (size_t k = 0; k < out_names.size(); ++k) {
    if (!out_names[k].empty()) bind(out_names[k], ids[k]);
  }
  return ids;
}

bool lowers_op_type(const std::string& op_type) { return lowering_table().count(op_type) != 0; }

// float16 is stored, not computed in: every float16 value an op other than Cast reads is widened
// to float32 first, once (its name then refers to the float32 tensor). A constant of more than
// kWideAtRunTime elements (a weight) stays float16 in the blob and is widened by a Cast at run
// time, which halves its bytes in flash for an arena buffer alive only until its reader ran;
// smaller constants (scalars, the parameters ops read at conversion) are widened now.
constexpr int64_t kWideAtRunTime = 64;

void Lowerer::widen_float16_inputs(const onnx::NodeProto& node) {
  if (node.op_type() == "Cast" || node.op_type() == "CastLike") return;
  for (const auto& name : node.input()) {
    if (name.empty() || !has(name)) continue;
    const Tensor& in = t(lookup(name));
    if (in.dtype != MOTE_F16) continue;
    keep_at_run_time_ = in.is_const && in.numel() > kWideAtRunTime;
    const int wide = emit(MOTE_OP_CAST, mote_cast_params{MOTE_F32}, {lookup(name)}, {fresh_name(name)})[0];
    keep_at_run_time_ = false;
    bind(name, wide);
  }
}

void Lowerer::lower_node(const onnx::NodeProto& node) {
  const onnx::NodeProto* saved = node_;
  node_ = &node;
  if (!node.domain().empty() && node.domain() != "ai.onnx") error("operator domain '" + node.domain() + "' is not supported");
  widen_float16_inputs(node);
  const auto& table = lowering_table();
  auto it = table.find(node.op_type());
  if (it == table.end()) {
    if (expand_function(node)) {
      node_ = saved;
      return;
    }
    error("unsupported op type '" + node.op_type() + "'");
  }
  // Anything else the lowering throws (std::out_of_range from a short attribute list,
  // std::bad_alloc, a protobuf or onnx exception...) becomes a ConvertError naming this node.
  try {
    it->second(*this, node);
  } catch (const ConvertError&) {
    throw;
  } catch (const std::bad_alloc&) {
    error("out of memory");
  } catch (const std::exception& e) {
    error(std::string("internal error: ") + e.what());
  }
  node_ = saved;
}

// An op ONNX defines as a function of other ops (a body in its schema, or one its schema builds
// for the node's input types: the losses, Celu, Shrink, MeanVarianceNormalization, ...) is
// lowered as that body, in place of the node, under the function's own opset. False when the op
// has no function at this opset.
bool Lowerer::expand_function(const onnx::NodeProto& node) {
  const onnx::OpSchema* schema = onnx::OpSchemaRegistry::Schema(node.op_type(), int(opset_), "");
  if (!schema) return false;
  onnx::FunctionProto body;
  if (schema->HasFunction() && schema->GetFunction()) {
    body = *schema->GetFunction();
  } else if (schema->HasContextDependentFunction()) {
    std::vector<onnx::TypeProto> types;
    for (int k = 0; k < node.input_size(); ++k) {
      onnx::TypeProto type;
      if (!node.input(k).empty()) {
        const Tensor& in = t(lookup(node.input(k)));
        int32_t onnx_type = 0;
        for (int32_t c = 1; c <= onnx::TensorProto::DataType_MAX && !onnx_type; ++c) {
          if (mote_dtype_from_onnx(c) == in.dtype) onnx_type = c;
        }
        auto* tensor = type.mutable_tensor_type();
        tensor->set_elem_type(onnx_type);
        for (int64_t d : in.shape) tensor->mutable_shape()->add_dim()->set_dim_value(d);
      }
      types.push_back(type);
    }
    onnx::FunctionBodyBuildContextImpl context(node, types);
    if (!schema->BuildContextDependentFunction(context, body)) return false;
  } else {
    return false;
  }
  onnx::GraphProto expanded;
  onnx::FunctionExpandHelper(node, body, expanded, fresh_name(node.op_type()) + "/");
  // An attribute of the body that refers to one the node does not have (and whose schema gives
  // no default) comes out without a value: it is absent, not zero.
  for (auto& inner : *expanded.mutable_node()) {
    auto* attrs = inner.mutable_attribute();
    for (int k = attrs->size() - 1; k >= 0; --k) {
      const onnx::AttributeProto& a = attrs->Get(k);
      if (a.type() == onnx::AttributeProto::UNDEFINED || !a.ref_attr_name().empty()) attrs->DeleteSubrange(k, 1);
    }
  }
  const uint32_t outer = opset_;
  for (const auto& import : body.opset_import()) {
    if (import.domain().empty() || import.domain() == "ai.onnx") opset_ = uint32_t(import.version());
  }
  try {
    for (const auto& inner : expanded.node()) lower_node(inner);
  } catch (...) {
    opset_ = outer;
    throw;
  }
  opset_ = outer;
  ++expanded_[node.op_type()];
  return true;
}

void Lowerer::lower_graph(const onnx::GraphProto& graph) {
  for (const auto& init : graph.initializer()) {
    Tensor t = tensor_from_proto(init);
    t.name = init.name();
    bind(init.name(), constant(std::move(t)));
  }
  for (const auto& node : graph.node()) lower_node(node);
}

}  // namespace mote

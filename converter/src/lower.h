// Lowering ONNX nodes to Mote ops. Every node is shape-checked through the runtime's own
// op_infer as it is lowered, and any op whose inputs are all constant is evaluated on the spot
// with the runtime's kernels (constant folding), so the blob holds only the ops that must run.
#ifndef MOTE_CONVERTER_LOWER_H
#define MOTE_CONVERTER_LOWER_H

#include <functional>
#include <map>
#include <string>
#include <vector>

#include "graph.h"
#include "onnx/onnx_pb.h"

namespace mote {

// True for the ONNX op types (default domain) the lowering handles; any other op is refused by
// name, so its ONNX inference function need not run on it (converter/src/validate.cc).
bool lowers_op_type(const std::string& op_type);

class Lowerer {
 public:
  Lowerer(Graph& g, uint32_t opset) : g_(g), opset_(opset) {}

  // Lowers every node of `graph` (the main graph or an inlined If branch).
  void lower_graph(const onnx::GraphProto& graph);
  void lower_node(const onnx::NodeProto& node);

  // Name scope: ONNX value name -> tensor id.
  void bind(const std::string& name, int id) { names_[name] = id; }
  int lookup(const std::string& name) const;
  bool has(const std::string& name) const { return names_.count(name) != 0; }

  Graph& graph() { return g_; }
  const Tensor& t(int id) const { return g_.tensors.at(size_t(id)); }
  uint32_t opset() const { return opset_; }
  int folded() const { return folded_; }
  // Ops ONNX defines as functions of other ops that Mote has no lowering for, expanded into
  // their bodies (op type -> count), for the converter's notes.
  const std::map<std::string, int>& expanded() const { return expanded_; }

  // Adds a Mote op (or folds it), returns its output tensor ids and binds the output names.
  std::vector<int> emit(int32_t code, std::vector<uint8_t> params, const std::vector<int>& inputs,
                        const std::vector<std::string>& out_names);
  template <typename P>
  std::vector<int> emit(int32_t code, const P& params, const std::vector<int>& inputs,
                        const std::vector<std::string>& out_names) {
    return emit(code, pack(params), inputs, out_names);
  }
  int constant(Tensor t);
  // Integer values of a constant input (int32/int64); throws if not constant.
  std::vector<int64_t> const_ints(int id, const char* what) const;
  std::vector<float> const_floats(int id, const char* what) const;

  // `value` as the int32 a Mote parameter holds; refuses (naming the node, `what` and the value)
  // one that does not fit instead of truncating it.
  int32_t narrow(int64_t value, const std::string& what) const;
  // Bytes of a tensor of `shape` and `dtype`, overflow-checked; refuses one above the 2 GiB a
  // tensor (and the arena) may take, before anything is allocated for it.
  uint64_t checked_bytes(const std::vector<int64_t>& shape, int32_t dtype, const std::string& what) const;
  [[noreturn]] void error(const std::string& text) const;
  [[noreturn]] void needs_constant(const Tensor& t, const char* what) const;
  void remember_qsource(const std::vector<int>& inputs, int out, const std::vector<uint8_t>& params);
  const onnx::NodeProto* current() const { return node_; }
  std::string fresh_name(const std::string& base);

 private:
  bool expand_function(const onnx::NodeProto& node);
  void widen_float16_inputs(const onnx::NodeProto& node);

  Graph& g_;
  uint32_t opset_;
  std::map<std::string, int> names_;
  const onnx::NodeProto* node_ = nullptr;
  int folded_ = 0;
  int counter_ = 0;
  bool keep_at_run_time_ = false;  // emit() does not fold (a float16 weight's Cast)
  std::map<std::string, int> expanded_;
};

// Tensor built from an ONNX TensorProto (initializers, Constant nodes, .pb files).
Tensor tensor_from_proto(const onnx::TensorProto& proto);
int32_t mote_dtype_from_onnx(int32_t onnx_type);

}  // namespace mote

#endif  // MOTE_CONVERTER_LOWER_H

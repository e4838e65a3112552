// Checks on an untrusted ONNX model before ONNX's own shape inference runs on it. libonnx's
// inference functions divide by strides and block sizes and index input shapes by attribute
// values without checking them, so a hostile model can kill the converter with SIGFPE/SIGSEGV
// from inside the library. Everything it would trust is checked here first.
#ifndef MOTE_CONVERTER_VALIDATE_H
#define MOTE_CONVERTER_VALIDATE_H

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"

namespace mote {

// Largest value an attribute that becomes a Mote int32 parameter (a stride, a pad, a kernel
// size...) may hold.
constexpr int64_t kMaxInt32 = 0x7FFFFFFF;

// Node label for error texts, the same one the lowering uses: "node 'NAME' (OpType)".
std::string node_label(const onnx::NodeProto& node);

// Checks every node's attributes (and the initialisers they read) in the graph, in the graphs
// nested in its attributes and in the model's local functions, and the declared shapes of the
// graph's inputs and initialisers. Throws ConvertError naming the node, the attribute and the value.
void validate_model(const onnx::ModelProto& model);

// The operator schemas of ONNX with each inference function behind Mote's checks of the input
// ranks it indexes with (known only as inference proceeds). A node that fails them is left
// without inferred shapes, as ONNX does with any node whose inference fails, and the lowering
// refuses it with its name.
class GuardedSchemaRegistry : public onnx::ISchemaRegistry {
 public:
  const onnx::OpSchema* GetSchema(const std::string& key, int max_inclusive_version,
                                  const std::string& domain) const override;

 private:
  mutable std::mutex mutex_;
  mutable std::map<const onnx::OpSchema*, std::unique_ptr<onnx::OpSchema>> guarded_;
};

}  // namespace mote

#endif  // MOTE_CONVERTER_VALIDATE_H

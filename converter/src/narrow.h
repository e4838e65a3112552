// Float64 in an ONNX model (narrow.cc). Mote computes in float32: a model with DOUBLE tensors is
// refused, naming the first one, unless the caller asks for --narrow-double, which rewrites the
// model's float64 tensors to float32 before anything else reads it, and counts them.
#ifndef MOTE_CONVERTER_NARROW_H
#define MOTE_CONVERTER_NARROW_H

#include <set>
#include <string>

#include "onnx/onnx_pb.h"

namespace mote {

struct NarrowedDouble {
  int graph_inputs = 0, graph_outputs = 0;  // of the main graph
  int initialisers = 0;                     // in every graph
  int constants = 0;                        // TENSOR attributes: Constant values, ConstantOfShape's value
  int casts = 0;                            // Cast targets (`to`)
  int dtype_attributes = 0;                 // `dtype` / `output_datatype` of EyeLike, Random*, ...
  int subgraph_values = 0;                  // inputs and outputs of If/Loop/Scan bodies and functions
  std::set<std::string> io_names;           // the main graph's narrowed inputs and outputs
  int total() const { return graph_inputs + graph_outputs + initialisers + constants + casts + dtype_attributes + subgraph_values; }
  // "narrowed 3 float64 tensors to float32: 1 graph input, 1 graph output, 1 initialiser".
  std::string note() const;
};

// With narrow false: throws ConvertError naming the model's first float64 tensor (graph inputs,
// initialisers, node attributes and Cast targets, graph outputs, then the nested graphs and the
// model's local functions), suggesting --narrow-double; returns an empty count when there is none.
// With narrow true: rewrites every one of them (value_info annotations too) to float32 in place.
NarrowedDouble narrow_double(onnx::ModelProto* model, bool narrow);

// Rewrites one DOUBLE TensorProto's values to FLOAT (raw or typed data). False if it is not DOUBLE.
bool narrow_tensor_proto(onnx::TensorProto* t);

}  // namespace mote

#endif  // MOTE_CONVERTER_NARROW_H

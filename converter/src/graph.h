// The converter's graph IR: tensors with static shapes (constants carry their data) and
// Mote ops with their parameter records, in execution order.
#ifndef MOTE_CONVERTER_GRAPH_H
#define MOTE_CONVERTER_GRAPH_H

#include <cstdint>
#include <cstring>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/blob_format.h"
#include "mote/kernel.h"
#include "mote/shape_math.h"

namespace mote {

struct Tensor {
  std::string name;
  int32_t dtype = 0;
  std::vector<int64_t> shape;
  bool is_const = false;
  std::vector<uint8_t> data;  // constant data, C order
  bool graph_input = false;
  bool graph_output = false;
  bool state = false;  // a graph input that a run's output carries into the next run (--carry)
  bool narrowed = false;  // a graph input/output the source model has as float64 (--narrow-double)
  // A value computed at run time from a graph input: that input's name (the first one found),
  // so an op that needs the value at conversion time can name the input to fix with --set.
  std::string from_input;
  // A constant folded from DequantizeLinear(int8/uint8 data): the quantized values and their
  // parameters, so int8 import can keep a QDQ model's weights exactly.
  struct QSource {
    std::vector<int8_t> values;  // in the int8 domain (uint8 moved by -128)
    std::vector<float> scales;
    std::vector<int32_t> zero_points;  // int8 domain
    int32_t axis = 0;
  };
  std::shared_ptr<QSource> qsource;
  // Quantisation of an int8 graph input/output (--int8-io), written to its tensor record.
  float q_scale = 0.0f;
  int32_t q_zero_point = 0;

  // Element count, overflow-checked: a shape with a negative dimension or more than 2^31
  // elements (the blob's limit) throws, so no size computed from it downstream can wrap.
  int64_t numel() const {
    int64_t n = 0;
    if (!checked_product(shape.data(), 0, int32_t(shape.size()), &n)) {
      throw ConvertError("tensor '" + name + "' is too large: more than 2^31 elements or a negative dimension");
    }
    return n;
  }
  uint64_t bytes() const { return uint64_t(numel()) * dtype_size(dtype); }
  template <typename T>
  const T* as() const { return reinterpret_cast<const T*>(data.data()); }
};

struct Op {
  int32_t code = 0;
  std::vector<uint8_t> params;
  std::vector<int> inputs;  // tensor ids, -1 for an absent optional input
  std::vector<int> outputs;
  std::string name;  // the ONNX node it came from
  std::string note;  // why the op runs in the precision it does (mixed precision), or ""
  std::string keep;  // int8 rewriting leaves the op float, for this option (automatic mixed precision), or ""
  // --bias-correction: per output channel, E[W_q x] - E[W x] on the calibration samples (Conv,
  // Gemm, MatMul with constant weights); int8 rewriting subtracts it from the bias.
  std::vector<double> bias_shift;

  template <typename P>
  P& p() { return *reinterpret_cast<P*>(params.data()); }
  template <typename P>
  const P& p() const { return *reinterpret_cast<const P*>(params.data()); }
};

template <typename P>
std::vector<uint8_t> pack(const P& p) {
  std::vector<uint8_t> v(sizeof(P));
  std::memcpy(v.data(), &p, sizeof(P));
  return v;
}

struct Graph {
  std::vector<Tensor> tensors;
  std::vector<Op> ops;
  std::vector<int> inputs, outputs;
  uint32_t opset = 0, ir_version = 0;
  // --carry: (state input, the last op's copy of its output into the input's bytes).
  std::vector<std::pair<int, int>> carries;

  int add_tensor(Tensor t) {
    tensors.push_back(std::move(t));
    return int(tensors.size()) - 1;
  }
  // Number of ops reading tensor `id`.
  int uses(int id) const;
  int producer(int id) const;  // op index or -1
};

// Passes (passes.cc): each returns how many rewrites it made.
int fold_batch_norm(Graph& g);
int fuse_activations(Graph& g);
int remove_dead_ops(Graph& g);
// Reshape -> Transpose -> Reshape channel shuffles folded into the Slices and Convs reading them
// (channel_shuffle.cc).
int fold_channel_shuffles(Graph& g);
// Decomposed LayerNormalization, GELU, SiLU and HardSwish fused back, Div by a constant made a
// Mul (patterns.cc); says what it did in `notes`.
int fuse_patterns(Graph& g, std::vector<std::string>* notes);

// Post-training int8 quantisation (ptq.cc): calibrates on options.calib and rewrites the graph.
void quantize_graph(Graph& g, const ConvertOptions& options, std::vector<std::string>* notes);
// --quantize int8-weights (weights_int8.cc): the constant weights of Conv, ConvTranspose, Gemm,
// MatMul, RNN, GRU and LSTM become int8 per output channel (their *W8 ops); returns how many.
int quantize_weights_int8(Graph& g, std::vector<std::string>* notes);
// ConvWinograd (winograd.cc): whether the blob's kernel sets take the form (x86, WebAssembly
// SIMD128 and the reference only), and the rewrite of its float 3x3 stride-1 Convs (F(4x4, 3x3)
// where the kernel sets have no x86); returns how many.
bool winograd_target(uint32_t kernel_sets);
int winograd_convs(Graph& g, uint32_t kernel_sets, std::vector<std::string>* notes);
// ConvExpandDepthwise (expand_dw.cc): whether the blob's kernel sets take it (x86 and the
// reference only), and the rewrite of 1x1 expand + depthwise Conv pairs; returns how many.
bool expand_dw_target(uint32_t kernel_sets);
int expand_dw_convs(Graph& g, std::vector<std::string>* notes);
// The input zero point of QConv / QMatMul folded into their start (zp_fold.cc, mote/ops.h's
// START): constant int8 weights, no weight zero points, not depthwise; returns how many.
int fold_zero_points(Graph& g, std::vector<std::string>* notes);
// QDQ import (qdq_import.cc): folds QuantizeLinear -> DequantizeLinear pairs around float ops into int8
// ops with the model's own parameters. Returns false when the graph has no such pairs.
bool fold_qdq(Graph& g, bool strict, bool int8_io, std::vector<std::string>* notes);

// The layout pass (nhwc_layout.cc): whether the kernel sets want NHWC int8 convolutions (the
// Cortex-M sets, and no others), and the pass that rewrites the QConv chains to NHWC (model inputs
// and outputs NHWC too with io_nhwc) and stores constant QMatMul weights [N, K]; returns how many
// ops it rewrote.
bool wants_nhwc(uint32_t kernel_sets);
int choose_layout(Graph& g, bool io_nhwc, std::vector<std::string>* notes);

// The arena plan (planner.cc).
struct Plan {
  uint32_t arena_bytes = 0;
  uint32_t lower_bound = 0;
  std::vector<uint32_t> offset;  // per tensor id (arena tensors only)
  std::vector<uint32_t> first, last;
  std::vector<uint32_t> scratch_offset, scratch_bytes;  // per op
  std::vector<PlanTensor> buffers;
};
// Each op's scratch is the largest any of `kernel_sets` (MOTE_SET_* bits) needs for it.
// With MOTE_SET_LEAN (--arena min) each op's scratch is the reference kernel's need, except for
// the ops `fast_ops` marks, which keep the sets' need.
Plan plan_arena(const Graph& g, uint32_t kernel_sets, const std::vector<bool>* fast_ops = nullptr);
// --arena min: the arena of the reference kernels' scratch, with every op whose optimised
// kernels' scratch fits in it without growing it planned for them (arena_min.cc).
Plan plan_arena_min(const Graph& g, uint32_t kernel_sets);

// Serialises graph + plan (blob_writer.cc).
struct BlobMeta {
  std::string source_name;
  uint64_t source_hash = 0;
  uint32_t kernel_sets = 0;  // what the plan's scratch covers (MOTE_SET_*)
  uint32_t narrowed = 0;     // float64 tensors of the source model narrowed to float32
  std::vector<uint8_t> vocab;  // the VOCAB section (a .motevocab), empty for none
};
std::vector<uint8_t> write_blob(const Graph& g, const Plan& plan, const BlobMeta& meta);

// Q31 multiplier and shift with real ~= multiplier * 2^(shift - 31) (quantize.cc).
void quantize_multiplier(double real, int32_t* multiplier, int32_t* shift);

// TensorProto helpers (onnx_import.cc).
std::vector<int32_t> to_dims32(const std::vector<int64_t>& shape, const std::string& what);
TensorView view_of(const Tensor& t, bool with_data);

}  // namespace mote

#endif  // MOTE_CONVERTER_GRAPH_H

// Graph passes over lowered Mote ops: BatchNorm folding, activation fusion, dead-op removal.
#include <cmath>
#include <set>

#include "graph.h"
#include "mote/op_traits.h"

namespace mote {

int Graph::uses(int id) const {
  int n = 0;
  for (const Op& op : ops) {
    for (int in : op.inputs) n += in == id;
  }
  for (int out : outputs) n += out == id;
  return n;
}

int Graph::producer(int id) const {
  for (size_t k = 0; k < ops.size(); ++k) {
    for (int out : ops[k].outputs) {
      if (out == id) return int(k);
    }
  }
  return -1;
}

namespace {

bool is_const(const Graph& g, int id) { return id >= 0 && g.tensors[size_t(id)].is_const; }

float* fdata(Tensor& t) { return reinterpret_cast<float*>(t.data.data()); }

// Makes a private copy of a constant so that folding into it cannot change another op's input.
int own_constant(Graph& g, int id, const std::string& suffix) {
  Tensor copy = g.tensors[size_t(id)];
  copy.name += suffix;
  return g.add_tensor(std::move(copy));
}

}  // namespace

// Conv/Gemm followed by an inference BatchNormalization with constant parameters: scale the
// weights and shift the bias so the BatchNorm disappears.
int fold_batch_norm(Graph& g) {
  int folded = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    Op& bn = g.ops[k];
    if (bn.code != MOTE_OP_BATCH_NORM) continue;
    bool params_const = true;
    for (size_t i = 1; i < 5; ++i) params_const = params_const && is_const(g, bn.inputs[i]);
    const int x = bn.inputs[0];
    const int p = g.producer(x);
    if (!params_const || p < 0 || g.uses(x) != 1 || g.tensors[size_t(x)].graph_output) continue;
    Op& prod = g.ops[size_t(p)];
    if (prod.code != MOTE_OP_CONV || prod.p<mote_conv_params>().act.kind != MOTE_ACT_NONE || !is_const(g, prod.inputs[1])) continue;
    if (prod.inputs.size() > 2 && !is_const(g, prod.inputs[2])) continue;
    const mote_norm_params np = bn.p<mote_norm_params>();
    const Tensor scale = g.tensors[size_t(bn.inputs[1])];  // copies: add_tensor below may reallocate
    const Tensor shift = g.tensors[size_t(bn.inputs[2])];
    const Tensor mean = g.tensors[size_t(bn.inputs[3])];
    const Tensor var = g.tensors[size_t(bn.inputs[4])];
    const int64_t m = scale.numel();
    const int w_id = own_constant(g, prod.inputs[1], "_bn");
    Tensor bias;
    bias.name = g.tensors[size_t(bn.outputs[0])].name + "_bias";
    bias.dtype = MOTE_F32;
    bias.shape = {m};
    bias.is_const = true;
    bias.data.assign(size_t(m) * 4, 0);
    if (prod.inputs.size() > 2 && prod.inputs[2] >= 0) bias.data = g.tensors[size_t(prod.inputs[2])].data;
    Tensor& w = g.tensors[size_t(w_id)];
    const int64_t per = w.numel() / m;
    for (int64_t c = 0; c < m; ++c) {
      const float s = scale.as<float>()[c] / std::sqrt(var.as<float>()[c] + np.epsilon);
      for (int64_t i = 0; i < per; ++i) fdata(w)[c * per + i] *= s;
      fdata(bias)[c] = (fdata(bias)[c] - mean.as<float>()[c]) * s + shift.as<float>()[c];
    }
    const int b_id = g.add_tensor(std::move(bias));
    Op& conv = g.ops[size_t(p)];  // g.tensors grew; ops did not
    conv.inputs = {conv.inputs[0], w_id, b_id};
    g.tensors[size_t(bn.outputs[0])].shape = g.tensors[size_t(x)].shape;
    conv.outputs[0] = bn.outputs[0];
    g.ops[k].code = -1;  // removed below
    ++folded;
  }
  std::vector<Op> kept;
  for (Op& op : g.ops) {
    if (op.code >= 0) kept.push_back(std::move(op));
  }
  g.ops = std::move(kept);
  return folded;
}

// An activation (fuse ACT_* in its record: Relu / Clip / LeakyRelu) right after an op with an
// activation slot (fuse SLOT_*: Conv, ConvTranspose, Gemm, MatMul, a float Add/Sub/Mul) becomes
// the producer's fused activation.
int fuse_activations(Graph& g) {
  int fused = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    Op& act = g.ops[k];
    mote_act a{MOTE_ACT_NONE, 0, 0};
    switch (op_traits(act.code).fuse) {
      case MOTE_FUSE_ACT_RELU: a.kind = MOTE_ACT_RELU; break;
      case MOTE_FUSE_ACT_CLIP: a = {MOTE_ACT_CLIP, act.p<mote_unary_params>().alpha, act.p<mote_unary_params>().beta}; break;
      case MOTE_FUSE_ACT_LEAKY_RELU: a = {MOTE_ACT_LEAKY_RELU, act.p<mote_unary_params>().alpha, 0}; break;
      default: continue;
    }
    const int x = act.inputs[0];
    if (g.tensors[size_t(x)].dtype != MOTE_F32) continue;
    const int p = g.producer(x);
    if (p < 0 || g.uses(x) != 1 || g.tensors[size_t(x)].graph_output) continue;
    Op& prod = g.ops[size_t(p)];
    mote_act* slot = nullptr;
    switch (op_traits(prod.code).fuse) {
      case MOTE_FUSE_SLOT_CONV: slot = &prod.p<mote_conv_params>().act; break;
      case MOTE_FUSE_SLOT_GEMM: slot = &prod.p<mote_gemm_params>().act; break;
      case MOTE_FUSE_SLOT_MATMUL: slot = &prod.p<mote_matmul_params>().act; break;
      case MOTE_FUSE_SLOT_BINARY: slot = &prod.p<mote_binary_params>().act; break;
      default: break;
    }
    if (!slot || slot->kind != MOTE_ACT_NONE) continue;
    *slot = a;
    prod.outputs[0] = act.outputs[0];
    act.code = -1;
    ++fused;
  }
  std::vector<Op> kept;
  for (Op& op : g.ops) {
    if (op.code >= 0) kept.push_back(std::move(op));
  }
  g.ops = std::move(kept);
  return fused;
}

// Drops ops none of whose outputs reach a graph output.
int remove_dead_ops(Graph& g) {
  std::set<int> live(g.outputs.begin(), g.outputs.end());
  std::vector<bool> keep(g.ops.size(), false);
  for (size_t k = g.ops.size(); k-- > 0;) {
    for (int out : g.ops[k].outputs) keep[k] = keep[k] || live.count(out);
    if (!keep[k]) continue;
    for (int in : g.ops[k].inputs) {
      if (in >= 0) live.insert(in);
    }
  }
  std::vector<Op> kept;
  int removed = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    if (keep[k]) {
      kept.push_back(std::move(g.ops[k]));
    } else {
      ++removed;
    }
  }
  g.ops = std::move(kept);
  return removed;
}

}  // namespace mote

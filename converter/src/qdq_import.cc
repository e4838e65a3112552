// QDQ import: a model quantized ahead of time, its float ops between QuantizeLinear /
// DequantizeLinear pairs, becomes int8 ops with the model's own scales and zero points (the
// rewriting is int8_rewrite.cc's, as for post-training quantisation).
#include <algorithm>
#include <map>
#include <string>

#include "graph.h"
#include "int8_rewrite.h"

namespace mote {
namespace {

using int8::QParams;

// The parameters of a scalar constant QuantizeLinear/DequantizeLinear, in the int8 domain.
bool qdq_params(const Graph& g, const Op& op, QParams* p) {
  if (op.inputs.size() < 2 || op.inputs[1] < 0) return false;
  const Tensor& s = g.tensors[size_t(op.inputs[1])];
  if (!s.is_const || s.numel() != 1 || s.dtype != MOTE_F32) return false;
  p->scale = s.as<float>()[0];
  const int zp_id = op.inputs.size() > 2 ? op.inputs[2] : -1;
  const int32_t q_dtype = op.code == MOTE_OP_QUANTIZE ? g.tensors[size_t(op.outputs[0])].dtype : g.tensors[size_t(op.inputs[0])].dtype;
  if (q_dtype != MOTE_I8 && q_dtype != MOTE_U8) return false;
  if (zp_id >= 0) {
    const Tensor& z = g.tensors[size_t(zp_id)];
    if (!z.is_const || z.numel() != 1) return false;
    p->zp = z.dtype == MOTE_U8 ? int32_t(z.data[0]) - 128 : int32_t(int8_t(z.data[0]));
  } else {
    p->zp = q_dtype == MOTE_U8 ? -128 : 0;
  }
  return true;
}

}  // namespace

bool fold_qdq(Graph& g, bool strict, bool int8_io, std::vector<std::string>* notes) {
  std::map<int, QParams> params;
  std::map<int, int> replace;  // dequantized tensor -> the float tensor it stands for
  std::vector<bool> dead(g.ops.size(), false);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const Op& q = g.ops[k];
    QParams qp;
    if (q.code != MOTE_OP_QUANTIZE || !qdq_params(g, q, &qp)) continue;
    const int x = q.inputs[0], qt = q.outputs[0];
    bool foldable = true;
    std::vector<size_t> dqs;
    for (size_t j = 0; j < g.ops.size(); ++j) {
      const Op& d = g.ops[j];
      if (std::find(d.inputs.begin(), d.inputs.end(), qt) == d.inputs.end()) continue;
      QParams dp;
      if (d.code != MOTE_OP_DEQUANTIZE || !qdq_params(g, d, &dp)) {
        foldable = false;
        continue;
      }
      if (dp.scale != qp.scale || dp.zp != qp.zp) {
        throw ConvertError("QDQ: tensor '" + g.tensors[size_t(x)].name + "' is quantized with scale " + std::to_string(qp.scale) +
                           ", zero point " + std::to_string(qp.zp) + " but dequantized with scale " + std::to_string(dp.scale) +
                           ", zero point " + std::to_string(dp.zp));
      }
      dqs.push_back(j);
    }
    params[x] = qp;
    if (!foldable || g.tensors[size_t(qt)].graph_output) continue;
    bool outputs_ok = true;
    for (size_t j : dqs) outputs_ok = outputs_ok && !g.tensors[size_t(g.ops[j].outputs[0])].graph_output;
    if (!outputs_ok) continue;
    for (size_t j : dqs) {
      replace[g.ops[j].outputs[0]] = x;
      dead[j] = true;
    }
    dead[k] = true;
  }
  if (params.empty()) return false;
  std::vector<Op> kept;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    if (dead[k]) continue;
    for (int& id : g.ops[k].inputs) {
      if (replace.count(id)) id = replace[id];
    }
    kept.push_back(std::move(g.ops[k]));
  }
  g.ops = std::move(kept);
  // Every tensor the QDQ pairs described keeps its parameters across data-movement ops.
  notes->push_back("imported " + std::to_string(params.size()) + " QDQ-quantized tensors");
  int8::rewrite(g, std::move(params), strict, int8_io, notes);
  return true;
}

}  // namespace mote

// Channel shuffles folded into their consumers (ShuffleNet's units).
//
// A channel shuffle is Reshape [N, C, ...] -> [N, g, C/g, ...], Transpose swapping axes 1 and 2,
// Reshape back to [N, C, ...]: a pure permutation of the channels, S[:, c] = T[:, p[c]] with
// p[i * g + j] = j * (C / g) + i. Each consumer of S is made to read T instead:
//   - a Slice that takes a channel range (step 1, every other axis whole) becomes a Gather of T
//     along axis 1 with indices p[start .. start + size): one copy of the range, as before, but
//     no copy of the whole tensor by the Transpose first;
//   - a Conv of group 1 with constant weights reads T with its weights' input channels permuted
//     (W'[:, p[c]] = W[:, c]);
//   - a depthwise Conv (group C) with constant weights, whose output only a group-1 Conv with
//     constant weights reads, runs on T with its channels permuted (W'[p[c]] = W[c], the bias
//     likewise), and that Conv's weights take the same input permutation.
// Every rewrite is exact up to the order in which a Conv sums its input channels. Float tensors
// only (an int8 graph's shuffles stay as they are). When no consumer is left
// the Reshape -> Transpose -> Reshape chain is dead and remove_dead_ops drops it.
#include <algorithm>
#include <string>

#include "graph.h"

namespace mote {
namespace {

bool is_const(const Graph& g, int id) { return id >= 0 && g.tensors[size_t(id)].is_const; }

std::vector<int> readers(const Graph& g, int id) {
  std::vector<int> r;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const Op& op = g.ops[k];
    if (op.code < 0) continue;
    for (int in : op.inputs) {
      if (in == id) {
        r.push_back(int(k));
        break;
      }
    }
  }
  return r;
}

// The channel permutation of a shuffle whose last Reshape is op `k`, with T its input; false
// when op k does not end one.
bool match_shuffle(const Graph& g, size_t k, int* t_id, std::vector<int64_t>* perm) {
  const Op& r2 = g.ops[k];
  if (r2.code != MOTE_OP_RESHAPE || r2.inputs.empty()) return false;
  const int tr_out = r2.inputs[0];
  const int ti = g.producer(tr_out);
  if (ti < 0 || g.uses(tr_out) != 1 || g.tensors[size_t(tr_out)].graph_output) return false;
  const Op& tr = g.ops[size_t(ti)];
  if (tr.code != MOTE_OP_TRANSPOSE || tr.params.size() < sizeof(mote_transpose_params)) return false;
  const int r1_out = tr.inputs[0];
  const int ri = g.producer(r1_out);
  if (ri < 0 || g.uses(r1_out) != 1 || g.tensors[size_t(r1_out)].graph_output) return false;
  const Op& r1 = g.ops[size_t(ri)];
  if (r1.code != MOTE_OP_RESHAPE || r1.inputs.empty()) return false;
  const int t = r1.inputs[0];
  const Tensor& tt = g.tensors[size_t(t)];
  const Tensor& st = g.tensors[size_t(r2.outputs[0])];
  const Tensor& vt = g.tensors[size_t(r1_out)];
  const Tensor& wt = g.tensors[size_t(tr_out)];
  const size_t rank = tt.shape.size();
  if (tt.is_const || tt.dtype != MOTE_F32 || rank < 2 || st.shape != tt.shape || st.dtype != tt.dtype || vt.shape.size() != rank + 1) return false;
  // V = [N, g, C/g, rest...], W = [N, C/g, g, rest...].
  const int64_t c = tt.shape[1], groups = vt.shape[1];
  if (groups < 1 || c % groups != 0 || vt.shape[0] != tt.shape[0] || vt.shape[2] != c / groups) return false;
  for (size_t d = 2; d < rank; ++d) {
    if (vt.shape[d + 1] != tt.shape[d]) return false;
  }
  const int32_t* p = tr.p<mote_transpose_params>().perm;
  if (p[0] != 0 || p[1] != 2 || p[2] != 1) return false;
  for (size_t d = 3; d <= rank; ++d) {
    if (p[d] != int32_t(d)) return false;
  }
  if (wt.shape.size() != rank + 1 || wt.shape[1] != c / groups || wt.shape[2] != groups) return false;
  *t_id = t;
  perm->assign(size_t(c), 0);
  const int64_t per = c / groups;
  for (int64_t i = 0; i < per; ++i) {
    for (int64_t j = 0; j < groups; ++j) (*perm)[size_t(i * groups + j)] = j * per + i;
  }
  return true;
}

// Constant `id` with its axis-`axis` index c moved to perm[c] ([outer, n, inner]): in place when
// only one op reads it, else a private copy.
int permuted_constant(Graph& g, int id, int axis, const std::vector<int64_t>& perm, const std::string& suffix) {
  const bool own = g.uses(id) == 1;  // one reader: permuted where it is (the blob keeps its order)
  Tensor copy = g.tensors[size_t(id)];
  copy.name += suffix;
  copy.qsource.reset();
  const Tensor& src = g.tensors[size_t(id)];
  const size_t es = dtype_size(src.dtype);
  int64_t outer = 1, inner = 1;
  for (int d = 0; d < axis; ++d) outer *= src.shape[size_t(d)];
  for (size_t d = size_t(axis) + 1; d < src.shape.size(); ++d) inner *= src.shape[d];
  const int64_t n = int64_t(perm.size());
  const size_t row = size_t(inner) * es;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t c = 0; c < n; ++c) {
      std::memcpy(copy.data.data() + size_t(o * n + perm[size_t(c)]) * row, src.data.data() + size_t(o * n + c) * row, row);
    }
  }
  if (own) {
    g.tensors[size_t(id)].data = std::move(copy.data);
    g.tensors[size_t(id)].qsource.reset();
    return id;
  }
  return g.add_tensor(std::move(copy));
}

bool plain_f32_conv(const Graph& g, const Op& op) {
  if (op.code != MOTE_OP_CONV || op.params.size() < sizeof(mote_conv_params) || op.inputs.size() < 2) return false;
  if (!is_const(g, op.inputs[1]) || g.tensors[size_t(op.inputs[1])].dtype != MOTE_F32) return false;
  return op.inputs.size() < 3 || op.inputs[2] < 0 || is_const(g, op.inputs[2]);
}

}  // namespace

int fold_channel_shuffles(Graph& g) {
  int folded = 0;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    int t = -1;
    std::vector<int64_t> perm;
    if (!match_shuffle(g, k, &t, &perm)) continue;
    const int s = g.ops[k].outputs[0];  // a graph output keeps it: only its readers move
    const int64_t c = int64_t(perm.size());
    const std::vector<int64_t> shape = g.tensors[size_t(t)].shape;
    int rewrote = 0;
    for (int ri : readers(g, s)) {
      Op& op = g.ops[size_t(ri)];
      if (op.inputs.size() < 1 || op.inputs[0] != s || std::count(op.inputs.begin(), op.inputs.end(), s) != 1) continue;
      if (op.code == MOTE_OP_SLICE && op.params.size() >= sizeof(mote_slice_params)) {
        const mote_slice_params sp = op.p<mote_slice_params>();
        bool range = true;
        for (size_t d = 0; d < shape.size(); ++d) {
          range = range && sp.step[d] == 1;
          if (d != 1) range = range && sp.start[d] == 0 && sp.size[d] == shape[d];
        }
        if (!range || sp.size[1] < 1 || sp.start[1] < 0 || int64_t(sp.start[1]) + sp.size[1] > c) continue;
        Tensor idx;
        idx.name = g.tensors[size_t(op.outputs[0])].name + "_channels";
        idx.dtype = MOTE_I32;
        idx.shape = {sp.size[1]};
        idx.is_const = true;
        idx.data.resize(size_t(sp.size[1]) * 4);
        for (int32_t i = 0; i < sp.size[1]; ++i) {
          const int32_t v = int32_t(perm[size_t(sp.start[1] + i)]);
          std::memcpy(idx.data.data() + size_t(i) * 4, &v, 4);
        }
        const int idx_id = g.add_tensor(std::move(idx));
        Op& gather = g.ops[size_t(ri)];  // g.tensors grew; ops did not
        mote_gather_params gp{};
        gp.axis = 1;
        gather.code = MOTE_OP_GATHER;
        gather.params = pack(gp);
        gather.inputs = {t, idx_id};
        ++rewrote;
        continue;
      }
      if (!plain_f32_conv(g, op) || shape.size() < 3) continue;
      const int32_t group = op.p<mote_conv_params>().group;
      const Tensor& w = g.tensors[size_t(op.inputs[1])];
      if (group == 1 && w.shape.size() == shape.size() && w.shape[1] == c) {
        const int w_id = permuted_constant(g, op.inputs[1], 1, perm, "_unshuffled");
        Op& conv = g.ops[size_t(ri)];
        conv.inputs[0] = t;
        conv.inputs[1] = w_id;
        ++rewrote;
        continue;
      }
      if (group != c || c == 1 || w.shape.empty() || w.shape[0] != c || (w.shape.size() > 1 && w.shape[1] != 1)) continue;
      // Depthwise: its output must feed one group-1 Conv only.
      const int y = op.outputs[0];
      const std::vector<int> yr = readers(g, y);
      if (g.tensors[size_t(y)].graph_output || yr.size() != 1 || g.uses(y) != 1) continue;
      const Op& pw = g.ops[size_t(yr[0])];
      if (!plain_f32_conv(g, pw) || pw.inputs[0] != y || pw.p<mote_conv_params>().group != 1) continue;
      const Tensor& pwt = g.tensors[size_t(pw.inputs[1])];
      if (pwt.shape.size() < 2 || pwt.shape[1] != c) continue;
      const int dw_w = permuted_constant(g, op.inputs[1], 0, perm, "_unshuffled");
      const bool has_bias = op.inputs.size() > 2 && op.inputs[2] >= 0;
      const int dw_b = has_bias ? permuted_constant(g, op.inputs[2], 0, perm, "_unshuffled") : -1;
      const int pw_w = permuted_constant(g, pw.inputs[1], 1, perm, "_unshuffled");
      Op& dw = g.ops[size_t(ri)];
      dw.inputs[0] = t;
      dw.inputs[1] = dw_w;
      if (has_bias) dw.inputs[2] = dw_b;
      g.ops[size_t(yr[0])].inputs[1] = pw_w;
      ++rewrote;
    }
    folded += rewrote > 0;
  }
  return folded;
}

}  // namespace mote

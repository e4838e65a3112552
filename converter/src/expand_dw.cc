// ConvExpandDepthwise (mote/ops.h, mote_expand_dw_params): a float 1x1 expand Conv and the
// depthwise Conv that alone reads its output, rewritten into one op for blobs whose kernel sets
// are x86 (and the reference) only. The op computes the depthwise band by band from the
// expanded rows each band reads, held in its scratch: the expanded tensor leaves the arena plan
// and the depthwise reads its input from cache. Other targets keep the two Convs (their kernel
// sets have no fused kernel; the reference one is the specification, slower than the pair).
//
// Taken: the 1x1 group 1, stride 1, unpadded, its activation the fused one (mote_act) it has or
// a SiLU / HardSwish op after it (read by the depthwise alone);
// the depthwise 3x3 or 5x5, stride 1 or 2, undilated, output rows at least 14 wide (the maps
// where the x86 depthwise runs in row bands), the expanded tensor at least kMinExpandedBytes.
#include <string>
#include <vector>

#include "graph.h"
#include "mote/blob_format.h"

namespace mote {
namespace {

// Bytes of expanded rows a band holds at most (the L2 of the machines in docs/benchmarks.md is
// 1-2 MB a core); bands are whole multiples of the x86 depthwise's 4 output rows.
constexpr int64_t kBandBytes = 384 * 1024;
constexpr int32_t kBandStep = 4;
constexpr int64_t kMinWidth = 14;
// The least expanded tensor the op is made for. The L3 of these machines (32 MB) holds a
// smaller one between the two Convs, and there the bands' edges cost about what they save
// (MobileNetV2's 24 -> 144 pair at 56x56, 1.8 MB: 0.222 ms as two Convs, 0.235 ms fused; its
// 16 -> 96 pair at 112x112, 4.8 MB: 0.405 -> 0.335 ms; docs/benchmarks.md).
constexpr uint64_t kMinExpandedBytes = 2 * 1024 * 1024;

bool is_const_f32(const Graph& g, int id) {
  return id >= 0 && g.tensors[size_t(id)].is_const && g.tensors[size_t(id)].dtype == MOTE_F32;
}

bool pointwise(const mote_conv_params& p) {
  return p.spatial_rank == 2 && p.group == 1 && p.kernel[0] == 1 && p.kernel[1] == 1 && p.stride[0] == 1 && p.stride[1] == 1 &&
         p.dilation[0] == 1 && p.dilation[1] == 1 && p.pad_begin[0] == 0 && p.pad_begin[1] == 0 && p.pad_end[0] == 0 &&
         p.pad_end[1] == 0;
}

// Output rows per band: as many whole steps as keep the band within kBandBytes, one step at least.
int32_t band_rows(int64_t e, int64_t w, int64_t oh, int32_t k, int32_t s) {
  int32_t rows = kBandStep;
  while (rows + kBandStep <= oh && e * (int64_t(rows + kBandStep - 1) * s + k) * w * 4 <= kBandBytes) rows += kBandStep;
  return int32_t(rows < oh ? rows : oh);
}

// The bias input of a Conv, or a new zero one of `m` channels.
int bias_of(Graph& g, const Op& op, int64_t m) {
  if (op.inputs.size() > 2 && op.inputs[2] >= 0) return op.inputs[2];
  Tensor t;
  t.name = op.name + "_zero_bias";
  t.dtype = MOTE_F32;
  t.shape = {m};
  t.is_const = true;
  t.data.assign(size_t(m) * sizeof(float), 0);
  return g.add_tensor(std::move(t));
}

}  // namespace

bool expand_dw_target(uint32_t kernel_sets) {
  return (kernel_sets & MOTE_SET_X86) != 0 && (kernel_sets & ~(MOTE_SET_X86 | MOTE_SET_REFERENCE)) == 0;
}

int expand_dw_convs(Graph& g, std::vector<std::string>* notes) {
  std::vector<int> uses(g.tensors.size(), 0), producer(g.tensors.size(), -1);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    for (int in : g.ops[k].inputs) {
      if (in >= 0) ++uses[size_t(in)];
    }
    for (int out : g.ops[k].outputs) {
      if (out >= 0) producer[size_t(out)] = int(k);
    }
  }
  for (int out : g.outputs) ++uses[size_t(out)];
  std::vector<bool> dead(g.ops.size(), false);
  int count = 0;
  uint64_t expanded = 0;
  for (Op& dw : g.ops) {
    if (dw.code != MOTE_OP_CONV || dw.inputs.size() < 2 || dw.outputs.size() != 1) continue;
    const int mid = dw.inputs[0];
    if (mid < 0 || uses[size_t(mid)] != 1 || producer[size_t(mid)] < 0) continue;
    const Tensor& M = g.tensors[size_t(mid)];
    if (M.dtype != MOTE_F32 || M.graph_output || M.state || M.shape.size() != 4 || M.bytes() < kMinExpandedBytes) continue;
    const mote_conv_params& q = dw.p<mote_conv_params>();
    const int64_t e = M.shape[1];
    if (q.spatial_rank != 2 || q.group != e || e < 1 || q.kernel[0] != q.kernel[1] || (q.kernel[0] != 3 && q.kernel[0] != 5) ||
        q.stride[0] != q.stride[1] || (q.stride[0] != 1 && q.stride[0] != 2) || q.dilation[0] != 1 || q.dilation[1] != 1) {
      continue;
    }
    const Tensor& Y = g.tensors[size_t(dw.outputs[0])];
    if (Y.shape.size() != 4 || Y.shape[1] != e || Y.shape[3] < kMinWidth || Y.dtype != MOTE_F32) continue;
    const int w2 = dw.inputs[1];
    if (!is_const_f32(g, w2) || (dw.inputs.size() > 2 && dw.inputs[2] >= 0 && !is_const_f32(g, dw.inputs[2]))) continue;
    // A SiLU or HardSwish between them (no mote_act form) joins the op as its expand_op.
    int act_op = producer[size_t(mid)], expand_op = 0;
    {
      const Op& u = g.ops[size_t(act_op)];
      if ((u.code == MOTE_OP_SILU || u.code == MOTE_OP_HARD_SWISH) && u.inputs.size() == 1 && u.outputs.size() == 1 &&
          u.inputs[0] >= 0 && uses[size_t(u.inputs[0])] == 1 && producer[size_t(u.inputs[0])] >= 0) {
        expand_op = u.code;
      } else {
        act_op = -1;
      }
    }
    const int ex_index = act_op >= 0 ? producer[size_t(g.ops[size_t(act_op)].inputs[0])] : producer[size_t(mid)];
    Op& ex = g.ops[size_t(ex_index)];
    if (ex.code != MOTE_OP_CONV || ex.inputs.size() < 2 || ex.outputs.size() != 1 || ex.inputs[0] < 0) continue;
    if (!pointwise(ex.p<mote_conv_params>()) || !is_const_f32(g, ex.inputs[1])) continue;
    if (expand_op && ex.p<mote_conv_params>().act.kind != MOTE_ACT_NONE) continue;
    if (ex.inputs.size() > 2 && ex.inputs[2] >= 0 && !is_const_f32(g, ex.inputs[2])) continue;
    if (g.tensors[size_t(ex.inputs[0])].dtype != MOTE_F32) continue;
    mote_expand_dw_params p{};
    p.dw = q;
    p.expand_act = ex.p<mote_conv_params>().act;
    p.expand_op = expand_op;
    p.band_rows = band_rows(e, M.shape[3], Y.shape[2], q.kernel[0], q.stride[0]);
    expanded += M.bytes();
    const int b1 = bias_of(g, ex, e), b2 = bias_of(g, dw, e);
    dw.code = MOTE_OP_CONV_EXPAND_DW;
    dw.params = pack(p);
    dw.inputs = {ex.inputs[0], ex.inputs[1], b1, w2, b2};
    dw.name = ex.name + "+" + dw.name;
    dead[size_t(ex_index)] = true;
    if (act_op >= 0) dead[size_t(act_op)] = true;
    ++count;
  }
  if (!count) return 0;
  std::vector<Op> kept;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    if (!dead[k]) kept.push_back(std::move(g.ops[k]));
  }
  g.ops = std::move(kept);
  notes->push_back("fused " + std::to_string(count) + " 1x1 expand Conv + depthwise Conv pairs into ConvExpandDepthwise (--target x86): " +
                   std::to_string(expanded) + " bytes of expanded tensors computed in bands");
  return count;
}

}  // namespace mote

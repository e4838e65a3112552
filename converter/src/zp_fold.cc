// The input zero point folded into the start (mote/ops.h, QConv's and QMatMul's START, input
// MOTE_QCONV_START, blob 1.5). sum (x - zp) * w = sum x * w - zp * sum w, and the second term is
// a constant of the op: bias - zp * sum w per output channel, computed here once, exact in
// int64, becomes the op's start in place of its bias, so no kernel sums the weights at run
// time. A tap in the padding holds the zero point (zp * w joins the sum, as the start's - zp * w
// takes it out again), so every tap is x * w.
//
// Taken: a QConv or QMatMul with constant int8 weights (QMatMul: B of rank 2, [K, N] or [N, K]),
// a constant int32 bias or none, no weight zero points; not a depthwise QConv (its kernels
// skip the padding taps instead of reading the zero point). Kept unfolded: an op whose start
// would leave int32, or would not pass the verifier's bound on the sums (|start| + 510 * sum
// |w| <= INT32_MAX, as a bias: ref::check_accumulators).
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "graph.h"
#include "mote/ops.h"

namespace mote {
namespace {

bool const_of(const Graph& g, int id, int32_t dtype) {
  return id >= 0 && g.tensors[size_t(id)].is_const && g.tensors[size_t(id)].dtype == dtype;
}

int input(const Op& op, size_t k) { return op.inputs.size() > k ? op.inputs[k] : -1; }

// The starts of `channels` output channels, channel c's weights at w[c * ch_stride + k * k_stride]
// (k < depth), or false if one would leave int32 or fail the verifier's bound.
bool fold_starts(const Graph& g, int bias_id, const int8_t* w, int64_t channels, int64_t depth, int64_t ch_stride,
                 int64_t k_stride, int32_t zp, std::vector<int32_t>* out) {
  const int32_t* bias = bias_id >= 0 ? reinterpret_cast<const int32_t*>(g.tensors[size_t(bias_id)].data.data()) : nullptr;
  out->assign(size_t(channels), 0);
  for (int64_t c = 0; c < channels; ++c) {
    int64_t sum = 0, abs_sum = 0;
    for (int64_t k = 0; k < depth; ++k) {
      const int64_t v = w[c * ch_stride + k * k_stride];
      sum += v;
      abs_sum += v < 0 ? -v : v;
    }
    const int64_t start = (bias ? int64_t(bias[c]) : 0) - int64_t(zp) * sum;
    const int64_t abs_start = start < 0 ? -start : start;
    if (start < INT32_MIN || start > INT32_MAX || abs_start + 2 * 255 * abs_sum > INT32_MAX) return false;
    (*out)[size_t(c)] = int32_t(start);
  }
  return true;
}

// Puts the starts at input MOTE_QCONV_START, the bias (input 2) gone: the bias tensor itself
// when this op alone reads it, else a new constant.
void set_start(Graph& g, Op& op, std::vector<int32_t> starts) {
  const int bias = input(op, 2);
  int id = -1;
  if (bias >= 0 && g.uses(bias) == 1) {
    id = bias;
    g.tensors[size_t(bias)].qsource.reset();  // the name stays: the blob's size does not change
  } else {
    Tensor t;
    t.name = g.tensors[size_t(op.inputs[1])].name + ".start";
    t.dtype = MOTE_I32;
    t.shape = {int64_t(starts.size())};
    t.is_const = true;
    id = g.add_tensor(std::move(t));
  }
  Tensor& t = g.tensors[size_t(id)];
  t.data.resize(starts.size() * sizeof(int32_t));
  std::memcpy(t.data.data(), starts.data(), t.data.size());
  op.inputs.resize(MOTE_QCONV_START + 1, -1);
  op.inputs[2] = -1;
  op.inputs[MOTE_QCONV_START] = id;
}

}  // namespace

int fold_zero_points(Graph& g, std::vector<std::string>* notes) {
  int convs = 0, products = 0, kept = 0;
  for (Op& op : g.ops) {
    if (op.code != MOTE_OP_QCONV && op.code != MOTE_OP_QMATMUL) continue;
    if (op.inputs.size() > MOTE_QCONV_START || input(op, 5) >= 0) continue;  // folded already, or weight zero points
    const int w_id = input(op, 1), bias = input(op, 2);
    if (!const_of(g, w_id, MOTE_I8) || (bias >= 0 && !const_of(g, bias, MOTE_I32))) continue;
    const Tensor& w = g.tensors[size_t(w_id)];
    const int8_t* wd = reinterpret_cast<const int8_t*>(w.data.data());
    std::vector<int32_t> starts;
    bool ok = false;
    if (op.code == MOTE_OP_QCONV) {
      if (op.params.size() < sizeof(mote_qconv_params) - 4 || w.shape.size() < 3) continue;
      const mote_qconv_params& p = op.p<mote_qconv_params>();
      const bool nhwc = op.params.size() >= sizeof(mote_qconv_params) && p.layout == MOTE_LAYOUT_NHWC;
      const int64_t cg = w.shape[nhwc ? w.shape.size() - 1 : 1];
      if (p.conv.group > 1 && cg == 1) continue;  // depthwise
      const int64_t m = w.shape[0], k = m ? int64_t(w.data.size()) / m : 0;
      if (bias >= 0 && int64_t(g.tensors[size_t(bias)].data.size()) != m * 4) continue;
      ok = fold_starts(g, bias, wd, m, k, k, 1, p.in_zp, &starts);  // a row of taps per channel, either layout
      if (ok) ++convs;
    } else {
      if (op.params.size() < sizeof(mote_qmatmul_params) - 4 || w.shape.size() != 2) continue;
      const mote_qmatmul_params& p = op.p<mote_qmatmul_params>();
      const bool nk = op.params.size() >= sizeof(mote_qmatmul_params) && p.b_layout == MOTE_B_NK;
      const int64_t n = nk ? w.shape[0] : w.shape[1], k = nk ? w.shape[1] : w.shape[0];
      if (bias >= 0 && int64_t(g.tensors[size_t(bias)].data.size()) != n * 4) continue;
      ok = nk ? fold_starts(g, bias, wd, n, k, k, 1, p.a_zp, &starts) : fold_starts(g, bias, wd, n, k, 1, n, p.a_zp, &starts);
      if (ok) ++products;
    }
    if (!ok) {
      ++kept;
      continue;
    }
    set_start(g, op, std::move(starts));
  }
  if (notes && (convs || products)) {
    std::string s = "folded the input zero point into the start of " + std::to_string(convs) + " QConv and " +
                    std::to_string(products) + " QMatMul";
    if (kept) s += " (" + std::to_string(kept) + " kept unfolded: the start would overflow int32)";
    notes->push_back(s);
  }
  return convs + products;
}

}  // namespace mote

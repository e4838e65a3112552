// The layout pass: int8 convolution chains in NHWC (channels last) for the boards whose kernels
// want it (the Cortex-M sets: a pixel's channels contiguous, so building a convolution's input
// columns is a copy of rows and requantisation runs across output channels).
//
// Every 2-D QConv becomes an NHWC QConv (its weights reordered to [M, kH, kW, C/group]) between a
// Transpose to NHWC of its input and a Transpose back to NCHW of its output. Element-wise int8
// ops whose operands all have an NHWC form (Lut, Requantize, same-shape QAdd/QSub/QMul/QMax/QMin)
// run on those forms as well. A tensor's NHWC form is made once and shared by every reader, so
// within a chain the Transposes cancel: the one back to NCHW is read by nobody and is removed with
// the dead ops, and only the chain's edges (the model's inputs and outputs, and ops that take
// NCHW only, such as pooling and reshapes) keep one. With --io-layout nhwc the model's 4-D int8
// inputs and outputs are NHWC themselves and those edge Transposes go too.
//
// A QMatMul with constant 2-D weights B [K, N] (a fully connected layer) stores them [N, K]
// (MOTE_B_NK): each output column's weights contiguous, the form those boards' dot products read.
#include <algorithm>
#include <map>
#include <string>

#include "graph.h"
#include "mote/blob_format.h"
#include "mote/ops.h"

namespace mote {

namespace {

constexpr int32_t kToNhwc[4] = {0, 2, 3, 1};
constexpr int32_t kToNchw[4] = {0, 3, 1, 2};

std::vector<int64_t> permuted(const std::vector<int64_t>& s, const int32_t* perm) {
  std::vector<int64_t> r(s.size());
  for (size_t d = 0; d < s.size(); ++d) r[d] = s[size_t(perm[d])];
  return r;
}

// The Transpose of `from` (shape `shape`) into `to` by perm; a Reshape (a view, no copy) when the
// axes that move are all 1 (a single channel, a 1x1 image), so the bytes keep their order.
Op transpose_op(int from, int to, const std::vector<int64_t>& shape, const int32_t* perm, const std::string& name) {
  Op t;
  t.inputs = {from};
  t.outputs = {to};
  t.name = name;
  std::vector<int> kept;  // the order of the axes longer than 1, after the permutation
  for (int d = 0; d < 4; ++d) {
    if (shape[size_t(perm[d])] != 1) kept.push_back(perm[d]);
  }
  if (std::is_sorted(kept.begin(), kept.end())) {
    mote_reshape_params p{};
    p.rank = 4;
    for (int d = 0; d < 4; ++d) p.dims[d] = int32_t(shape[size_t(perm[d])]);
    t.code = MOTE_OP_RESHAPE;
    t.params = pack(p);
    return t;
  }
  mote_transpose_params p{};
  for (int d = 0; d < 4; ++d) p.perm[d] = perm[d];
  t.code = MOTE_OP_TRANSPOSE;
  t.params = pack(p);
  return t;
}

// A copy of tensor `id` (an arena tensor) with shape `shape`: the same dtype and quantisation,
// none of the graph's I/O flags.
int layout_copy(Graph& g, int id, const std::vector<int64_t>& shape, const std::string& suffix) {
  Tensor t = g.tensors[size_t(id)];
  t.name += suffix;
  t.shape = shape;
  t.graph_input = t.graph_output = t.state = t.narrowed = false;
  t.data.clear();
  t.qsource.reset();
  return g.add_tensor(std::move(t));
}

bool is_eltwise_int8(const Op& op) {
  switch (op.code) {
    case MOTE_OP_LUT:
    case MOTE_OP_REQUANTIZE:
    case MOTE_OP_QADD:
    case MOTE_OP_QSUB:
    case MOTE_OP_QMUL:
    case MOTE_OP_QMAX:
    case MOTE_OP_QMIN: return true;
    default: return false;
  }
}

}  // namespace

bool wants_nhwc(uint32_t kernel_sets) {
  const uint32_t cortex_m = MOTE_SET_ARM_DSP | MOTE_SET_MVE;
  const uint32_t others = MOTE_SET_NEON | MOTE_SET_WASM_SIMD128 | MOTE_SET_X86;
  return (kernel_sets & cortex_m) != 0 && (kernel_sets & others) == 0;
}

int choose_layout(Graph& g, bool io_nhwc, std::vector<std::string>* notes) {
  std::map<int, int> nhwc;  // NCHW tensor id -> its NHWC form
  std::vector<Op> ops;
  int convs = 0, products = 0;
  auto is_4d_i8 = [&](int id) {
    return id >= 0 && !g.tensors[size_t(id)].is_const && g.tensors[size_t(id)].dtype == MOTE_I8 &&
           g.tensors[size_t(id)].shape.size() == 4;
  };
  // The NHWC form of an arena tensor, transposed where it is first needed.
  auto nhwc_of = [&](int id) {
    auto it = nhwc.find(id);
    if (it != nhwc.end()) return it->second;
    const int t = layout_copy(g, id, permuted(g.tensors[size_t(id)].shape, kToNhwc), ".nhwc");
    ops.push_back(transpose_op(id, t, g.tensors[size_t(id)].shape, kToNhwc, g.tensors[size_t(id)].name + "/to_nhwc"));
    nhwc[id] = t;
    return t;
  };
  // Op `op` now writes the NHWC form of its output 0; the NCHW tensor is a Transpose of it, which
  // disappears with the dead ops when nothing reads it.
  auto write_nhwc = [&](Op& op) {
    const int y = op.outputs[0];
    const int t = layout_copy(g, y, permuted(g.tensors[size_t(y)].shape, kToNhwc), ".nhwc");
    op.outputs[0] = t;
    nhwc[y] = t;
    ops.push_back(op);
    ops.push_back(transpose_op(t, y, g.tensors[size_t(t)].shape, kToNchw, g.tensors[size_t(y)].name + "/to_nchw"));
  };
  for (Op& op : g.ops) {
    if (op.code == MOTE_OP_QCONV && op.params.size() == sizeof(mote_qconv_params) &&
        op.p<mote_qconv_params>().conv.spatial_rank == 2 && op.p<mote_qconv_params>().layout == MOTE_LAYOUT_NCHW &&
        is_4d_i8(op.inputs[0]) && op.inputs[1] >= 0 && g.tensors[size_t(op.inputs[1])].is_const) {
      // W [M, C/g, kH, kW] -> [M, kH, kW, C/g]: a private copy, the original may have other readers.
      Tensor w = g.tensors[size_t(op.inputs[1])];
      const int64_t m = w.shape[0], cg = w.shape[1], kh = w.shape[2], kw = w.shape[3];
      std::vector<uint8_t> data(w.data.size());
      for (int64_t o = 0; o < m; ++o) {
        for (int64_t c = 0; c < cg; ++c) {
          for (int64_t u = 0; u < kh; ++u) {
            for (int64_t v = 0; v < kw; ++v) {
              data[size_t(((o * kh + u) * kw + v) * cg + c)] = w.data[size_t(((o * cg + c) * kh + u) * kw + v)];
            }
          }
        }
      }
      w.name += ".nhwc";
      w.shape = {m, kh, kw, cg};
      w.data = std::move(data);
      w.qsource.reset();
      op.inputs[0] = nhwc_of(op.inputs[0]);
      op.inputs[1] = g.add_tensor(std::move(w));
      op.p<mote_qconv_params>().layout = MOTE_LAYOUT_NHWC;
      write_nhwc(op);
      ++convs;
      continue;
    }
    if (op.code == MOTE_OP_QMATMUL && op.params.size() == sizeof(mote_qmatmul_params) &&
        op.p<mote_qmatmul_params>().b_layout == MOTE_B_KN && op.inputs[1] >= 0 &&
        g.tensors[size_t(op.inputs[1])].is_const && g.tensors[size_t(op.inputs[1])].shape.size() == 2) {
      // A constant B [K, N] (a fully connected layer) stored [N, K]: a row of weights per output.
      Tensor b = g.tensors[size_t(op.inputs[1])];
      const int64_t k = b.shape[0], n = b.shape[1];
      std::vector<uint8_t> data(b.data.size());
      for (int64_t i = 0; i < k; ++i) {
        for (int64_t j = 0; j < n; ++j) data[size_t(j * k + i)] = b.data[size_t(i * n + j)];
      }
      b.name += ".nk";
      b.shape = {n, k};
      b.data = std::move(data);
      b.qsource.reset();
      op.inputs[1] = g.add_tensor(std::move(b));
      op.p<mote_qmatmul_params>().b_layout = MOTE_B_NK;
      ops.push_back(op);
      ++products;
      continue;
    }
    if (is_eltwise_int8(op) && op.outputs.size() == 1 && is_4d_i8(op.outputs[0])) {
      // Only when an operand already has an NHWC form, and every operand has the output's shape.
      const std::vector<int64_t>& shape = g.tensors[size_t(op.outputs[0])].shape;
      bool any = false, same = true;
      for (int in : op.inputs) {
        if (in < 0) continue;
        if (g.tensors[size_t(in)].is_const) {
          same = same && op.code == MOTE_OP_LUT;  // Lut's table is its only constant operand
          continue;
        }
        any = any || nhwc.count(in) != 0;
        same = same && g.tensors[size_t(in)].shape == shape;
      }
      if (any && same) {
        for (int& in : op.inputs) {
          if (in >= 0 && !g.tensors[size_t(in)].is_const) in = nhwc_of(in);
        }
        write_nhwc(op);
        continue;
      }
    }
    ops.push_back(op);
  }
  g.ops = std::move(ops);
  int io = 0;
  if (io_nhwc) {
    // The model's 4-D int8 inputs and outputs become NHWC: an input's Transpose to NHWC is
    // dropped (its readers read the input, now of the NHWC shape), an output whose NHWC form
    // exists becomes that form.
    for (int& id : g.inputs) {
      auto it = nhwc.find(id);
      if (it == nhwc.end() || g.tensors[size_t(id)].state) continue;  // carried state keeps its layout
      const int t = it->second;
      Tensor& in = g.tensors[size_t(id)];
      Tensor& tn = g.tensors[size_t(t)];
      std::swap(tn.name, in.name);
      tn.graph_input = true, tn.state = in.state, tn.narrowed = in.narrowed;
      in.graph_input = false;
      g.ops.erase(std::remove_if(g.ops.begin(), g.ops.end(),
                                 [&](const Op& o) { return o.outputs.size() == 1 && o.outputs[0] == t; }),
                  g.ops.end());
      id = t;
      ++io;
    }
    for (int& id : g.outputs) {
      auto it = nhwc.find(id);
      if (it == nhwc.end()) continue;
      Tensor& out = g.tensors[size_t(id)];
      Tensor& tn = g.tensors[size_t(it->second)];
      std::swap(tn.name, out.name);
      tn.graph_output = true, tn.narrowed = out.narrowed;
      out.graph_output = false;
      id = it->second;
      ++io;
    }
  }
  const int dead = remove_dead_ops(g);
  if (products && notes) {
    notes->push_back("layout: " + std::to_string(products) + " int8 products with constant weights store them [N, K]");
  }
  if (convs && notes) {
    int edges = 0;
    auto ends = [](const std::string& s, const char* tail) {
      const size_t n = std::char_traits<char>::length(tail);
      return s.size() >= n && s.compare(s.size() - n, n, tail) == 0;
    };
    for (const Op& op : g.ops) {
      edges += ends(op.name, "/to_nhwc") || ends(op.name, "/to_nchw");
    }
    notes->push_back("layout: " + std::to_string(convs) + " int8 convolutions in NHWC, " + std::to_string(edges) +
                     " layout changes at the chains' edges (" + std::to_string(dead) + " cancelled" +
                     (io ? ", " + std::to_string(io) + " inputs/outputs NHWC" : std::string()) + ")");
  }
  return convs + products;
}

}  // namespace mote

// mote convert --quantize int8-weights (docs/quantization.md, "int8 weights"): the constant
// weights of Conv, ConvTranspose, Gemm, MatMul, RNN, GRU and LSTM become int8, symmetric per
// output channel, with a float32 scale per channel; activations stay float. Each op becomes its
// int8-weight form (ConvW8, ..., mote/ops.h), whose kernel reads the int8 weights in place.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <string>

#include "graph.h"
#include "int8_rewrite.h"
#include "mote/op_traits.h"

namespace mote {
namespace {

class WeightQuantizer {
 public:
  explicit WeightQuantizer(Graph& g) : g_(g) {}

  // Rewrites op k if its weights are constant float32; false leaves it as it is.
  bool rewrite(Op& op) {
    switch (op.code) {
      case MOTE_OP_CONV: return conv(op, MOTE_OP_CONV_W8);
      case MOTE_OP_CONV_TRANSPOSE: return conv(op, MOTE_OP_CONV_TRANSPOSE_W8);
      case MOTE_OP_GEMM:
      case MOTE_OP_MATMUL: return gemm(op);
      case MOTE_OP_RNN: return recurrent(op, MOTE_OP_RNN_W8);
      case MOTE_OP_GRU: return recurrent(op, MOTE_OP_GRU_W8);
      case MOTE_OP_LSTM: return recurrent(op, MOTE_OP_LSTM_W8);
      default: return false;
    }
  }

  uint64_t float_bytes = 0, int8_bytes = 0;  // the weights rewritten, before and after (scales included)
  std::map<std::string, int> counts;          // ops rewritten, by their new name

 private:
  const Tensor& t(int id) const { return g_.tensors[size_t(id)]; }
  bool float_const(int id) const { return id >= 0 && t(id).is_const && t(id).dtype == MOTE_F32; }

  // Adds the int8 form of float tensor `w` (values laid out as `shape`) with one scale per
  // channel (channel_of(i) for element i, scale tensor of `scale_shape`); returns the two ids.
  template <typename ChannelOf>
  std::pair<int, int> quantize(const Tensor& w, const float* values, std::vector<int64_t> shape, int64_t channels,
                               ChannelOf channel_of, std::vector<int64_t> scale_shape) {
    // Symmetric per output channel, as int8 quantisation takes weights (int8::weight_scales,
    // docs/quantization.md), for any layout of the channels.
    std::vector<float> scales(size_t(channels), 0.0f);
    const int64_t n = w.numel();
    for (int64_t i = 0; i < n; ++i) scales[size_t(channel_of(i))] = std::max(scales[size_t(channel_of(i))], std::fabs(values[i]));
    for (float& s : scales) s = s > 0 ? s / 127.0f : 1.0f;
    Tensor q;
    q.name = w.name + "_w8";
    q.dtype = MOTE_I8;
    q.shape = std::move(shape);
    q.is_const = true;
    q.data.resize(size_t(n));
    for (int64_t i = 0; i < n; ++i) q.data[size_t(i)] = uint8_t(int8::quantize_weight(values[i], scales[size_t(channel_of(i))]));
    Tensor s;
    s.name = w.name + "_w8_scale";
    s.dtype = MOTE_F32;
    s.shape = std::move(scale_shape);
    s.is_const = true;
    s.data.resize(scales.size() * 4);
    std::memcpy(s.data.data(), scales.data(), s.data.size());
    float_bytes += w.bytes();
    int8_bytes += q.bytes() + s.bytes();
    const int qid = g_.add_tensor(std::move(q));
    return {qid, g_.add_tensor(std::move(s))};
  }

  void done(Op& op, int32_t code, std::vector<int> inputs) {
    op.code = code;
    op.inputs = std::move(inputs);
    op.note = "int8 weights (--quantize int8-weights)";
    ++counts[op_traits(code).name];
  }

  // Conv W [M, C/group, k...]: channel = row. ConvTranspose W [C, M/group, k...]: output channel
  // g * M/group + j for W[c, j] with c in group g.
  bool conv(Op& op, int32_t code) {
    const int w = op.inputs[1];
    if (!float_const(w) || t(w).shape.size() < 3) return false;
    const Tensor& W = t(w);
    const int64_t per = W.numel() / (W.shape[0] ? W.shape[0] : 1);
    int64_t channels = W.shape[0];
    std::pair<int, int> q;
    if (code == MOTE_OP_CONV_W8) {
      q = quantize(W, W.as<float>(), W.shape, channels, [per](int64_t i) { return i / per; }, {channels});
    } else {
      const int64_t group = op.p<mote_conv_params>().group, c = W.shape[0], mg = W.shape[1];
      const int64_t taps = mg ? per / mg : 0, cg = c / group;
      channels = mg * group;
      q = quantize(W, W.as<float>(), W.shape, channels,
                   [=](int64_t i) { return (i / per) / cg * mg + (i / taps) % mg; }, {channels});
    }
    const int b = op.inputs.size() > 2 ? op.inputs[2] : -1;
    done(op, code, {op.inputs[0], q.first, b, q.second});
    return true;
  }

  // Gemm and MatMul with a constant 2-D B: stored [K, N] (a Gemm's trans_b B transposed here),
  // one scale per column.
  bool gemm(Op& op) {
    const int w = op.inputs[1];
    if (!float_const(w) || t(w).shape.size() != 2) return false;
    const bool is_gemm = op.code == MOTE_OP_GEMM;
    const bool trans_b = is_gemm && op.p<mote_gemm_params>().trans_b;
    const Tensor& B = t(w);
    const int64_t K = trans_b ? B.shape[1] : B.shape[0], N = trans_b ? B.shape[0] : B.shape[1];
    std::vector<float> kn(size_t(K * N));
    for (int64_t k = 0; k < K; ++k) {
      for (int64_t n = 0; n < N; ++n) kn[size_t(k * N + n)] = B.as<float>()[trans_b ? n * K + k : k * N + n];
    }
    const auto q = quantize(B, kn.data(), {K, N}, N, [N](int64_t i) { return i % N; }, {N});
    if (!is_gemm) {
      done(op, MOTE_OP_MATMUL_W8, {op.inputs[0], q.first, q.second});
      return true;
    }
    mote_gemm_params p = op.p<mote_gemm_params>();
    p.trans_b = 0;
    op.params = pack(p);
    done(op, MOTE_OP_GEMM_W8, {op.inputs[0], q.first, op.inputs.size() > 2 ? op.inputs[2] : -1, q.second});
    return true;
  }

  // RNN/GRU/LSTM: W [dirs, G*H, I] and R [dirs, G*H, H], one scale per gate row; both constant.
  bool recurrent(Op& op, int32_t code) {
    if (op.inputs.size() < 3 || !float_const(op.inputs[1]) || !float_const(op.inputs[2])) return false;
    std::vector<int> ins = op.inputs;
    ins.resize(10, -1);
    for (int k = 1; k <= 2; ++k) {
      const Tensor& W = t(op.inputs[size_t(k)]);
      if (W.shape.size() != 3) return false;
      const int64_t cols = W.shape[2], rows = W.shape[0] * W.shape[1];
      const auto q = quantize(W, W.as<float>(), W.shape, rows, [cols](int64_t i) { return cols ? i / cols : 0; },
                              {W.shape[0], W.shape[1]});
      ins[size_t(k)] = q.first;
      ins[size_t(k + 7)] = q.second;
    }
    done(op, code, ins);
    return true;
  }

  Graph& g_;
};

std::string bytes_text(uint64_t n) {
  char buf[32];
  if (n >= 1000 * 1000) {
    std::snprintf(buf, sizeof buf, "%.2f MB", double(n) / 1e6);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f KB", double(n) / 1e3);
  }
  return buf;
}

}  // namespace

int quantize_weights_int8(Graph& g, std::vector<std::string>* notes) {
  WeightQuantizer wq(g);
  int rewritten = 0;
  for (Op& op : g.ops) {
    if (!wq.rewrite(op)) continue;
    // The new op must pass its own checks (the verifier's) with the shapes it had.
    std::vector<TensorView> in, out(op.outputs.size());
    for (int id : op.inputs) in.push_back(id < 0 ? TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}} : view_of(g.tensors[size_t(id)], false));
    char text[256];
    Diag diag(text, sizeof text);
    OpArgs args{op.code, op.params.data(), uint32_t(op.params.size()), in.data(), int32_t(in.size()), out.data(),
                int32_t(out.size()), nullptr, 0, &diag};
    uint32_t scratch = 0;
    if (op_infer(args, out.data(), &scratch) != Status::kOk) {
      throw ConvertError("--quantize int8-weights: " + std::string(op_name(op.code)) + " '" + op.name + "': " + diag.text());
    }
    ++rewritten;
  }
  if (notes && rewritten) {
    std::string which;
    for (const auto& c : wq.counts) which += (which.empty() ? "" : ", ") + c.first + " x" + std::to_string(c.second);
    notes->push_back("int8 weights: " + std::to_string(rewritten) + " ops (" + which + "), their weights " +
                     bytes_text(wq.float_bytes) + " -> " + bytes_text(wq.int8_bytes) + " with the scales");
  } else if (notes) {
    notes->push_back("int8 weights: no op with constant weights to quantise");
  }
  return rewritten;
}

}  // namespace mote

// Rewriting a graph to int8 ops, given quantisation parameters for its float tensors: from
// calibration (post-training quantisation, ptq.cc) or from the model's own QuantizeLinear /
// DequantizeLinear pairs (the QDQ import, qdq_import.cc).
//
// Each op with an int8 kernel gets int8 operands; a float tensor that an int8 op reads gets a
// QuantizeLinear, an int8 tensor that a float op (or a graph output) reads gets a
// DequantizeLinear. Ops that move data keep their input's parameters; Concat requantises its
// inputs to its output's; element-wise functions with no cheap integer form become a 256-entry
// lookup table computed with the float kernel itself. Weights are per output channel, symmetric
// in [-127, 127] (or the QDQ model's own); biases int32 at scale s_in * s_w.
#include "int8_rewrite.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>

#include "mote/op_traits.h"

namespace mote {
namespace int8 {

QParams choose(float lo, float hi) {
  lo = std::min(lo, 0.0f);
  hi = std::max(hi, 0.0f);
  QParams q;
  if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return q;  // constant 0: any scale works
  q.scale = (hi - lo) / 255.0f;
  q.zp = int32_t(std::lround(-128.0 - double(lo) / q.scale));
  q.zp = std::min(127, std::max(-128, q.zp));
  return q;
}

std::vector<float> weight_scales(const Tensor& w, int64_t channels, bool columns) {
  const int64_t per = w.numel() / channels;
  std::vector<float> s(size_t(channels), 0.0f);
  for (int64_t c = 0; c < channels; ++c) {
    float m = 0;
    for (int64_t i = 0; i < per; ++i) m = std::max(m, std::fabs(w.as<float>()[columns ? i * channels + c : c * per + i]));
    s[size_t(c)] = m > 0 ? m / 127.0f : 1.0f;
  }
  return s;
}

int8_t quantize_weight(float v, float scale) { return int8_t(std::min(127.0f, std::max(-127.0f, std::nearbyint(v / scale)))); }

std::vector<float> weight_rounding_error(const Tensor& w, int64_t channels, bool columns) {
  const std::vector<float> s = weight_scales(w, channels, columns);
  const int64_t per = w.numel() / channels;
  std::vector<float> e(size_t(w.numel()));
  for (int64_t i = 0; i < w.numel(); ++i) {
    const float scale = s[size_t(columns ? i % channels : i / per)];
    e[size_t(i)] = float(quantize_weight(w.as<float>()[i], scale)) * scale - w.as<float>()[i];
  }
  return e;
}

namespace {

int8_t quantize_value(float v, const QParams& q) {
  const float r = std::nearbyint(v / q.scale) + float(q.zp);
  return int8_t(std::min(127.0f, std::max(-128.0f, r)));
}

float dequantize_value(int32_t v, const QParams& q) { return float(v - q.zp) * q.scale; }

class Rewriter {
 public:
  Rewriter(Graph& g, std::map<int, QParams> params) : g_(g), params_(std::move(params)) {}

  // With --int8-io the model takes and gives int8 directly: the QuantizeLinear after each float
  // input and the DequantizeLinear before each output go, and their int8 ends become the graph's.
  void int8_io(std::vector<std::string>* notes) {
    int changed = 0;
    for (int& id : g_.inputs) {
      auto q = int8_.find(id);
      if (q == int8_.end()) continue;
      bool only_quantize = true;  // nothing else may still read the float input
      for (const Op& op : g_.ops) {
        const bool reads = std::find(op.inputs.begin(), op.inputs.end(), id) != op.inputs.end();
        if (reads && !(op.code == MOTE_OP_QUANTIZE && op.outputs[0] == q->second)) only_quantize = false;
      }
      if (!only_quantize) continue;
      g_.ops.erase(std::remove_if(g_.ops.begin(), g_.ops.end(), [&](const Op& op) { return op.code == MOTE_OP_QUANTIZE && op.outputs[0] == q->second; }),
                   g_.ops.end());
      Tensor& in = t(q->second);
      in.name = t(id).name;
      in.graph_input = true;
      in.q_scale = params_.at(id).scale;
      in.q_zero_point = params_.at(id).zp;
      t(id).graph_input = false;
      id = q->second;
      ++changed;
    }
    for (int& id : g_.outputs) {
      for (auto it = g_.ops.begin(); it != g_.ops.end(); ++it) {
        if (it->code != MOTE_OP_DEQUANTIZE || it->outputs[0] != id) continue;
        const int q = it->inputs[0];
        if (t(q).graph_output || t(q).dtype != MOTE_I8) break;
        const QParams p = int8_params_of(q);
        g_.ops.erase(it);
        Tensor& out = t(q);
        out.name = t(id).name;
        out.graph_output = true;
        out.q_scale = p.scale;
        out.q_zero_point = p.zp;
        t(id).graph_output = false;
        id = q;
        ++changed;
        break;
      }
    }
    notes->push_back("int8 inputs/outputs: " + std::to_string(changed) + " of " + std::to_string(g_.inputs.size() + g_.outputs.size()));
  }

  void run(bool strict, std::vector<std::string>* notes, const std::vector<std::string>& keep_float) {
    std::vector<Op> old = std::move(g_.ops);
    g_.ops.clear();
    for (const Op& op : old) {
      for (int id : op.inputs) uses_[id]++;
    }
    for (int id : g_.outputs) uses_[id]++;
    // A Concat's input read by nothing else takes the Concat's parameters, so that its producer
    // requantises straight to them: no Requantize before the Concat (whose minmax range holds
    // every input's, so no value is clipped), and the block can be planned in place.
    for (const Op& op : old) {
      if (op.code != MOTE_OP_CONCAT || !params_.count(op.outputs[0])) continue;
      for (int in : op.inputs) {
        if (in >= 0 && uses_[in] == 1 && !t(in).is_const && !t(in).graph_input && params_.count(in)) {
          params_[in] = params_.at(op.outputs[0]);
        }
      }
    }
    int quantized = 0, kept = 0;
    std::map<std::string, int> why;
    std::vector<bool> matched(keep_float.size(), false);
    for (Op& op : old) {
      std::string reason = op.keep.empty() ? "" : op.keep;
      for (size_t k = 0; k < keep_float.size(); ++k) {
        if (keep_matches(keep_float[k], op)) reason = "--keep-float", matched[k] = true;
      }
      if (!reason.empty()) {
        ++kept;
        ++why[std::string(op_name(op.code)) + ": " + reason];
        for (int& id : op.inputs) id = float_of(id);
        op.note = "float: " + reason;
        g_.ops.push_back(std::move(op));
        continue;
      }
      if (try_int8(op, &reason)) {
        ++quantized;
        continue;
      }
      ++kept;
      ++why[std::string(op_name(op.code)) + ": " + reason];
      if (strict) throw ConvertError("--strict: op '" + op.name + "' (" + op_name(op.code) + ") has to stay float: " + reason);
      for (int& id : op.inputs) id = float_of(id);
      op.note = "float: " + reason;
      g_.ops.push_back(std::move(op));
    }
    for (int& id : g_.outputs) {
      const int f = float_of(id);
      if (f != id) {
        // Keep the output's tensor id and name: retarget the dequantisation that made `f`, and
        // the ops that read `f` (a float op taking this output, e.g. another output's Copy).
        for (Op& op : g_.ops) {
          for (int& out : op.outputs) out = out == f ? id : out;
          for (int& in : op.inputs) in = in == f ? id : in;
        }
      }
    }
    for (size_t k = 0; k < keep_float.size(); ++k) {
      if (!matched[k]) throw ConvertError("--keep-float " + keep_float[k] + ": no op has that name or type");
    }
    notes->push_back("quantized " + std::to_string(quantized) + " ops to int8, " + std::to_string(kept) + " stay float");
    for (const auto& kv : why) notes->push_back("  float " + kv.first + " (x" + std::to_string(kv.second) + ")");
  }

 private:
  Tensor& t(int id) { return g_.tensors[size_t(id)]; }

  // A --keep-float entry: an op type, a node name, or a node-name prefix ending in '*'.
  static bool keep_matches(const std::string& entry, const Op& op) {
    if (entry == op.name || entry == op_name(op.code)) return true;
    return entry.size() > 1 && entry.back() == '*' && op.name.compare(0, entry.size() - 1, entry, 0, entry.size() - 1) == 0;
  }

  Tensor scalar_f32(const std::string& name, float v) {
    Tensor s;
    s.name = name;
    s.dtype = MOTE_F32;
    s.is_const = true;
    s.data.resize(4);
    std::memcpy(s.data.data(), &v, 4);
    return s;
  }

  int add_const(Tensor c) {
    c.is_const = true;
    return g_.add_tensor(std::move(c));
  }

  // Parameters of an int8 tensor this rewriter made (looked up through the float tensor it stands for).
  QParams int8_params_of(int q) const {
    for (const auto& kv : int8_) {
      if (kv.second == q) return params_.at(kv.first);
    }
    throw ConvertError("internal: no parameters for int8 tensor '" + g_.tensors[size_t(q)].name + "'");
  }

  const QParams* qp(int id) const {
    auto it = params_.find(id);
    return it == params_.end() ? nullptr : &it->second;
  }

  // The float version of a tensor, dequantising its int8 version on first use.
  int float_of(int id) {
    if (id < 0) return id;
    auto f = float_.find(id);
    if (f != float_.end()) return f->second;
    auto q = int8_.find(id);
    if (q == int8_.end()) return id;  // it never left float
    const QParams& p = params_.at(id);
    Tensor out;
    out.name = t(id).name + "_dq";
    out.dtype = MOTE_F32;
    out.shape = t(id).shape;
    const int out_id = g_.add_tensor(out);
    Op dq;
    dq.code = MOTE_OP_DEQUANTIZE;
    dq.params = pack(mote_quantize_params{0, MOTE_F32, 0, 0, 0, 0});
    dq.inputs = {q->second, add_const(scalar_f32(t(id).name + "_scale", p.scale)), zp_tensor(t(id).name, p.zp)};
    dq.outputs = {out_id};
    dq.name = t(id).name + " dequantize";
    g_.ops.push_back(dq);
    float_[id] = out_id;
    return out_id;
  }

  int zp_tensor(const std::string& base, int32_t zp) {
    Tensor z;
    z.name = base + "_zero_point";
    z.dtype = MOTE_I8;
    z.data = {uint8_t(int8_t(zp))};
    return add_const(std::move(z));
  }

  // The int8 version of a tensor (quantising a float one, or a constant, on first use).
  int int8_of(int id) {
    auto q = int8_.find(id);
    if (q != int8_.end()) return q->second;
    const QParams* p = qp(id);
    if (t(id).is_const) {
      Tensor c = t(id);
      QParams cp = p ? *p : const_params(c);
      params_[id] = cp;
      Tensor out;
      out.name = c.name + "_q";
      out.dtype = MOTE_I8;
      out.shape = c.shape;
      out.data.resize(size_t(c.numel()));
      for (int64_t i = 0; i < c.numel(); ++i) out.data[size_t(i)] = uint8_t(quantize_value(c.as<float>()[i], cp));
      const int out_id = add_const(std::move(out));
      int8_[id] = out_id;
      return out_id;
    }
    if (!p) throw ConvertError("internal: no calibration range for '" + t(id).name + "'");
    Tensor out;
    out.name = t(id).name + "_q";
    out.dtype = MOTE_I8;
    out.shape = t(id).shape;
    out.q_scale = p->scale;
    out.q_zero_point = p->zp;
    const int out_id = g_.add_tensor(out);
    Op qo;
    qo.code = MOTE_OP_QUANTIZE;
    qo.params = pack(mote_quantize_params{0, MOTE_I8, 0, 0, 0, 0});
    qo.inputs = {float_of(id), add_const(scalar_f32(t(id).name + "_scale", p->scale)), zp_tensor(t(id).name, p->zp)};
    qo.outputs = {out_id};
    qo.name = t(id).name + " quantize";
    g_.ops.push_back(qo);
    int8_[id] = out_id;
    return out_id;
  }

  QParams const_params(const Tensor& c) {
    float lo = 0, hi = 0;
    for (int64_t i = 0; i < c.numel(); ++i) lo = std::min(lo, c.as<float>()[i]), hi = std::max(hi, c.as<float>()[i]);
    return choose(lo, hi);
  }

  // A fresh int8 tensor standing for float tensor `id`, with parameters `p`.
  int new_int8(int id, const QParams& p) {
    Tensor out;
    out.name = t(id).name;
    out.dtype = MOTE_I8;
    out.shape = t(id).shape;
    out.q_scale = p.scale;  // recorded in the blob: mote compare dequantises with it
    out.q_zero_point = p.zp;
    const int out_id = g_.add_tensor(out);
    params_[id] = p;
    int8_[id] = out_id;
    if (t(id).graph_output) {
      // The float graph output is recreated by a dequantisation; its name moves there.
      g_.tensors[size_t(out_id)].name = t(id).name + "_q";
    }
    return out_id;
  }

  void activation_range(const mote_act& act, const QParams& out, int32_t* lo, int32_t* hi) {
    *lo = -128;
    *hi = 127;
    if (act.kind == MOTE_ACT_RELU) *lo = std::max(*lo, out.zp);
    if (act.kind == MOTE_ACT_CLIP) {
      *lo = std::max(*lo, int32_t(quantize_value(act.alpha, out)));
      *hi = std::min(*hi, int32_t(quantize_value(act.beta, out)));
    }
  }

  // MatMul (constant B) then Add of a constant row (a linear layer exported as two ops): the row
  // goes into the QMatMul's bias and the QMatMul takes the Add's output parameters, when nothing
  // else reads the product.
  bool fold_bias(const Op& add) {
    for (int side = 0; side < 2; ++side) {
      const int m = add.inputs[size_t(side)], c = add.inputs[size_t(1 - side)], y = add.outputs[0];
      auto b = biased_.find(m);
      if (b == biased_.end() || !t(c).is_const || t(c).dtype != MOTE_F32 || uses_[m] != 1 || t(m).graph_output) continue;
      const int64_t N = int64_t(b->second.bias.size());
      const std::vector<int64_t>& cs = t(c).shape;
      if (t(c).numel() != N || (!cs.empty() && cs.back() != N) || t(y).shape != t(m).shape) continue;
      Op& mm = g_.ops[b->second.op];
      const QParams out = params_.at(y);
      std::vector<double> bias = b->second.bias;
      std::vector<double> real(static_cast<size_t>(N));
      for (int64_t j = 0; j < N; ++j) {
        bias[size_t(j)] += t(c).as<float>()[j];
        real[size_t(j)] = b->second.scale[size_t(j)] / out.scale;
      }
      mote_qmatmul_params p = mm.p<mote_qmatmul_params>();
      p.out_zp = out.zp;
      activation_range(add.p<mote_binary_params>().act, out, &p.act_min, &p.act_max);
      mm.params = pack(p);
      mm.inputs[2] = bias_tensor(t(y).name + "_bias_q", bias, b->second.scale);
      requant(t(y).name, real, &mm.inputs[3], &mm.inputs[4]);
      mm.outputs[0] = new_int8(y, out);
      mm.name = add.name;
      int8_.erase(m);
      biased_.erase(b);
      return true;
    }
    return false;
  }

  // Conv then PRelu with constant non-negative slopes, one per output channel (or one for all):
  // the QConv takes the PRelu's output parameters and a negative side of slope[c] times its
  // multipliers, when nothing else reads the convolution.
  bool fuse_prelu(const Op& prelu) {
    const int x = prelu.inputs[0], z = prelu.inputs[1], y = prelu.outputs[0];
    auto cv = convs_.find(x);
    if (cv == convs_.end() || !t(z).is_const || t(z).dtype != MOTE_F32 || uses_[x] != 1 || t(x).graph_output) return false;
    const size_t m = cv->second.scale.size();
    const std::vector<int64_t>& zs = t(z).shape;
    const size_t rank = t(x).shape.size();
    if (t(z).numel() != 1) {
      // One slope per channel: the slope shape broadcasts its channel axis onto axis 1.
      if (size_t(t(z).numel()) != m || zs.size() > rank || zs.size() + 1 < rank) return false;
      for (size_t d = 0; d < zs.size(); ++d) {
        if (zs[d] != (d + rank - zs.size() == 1 ? int64_t(m) : 1)) return false;
      }
    }
    const QParams out = params_.at(y);
    std::vector<double> real(m), neg(m);
    for (size_t c = 0; c < m; ++c) {
      const float slope = t(z).as<float>()[t(z).numel() == 1 ? 0 : c];
      if (!(slope >= 0.0f) || !std::isfinite(slope)) return false;
      real[c] = cv->second.scale[c] / out.scale;
      neg[c] = real[c] * slope;
    }
    Op& conv = g_.ops[cv->second.op];
    mote_qconv_params p = conv.p<mote_qconv_params>();
    p.out_zp = out.zp;
    p.act_min = -128, p.act_max = 127;
    conv.params = pack(p);
    requant(t(y).name, real, &conv.inputs[3], &conv.inputs[4]);
    conv.inputs.resize(6, -1);  // no weight zero points unless the QConv has them
    int nm, ns;
    requant(t(y).name + "_negative", neg, &nm, &ns);
    conv.inputs.push_back(nm);
    conv.inputs.push_back(ns);
    conv.outputs[0] = new_int8(y, out);
    conv.name = prelu.name;
    int8_.erase(x);
    convs_.erase(cv);
    return true;
  }

  // A constant int32 [256] table: entry k is f(k).
  template <typename F>
  int table_i32(const std::string& name, F f) {
    Tensor table;
    table.name = name;
    table.dtype = MOTE_I32;
    table.shape = {256};
    table.data.resize(256 * 4);
    for (int k = 0; k < 256; ++k) {
      const int32_t v = f(k);
      std::memcpy(table.data.data() + k * 4, &v, 4);
    }
    return add_const(std::move(table));
  }

  // A fused LeakyRelu: the multipliers of a negative accumulator (QConv/QMatMul inputs 6 and 7),
  // alpha times the positive ones. False (with a reason) for a slope the epilogue cannot take.
  bool negative_side(const mote_act& act, const std::string& base, const std::vector<double>& real, std::vector<int>* ins, std::string* reason) {
    if (act.kind != MOTE_ACT_LEAKY_RELU) return true;
    if (!(act.alpha >= 0.0f) || !std::isfinite(act.alpha)) return *reason = "LeakyRelu with a negative slope", false;
    std::vector<double> neg(real);
    for (double& v : neg) v *= act.alpha;
    int mult, shift;
    requant(base + "_negative", neg, &mult, &shift);
    while (ins->size() < 6) ins->push_back(-1);  // no weight zero points
    ins->push_back(mult);
    ins->push_back(shift);
    return true;
  }

  bool float_input(int id) const { return id >= 0 && g_.tensors[size_t(id)].dtype == MOTE_F32; }

  // Per-channel symmetric weights: channel c's elements are w[c * per + i] (rows) or
  // w[i * channels + c] (columns).
  int int8_weights(const Tensor& w, const std::vector<float>& scales, bool columns, std::vector<int64_t>* dims) {
    const int64_t channels = int64_t(scales.size()), per = w.numel() / channels;
    Tensor q;
    q.name = w.name + "_q";
    q.dtype = MOTE_I8;
    q.shape = *dims;
    q.data.resize(size_t(w.numel()));
    for (int64_t i = 0; i < w.numel(); ++i) {
      q.data[size_t(i)] = uint8_t(quantize_weight(w.as<float>()[i], scales[size_t(columns ? i % channels : i / per)]));
    }
    return add_const(std::move(q));
  }

  // --bias-correction: the calibrated mean shift of each output channel, in output units.
  static void correct_bias(const Op& op, std::vector<double>* bias) {
    if (op.bias_shift.size() != bias->size()) return;
    for (size_t k = 0; k < bias->size(); ++k) (*bias)[k] -= op.bias_shift[k];
  }

  // A QDQ model's weights as it quantized them: per tensor, or per channel along `axis` (the
  // output-channel axis). False when the tensor has no such source or another layout.
  bool exact_weights(const Tensor& w, int32_t axis, std::vector<float>* scales, int* values, int* zps) {
    if (!w.qsource) return false;
    const Tensor::QSource& src = *w.qsource;
    const int64_t channels = w.shape[size_t(axis)];
    if (!(src.scales.size() == 1 || (src.axis == axis && int64_t(src.scales.size()) == channels))) return false;
    scales->clear();
    std::vector<int64_t> z;
    bool any_zp = false;
    for (int64_t c = 0; c < channels; ++c) {
      const size_t k = src.scales.size() == 1 ? 0 : size_t(c);
      scales->push_back(src.scales[k]);
      z.push_back(src.zero_points[k]);
      any_zp = any_zp || src.zero_points[k] != 0;
    }
    Tensor q;
    q.name = w.name + "_q";
    q.dtype = MOTE_I8;
    q.shape = w.shape;
    q.data.assign(src.values.begin(), src.values.end());
    *values = add_const(std::move(q));
    if (any_zp) {
      Tensor zt;
      zt.name = w.name + "_zero_point";
      zt.dtype = MOTE_I32;
      zt.shape = {channels};
      zt.data.resize(size_t(channels) * 4);
      for (int64_t c = 0; c < channels; ++c) {
        const int32_t v = int32_t(z[size_t(c)]);
        std::memcpy(zt.data.data() + c * 4, &v, 4);
      }
      *zps = add_const(std::move(zt));
    }
    return true;
  }

  int bias_tensor(const std::string& name, const std::vector<double>& values, const std::vector<double>& scales) {
    Tensor b;
    b.name = name;
    b.dtype = MOTE_I32;
    b.shape = {int64_t(values.size())};
    b.data.resize(values.size() * 4);
    for (size_t k = 0; k < values.size(); ++k) {
      const double q = std::nearbyint(values[k] / scales[k]);
      const int32_t v = int32_t(std::min(2147483647.0, std::max(-2147483648.0, q)));
      std::memcpy(b.data.data() + k * 4, &v, 4);
    }
    return add_const(std::move(b));
  }

  void requant(const std::string& base, const std::vector<double>& real, int* mult, int* shift) {
    Tensor m, s;
    m.name = base + "_multiplier";
    s.name = base + "_shift";
    m.dtype = s.dtype = MOTE_I32;
    m.shape = s.shape = {int64_t(real.size())};
    m.data.resize(real.size() * 4);
    s.data.resize(real.size() * 4);
    for (size_t k = 0; k < real.size(); ++k) {
      int32_t q = 0, sh = 0;
      quantize_multiplier(real[k], &q, &sh);
      if (sh > 30) throw ConvertError("requantisation scale too large for '" + base + "'");
      std::memcpy(m.data.data() + k * 4, &q, 4);
      std::memcpy(s.data.data() + k * 4, &sh, 4);
    }
    *mult = add_const(std::move(m));
    *shift = add_const(std::move(s));
  }

  void push(int32_t code, std::vector<uint8_t> params, std::vector<int> ins, std::vector<int> outs, const Op& from) {
    Op op;
    op.code = code;
    op.params = std::move(params);
    op.inputs = std::move(ins);
    op.outputs = std::move(outs);
    op.name = from.name;
    g_.ops.push_back(std::move(op));
  }

  // MatMul of two activations (attention's Q K^T, weights times V): B is int8 in the arena, with
  // its own zero point; one multiplier for the whole product.
  bool activation_matmul(const Op& op, std::string* reason) {
    const int x = op.inputs[0], w = op.inputs[1], y = op.outputs[0];
    if (!float_input(w)) return *reason = "mixed dtypes", false;
    if (t(x).shape.size() < 2 || t(w).shape.size() < 2) return *reason = "A or B is a vector", false;
    const mote_act act = op.p<mote_matmul_params>().act;
    if (act.kind == MOTE_ACT_LEAKY_RELU && !(act.alpha >= 0.0f)) return *reason = "LeakyRelu with a negative slope", false;
    const QParams pa = params_.at(x), pb = params_.at(w), out = params_.at(y);
    // The load-time accumulator proof (docs/quantization.md) counts each run-time weight as
    // 128 + |zp_b|: K beyond about 16,000 products cannot be proven.
    const int64_t K = t(w).shape[t(w).shape.size() - 2];
    if (2 * 255 * K * (128 + std::abs(int64_t(pb.zp))) > int64_t(INT32_MAX)) return *reason = "too long a reduction for int8", false;
    const std::vector<double> real = {double(pa.scale) * pb.scale / out.scale};
    int mult, shift;
    requant(t(y).name, real, &mult, &shift);
    Tensor zp;
    zp.name = t(w).name + "_zero_point_i32";
    zp.dtype = MOTE_I32;
    zp.shape = {1};
    zp.data.resize(4);
    std::memcpy(zp.data.data(), &pb.zp, 4);
    mote_qmatmul_params p{pa.zp, out.zp, -128, 127, MOTE_B_KN};
    activation_range(act, out, &p.act_min, &p.act_max);
    std::vector<int> ins = {int8_of(x), int8_of(w), -1, mult, shift, add_const(std::move(zp))};
    if (!negative_side(act, t(y).name, real, &ins, reason)) return false;
    push(MOTE_OP_QMATMUL, pack(p), ins, {new_int8(y, out)}, op);
    return true;
  }

  // LayerNormalization as QLayerNorm (docs/quantization.md): eps in units of the input's
  // squared steps, gamma / s_out as G with frac_bits - 16 fractional bits, beta / s_out as B
  // with frac_bits.
  bool layer_norm(const Op& op, std::string* reason) {
    const int x = op.inputs[0], y = op.outputs[0];
    const int gamma = op.inputs.size() > 1 ? op.inputs[1] : -1, beta = op.inputs.size() > 2 ? op.inputs[2] : -1;
    if (gamma < 0 || !t(gamma).is_const || (beta >= 0 && !t(beta).is_const)) return *reason = "scale or bias is not constant", false;
    const mote_norm_params np = op.p<mote_norm_params>();
    const std::vector<int64_t>& xs = t(x).shape;
    const int rank = int(xs.size());
    const int axis = np.axis < 0 ? np.axis + rank : np.axis;
    if (axis < 0 || axis >= rank) return *reason = "axis out of range", false;
    int64_t n = 1;
    for (int d = axis; d < rank; ++d) n *= xs[size_t(d)];
    if (n > 32768) return *reason = "rows longer than 32768", false;
    if (t(gamma).numel() != n || (beta >= 0 && t(beta).numel() != n)) return *reason = "scale or bias not of the normalised shape", false;
    const QParams in = params_.at(x), out = params_.at(y);
    double widest = 0;
    for (int64_t i = 0; i < n; ++i) widest = std::max(widest, std::fabs(double(t(gamma).as<float>()[i])) / out.scale);
    int32_t frac = 40;
    if (widest > 0) frac = std::min(40, std::max(0, 16 + int(std::floor(std::log2(double(1 << 30) / widest)))));
    Tensor G, B;
    G.name = t(y).name + "_gamma_q";
    B.name = t(y).name + "_beta_q";
    G.dtype = MOTE_I32;
    B.dtype = MOTE_I64;
    G.shape = B.shape = {n};
    G.data.resize(size_t(n) * 4);
    B.data.resize(size_t(n) * 8);
    for (int64_t i = 0; i < n; ++i) {
      const double gv = std::nearbyint(std::ldexp(double(t(gamma).as<float>()[i]) / out.scale, frac - 16));
      const int32_t gq = int32_t(std::min(double(1 << 30), std::max(-double(1 << 30), gv)));
      const double bf = beta >= 0 ? std::ldexp(double(t(beta).as<float>()[i]) / out.scale, frac) : 0.0;
      const double lim = std::ldexp(1.0, 61);
      const int64_t bq = int64_t(std::nearbyint(std::min(lim, std::max(-lim, bf))));
      std::memcpy(G.data.data() + i * 4, &gq, 4);
      std::memcpy(B.data.data() + i * 8, &bq, 8);
    }
    const double e = std::min(std::ldexp(1.0, 61), std::nearbyint(double(np.epsilon) * double(n) * double(n) / (double(in.scale) * in.scale)));
    const int64_t eps = int64_t(std::max(0.0, e));
    mote_qlayer_norm_params p{axis, in.zp, out.zp, frac, int32_t(uint32_t(uint64_t(eps) & 0xFFFFFFFFu)), int32_t(eps >> 32)};
    push(MOTE_OP_QLAYER_NORM, pack(p), {int8_of(x), add_const(std::move(G)), add_const(std::move(B))}, {new_int8(y, out)}, op);
    return true;
  }

  // A function of the op's input alone (with `side` its constant second operand, if any) as
  // Lut: dequantise each of the 256 codes, apply the float kernel, quantise.
  bool lut(const Op& op, const TensorView* side, std::string* reason) {
    const int x = op.inputs[0], y = op.outputs[0];
    const int xq = int8_of(x);
    const QParams in = params_.at(x), out = params_.at(y);
    std::vector<float> src(256), dst(256);
    for (int k = 0; k < 256; ++k) src[size_t(k)] = dequantize_value(k - 128, in);
    TensorView vin[2] = {{src.data(), MOTE_F32, 1, {256}}, side ? *side : TensorView{}};
    TensorView vout{dst.data(), MOTE_F32, 1, {256}};
    char text[192];
    Diag diag(text, sizeof text);
    OpArgs args{op.code, op.params.data(), uint32_t(op.params.size()), vin, side ? 2 : 1, &vout, 1, nullptr, 0, &diag};
    if (op_run_reference(args) != Status::kOk) return *reason = "table failed", false;
    Tensor table;
    table.name = t(y).name + "_table";
    table.dtype = MOTE_I8;
    table.shape = {256};
    table.data.resize(256);
    for (int k = 0; k < 256; ++k) table.data[size_t(k)] = uint8_t(quantize_value(dst[size_t(k)], out));
    push(MOTE_OP_LUT, pack(mote_quantize_params{0, MOTE_I8, 0, 0, 0, 0}), {xq, add_const(std::move(table))}, {new_int8(y, out)}, op);
    return true;
  }

  bool try_int8(const Op& op, std::string* reason) {
    for (int id : op.outputs) {
      if (t(id).dtype != MOTE_F32) return *reason = "not a float op", false;
      if (!qp(id)) return *reason = "no quantization parameters for its output", false;
    }
    for (int id : op.inputs) {
      if (id >= 0 && t(id).dtype == MOTE_F32 && !t(id).is_const && !qp(id)) return *reason = "no quantization parameters for an input", false;
    }
    if (op.inputs.empty() || !float_input(op.inputs[0])) return *reason = "its input is not float", false;
    const int x = op.inputs[0], y = op.outputs[0];
    const OpInt8 strategy = op_traits(op.code).int8;  // the op's record, mote/ops.h
    if (strategy == MOTE_INT8_KERNEL) switch (op.code) {
      case MOTE_OP_CONV: {
        const mote_conv_params& c = op.p<mote_conv_params>();
        const int w = op.inputs[1], b = op.inputs.size() > 2 ? op.inputs[2] : -1;
        if (!t(w).is_const || (b >= 0 && !t(b).is_const)) return *reason = "weights are not constant", false;
        if (c.act.kind == MOTE_ACT_LEAKY_RELU && !(c.act.alpha >= 0.0f)) return *reason = "LeakyRelu with a negative slope", false;
        if (c.spatial_rank > 2) return *reason = "3-D convolutions stay float", false;
        const int xq = int8_of(x);
        const QParams in = params_.at(x), out = params_.at(y);
        const int64_t m = t(w).shape[0];
        std::vector<float> ws;
        int wq = -1, wzp = -1;
        if (!exact_weights(t(w), 0, &ws, &wq, &wzp)) {
          ws = weight_scales(t(w), m, false);
          std::vector<int64_t> dims = t(w).shape;
          wq = int8_weights(t(w), ws, false, &dims);
        }
        std::vector<double> bias(size_t(m), 0.0), bias_scale(static_cast<size_t>(m)), real(static_cast<size_t>(m));
        for (int64_t k = 0; k < m; ++k) {
          if (b >= 0) bias[size_t(k)] = t(b).as<float>()[k];
          bias_scale[size_t(k)] = double(in.scale) * ws[size_t(k)];
          real[size_t(k)] = bias_scale[size_t(k)] / out.scale;
        }
        if (wzp < 0) correct_bias(op, &bias);
        int mult, shift;
        requant(t(y).name, real, &mult, &shift);
        mote_qconv_params p{c, in.zp, out.zp, 0, 0, MOTE_LAYOUT_NCHW};
        p.conv.act = {MOTE_ACT_NONE, 0, 0};
        activation_range(c.act, out, &p.act_min, &p.act_max);
        const int bq = bias_tensor(t(y).name + "_bias_q", bias, bias_scale);
        std::vector<int> ins = {xq, wq, bq, mult, shift};
        if (wzp >= 0) ins.push_back(wzp);
        if (!negative_side(c.act, t(y).name, real, &ins, reason)) return false;
        if (c.act.kind == MOTE_ACT_NONE) convs_[y] = Biased{g_.ops.size(), {}, bias_scale};
        push(MOTE_OP_QCONV, pack(p), ins, {new_int8(y, out)}, op);
        return true;
      }
      case MOTE_OP_GEMM:
      case MOTE_OP_MATMUL: {
        const int w = op.inputs[1];
        const int c = op.inputs.size() > 2 ? op.inputs[2] : -1;
        if (op.code == MOTE_OP_MATMUL && !t(w).is_const) return activation_matmul(op, reason);
        if (!t(w).is_const || t(w).shape.size() != 2) return *reason = "B is not a constant matrix", false;
        float alpha = 1.0f, beta = 1.0f;
        bool trans_b = false;
        mote_act act{MOTE_ACT_NONE, 0, 0};
        if (op.code == MOTE_OP_GEMM) {
          const mote_gemm_params& gp = op.p<mote_gemm_params>();
          if (gp.trans_a) return *reason = "transposed A", false;
          alpha = gp.alpha, beta = gp.beta, trans_b = gp.trans_b != 0, act = gp.act;
        } else {
          act = op.p<mote_matmul_params>().act;
          if (t(x).shape.size() < 2) return *reason = "A is a vector", false;
        }
        if (!(alpha > 0)) return *reason = "alpha <= 0", false;
        if (act.kind == MOTE_ACT_LEAKY_RELU && !(act.alpha >= 0.0f)) return *reason = "LeakyRelu with a negative slope", false;
        const int64_t K = trans_b ? t(w).shape[1] : t(w).shape[0], N = trans_b ? t(w).shape[0] : t(w).shape[1];
        if (c >= 0 && (!t(c).is_const || !(t(c).numel() == N || t(c).numel() == 1) ||
                       (t(c).shape.size() == 2 && t(c).shape[0] != 1))) {
          return *reason = "C is not a constant row vector", false;
        }
        // B as [K, N] int8, symmetric per column.
        Tensor b = t(w);
        if (trans_b) {
          for (int64_t i = 0; i < K; ++i)
            for (int64_t j = 0; j < N; ++j) std::memcpy(b.data.data() + (i * N + j) * 4, t(w).data.data() + (j * K + i) * 4, 4);
          b.shape = {K, N};
        }
        const int xq = int8_of(x);
        const QParams in = params_.at(x), out = params_.at(y);
        const std::vector<float> ws = weight_scales(b, N, true);
        std::vector<int64_t> dims = {K, N};
        const int bq8 = int8_weights(b, ws, true, &dims);
        std::vector<double> bias(size_t(N), 0.0), bias_scale(static_cast<size_t>(N)), real(static_cast<size_t>(N));
        for (int64_t j = 0; j < N; ++j) {
          if (c >= 0) bias[size_t(j)] = double(beta) * t(c).as<float>()[t(c).numel() == 1 ? 0 : j];
          bias_scale[size_t(j)] = double(alpha) * in.scale * ws[size_t(j)];
          real[size_t(j)] = bias_scale[size_t(j)] / out.scale;
        }
        correct_bias(op, &bias);
        int mult, shift;
        requant(t(y).name, real, &mult, &shift);
        mote_qmatmul_params p{in.zp, out.zp, -128, 127, MOTE_B_KN};
        activation_range(act, out, &p.act_min, &p.act_max);
        const int biasq = bias_tensor(t(y).name + "_bias_q", bias, bias_scale);
        std::vector<int> ins = {xq, bq8, biasq, mult, shift};
        if (!negative_side(act, t(y).name, real, &ins, reason)) return false;
        if (act.kind == MOTE_ACT_NONE) biased_[y] = Biased{g_.ops.size(), bias, bias_scale};
        push(MOTE_OP_QMATMUL, pack(p), ins, {new_int8(y, out)}, op);
        return true;
      }
      case MOTE_OP_ADD:
      case MOTE_OP_SUB:
      case MOTE_OP_MUL: {
        if (op.code == MOTE_OP_ADD && fold_bias(op)) return true;
        const int z = op.inputs[1];
        if (!float_input(z)) return *reason = "mixed dtypes", false;
        const mote_act act = op.p<mote_binary_params>().act;
        if (act.kind == MOTE_ACT_LEAKY_RELU) return *reason = "LeakyRelu is not fused in int8", false;
        const int aq = int8_of(x), bq = int8_of(z);
        const QParams pa = params_.at(x), pb = params_.at(z), out = params_.at(y);
        mote_qbinary_params p{};
        p.a_zp = pa.zp, p.b_zp = pb.zp, p.out_zp = out.zp;
        activation_range(act, out, &p.act_min, &p.act_max);
        if (op.code != MOTE_OP_MUL) {
          // Both inputs are rescaled to twice the larger input scale, with 20 bits of headroom.
          p.left_shift = 20;
          const double twice = 2.0 * std::max(pa.scale, pb.scale);
          quantize_multiplier(pa.scale / twice, &p.a_mult, &p.a_shift);
          quantize_multiplier(pb.scale / twice, &p.b_mult, &p.b_shift);
          quantize_multiplier(twice / (double(1 << 20) * out.scale), &p.out_mult, &p.out_shift);
        } else {
          quantize_multiplier(double(pa.scale) * pb.scale / out.scale, &p.out_mult, &p.out_shift);
        }
        if (p.out_shift > 30) return *reason = "output scale too small", false;
        const int32_t code = op.code == MOTE_OP_ADD ? MOTE_OP_QADD : op.code == MOTE_OP_SUB ? MOTE_OP_QSUB : MOTE_OP_QMUL;
        push(code, pack(p), {aq, bq}, {new_int8(y, out)}, op);
        return true;
      }
      case MOTE_OP_MAX:
      case MOTE_OP_MIN:
      case MOTE_OP_PRELU:
      case MOTE_OP_DIV: {
        if (op.code == MOTE_OP_PRELU && fuse_prelu(op)) return true;
        const int z = op.inputs[1];
        if (!float_input(z)) return *reason = "mixed dtypes", false;
        const QParams pa = params_.at(x), out = params_.at(y);
        const QParams pb = t(z).is_const && !qp(z) ? const_params(t(z)) : params_.at(z);
        mote_qbinary_params p{};
        p.a_zp = pa.zp, p.b_zp = pb.zp, p.out_zp = out.zp;
        p.act_min = -128, p.act_max = 127;
        std::vector<int> ins;
        if (op.code == MOTE_OP_DIV) {
          // a / b = (s_a / s_b) (a - zp_a) / (b - zp_b): the reciprocals of b's 256 codes,
          // scaled by 2^23, in a table; a zero denominator gives 0 (as integer Div's x / 0).
          quantize_multiplier(double(pa.scale) / (double(pb.scale) * out.scale * double(1 << 23)), &p.out_mult, &p.out_shift);
          ins.push_back(table_i32(t(y).name + "_reciprocals", [&](int k) {
            const int den = k - 128 - pb.zp;
            return den == 0 ? 0 : int32_t(std::lround(double(1 << 23) / den));
          }));
        } else {
          // Max/Min: each input brought to the output's scale. PRelu: the positive side so, the
          // negative side as QMul's product with the slopes.
          quantize_multiplier(double(pa.scale) / out.scale, &p.a_mult, &p.a_shift);
          if (op.code == MOTE_OP_PRELU) {
            quantize_multiplier(double(pa.scale) * pb.scale / out.scale, &p.out_mult, &p.out_shift);
          } else {
            quantize_multiplier(double(pb.scale) / out.scale, &p.b_mult, &p.b_shift);
          }
        }
        if (p.a_shift > 30 || p.b_shift > 30 || p.out_shift > 30) return *reason = "output scale too small", false;
        ins.insert(ins.begin(), {int8_of(x), int8_of(z)});
        const int32_t code = op.code == MOTE_OP_MAX   ? MOTE_OP_QMAX
                             : op.code == MOTE_OP_MIN ? MOTE_OP_QMIN
                             : op.code == MOTE_OP_DIV ? MOTE_OP_QDIV
                                                      : MOTE_OP_QPRELU;
        push(code, pack(p), ins, {new_int8(y, out)}, op);
        return true;
      }
      case MOTE_OP_LAYER_NORM: return layer_norm(op, reason);
      case MOTE_OP_POW: {
        // x ^ c for a constant scalar c is a function of x alone: a table.
        const int c = op.inputs[1];
        if (!t(c).is_const || t(c).numel() != 1) return *reason = "exponent is not a constant scalar", false;
        const TensorView exponent = view_of(t(c), true);
        return lut(op, &exponent, reason);
      }
      case MOTE_OP_SOFTMAX: {
        const mote_softmax_params sp = op.p<mote_softmax_params>();
        int32_t axis = sp.axis < 0 ? sp.axis + int32_t(t(x).shape.size()) : sp.axis;
        if (sp.flatten && axis != int32_t(t(x).shape.size()) - 1) return *reason = "flattened softmax", false;
        const int xq = int8_of(x);
        const QParams in = params_.at(x);
        const int table = table_i32(t(y).name + "_exp_table", [&](int d) { return int32_t(std::lround(65536.0 * std::exp(-double(in.scale) * d))); });
        QParams out;
        out.scale = 1.0f / 256.0f;
        out.zp = -128;
        push(MOTE_OP_QSOFTMAX, pack(mote_qsoftmax_params{axis}), {xq, table}, {new_int8(y, out)}, op);
        return true;
      }
      case MOTE_OP_CONCAT: {
        QParams out = params_.at(y);
        std::vector<int> ins;
        for (int in : op.inputs) {
          if (!float_input(in)) return *reason = "mixed dtypes", false;
        }
        for (int in : op.inputs) {
          int q = int8_of(in);
          // The parameters the int8 tensor has (an op that passes its input's on may differ
          // from the calibrated ones).
          const QParams p = t(q).q_scale > 0.0f ? QParams{t(q).q_scale, t(q).q_zero_point} : params_.at(in);
          if (p.scale != out.scale || p.zp != out.zp) {
            mote_quantize_params rp{0, MOTE_I8, p.zp, out.zp, 0, 0};
            quantize_multiplier(double(p.scale) / out.scale, &rp.mult, &rp.shift);
            Tensor r;
            r.name = t(in).name + "_requantized";
            r.dtype = MOTE_I8;
            r.shape = t(in).shape;
            const int rid = g_.add_tensor(r);
            push(MOTE_OP_REQUANTIZE, pack(rp), {q}, {rid}, op);
            q = rid;
          }
          ins.push_back(q);
        }
        push(MOTE_OP_CONCAT, op.params, ins, {new_int8(y, out)}, op);
        return true;
      }
      default: break;
    }
    if (strategy == MOTE_INT8_PASS) {
      if (op.code == MOTE_OP_RESIZE &&
          (op.p<mote_resize_params>().mode != MOTE_RESIZE_NEAREST || op.p<mote_resize_params>().coord == MOTE_COORD_TF_CROP_AND_RESIZE)) {
        return *reason = "only nearest Resize has an int8 kernel", false;
      }
      const int xq = int8_of(x);
      const QParams in = params_.at(x);
      std::vector<int> ins = op.inputs;
      ins[0] = xq;
      for (size_t k = 1; k < ins.size(); ++k) {
        if (ins[k] >= 0 && t(ins[k]).dtype == MOTE_F32) return *reason = "float side input", false;
      }
      std::vector<uint8_t> params = op.params;
      if (op.code == MOTE_OP_PAD) {
        mote_pad_params pp = op.p<mote_pad_params>();
        pp.value = float(quantize_value(pp.value, in));  // the fill value in the int8 domain
        params = pack(pp);
      }
      std::vector<int> outs;
      for (int out : op.outputs) outs.push_back(new_int8(out, in));
      push(op.code, params, ins, outs, op);
      return true;
    }
    if (strategy == MOTE_INT8_LUT) return lut(op, nullptr, reason);
    return *reason = "no int8 kernel", false;
  }

  // A QMatMul with a constant B whose bias a following Add may take: its op index, the float bias
  // and the bias scale per column.
  struct Biased {
    size_t op;
    std::vector<double> bias, scale;
  };

  Graph& g_;
  std::map<int, int> uses_;  // float graph: how many op inputs (and graph outputs) read each tensor
  std::map<int, Biased> biased_;
  std::map<int, Biased> convs_;  // a QConv without activation a PRelu may join (bias unused)
  std::map<int, QParams> params_;
  std::map<int, int> int8_, float_;
};

}  // namespace

namespace {

// A scalar scale (float32) and zero point (int8, or none) of a Quantize/Dequantize op.
bool scalar_params(const Graph& g, const Op& op, QParams* q) {
  if (op.inputs.size() < 2 || op.p<mote_quantize_params>().axis != 0) return false;
  const Tensor& s = g.tensors[size_t(op.inputs[1])];
  if (!s.is_const || s.dtype != MOTE_F32 || s.numel() != 1) return false;
  q->scale = s.as<float>()[0];
  q->zp = 0;
  if (op.inputs.size() > 2 && op.inputs[2] >= 0) {
    const Tensor& z = g.tensors[size_t(op.inputs[2])];
    if (!z.is_const || z.dtype != MOTE_I8 || z.numel() != 1) return false;
    q->zp = z.as<int8_t>()[0];
  }
  return q->scale > 0 && std::isfinite(q->scale);
}

}  // namespace

int merge_requantize_pairs(Graph& g) {
  std::map<int, size_t> producer;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    for (int out : g.ops[k].outputs) producer[out] = k;
  }
  int merged = 0;
  for (Op& q : g.ops) {
    if (q.code != MOTE_OP_QUANTIZE || q.p<mote_quantize_params>().out_dtype != MOTE_I8) continue;
    auto from = producer.find(q.inputs[0]);
    if (from == producer.end()) continue;
    const Op& dq = g.ops[from->second];
    QParams a, b;
    if (dq.code != MOTE_OP_DEQUANTIZE || g.tensors[size_t(dq.inputs[0])].dtype != MOTE_I8 || !scalar_params(g, dq, &a) ||
        !scalar_params(g, q, &b)) {
      continue;
    }
    mote_quantize_params rp{0, MOTE_I8, a.zp, b.zp, 0, 0};
    quantize_multiplier(double(a.scale) / b.scale, &rp.mult, &rp.shift);
    if (rp.shift > 30) continue;
    const int src = dq.inputs[0], dst = q.outputs[0];
    if (a.scale == b.scale && a.zp == b.zp && !g.tensors[size_t(dst)].graph_output) {
      // The same parameters: the int8 tensor itself, and the pair goes (dead-op removal).
      for (Op& o : g.ops) {
        for (int& in : o.inputs) in = in == dst ? src : in;
      }
      ++merged;
      continue;
    }
    q.code = MOTE_OP_REQUANTIZE;
    q.params = pack(rp);
    q.inputs = {src};
    ++merged;
  }
  return merged;
}

void rewrite(Graph& g, std::map<int, QParams> params, bool strict, bool int8_io, std::vector<std::string>* notes,
             const std::vector<std::string>& keep_float) {
  Rewriter r(g, std::move(params));
  r.run(strict, notes, keep_float);
  if (int8_io) r.int8_io(notes);
  const int merged = merge_requantize_pairs(g);
  if (merged) notes->push_back("merged " + std::to_string(merged) + " DequantizeLinear -> QuantizeLinear pairs into int8 requantisation");
}

}  // namespace int8
}  // namespace mote

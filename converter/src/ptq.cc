// Post-training int8 quantisation.
//
// 1. Calibrate: run the float graph on the host over the samples (the runtime's own kernels),
//    recording each tensor's range: min/max, or (--calib-method percentile, mse, entropy) a
//    range chosen on a 2048-bin histogram filled in a second pass (docs/quantization.md). A
//    streaming model (--carry) runs the samples in order as one session does: its carried
//    inputs start at zeros and take each run's outputs, so they need no samples of their own.
// 2. Choose parameters: activations per tensor, asymmetric (the range always includes 0).
//    With --min-sqnr / --max-sqnr-drop, the int8 graph and the float one then run side by side
//    on the samples to find the fewest ops to keep float (automatic mixed precision).
// 3. Rewrite (int8_rewrite.cc, shared with the QDQ import, qdq_import.cc): weights per output
//    channel, symmetric in [-127, 127]; biases int32 at scale s_in * s_w; each op with an int8
//    kernel gets int8 operands, with QuantizeLinear/DequantizeLinear where float and int8 meet.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <functional>
#include <map>
#include <sys/stat.h>

#include "calibration.h"
#include "graph.h"
#include "int8_rewrite.h"

namespace mote {
namespace {

using int8::QParams;
using int8::choose;
using calib::Range;
using calib::kBins;


// NaN/Inf samples are refused: the min/max and percentile statistics skip or sort them, so they
// would silently leave a degenerate range (and a model that quantises everything to one value).
void check_finite(const HostTensor& t, const std::string& file, const std::string& input) {
  if (t.dtype != MOTE_F32 || t.shape.empty() || t.shape[0] == 0) return;
  const int64_t count = t.numel(), per_sample = count / t.shape[0];
  for (int64_t i = 0; i < count; ++i) {
    float v;
    std::memcpy(&v, t.data.data() + size_t(i) * 4, 4);
    if (std::isfinite(v)) continue;
    throw ConvertError("--calib " + file + ": sample " + std::to_string(i / per_sample) + ", element " + std::to_string(i % per_sample) +
                       " of input '" + input + "' is " + (std::isnan(v) ? "NaN" : "infinite") + "; calibration data must be finite");
  }
}

// The carried inputs of a streaming model: (input id, the output id carried into it).
std::map<int, int> carried_inputs(const Graph& g, const ConvertOptions& o) {
  std::map<int, int> carried;
  for (const auto& c : o.carry) {
    int in = -1, out = -1;
    for (int id : g.inputs) in = g.tensors[size_t(id)].name == c.second ? id : in;
    for (int id : g.outputs) out = g.tensors[size_t(id)].name == c.first ? id : out;
    if (in >= 0 && out >= 0) carried[in] = out;  // add_carries() reports a bad pair
  }
  return carried;
}

// One HostTensor per graph input (empty for a carried one).
std::vector<HostTensor> load_samples(const Graph& g, const std::map<int, int>& carried, const std::string& path, size_t* count) {
  struct stat st {};
  if (stat(path.c_str(), &st) != 0) throw ConvertError("--calib " + path + ": no such file or directory");
  std::vector<HostTensor> per_input;
  const size_t needed = g.inputs.size() - carried.size();
  bool have_count = false;
  for (int id : g.inputs) {
    const Tensor& in = g.tensors[size_t(id)];
    if (carried.count(id)) {
      per_input.emplace_back();
      continue;
    }
    std::string file = path;
    if (S_ISDIR(st.st_mode)) {
      file = path + "/" + in.name + ".npy";
    } else if (needed != 1) {
      throw ConvertError("--calib: the model has " + std::to_string(needed) +
                         " inputs to calibrate; pass a directory holding one NAME.npy per input");
    }
    HostTensor t = read_npy(file);
    if (t.dtype != in.dtype) {
      throw ConvertError("--calib " + file + ": holds " + dtype_name(t.dtype) + ", input '" + in.name + "' is " + dtype_name(in.dtype));
    }
    // Samples stack along a new first axis, or replace a batch of 1.
    std::vector<int64_t> want(in.shape.begin() + (in.shape.size() && in.shape[0] == 1 ? 1 : 0), in.shape.end());
    std::vector<int64_t> got(t.shape.size() ? t.shape.begin() + 1 : t.shape.begin(), t.shape.end());
    if (t.shape.empty() || got != want) {
      std::string shape = "[N";
      for (int64_t d : want) shape += "," + std::to_string(d);
      std::string has = "[";
      for (size_t k = 0; k < t.shape.size(); ++k) has += (k ? "," : "") + std::to_string(t.shape[k]);
      throw ConvertError("--calib " + file + ": shape " + has + "] does not hold samples of input '" + in.name + "': expected " + shape + "]");
    }
    check_finite(t, file, in.name);
    if (!have_count) {
      have_count = true;
      *count = size_t(t.shape[0]);
    } else if (size_t(t.shape[0]) != *count) {
      throw ConvertError("--calib: the input files hold different numbers of samples");
    }
    per_input.push_back(std::move(t));
  }
  if (*count == 0) throw ConvertError("--calib: no samples");
  return per_input;
}

// Runs the graph (float, or rewritten to int8) on one sample with the reference kernels; calls
// `visit(id, tensor, data)` for every input and every tensor an op produces, in op order.
// Carried inputs read `state` (by input id) and get the outputs carried into them.
// `after(k, ins)`, when given, is called after op k ran, with its input views.
using AfterOp = std::function<void(size_t, const std::vector<TensorView>&)>;
template <typename Visit>
void run_graph(const Graph& g, const std::vector<HostTensor>* samples, size_t index, const std::map<int, int>& carried,
               std::map<int, std::vector<uint8_t>>& state, Visit visit, const AfterOp& after = nullptr) {
  std::vector<std::vector<uint8_t>> values(g.tensors.size());
  for (size_t k = 0; k < g.inputs.size(); ++k) {
    const Tensor& in = g.tensors[size_t(g.inputs[k])];
    const size_t bytes = in.bytes();
    const uint8_t* src = nullptr;
    if (carried.count(g.inputs[k])) {
      std::vector<uint8_t>& s = state[g.inputs[k]];
      if (s.size() != bytes) s.assign(bytes, 0);  // the first run: zeros, as a new session
      src = s.data();
    } else {
      src = (*samples)[k].data.data() + index * bytes;
    }
    values[size_t(g.inputs[k])].assign(src, src + bytes);
    visit(g.inputs[k], in, src);
  }
  char text[192];
  Diag diag(text, sizeof text);
  for (size_t k = 0; k < g.ops.size(); ++k) {
    const Op& op = g.ops[k];
    std::vector<TensorView> ins, outs;
    for (int id : op.inputs) {
      if (id < 0) {
        ins.push_back(TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}});
        continue;
      }
      const Tensor& t = g.tensors[size_t(id)];
      TensorView v = view_of(t, false);
      v.data = t.is_const ? const_cast<uint8_t*>(t.data.data()) : values[size_t(id)].data();
      ins.push_back(v);
    }
    for (int id : op.outputs) {
      values[size_t(id)].assign(g.tensors[size_t(id)].bytes() + 1, 0);
      TensorView v = view_of(g.tensors[size_t(id)], false);
      v.data = values[size_t(id)].data();
      outs.push_back(v);
    }
    std::vector<TensorView> inferred(outs.size());
    OpArgs args{op.code, op.params.data(), uint32_t(op.params.size()), ins.data(), int32_t(ins.size()), outs.data(),
                int32_t(outs.size()), nullptr, 0, &diag};
    uint32_t scratch = 0;
    if (op_infer(args, inferred.data(), &scratch) != Status::kOk) throw ConvertError(std::string("calibration: ") + diag.text());
    std::vector<uint8_t> scratch_buf(scratch + 16);
    args.scratch = scratch_buf.data();
    args.scratch_bytes = scratch;
    if (op_run_reference(args) != Status::kOk) throw ConvertError("calibration: op '" + op.name + "': " + diag.text());
    for (int id : op.outputs) {
      if (id >= 0) visit(id, g.tensors[size_t(id)], values[size_t(id)].data());
    }
    if (after) after(k, ins);
  }
  for (const auto& c : carried) {
    const std::vector<uint8_t>& v = values[size_t(c.second)];
    state[c.first].assign(v.begin(), v.begin() + ptrdiff_t(g.tensors[size_t(c.second)].bytes()));
  }
}

enum class Method { kMinMax, kPercentile, kMse, kEntropy };

Method parse_method(const ConvertOptions& o) {
  if (o.calib_method == "minmax") return Method::kMinMax;
  if (o.calib_method == "percentile") return Method::kPercentile;
  if (o.calib_method == "mse") return Method::kMse;
  if (o.calib_method == "entropy") return Method::kEntropy;
  throw ConvertError("--calib-method must be minmax, percentile, mse or entropy, not '" + o.calib_method + "'");
}

std::map<int, QParams> calibrate(const Graph& g, const ConvertOptions& o, const std::vector<HostTensor>& samples, size_t count,
                                 const std::map<int, int>& carried) {
  const Method method = parse_method(o);
  if (method == Method::kPercentile && !(o.percentile > 50.0 && o.percentile <= 100.0)) throw ConvertError("--percentile must be in (50, 100]");
  // Pass 1: each tensor's range. Pass 2 (all but minmax): a histogram of 2048 bins over it,
  // of |x| over [0, max(|lo|, |hi|)] for entropy, of x over [lo, hi] for the others.
  std::map<int, Range> ranges;
  const int passes = method == Method::kMinMax ? 1 : 2;
  const bool magnitude = method == Method::kEntropy;
  // Exact zeros (a Relu's negative half) are exactly representable in every candidate range:
  // mse and entropy leave them out, so they neither count as error nor crowd the first bin.
  const bool skip_zeros = method == Method::kMse || method == Method::kEntropy;
  for (int pass = 0; pass < passes; ++pass) {
    std::map<int, std::vector<uint8_t>> state;  // each pass streams from zeros
    for (size_t s = 0; s < count; ++s) {
      if (o.progress) o.progress(int(pass * count + s + 1), int(passes * count));
      run_graph(g, &samples, s, carried, state, [&](int id, const Tensor& t, const uint8_t* data) {
        if (t.dtype != MOTE_F32) return;
        const float* v = reinterpret_cast<const float*>(data);
        const int64_t n = t.numel();
        Range& r = ranges[id];
        if (pass == 0) {
          for (int64_t i = 0; i < n; ++i) {
            if (!std::isfinite(v[i])) continue;
            r.lo = std::min(r.lo, v[i]);
            r.hi = std::max(r.hi, v[i]);
          }
          return;
        }
        if (r.hist.empty()) r.hist.assign(kBins, 0);
        const double base = magnitude ? 0.0 : double(r.lo);
        const double width = magnitude ? std::max(std::fabs(double(r.lo)), std::fabs(double(r.hi))) : double(r.hi) - double(r.lo);
        for (int64_t i = 0; i < n; ++i) {
          if (!std::isfinite(v[i]) || (skip_zeros && v[i] == 0)) continue;
          const double x = magnitude ? std::fabs(double(v[i])) : double(v[i]);
          int b = width > 0 ? int((x - base) / width * kBins) : 0;
          r.hist[size_t(std::min(kBins - 1, std::max(0, b)))]++;
        }
      });
    }
  }
  std::map<int, QParams> params;
  for (auto& kv : ranges) {
    const Range& r = kv.second;
    float lo = r.lo, hi = r.hi;
    uint64_t counted = 0;
    for (uint64_t h : r.hist) counted += h;
    if (counted && r.hi > r.lo) {
      if (method == Method::kPercentile) percentile_range(r, o.percentile, &lo, &hi);
      if (method == Method::kMse) mse_range(r, &lo, &hi);
      if (method == Method::kEntropy) entropy_range(r, &lo, &hi);
    }
    params[kv.first] = choose(lo, hi);
  }
  return params;
}

// --bias-correction: for every Conv, Gemm and MatMul with constant float weights W, the mean
// over the calibration samples (and output positions) of the op run with W_q - W in place of W,
// no bias and no activation: by linearity E[W_q x] - E[W x] per output channel, W_q the weights
// int8 will use (dequantised). Stored in Op::bias_shift; the rewrite subtracts it from the bias.
void measure_bias_shifts(Graph& g, const std::vector<HostTensor>& samples, size_t count, const std::map<int, int>& carried) {
  struct Shift {
    Tensor error;                  // W_q - W
    std::vector<uint8_t> params;   // the op's, without its activation
    int64_t channels = 0;
    bool last_axis = false;        // channels along the output's last axis (else axis 1)
    std::vector<double> sum;
    double per_channel = 0;        // values summed per channel
  };
  std::map<size_t, Shift> shifts;
  for (size_t k = 0; k < g.ops.size(); ++k) {
    Op& op = g.ops[k];
    if (op.inputs.size() < 2 || op.inputs[1] < 0) continue;
    const Tensor& w = g.tensors[size_t(op.inputs[1])];
    if (!w.is_const || w.dtype != MOTE_F32 || w.qsource) continue;
    Shift sh;
    sh.params = op.params;
    bool columns = false;
    if (op.code == MOTE_OP_CONV && op.p<mote_conv_params>().spatial_rank <= 2 && !w.shape.empty()) {
      sh.channels = w.shape[0];
      reinterpret_cast<mote_conv_params*>(sh.params.data())->act = {MOTE_ACT_NONE, 0, 0};
    } else if (op.code == MOTE_OP_GEMM && w.shape.size() == 2 && !op.p<mote_gemm_params>().trans_a) {
      const bool trans_b = op.p<mote_gemm_params>().trans_b != 0;
      sh.channels = trans_b ? w.shape[0] : w.shape[1];
      columns = !trans_b;
      sh.last_axis = true;
      reinterpret_cast<mote_gemm_params*>(sh.params.data())->act = {MOTE_ACT_NONE, 0, 0};
    } else if (op.code == MOTE_OP_MATMUL && w.shape.size() == 2) {
      sh.channels = w.shape[1];
      columns = true;
      sh.last_axis = true;
      reinterpret_cast<mote_matmul_params*>(sh.params.data())->act = {MOTE_ACT_NONE, 0, 0};
    } else {
      continue;
    }
    if (sh.channels <= 0) continue;
    const std::vector<float> e = int8::weight_rounding_error(w, sh.channels, columns);
    sh.error = w;
    std::memcpy(sh.error.data.data(), e.data(), e.size() * 4);
    sh.sum.assign(size_t(sh.channels), 0.0);
    shifts[k] = std::move(sh);
  }
  if (shifts.empty()) return;
  char text[192];
  Diag diag(text, sizeof text);
  std::vector<uint8_t> out_buf, scratch_buf;
  const AfterOp after = [&](size_t k, const std::vector<TensorView>& ins) {
    auto it = shifts.find(k);
    if (it == shifts.end()) return;
    Shift& sh = it->second;
    const Op& op = g.ops[k];
    std::vector<TensorView> in = {ins[0], view_of(sh.error, true)};
    if (ins.size() > 2) in.push_back(TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}});
    const Tensor& y = g.tensors[size_t(op.outputs[0])];
    out_buf.assign(y.bytes() + 1, 0);
    TensorView out = view_of(y, false);
    out.data = out_buf.data();
    OpArgs args{op.code, sh.params.data(), uint32_t(sh.params.size()), in.data(), int32_t(in.size()), &out, 1, nullptr, 0, &diag};
    TensorView inferred;
    uint32_t scratch = 0;
    if (op_infer(args, &inferred, &scratch) != Status::kOk) throw ConvertError("--bias-correction: op '" + op.name + "': " + diag.text());
    scratch_buf.assign(scratch + 16, 0);
    args.scratch = scratch_buf.data();
    args.scratch_bytes = scratch;
    if (op_run_reference(args) != Status::kOk) throw ConvertError("--bias-correction: op '" + op.name + "': " + diag.text());
    const int64_t n = y.numel();
    const int64_t plane = sh.last_axis || y.shape.size() < 2 ? 1 : n / (y.shape[0] * sh.channels);
    const float* v = reinterpret_cast<const float*>(out_buf.data());
    for (int64_t i = 0; i < n; ++i) sh.sum[size_t(sh.last_axis ? i % sh.channels : (i / plane) % sh.channels)] += v[i];
    sh.per_channel += double(n / sh.channels);
  };
  std::map<int, std::vector<uint8_t>> state;
  for (size_t s = 0; s < count; ++s) {
    run_graph(g, &samples, s, carried, state, [](int, const Tensor&, const uint8_t*) {}, after);
  }
  for (auto& kv : shifts) {
    std::vector<double>& shift = g.ops[kv.first].bias_shift;
    shift.resize(kv.second.sum.size());
    for (size_t c = 0; c < shift.size(); ++c) shift[c] = kv.second.per_channel > 0 ? kv.second.sum[c] / kv.second.per_channel : 0.0;
  }
}

// Automatic mixed precision (--min-sqnr, --max-sqnr-drop): the int8 graph and the float one run
// side by side over the calibration samples; SQNR = 10 log10(Σ f² / Σ (q - f)²) over all
// samples, f the float graph's value and q the int8 graph's (dequantised), as `mote compare`.

double sqnr_db(double signal, double noise) { return noise > 0 ? 10 * std::log10(signal / noise) : INFINITY; }

struct Power {
  double signal = 0, noise = 0;
  double ratio() const { return signal > 0 ? noise / signal : noise > 0 ? INFINITY : 0; }  // noise to signal
  double db() const { return sqnr_db(signal, noise); }
};

struct Measured {
  std::map<int, Power> tensors;  // by float-graph tensor id
  std::vector<bool> int8;        // per float-graph tensor id: computed in int8
  std::vector<Power> floor;      // per graph output: the float output rounded to its own int8 parameters
  Power output(const Graph& g, size_t k) const {
    auto it = tensors.find(g.outputs[k]);
    return it == tensors.end() ? Power{} : it->second;
  }
};

// Runs float graph `g` and its int8 rewrite `q` over the samples. Each tensor of `q` stands for
// the float tensor of the same name (an int8 tensor NAME_q or a dequantised NAME_dq for NAME);
// the first one produced in a run counts.
// The float graph's tensors per sample, kept across measurements when they fit in 1 GiB.
struct ReferenceCache {
  std::vector<std::vector<std::vector<float>>> samples;  // [sample][tensor id]
  bool enabled = false;
};

Measured measure(const Graph& g, const Graph& q, const std::map<int, QParams>& params, const std::vector<HostTensor>& samples, size_t count,
                 const std::map<int, int>& carried, ReferenceCache& cache) {
  std::map<std::string, int> by_name;
  for (size_t id = 0; id < g.tensors.size(); ++id) {
    if (!g.tensors[id].is_const && g.tensors[id].dtype == MOTE_F32) by_name.emplace(g.tensors[id].name, int(id));
  }
  const auto original = [&](const std::string& name) {
    for (const char* suffix : {"", "_q", "_dq"}) {
      const size_t n = std::strlen(suffix);
      if (name.size() <= n || name.compare(name.size() - n, n, suffix) != 0) continue;
      auto it = by_name.find(name.substr(0, name.size() - n));
      if (it != by_name.end()) return it->second;
    }
    return -1;
  };
  Measured m;
  m.int8.assign(g.tensors.size(), false);
  m.floor.assign(g.outputs.size(), Power{});
  std::map<int, std::vector<uint8_t>> state_f, state_q;
  std::vector<std::vector<float>> computed(g.tensors.size());
  const bool reuse = cache.enabled && cache.samples.size() == count;
  for (size_t s = 0; s < count; ++s) {
    if (!reuse) {
      run_graph(g, &samples, s, carried, state_f, [&](int id, const Tensor& t, const uint8_t* data) {
        if (t.dtype == MOTE_F32) computed[size_t(id)].assign(reinterpret_cast<const float*>(data), reinterpret_cast<const float*>(data) + t.numel());
      });
      if (cache.enabled) cache.samples.push_back(computed);
    }
    const std::vector<std::vector<float>>& reference = reuse ? cache.samples[s] : computed;
    for (size_t k = 0; k < g.outputs.size(); ++k) {
      auto p = params.find(g.outputs[k]);
      if (p == params.end()) continue;
      for (float f : reference[size_t(g.outputs[k])]) {
        const double r = double(std::min(127.0f, std::max(-128.0f, std::nearbyint(f / p->second.scale) + float(p->second.zp))) - p->second.zp) * p->second.scale;
        m.floor[k].signal += double(f) * f;
        m.floor[k].noise += (r - f) * (r - f);
      }
    }
    std::vector<bool> seen(g.tensors.size(), false);
    run_graph(q, &samples, s, carried, state_q, [&](int, const Tensor& t, const uint8_t* data) {
      const int id = original(t.name);
      if (id < 0 || seen[size_t(id)] || size_t(t.numel()) != reference[size_t(id)].size()) return;
      const bool int8 = t.dtype == MOTE_I8 && t.q_scale > 0;
      if (t.dtype != MOTE_F32 && !int8) return;
      seen[size_t(id)] = true;
      m.int8[size_t(id)] = m.int8[size_t(id)] || int8;
      Power& p = m.tensors[id];
      const std::vector<float>& f = reference[size_t(id)];
      for (size_t i = 0; i < f.size(); ++i) {
        const double v = int8 ? double(int32_t(int8_t(data[i])) - t.q_zero_point) * t.q_scale : double(reinterpret_cast<const float*>(data)[i]);
        p.signal += double(f[i]) * f[i];
        p.noise += (v - f[i]) * (v - f[i]);
      }
    });
  }
  return m;
}

std::string db_text(double db) {
  if (!std::isfinite(db)) return db > 0 ? "exact" : "-inf dB";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f dB", db);
  return buf;
}

// Leaves float the fewest ops it can so that every float output's SQNR reaches its bound:
// greedily the op whose int8 form adds the most noise (its output's noise-to-signal ratio less
// its inputs' largest), measuring again after each; then drops every op the bound holds
// without (latest first, until none can go). Marks the ops (Op::keep) and explains them in `notes`.
void choose_float_ops(Graph& g, const std::map<int, QParams>& params, const ConvertOptions& o, const std::vector<HostTensor>& samples,
                      size_t count, const std::map<int, int>& carried, std::vector<std::string>* notes) {
  ReferenceCache cache;
  uint64_t per_sample = 0;
  for (const Tensor& t : g.tensors) per_sample += !t.is_const && t.dtype == MOTE_F32 ? t.bytes() : 0;
  cache.enabled = per_sample * count <= (uint64_t(1) << 30);
  const auto attempt = [&](const std::vector<size_t>& kept) {
    Graph q = g;
    for (size_t k : kept) q.ops[k].keep = "search";
    std::vector<std::string> ignored;
    int8::rewrite(q, params, o.strict, false, &ignored, o.keep_float);
    return measure(g, q, params, samples, count, carried, cache);
  };
  Measured all = attempt({});
  std::vector<double> bound(g.outputs.size(), -INFINITY);
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    if (g.tensors[size_t(g.outputs[k])].dtype != MOTE_F32 || all.output(g, k).signal <= 0) continue;
    if (std::isfinite(o.min_sqnr)) bound[k] = o.min_sqnr;
    if (std::isfinite(o.max_sqnr_drop)) bound[k] = std::max(bound[k], all.floor[k].db() - o.max_sqnr_drop);
  }
  const auto meets = [&](const Measured& m) {
    for (size_t k = 0; k < bound.size(); ++k) {
      if (m.output(g, k).db() < bound[k]) return false;
    }
    return true;
  };
  std::vector<size_t> kept;
  std::map<size_t, std::string> why;
  Measured now = all;
  while (!meets(now)) {
    double worst = 0;
    size_t pick = g.ops.size();
    double in_db = INFINITY, out_db = INFINITY;
    for (size_t k = 0; k < g.ops.size(); ++k) {
      const Op& op = g.ops[k];
      if (std::find(kept.begin(), kept.end(), k) != kept.end() || op.outputs.empty() || !now.int8[size_t(op.outputs[0])]) continue;
      double in = 0, out = 0;
      for (int id : op.inputs) {
        auto it = id < 0 ? now.tensors.end() : now.tensors.find(id);
        if (it != now.tensors.end()) in = std::max(in, it->second.ratio());
      }
      for (int id : op.outputs) {
        auto it = now.tensors.find(id);
        if (it != now.tensors.end()) out = std::max(out, it->second.ratio());
      }
      if (out - in > worst) worst = out - in, pick = k, in_db = -10 * std::log10(in), out_db = -10 * std::log10(out);
    }
    if (pick == g.ops.size()) {
      std::string text;
      for (size_t k = 0; k < bound.size(); ++k) {
        if (now.output(g, k).db() < bound[k]) {
          text += " output '" + g.tensors[size_t(g.outputs[k])].name + "' reaches " + db_text(now.output(g, k).db()) + " of " + db_text(bound[k]) + ";";
        }
      }
      throw ConvertError("automatic mixed precision: no int8 op left to keep float and still" + text.substr(0, text.size() - 1));
    }
    kept.push_back(pick);
    why[pick] = "its int8 output fell to " + db_text(out_db) + (std::isfinite(in_db) ? " from inputs at " + db_text(in_db) : std::string(" from exact inputs"));
    now = attempt(kept);
  }
  // The fewest: drop every op the bound holds without, until none can go (one going can make
  // another unnecessary, so the scan repeats after a change).
  for (bool changed = true; changed;) {
    changed = false;
    for (size_t i = kept.size(); i-- > 0;) {
      std::vector<size_t> fewer = kept;
      fewer.erase(fewer.begin() + ptrdiff_t(i));
      Measured m = attempt(fewer);
      if (meets(m)) kept = std::move(fewer), now = std::move(m), changed = true;
    }
  }
  std::string what = std::isfinite(o.min_sqnr) ? "--min-sqnr " + db_text(o.min_sqnr) : "";
  if (std::isfinite(o.max_sqnr_drop)) what += (what.empty() ? "" : ", ") + std::string("--max-sqnr-drop ") + db_text(o.max_sqnr_drop);
  notes->push_back(what + ": " + std::to_string(kept.size()) + (kept.size() == 1 ? " op stays" : " ops stay") + " float");
  std::sort(kept.begin(), kept.end());
  for (size_t k : kept) {
    g.ops[k].keep = what.substr(0, what.find(' '));
    notes->push_back("  '" + g.ops[k].name + "' (" + op_name(g.ops[k].code) + "): " + why[k]);
  }
  for (size_t k = 0; k < g.outputs.size(); ++k) {
    if (!std::isfinite(bound[k])) continue;
    notes->push_back("  output '" + g.tensors[size_t(g.outputs[k])].name + "': SQNR " + db_text(all.output(g, k).db()) + " all int8, " +
                     db_text(now.output(g, k).db()) + " now (bound " + db_text(bound[k]) + "; int8 rounding of the output alone " +
                     db_text(all.floor[k].db()) + ")");
  }
}

}  // namespace

void quantize_graph(Graph& g, const ConvertOptions& options, std::vector<std::string>* notes) {
  if (options.calib.empty()) throw ConvertError("--quantize int8 needs --calib SAMPLES (a .npy of N inputs, or a directory)");
  size_t count = 0;
  const std::map<int, int> carried = carried_inputs(g, options);
  const std::vector<HostTensor> samples = load_samples(g, carried, options.calib, &count);
  std::map<int, QParams> params = calibrate(g, options, samples, count, carried);
  if (options.bias_correction) measure_bias_shifts(g, samples, count, carried);
  if (std::isfinite(options.min_sqnr) || std::isfinite(options.max_sqnr_drop)) {
    choose_float_ops(g, params, options, samples, count, carried, notes);
  }
  int8::rewrite(g, std::move(params), options.strict, options.int8_io, notes, options.keep_float);
}

}  // namespace mote

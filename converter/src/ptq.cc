// Post-training int8 quantisation.
//
// 1. Calibrate: run the float graph on the host over the samples (the runtime's own kernels),
//    recording each tensor's range: min/max, or with --calib-method percentile the values at
//    (100 - p)% and p% of a 2048-bin histogram. A streaming model (--carry) runs the samples in
//    order as one session does: its carried inputs start at zeros and take each run's outputs,
//    so they need no samples of their own.
// 2. Choose parameters: activations per tensor, asymmetric (the range always includes 0).
// 3. Rewrite (int8_rewrite.cc, shared with the QDQ import, qdq_import.cc): weights per output
//    channel, symmetric in [-127, 127]; biases int32 at scale s_in * s_w; each op with an int8
//    kernel gets int8 operands, with QuantizeLinear/DequantizeLinear where float and int8 meet.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <map>
#include <sys/stat.h>

#include "graph.h"
#include "int8_rewrite.h"

namespace mote {
namespace {

using int8::QParams;
using int8::choose;

struct Range {
  float lo = INFINITY, hi = -INFINITY;
  std::vector<uint64_t> hist;  // percentile pass
};

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

// Runs the float graph on one sample; calls `visit(id, data)` for every float tensor produced.
// Carried inputs read `state` (by input id) and get the outputs carried into them.
template <typename Visit>
void run_float(const Graph& g, const std::vector<HostTensor>& samples, size_t index, const std::map<int, int>& carried,
               std::map<int, std::vector<uint8_t>>& state, Visit visit) {
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
      src = samples[k].data.data() + index * bytes;
    }
    values[size_t(g.inputs[k])].assign(src, src + bytes);
    if (in.dtype == MOTE_F32) visit(g.inputs[k], reinterpret_cast<const float*>(src), in.numel());
  }
  char text[192];
  Diag diag(text, sizeof text);
  for (const Op& op : g.ops) {
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
      const Tensor& t = g.tensors[size_t(id)];
      if (t.dtype == MOTE_F32) visit(id, reinterpret_cast<const float*>(values[size_t(id)].data()), t.numel());
    }
  }
  for (const auto& c : carried) {
    const std::vector<uint8_t>& v = values[size_t(c.second)];
    state[c.first].assign(v.begin(), v.begin() + ptrdiff_t(g.tensors[size_t(c.second)].bytes()));
  }
}

std::map<int, QParams> calibrate(const Graph& g, const ConvertOptions& o) {
  size_t count = 0;
  const std::map<int, int> carried = carried_inputs(g, o);
  const std::vector<HostTensor> samples = load_samples(g, carried, o.calib, &count);
  const bool percentile = o.calib_method == "percentile";
  if (!percentile && o.calib_method != "minmax") throw ConvertError("--calib-method must be minmax or percentile");
  if (percentile && !(o.percentile > 50.0 && o.percentile <= 100.0)) throw ConvertError("--percentile must be in (50, 100]");
  std::map<int, Range> ranges;
  const int passes = percentile ? 2 : 1;
  constexpr int kBins = 2048;
  for (int pass = 0; pass < passes; ++pass) {
    std::map<int, std::vector<uint8_t>> state;  // each pass streams from zeros
    for (size_t s = 0; s < count; ++s) {
      if (o.progress) o.progress(int(pass * count + s + 1), int(passes * count));
      run_float(g, samples, s, carried, state, [&](int id, const float* v, int64_t n) {
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
        const double width = double(r.hi) - double(r.lo);
        for (int64_t i = 0; i < n; ++i) {
          if (!std::isfinite(v[i])) continue;
          int b = width > 0 ? int((double(v[i]) - r.lo) / width * kBins) : 0;
          r.hist[size_t(std::min(kBins - 1, std::max(0, b)))]++;
        }
      });
    }
  }
  std::map<int, QParams> params;
  for (auto& kv : ranges) {
    Range& r = kv.second;
    float lo = r.lo, hi = r.hi;
    if (percentile && !r.hist.empty()) {
      uint64_t total = 0;
      for (uint64_t h : r.hist) total += h;
      const double tail = double(total) * (100.0 - o.percentile) / 100.0;
      const double width = (double(r.hi) - double(r.lo)) / kBins;
      uint64_t acc = 0;
      int b = 0;
      while (b < kBins - 1 && double(acc + r.hist[size_t(b)]) <= tail) acc += r.hist[size_t(b++)];
      lo = float(r.lo + width * b);
      acc = 0;
      b = kBins - 1;
      while (b > 0 && double(acc + r.hist[size_t(b)]) <= tail) acc += r.hist[size_t(b--)];
      hi = float(r.lo + width * (b + 1));
    }
    params[kv.first] = choose(lo, hi);
  }
  return params;
}

}  // namespace

void quantize_graph(Graph& g, const ConvertOptions& options, std::vector<std::string>* notes) {
  if (options.calib.empty()) throw ConvertError("--quantize int8 needs --calib SAMPLES (a .npy of N inputs, or a directory)");
  std::map<int, QParams> params = calibrate(g, options);
  int8::rewrite(g, std::move(params), options.strict, options.int8_io, notes, options.keep_float);
}

}  // namespace mote

// mote compare: where a converted blob (typically int8) departs from its float model, tensor by
// tensor in op order.
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "cli.h"

namespace mote_cli {

namespace {

const char* kCompareHelp =
    "usage: mote compare MODEL.onnx MODEL.mote --input NAME=FILE [--input NAME=FILE ...] [--json]\n"
    "\n"
    "Converts MODEL.onnx to a float blob (input shapes bound as in MODEL.mote), runs both blobs\n"
    "on the inputs op by op and, for every tensor MODEL.mote computes that the float model has\n"
    "too (same name), prints in op order its signal-to-quantisation-noise ratio\n"
    "SQNR = 10 log10(sum f^2 / sum (q - f)^2) in dB and the largest |q - f|, where f is the float\n"
    "model's value and q MODEL.mote's (int8 tensors dequantised with their scale and zero point).\n"
    "A tensor the float model does not have, or an int8 tensor without parameters, shows '-'.\n"
    "\n"
    "options:\n"
    "  --input NAME=FILE   input tensor, .npy or .pb (repeatable; one input may omit NAME=)\n"
    "  --json              print the comparison as JSON\n";

// One tensor an op of a blob computed, as float values (int8 dequantised; nothing when it has
// no parameters or another dtype).
struct Value {
  uint32_t op;
  std::string op_type, node, tensor;
  int32_t dtype;
  bool real;
  std::vector<double> v;
};

std::vector<Value> run_op_by_op(LoadedBlob& b, const std::vector<std::string>& inputs) {
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  mote::Session s;
  if (s.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(s.error());
  set_inputs(m, s, inputs);
  std::vector<Value> values;
  for (uint32_t k = 0; k < m.num_inputs(); ++k) {  // the inputs first, as "op -1"
    mote::TensorInfo info;
    (void)m.input_info(k, &info);
    Value v{UINT32_MAX, "input", "", info.name, info.dtype, info.dtype == MOTE_F32, {}};
    for (uint32_t i = 0; v.real && i < info.bytes / 4; ++i) v.v.push_back(static_cast<const float*>(s.input_data(k))[i]);
    values.push_back(std::move(v));
  }
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    if (s.run_ops(k, k + 1) != mote::Status::kOk) fail(std::string("run failed: ") + s.error());
    const mote_op_record& op = m.op(k);
    for (uint32_t o = 0; o < op.num_outputs; ++o) {
      const uint32_t id = m.operand(op.operands + op.num_inputs + o);
      if (id == MOTE_NONE) continue;
      const mote_tensor_record& r = m.tensor(id);
      const mote::TensorView t = m.view(id, arena.data);
      Value v{k, mote::op_name(op.code), m.string(op.name), m.string(r.name), r.dtype, false, {}};
      const int64_t n = t.numel();
      if (r.dtype == MOTE_F32) {
        v.real = true;
        for (int64_t i = 0; i < n; ++i) v.v.push_back(t.as<float>()[i]);
      } else if (r.dtype == MOTE_I8 && r.scale_bits != MOTE_NONE) {
        float scale;
        std::memcpy(&scale, &r.scale_bits, 4);
        v.real = true;
        for (int64_t i = 0; i < n; ++i) v.v.push_back(double(scale) * (int32_t(t.as<int8_t>()[i]) - r.zero_point));
      }
      values.push_back(std::move(v));
    }
  }
  return values;
}

std::string number(double x, const char* format) {
  char buf[48];
  std::snprintf(buf, sizeof buf, format, x);
  return buf;
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::fputs(kCompareHelp, stdout);
    return 0;
  }
  Args a(args, {"--input"}, {"--json"});
  if (a.positional.size() != 2) usage("compare takes MODEL.onnx and MODEL.mote");
  if (a.all("--input").empty()) usage("compare needs --input NAME=FILE");
  LoadedBlob q;
  q.load_file(a.positional[1]);
  mote::ConvertOptions options;
  for (uint32_t k = 0; k < q.model.num_inputs(); ++k) {
    mote::TensorInfo info;
    (void)q.model.input_info(k, &info);
    if (info.dtype != MOTE_F32) fail(std::string("input '") + info.name + "' is " + mote::dtype_name(info.dtype) + ": compare needs float inputs (a blob converted without --int8-io)");
    options.shapes[info.name] = std::vector<int64_t>(info.dims, info.dims + info.rank);
  }
  mote::ConvertResult converted;
  try {
    converted = mote::convert_file(a.positional[0], options);
  } catch (const mote::ConvertError& e) {
    fail(std::string("converting ") + a.positional[0] + ": " + e.what());
  }
  LoadedBlob f;
  f.load_bytes(converted.blob, a.positional[0]);
  std::map<std::string, std::vector<double>> reference;
  for (Value& v : run_op_by_op(f, a.all("--input"))) {
    if (v.real && !v.tensor.empty()) reference[v.tensor] = std::move(v.v);
  }
  const std::vector<Value> values = run_op_by_op(q, a.all("--input"));
  const bool json = a.flag("--json");
  std::ostringstream o;
  if (json) o << "{\"model\": \"" << json_escape(a.positional[0]) << "\", \"blob\": \"" << json_escape(a.positional[1]) << "\", \"tensors\": [";
  if (!json) std::printf("%4s  %-18s %-28s %-7s %10s %11s\n", "#", "op", "tensor", "dtype", "SQNR(dB)", "max|err|");
  bool first = true;
  for (const Value& v : values) {
    if (v.op == UINT32_MAX) continue;  // an input: the same data on both sides
    // A quantized graph output keeps its name on the float tensor its DequantizeLinear makes;
    // the int8 one is NAME_q.
    auto ref = reference.find(v.tensor);
    if (ref == reference.end() && v.tensor.size() > 2 && v.tensor.compare(v.tensor.size() - 2, 2, "_q") == 0) {
      ref = reference.find(v.tensor.substr(0, v.tensor.size() - 2));
    }
    const bool have = v.real && ref != reference.end() && ref->second.size() == v.v.size();
    double signal = 0, noise = 0, worst = 0;
    if (have) {
      for (size_t i = 0; i < v.v.size(); ++i) {
        const double e = v.v[i] - ref->second[i];
        signal += ref->second[i] * ref->second[i];
        noise += e * e;
        worst = std::max(worst, std::fabs(e));
      }
    }
    const bool exact = have && noise == 0;
    const double sqnr = have && !exact ? 10 * std::log10(signal / noise) : 0;
    if (json) {
      o << (first ? "" : ",") << "\n  {\"op\": " << v.op << ", \"op_type\": \"" << v.op_type << "\", \"node\": \"" << json_escape(v.node)
        << "\", \"tensor\": \"" << json_escape(v.tensor) << "\", \"dtype\": \"" << mote::dtype_name(v.dtype) << "\", \"compared\": "
        << (have ? "true" : "false");
      if (have) {
        o << ", \"sqnr_db\": " << (exact || !std::isfinite(sqnr) ? std::string("null") : number(sqnr, "%.2f"))
          << ", \"exact\": " << (exact ? "true" : "false") << ", \"max_abs_error\": " << number(worst, "%.6g");
      }
      o << "}";
    } else {
      std::printf("%4u  %-18s %-28s %-7s %10s %11s\n", v.op, v.op_type.c_str(), v.tensor.c_str(), mote::dtype_name(v.dtype),
                  !have ? "-" : exact ? "exact" : number(sqnr, "%.1f").c_str(), have ? number(worst, "%.4g").c_str() : "-");
    }
    first = false;
  }
  if (json) {
    o << "\n]}\n";
    std::fputs(o.str().c_str(), stdout);
  }
  return 0;
}

}  // namespace mote_cli

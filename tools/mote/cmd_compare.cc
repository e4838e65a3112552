// mote compare: where a converted blob (typically int8) departs from its float model, tensor by
// tensor in op order.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <map>
#include <sstream>

#include "cli.h"

namespace mote_cli {

namespace {

const char* kCompareHelp =
    "usage: mote compare MODEL.onnx MODEL.mote --input NAME=FILE [--input NAME=FILE ...] [--json] [--svg OUT.svg]\n"
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
    "  --json              print the comparison as JSON\n"
    "  --svg OUT.svg       also draw the SQNR along the graph: one point per compared tensor in op\n"
    "                      order, coloured by dtype, exact ones on the top line, the worst marked\n";

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

// One row of the comparison.
struct Row {
  const Value* v;
  bool have = false, exact = false;
  double sqnr = 0, worst = 0;
};

// SQNR along the graph: x is the row's place in op order, y the SQNR in dB (exact ones on a line
// above the axis); each point's title names the op, tensor and figures.
void write_compare_svg(const std::vector<Row>& rows, const std::string& model, const std::string& blob, const std::string& path) {
  double top_db = 10, bottom_db = 0;
  const Row* worst = nullptr;
  for (const Row& r : rows) {
    if (!r.have || r.exact || !std::isfinite(r.sqnr)) continue;
    top_db = std::max(top_db, r.sqnr);
    bottom_db = std::min(bottom_db, r.sqnr);
    if (!worst || r.sqnr < worst->sqnr) worst = &r;
  }
  top_db = std::ceil(top_db / 10) * 10;
  bottom_db = std::floor(bottom_db / 10) * 10;
  const double W = 1100, left = 70, right = 20, top = 60, plot_h = 360, bottom = 50, H = top + plot_h + bottom;
  const double n = std::max<double>(rows.size(), 1), sx = (W - left - right) / n;
  auto y_of = [&](double db) { return top + plot_h * (top_db - db) / (top_db - bottom_db); };
  const double exact_y = top - 18;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"18\" font-size=\"14\">Mote compare: " << xml_escape(blob) << " against "
    << xml_escape(model) << ", SQNR (dB) per tensor in op order</text>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << W - left - right << "\" height=\"" << plot_h
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  for (double db = bottom_db; db <= top_db; db += 10) {
    o << "<line x1=\"" << left << "\" y1=\"" << y_of(db) << "\" x2=\"" << W - right << "\" y2=\"" << y_of(db)
      << "\" stroke=\"#ddd\"/><text x=\"" << left - 6 << "\" y=\"" << y_of(db) + 4 << "\" text-anchor=\"end\">" << db
      << "</text>\n";
  }
  o << "<text x=\"" << left - 6 << "\" y=\"" << exact_y + 4 << "\" text-anchor=\"end\">exact</text>\n";
  o << "<polyline fill=\"none\" stroke=\"#06c\" stroke-width=\"1\" points=\"";
  for (size_t i = 0; i < rows.size(); ++i) {
    if (rows[i].have && !rows[i].exact) o << left + (i + 0.5) * sx << "," << y_of(rows[i].sqnr) << " ";
  }
  o << "\"/>\n";
  for (size_t i = 0; i < rows.size(); ++i) {
    const Row& r = rows[i];
    if (!r.have) continue;
    const double x = left + (i + 0.5) * sx, y = r.exact ? exact_y : y_of(r.sqnr);
    const char* fill = r.v->dtype == MOTE_F32 ? "#e80" : "#06c";
    o << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"3\" fill=\"" << fill << "\"><title>op " << r.v->op << " "
      << xml_escape(r.v->op_type) << " " << xml_escape(r.v->node) << " -> " << xml_escape(r.v->tensor) << " ("
      << mote::dtype_name(r.v->dtype) << "): " << (r.exact ? std::string("exact") : number(r.sqnr, "%.1f dB")) << ", max|err| "
      << number(r.worst, "%.4g") << "</title></circle>\n";
  }
  if (worst) {
    const double x = left + (worst - rows.data() + 0.5) * sx, y = y_of(worst->sqnr);
    o << "<circle cx=\"" << x << "\" cy=\"" << y << "\" r=\"7\" fill=\"none\" stroke=\"#c00\" stroke-width=\"1.5\"/>\n"
      << "<text x=\"" << (x > W / 2 ? x - 9 : x + 9) << "\" y=\"" << y + 4 << "\" fill=\"#c00\" text-anchor=\""
      << (x > W / 2 ? "end" : "start") << "\">lowest: " << xml_escape(worst->v->tensor) << " "
      << number(worst->sqnr, "%.1f dB") << "</text>\n";
  }
  if (rows.size() <= 60) {  // few enough to name each point's op under the axis
    for (size_t i = 0; i < rows.size(); ++i) {
      const double x = left + (i + 0.5) * sx, y = top + plot_h + 12;
      o << "<text x=\"" << x << "\" y=\"" << y << "\" font-size=\"9\" text-anchor=\"middle\">" << xml_escape(rows[i].v->op_type)
        << "</text>\n";
    }
  }
  o << "<text x=\"" << left << "\" y=\"" << H - 18 << "\">tensor 0 .. " << (rows.empty() ? 0 : rows.size() - 1)
    << " in op order &#8594;   "
    << "<tspan fill=\"#06c\">&#9679; int8</tspan>   <tspan fill=\"#e80\">&#9679; float32</tspan></text>\n</svg>\n";
  const std::string text = o.str();
  write_file(path, text.data(), text.size());
}

}  // namespace

int cmd_compare(const std::vector<std::string>& args) {
  if (wants_help(args)) {
    std::fputs(kCompareHelp, stdout);
    return 0;
  }
  Args a(args, {"--input", "--svg"}, {"--json"});
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
  std::vector<Row> rows;
  for (const Value& v : values) {
    if (v.op == UINT32_MAX) continue;  // an input: the same data on both sides
    // A quantized graph output keeps its name on the float tensor its DequantizeLinear makes;
    // the int8 one is NAME_q.
    auto ref = reference.find(v.tensor);
    if (ref == reference.end() && v.tensor.size() > 2 && v.tensor.compare(v.tensor.size() - 2, 2, "_q") == 0) {
      ref = reference.find(v.tensor.substr(0, v.tensor.size() - 2));
    }
    Row r;
    r.v = &v;
    r.have = v.real && ref != reference.end() && ref->second.size() == v.v.size();
    double signal = 0, noise = 0;
    if (r.have) {
      for (size_t i = 0; i < v.v.size(); ++i) {
        const double e = v.v[i] - ref->second[i];
        signal += ref->second[i] * ref->second[i];
        noise += e * e;
        r.worst = std::max(r.worst, std::fabs(e));
      }
    }
    r.exact = r.have && noise == 0;
    r.sqnr = r.have && !r.exact ? 10 * std::log10(signal / noise) : 0;
    rows.push_back(r);
  }
  bool first = true;
  for (const Row& r : rows) {
    const Value& v = *r.v;
    if (json) {
      o << (first ? "" : ",") << "\n  {\"op\": " << v.op << ", \"op_type\": \"" << v.op_type << "\", \"node\": \"" << json_escape(v.node)
        << "\", \"tensor\": \"" << json_escape(v.tensor) << "\", \"dtype\": \"" << mote::dtype_name(v.dtype) << "\", \"compared\": "
        << (r.have ? "true" : "false");
      if (r.have) {
        o << ", \"sqnr_db\": " << (r.exact || !std::isfinite(r.sqnr) ? std::string("null") : number(r.sqnr, "%.2f"))
          << ", \"exact\": " << (r.exact ? "true" : "false") << ", \"max_abs_error\": " << number(r.worst, "%.6g");
      }
      o << "}";
    } else {
      std::printf("%4u  %-18s %-28s %-7s %10s %11s\n", v.op, v.op_type.c_str(), v.tensor.c_str(), mote::dtype_name(v.dtype),
                  !r.have ? "-" : r.exact ? "exact" : number(r.sqnr, "%.1f").c_str(), r.have ? number(r.worst, "%.4g").c_str() : "-");
    }
    first = false;
  }
  if (!a.get("--svg").empty()) write_compare_svg(rows, a.positional[0], a.positional[1], a.get("--svg"));
  if (json) {
    o << "\n]}\n";
    std::fputs(o.str().c_str(), stdout);
  }
  return 0;
}

}  // namespace mote_cli

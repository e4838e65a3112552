// The mote subcommands.
#include <dirent.h>
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

#include "cli.h"
#include "mote/op_traits.h"
#include "mote/platform.h"

namespace mote_cli {
namespace {

[[noreturn]] void usage(const std::string& text) { throw UsageError{text}; }
[[noreturn]] void fail(const std::string& text, int code = 1) { throw Failure{text, code}; }

bool wants_help(const std::vector<std::string>& args) {
  for (const auto& a : args) {
    if (a == "--help" || a == "-h") return true;
  }
  return false;
}

// Minimal option walker: positional arguments plus "--opt value" / "--opt=value" pairs.
struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> opts;
  std::map<std::string, bool> flags;

  Args(const std::vector<std::string>& args, const std::vector<std::string>& with_value, const std::vector<std::string>& bare) {
    for (size_t k = 0; k < args.size(); ++k) {
      std::string a = args[k];
      if (a.size() > 1 && a[0] == '-') {
        std::string value;
        bool has_value = false;
        size_t eq = a.find('=');
        if (a.compare(0, 2, "--") == 0 && eq != std::string::npos) {
          value = a.substr(eq + 1);
          a = a.substr(0, eq);
          has_value = true;
        }
        if (std::find(bare.begin(), bare.end(), a) != bare.end()) {
          if (has_value) usage(a + " takes no value");
          flags[a] = true;
        } else if (std::find(with_value.begin(), with_value.end(), a) != with_value.end()) {
          if (!has_value) {
            if (k + 1 >= args.size()) usage(a + " needs a value");
            value = args[++k];
          }
          opts.emplace(a, value);
        } else {
          usage("unknown option " + a);
        }
      } else {
        positional.push_back(a);
      }
    }
  }
  std::string get(const std::string& key, const std::string& def = "") const {
    auto it = opts.find(key);
    return it == opts.end() ? def : it->second;
  }
  std::vector<std::string> all(const std::string& key) const {
    std::vector<std::string> v;
    for (auto it = opts.lower_bound(key); it != opts.upper_bound(key); ++it) v.push_back(it->second);
    return v;
  }
  bool flag(const std::string& key) const { return flags.count(key) != 0; }
};

std::vector<uint8_t> read_file(const std::string& path) {
  std::ifstream f(path, std::ios::binary);
  if (!f) fail(path + ": cannot open");
  return std::vector<uint8_t>(std::istreambuf_iterator<char>(f), std::istreambuf_iterator<char>());
}

void write_file(const std::string& path, const void* data, size_t size) {
  std::ofstream f(path, std::ios::binary);
  f.write(static_cast<const char*>(data), std::streamsize(size));
  if (!f) fail(path + ": cannot write");
}

std::string split_name_value(const std::string& text, const std::string& what, std::string* value) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) usage(what + " expects NAME=VALUE, got '" + text + "'");
  *value = text.substr(eq + 1);
  return text.substr(0, eq);
}

std::string json_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '"' || c == '\\') {
      r += '\\';
      r += c;
    } else if (uint8_t(c) < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      r += buf;
    } else {
      r += c;
    }
  }
  return r;
}

std::string xml_escape(const std::string& s) {
  std::string r;
  for (char c : s) {
    if (c == '<') r += "&lt;";
    else if (c == '>') r += "&gt;";
    else if (c == '&') r += "&amp;";
    else if (c == '"') r += "&quot;";
    else r += c;
  }
  return r;
}

std::string human_bytes(uint64_t b) {
  char buf[32];
  if (b >= 10 * 1024 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f MiB", double(b) / (1024.0 * 1024.0));
  } else if (b >= 10 * 1024) {
    std::snprintf(buf, sizeof buf, "%.1f KiB", double(b) / 1024.0);
  } else {
    std::snprintf(buf, sizeof buf, "%llu B", static_cast<unsigned long long>(b));
  }
  return buf;
}

// ---- convert ----------------------------------------------------------------------------------

const char* kConvertHelp =
    "usage: mote convert MODEL.onnx -o OUT.mote [options]\n"
    "\n"
    "Converts an ONNX model to a Mote blob: checks it, binds shapes, folds constants, fuses\n"
    "BatchNorm and activations, plans the arena and writes the blob.\n"
    "\n"
    "options:\n"
    "  -o, --output OUT.mote     blob to write (required)\n"
    "  --shape NAME=DIMS         bind input NAME's shape, e.g. --shape input=1x3x224x224 (repeatable)\n"
    "  --set NAME=VALUE          fix input NAME to a constant: a number, a comma list, or @file.npy\n"
    "  --c-array OUT.h           also write the blob as a C header (aligned const array + size #defines)\n"
    "  --target LIST             the boards the blob will run on, comma-separated: cortex-m4,\n"
    "                            cortex-m7, cortex-m55, cortex-a, aarch64, x86, wasm, reference or\n"
    "                            all (default). Each op's scratch in the arena plan is the largest\n"
    "                            their kernels need; another board's runtime refuses the blob at\n"
    "                            load if its kernels need more\n"
    "  --no-fusion               skip BatchNorm folding and activation fusion\n"
    "  --quantize int8           post-training int8 quantisation (needs --calib)\n"
    "  --calib SAMPLES           calibration inputs: a .npy with N samples along axis 0, or a\n"
    "                            directory holding one NAME.npy per input\n"
    "  --calib-method M          minmax (default) or percentile\n"
    "  --percentile P            with --calib-method percentile: keep P% of each range (default 99.99)\n"
    "  --strict                  with --quantize: refuse ops that would have to stay float\n"
    "  --int8-io                 with --quantize: int8 inputs and outputs (their scale and zero\n"
    "                            point are in 'mote info' and the --c-array header)\n"
    "  -h, --help                show this help\n";

std::string symbol_from_path(const std::string& path) {
  std::string base = path.substr(path.find_last_of('/') == std::string::npos ? 0 : path.find_last_of('/') + 1);
  base = base.substr(0, base.find('.'));
  std::string sym;
  for (char c : base) sym += std::isalnum(static_cast<unsigned char>(c)) ? c : '_';
  if (sym.empty() || std::isdigit(static_cast<unsigned char>(sym[0]))) sym = "model_" + sym;
  return sym;
}

}  // namespace

int cmd_convert(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kConvertHelp, stdout);
    return 0;
  }
  Args a(raw, {"-o", "--output", "--shape", "--set", "--c-array", "--quantize", "--calib", "--calib-method", "--percentile",
          "--target"},
         {"--no-fusion", "--strict", "--int8-io"});
  if (a.positional.size() != 1) usage("expects exactly one MODEL.onnx");
  std::string out = a.get("-o", a.get("--output"));
  if (out.empty()) usage("missing -o OUT.mote");
  mote::ConvertOptions opt;
  opt.no_fusion = a.flag("--no-fusion");
  try {
    opt.kernel_sets = mote::parse_targets(a.get("--target", "all"));
  } catch (const mote::ConvertError& e) {
    usage(e.what());
  }
  const std::string quantize = a.get("--quantize");
  if (!quantize.empty() && quantize != "int8") usage("--quantize takes int8");
  opt.quantize_int8 = quantize == "int8";
  opt.calib = a.get("--calib");
  opt.calib_method = a.get("--calib-method", "minmax");
  try {
    opt.percentile = std::stod(a.get("--percentile", "99.99"));
  } catch (const std::exception&) {
    usage("--percentile takes a number");
  }
  opt.strict = a.flag("--strict");
  opt.int8_io = a.flag("--int8-io");
  if (!opt.quantize_int8 && (!opt.calib.empty() || opt.strict || opt.int8_io)) {
    usage("--calib, --strict and --int8-io go with --quantize int8");
  }
  if (opt.quantize_int8 && opt.calib.empty()) usage("--quantize int8 needs --calib SAMPLES");
  opt.progress = [](int done, int total) {
    if (total >= 20 && (done == total || done % std::max(1, total / 20) == 0)) {
      std::fprintf(stderr, "\rcalibrating: %d/%d", done, total);
      if (done == total) std::fprintf(stderr, "\n");
    }
  };
  for (const auto& s : a.all("--shape")) {
    std::string v;
    std::string name = split_name_value(s, "--shape", &v);
    opt.shapes[name] = parse_dims(v);
  }
  for (const auto& s : a.all("--set")) {
    std::string v;
    std::string name = split_name_value(s, "--set", &v);
    opt.sets[name] = v;
  }
  mote::ConvertResult r = mote::convert_file(a.positional[0], opt);
  const std::string c_array = a.get("--c-array");
  std::string header;
  if (!c_array.empty()) header = mote::blob_to_c_header(r.blob, symbol_from_path(c_array));
  write_file(out, r.blob.data(), r.blob.size());
  if (!c_array.empty()) write_file(c_array, header.data(), header.size());
  for (const auto& note : r.notes) std::printf("  %s\n", note.c_str());
  std::printf("wrote %s: %zu bytes\n", out.c_str(), r.blob.size());
  if (!c_array.empty()) std::printf("wrote %s\n", c_array.c_str());
  std::printf("arena:       %u bytes (%s)\n", r.arena_bytes, human_bytes(r.arena_bytes).c_str());
  std::printf("lower bound: %u bytes (arena / lower bound = %.3f)\n", r.lower_bound,
              r.lower_bound ? double(r.arena_bytes) / r.lower_bound : 1.0);
  std::printf("weights:     %llu bytes (%s)\n", static_cast<unsigned long long>(r.weight_bytes), human_bytes(r.weight_bytes).c_str());
  std::printf("ops:         %u\n", r.op_count);
  return 0;
}

// ---- shared helpers ---------------------------------------------------------------------------

void LoadedBlob::load_bytes(const std::vector<uint8_t>& bytes, const std::string& what) {
  storage.assign(bytes.size() + 64, 0);
  uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  if (!bytes.empty()) std::memcpy(base, bytes.data(), bytes.size());
  data = base;
  size = bytes.size();
  mote::Status st = model.load(data, size);
  if (st != mote::Status::kOk) {
    fail(what + ": " + mote_status_str(static_cast<mote_status>(st)) + ": " + model.error());
  }
}

void LoadedBlob::load_file(const std::string& path) { load_bytes(read_file(path), path); }

Arena::Arena(size_t bytes) {
  storage.assign(bytes + 64, 0);
  data = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  size = bytes;
}

std::vector<int64_t> parse_dims(const std::string& text) {
  std::vector<int64_t> dims;
  if (text.empty() || text == "scalar") return dims;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, 'x')) {
    if (item.empty() || item.find_first_not_of("0123456789") != std::string::npos) {
      usage("bad dimensions '" + text + "' (expected e.g. 1x3x224x224)");
    }
    dims.push_back(std::stoll(item));
  }
  return dims;
}

std::string dims_text(const int32_t* dims, int32_t rank) {
  std::string r = "[";
  for (int32_t k = 0; k < rank; ++k) r += (k ? "," : "") + std::to_string(dims[k]);
  return r + "]";
}

mote::HostTensor read_tensor_file(const std::string& path) {
  if (path.size() >= 3 && path.compare(path.size() - 3, 3, ".pb") == 0) return mote::read_tensor_proto_file(path);
  return mote::read_npy(path);
}

uint64_t op_macs(const mote::Model& m, uint32_t k) {
  const mote_op_record& op = m.op(k);
  auto dims = [&](uint32_t operand) { return m.tensor(m.operand(op.operands + operand)); };
  auto numel = [](const mote_tensor_record& t) {
    uint64_t n = 1;
    for (int d = 0; d < t.rank; ++d) n *= uint64_t(t.dims[d]);
    return n;
  };
  switch (mote::op_traits(op.code).macs) {  // the op's record, mote/ops.h
    case mote::MOTE_MACS_CONV: {
      const auto& w = dims(1);
      uint64_t per = 1;
      for (int d = 1; d < w.rank; ++d) per *= uint64_t(w.dims[d]);
      return numel(dims(op.num_inputs)) * per;
    }
    case mote::MOTE_MACS_CONV_TRANSPOSE: {
      const auto& w = dims(1);
      uint64_t per = 1;
      for (int d = 1; d < w.rank; ++d) per *= uint64_t(w.dims[d]);
      return numel(dims(0)) * per;
    }
    case mote::MOTE_MACS_GEMM: {
      const auto& a = dims(0);
      const auto* p = static_cast<const mote_gemm_params*>(m.params(op));
      const uint64_t kdim = uint64_t(p->trans_a ? a.dims[0] : a.dims[1]);
      return numel(dims(op.num_inputs)) * kdim;
    }
    case mote::MOTE_MACS_MATMUL: {
      const auto& a = dims(0);
      return numel(dims(op.num_inputs)) * uint64_t(a.dims[a.rank - 1]);
    }
    default: return 0;
  }
}

// ---- info -------------------------------------------------------------------------------------

namespace {

const char* kInfoHelp =
    "usage: mote info OUT.mote [--json] [--svg PLAN.svg]\n"
    "\n"
    "Lists a blob's inputs and outputs, its ops with their MACs, the arena size and lower bound,\n"
    "and the blob hash: FNV-1a 64 of the whole file, so blobs converted on different machines can\n"
    "be compared (the converter's output does not depend on the host CPU).\n"
    "\n"
    "options:\n"
    "  --json        print the same as JSON\n"
    "  --svg FILE    draw the arena plan: op step across, arena offset down, one box per tensor\n"
    "  -h, --help    show this help\n";

// FNV-1a 64 of every byte of the blob (header and checksum included).
uint64_t blob_fnv1a64(const uint8_t* data, size_t size) {
  uint64_t h = 1469598103934665603ull;
  for (size_t k = 0; k < size; ++k) {
    h ^= data[k];
    h *= 1099511628211ull;
  }
  return h;
}

struct Box {
  std::string name;
  uint32_t offset, bytes, first, last;
};

std::vector<Box> plan_boxes(const mote::Model& m) {
  std::vector<Box> boxes;
  std::map<std::pair<uint32_t, uint32_t>, size_t> seen;  // aliases share one box
  for (uint32_t t = 0; t < m.num_tensors(); ++t) {
    const auto& r = m.tensor(t);
    if (r.storage != MOTE_STORAGE_ARENA) continue;
    auto key = std::make_pair(r.offset, r.first_step);
    auto it = seen.find(key);
    if (it != seen.end() && boxes[it->second].bytes == r.bytes) {
      boxes[it->second].last = std::max(boxes[it->second].last, r.last_step);
      continue;
    }
    seen[key] = boxes.size();
    boxes.push_back({m.string(r.name), r.offset, r.bytes, r.first_step, r.last_step});
  }
  for (uint32_t k = 0; k < m.num_ops(); ++k) {
    const auto& op = m.op(k);
    if (op.scratch_bytes) boxes.push_back({std::string(mote::op_name(op.code)) + " scratch", op.scratch_offset, op.scratch_bytes, k, k});
  }
  return boxes;
}

void write_svg(const mote::Model& m, const std::string& path) {
  const auto boxes = plan_boxes(m);
  const double W = 960, H = 540, left = 70, top = 40, right = 20, bottom = 50;
  const uint32_t steps = std::max<uint32_t>(m.num_ops(), 1);
  const double arena = std::max<double>(m.arena_bytes(), 1);
  const double sx = (W - left - right) / steps, sy = (H - top - bottom) / arena;
  std::ostringstream o;
  o << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << W << "\" height=\"" << H << "\" font-family=\"sans-serif\" font-size=\"11\">\n";
  o << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n";
  o << "<text x=\"" << left << "\" y=\"20\" font-size=\"14\">Mote arena plan: " << m.arena_bytes() << " bytes (lower bound "
    << m.lower_bound() << "), " << m.num_ops() << " ops</text>\n";
  o << "<rect x=\"" << left << "\" y=\"" << top << "\" width=\"" << (W - left - right) << "\" height=\"" << (H - top - bottom)
    << "\" fill=\"none\" stroke=\"#888\"/>\n";
  size_t i = 0;
  for (const auto& b : boxes) {
    const double hue = double((i++ * 47) % 360);
    o << "<rect x=\"" << left + b.first * sx << "\" y=\"" << top + b.offset * sy << "\" width=\""
      << std::max(1.0, (b.last - b.first + 1) * sx - 1) << "\" height=\"" << std::max(1.0, b.bytes * sy) << "\" fill=\"hsl(" << hue
      << ",60%,65%)\" stroke=\"#333\" stroke-width=\"0.5\"><title>" << xml_escape(b.name) << ": " << b.bytes << " bytes at offset "
      << b.offset << ", ops " << b.first << ".." << b.last << "</title></rect>\n";
  }
  o << "<text x=\"" << left << "\" y=\"" << H - 20 << "\">op step 0 .. " << (steps - 1) << " &#8594;</text>\n";
  o << "<text x=\"10\" y=\"" << top + 10 << "\">offset 0</text>\n";
  o << "<text x=\"10\" y=\"" << H - bottom << "\">" << m.arena_bytes() << "</text>\n";
  o << "</svg>\n";
  const std::string s = o.str();
  write_file(path, s.data(), s.size());
}

}  // namespace

int cmd_info(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kInfoHelp, stdout);
    return 0;
  }
  Args a(raw, {"--svg"}, {"--json"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  uint64_t total_macs = 0;
  for (uint32_t k = 0; k < m.num_ops(); ++k) total_macs += op_macs(m, k);
  const auto& meta = m.meta();
  const uint64_t hash = (uint64_t(meta.source_hash_hi) << 32) | meta.source_hash_lo;
  char blob_hash[17];
  std::snprintf(blob_hash, sizeof blob_hash, "%016llx", static_cast<unsigned long long>(blob_fnv1a64(b.data, b.size)));
  if (a.flag("--json")) {
    std::ostringstream o;
    o << "{\n  \"blob_bytes\": " << b.size << ",\n  \"blob_fnv1a64\": \"" << blob_hash << "\",\n  \"producer\": \"" << json_escape(m.string(meta.producer)) << "\",\n  \"source\": \""
      << json_escape(m.string(meta.source_name)) << "\",\n  \"opset\": " << meta.opset << ",\n  \"kernel_sets\": \"" << mote::kernel_set_names(meta.kernel_sets) << "\"" << ",\n  \"arena_bytes\": " << m.arena_bytes()
      << ",\n  \"lower_bound\": " << m.lower_bound() << ",\n  \"weight_bytes\": " << m.plan().weight_bytes << ",\n  \"macs\": " << total_macs;
    auto io = [&](const char* key, uint32_t count, bool inputs) {
      o << ",\n  \"" << key << "\": [";
      for (uint32_t k = 0; k < count; ++k) {
        mote::TensorInfo info;
        (void)(inputs ? m.input_info(k, &info) : m.output_info(k, &info));
        o << (k ? ", " : "") << "{\"name\": \"" << json_escape(info.name) << "\", \"dtype\": \"" << mote::dtype_name(info.dtype)
          << "\", \"shape\": " << dims_text(info.dims, info.rank) << ", \"bytes\": " << info.bytes;
        if (info.scale > 0) o << ", \"scale\": " << info.scale << ", \"zero_point\": " << info.zero_point;
        o << "}";
      }
      o << "]";
    };
    io("inputs", m.num_inputs(), true);
    io("outputs", m.num_outputs(), false);
    o << ",\n  \"ops\": [";
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      const auto& op = m.op(k);
      const auto& out = m.tensor(m.operand(op.operands + op.num_inputs));
      o << (k ? "," : "") << "\n    {\"op\": \"" << mote::op_name(op.code) << "\", \"node\": \"" << json_escape(m.string(op.name))
        << "\", \"output\": " << dims_text(out.dims, out.rank) << ", \"dtype\": \"" << mote::dtype_name(out.dtype)
        << "\", \"macs\": " << op_macs(m, k) << ", \"scratch\": " << op.scratch_bytes << ", \"note\": \""
        << json_escape(m.string(op.note)) << "\"}";
    }
    o << "\n  ]\n}\n";
    std::fputs(o.str().c_str(), stdout);
  } else {
    std::printf("%s: %zu bytes, produced by %s from %s (opset %u, source hash %016llx)\n", a.positional[0].c_str(), b.size,
                m.string(meta.producer), m.string(meta.source_name), meta.opset, static_cast<unsigned long long>(hash));
    std::printf("blob hash: %s (FNV-1a 64 of all %zu bytes)\n", blob_hash, b.size);
    uint64_t scratch = 0;
    for (uint32_t k = 0; k < m.num_ops(); ++k) scratch = std::max<uint64_t>(scratch, m.op(k).scratch_bytes);
    std::printf("planned for kernel sets: %s (largest op scratch %llu bytes, in the arena)\n",
                mote::kernel_set_names(meta.kernel_sets).c_str(), static_cast<unsigned long long>(scratch));
    for (uint32_t k = 0; k < m.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)m.input_info(k, &info);
      std::printf("input  %u: %-24s %-7s %s", k, info.name, mote::dtype_name(info.dtype), dims_text(info.dims, info.rank).c_str());
      if (info.scale > 0) std::printf("  scale %.9g zero point %d", double(info.scale), info.zero_point);
      std::printf("\n");
    }
    for (uint32_t k = 0; k < m.num_outputs(); ++k) {
      mote::TensorInfo info;
      (void)m.output_info(k, &info);
      std::printf("output %u: %-24s %-7s %s", k, info.name, mote::dtype_name(info.dtype), dims_text(info.dims, info.rank).c_str());
      if (info.scale > 0) std::printf("  scale %.9g zero point %d", double(info.scale), info.zero_point);
      std::printf("\n");
    }
    std::printf("\n%4s  %-20s %-28s %-20s %-8s %14s\n", "#", "op", "node", "output", "dtype", "MACs");
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      const auto& op = m.op(k);
      const auto& out = m.tensor(m.operand(op.operands + op.num_inputs));
      std::string node = m.string(op.name);
      if (node.size() > 28) node = node.substr(0, 25) + "...";
      std::printf("%4u  %-20s %-28s %-20s %-8s %14llu%s%s\n", k, mote::op_name(op.code), node.c_str(),
                  dims_text(out.dims, out.rank).c_str(), mote::dtype_name(out.dtype), static_cast<unsigned long long>(op_macs(m, k)),
                  *m.string(op.note) ? "  " : "", m.string(op.note));
    }
    std::printf("\nops: %u, MACs: %llu\n", m.num_ops(), static_cast<unsigned long long>(total_macs));
    std::printf("weights: %u bytes (%s)\n", m.plan().weight_bytes, human_bytes(m.plan().weight_bytes).c_str());
    std::printf("arena: %u bytes (%s), lower bound %u bytes, ratio %.3f\n", m.arena_bytes(), human_bytes(m.arena_bytes()).c_str(),
                m.lower_bound(), m.lower_bound() ? double(m.arena_bytes()) / m.lower_bound() : 1.0);
  }
  const std::string svg = a.get("--svg");
  if (!svg.empty()) {
    write_svg(m, svg);
    if (!a.flag("--json")) std::printf("wrote %s\n", svg.c_str());
  }
  return 0;
}

// ---- run --------------------------------------------------------------------------------------

namespace {

const char* kRunHelp =
    "usage: mote run OUT.mote --input NAME=FILE [--input NAME=FILE ...] [--output-dir DIR]\n"
    "\n"
    "Runs a blob on the host. Inputs are numpy .npy files or ONNX TensorProto .pb files; a\n"
    "model with one input also takes '--input FILE'. Writes one NAME.npy per output into DIR\n"
    "(default: the current directory) and prints a summary of each output.\n"
    "\n"
    "options:\n"
    "  --input NAME=FILE   input tensor (repeatable)\n"
    "  --output-dir DIR    where to write the outputs\n"
    "  --quiet             do not print output summaries\n"
    "  -h, --help          show this help\n";

// Binds --input arguments to the model's inputs and copies them into the session.
void set_inputs(const mote::Model& m, mote::Session& s, const std::vector<std::string>& specs) {
  std::vector<bool> given(m.num_inputs(), false);
  for (const auto& spec : specs) {
    std::string name, file;
    size_t eq = spec.find('=');
    if (eq == std::string::npos) {
      if (m.num_inputs() != 1) usage("the model has " + std::to_string(m.num_inputs()) + " inputs: use --input NAME=FILE");
      mote::TensorInfo info;
      (void)m.input_info(0, &info);
      name = info.name;
      file = spec;
    } else {
      name = spec.substr(0, eq);
      file = spec.substr(eq + 1);
    }
    const int32_t idx = m.find_input(name.c_str());
    if (idx < 0) fail("the model has no input named '" + name + "'");
    mote::TensorInfo info;
    (void)m.input_info(uint32_t(idx), &info);
    mote::HostTensor t = read_tensor_file(file);
    if (t.dtype != info.dtype) {
      fail("input '" + name + "' is " + mote::dtype_name(info.dtype) + " but " + file + " holds " + mote::dtype_name(t.dtype));
    }
    if (t.data.size() != info.bytes) {
      std::string shape = "[";
      for (size_t k = 0; k < t.shape.size(); ++k) shape += (k ? "," : "") + std::to_string(t.shape[k]);
      fail("input '" + name + "' expects shape " + dims_text(info.dims, info.rank) + " but " + file + " has shape " + shape + "]");
    }
    if (s.set_input(uint32_t(idx), t.data.data(), t.data.size()) != mote::Status::kOk) fail(s.error());
    given[size_t(idx)] = true;
  }
  for (uint32_t k = 0; k < m.num_inputs(); ++k) {
    if (!given[k]) {
      mote::TensorInfo info;
      (void)m.input_info(k, &info);
      usage(std::string("missing --input for '") + info.name + "' " + dims_text(info.dims, info.rank));
    }
  }
}

void print_output(const mote::TensorInfo& info, const void* data) {
  std::printf("%s: %s %s", info.name, mote::dtype_name(info.dtype), dims_text(info.dims, info.rank).c_str());
  const uint32_t n = info.bytes / std::max<uint32_t>(mote::dtype_size(info.dtype), 1);
  if (info.dtype == MOTE_F32 && n > 0) {
    const float* f = static_cast<const float*>(data);
    uint32_t best = 0;
    for (uint32_t k = 1; k < n; ++k) best = f[k] > f[best] ? k : best;
    std::printf("  argmax %u (%.6g)\n", best, double(f[best]));
    if (n <= 32) {
      for (uint32_t k = 0; k < n; ++k) std::printf("  [%u] %.6f\n", k, double(f[k]));
    }
  } else {
    std::printf("\n");
  }
}

}  // namespace

int cmd_run(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kRunHelp, stdout);
    return 0;
  }
  Args a(raw, {"--input", "--output-dir"}, {"--quiet"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  mote::Session s;
  if (s.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(s.error());
  set_inputs(m, s, a.all("--input"));
  if (s.run() != mote::Status::kOk) fail(std::string("run failed: ") + s.error());
  std::string dir = a.get("--output-dir", ".");
  if (!dir.empty() && dir != ".") mkdir(dir.c_str(), 0755);
  for (uint32_t k = 0; k < m.num_outputs(); ++k) {
    mote::TensorInfo info;
    (void)m.output_info(k, &info);
    mote::HostTensor t;
    t.dtype = info.dtype;
    for (int32_t d = 0; d < info.rank; ++d) t.shape.push_back(info.dims[d]);
    const uint8_t* p = static_cast<const uint8_t*>(s.output_data(k));
    t.data.assign(p, p + info.bytes);
    std::string safe = info.name;
    for (char& c : safe) {
      if (c == '/' || c == '\\' || c == ':') c = '_';
    }
    mote::write_npy(dir + "/" + safe + ".npy", t);
    if (!a.flag("--quiet")) print_output(info, p);
  }
  std::printf("arena: %u bytes\n", m.arena_bytes());
  return 0;
}

// ---- validate ---------------------------------------------------------------------------------

namespace {

const char* kValidateHelp =
    "usage: mote validate TESTDIR [--rtol R] [--atol A]\n"
    "\n"
    "Takes a directory in ONNX backend-test form (model.onnx, test_data_set_*/input_*.pb and\n"
    "output_*.pb), converts the model with shapes bound from the test inputs, runs every data set\n"
    "and compares the outputs (default rtol 1e-3, atol 1e-7; integers and bools exactly).\n"
    "Prints 'PASS', 'FAIL' or 'UNSUPPORTED' with the worst error or the reason; exits 0 only on PASS.\n";

std::vector<std::string> list_dir(const std::string& dir, const std::string& prefix) {
  std::vector<std::string> names;
  if (DIR* d = opendir(dir.c_str())) {
    while (dirent* e = readdir(d)) {
      std::string n = e->d_name;
      if (n.compare(0, prefix.size(), prefix) == 0) names.push_back(n);
    }
    closedir(d);
  }
  std::sort(names.begin(), names.end(), [](const std::string& x, const std::string& y) {
    // input_10.pb sorts after input_9.pb
    auto num = [](const std::string& s) {
      size_t us = s.find_last_of('_');
      return std::atoi(s.c_str() + (us == std::string::npos ? 0 : us + 1));
    };
    return num(x) != num(y) ? num(x) < num(y) : x < y;
  });
  return names;
}

// Worst error of `got` against `want`; returns false (with a reason) on a mismatch.
bool compare(const mote::TensorInfo& info, const void* got, const mote::HostTensor& want, double rtol, double atol,
             double* worst, std::string* why) {
  if (want.dtype != info.dtype) {
    *why = std::string("output '") + info.name + "' is " + mote::dtype_name(info.dtype) + ", expected " + mote::dtype_name(want.dtype);
    return false;
  }
  if (want.data.size() != info.bytes || want.shape.size() != size_t(info.rank)) {
    *why = std::string("output '") + info.name + "' has shape " + dims_text(info.dims, info.rank) + ", expected another";
    return false;
  }
  for (int32_t d = 0; d < info.rank; ++d) {
    if (want.shape[size_t(d)] != info.dims[d]) {
      *why = std::string("output '") + info.name + "' has shape " + dims_text(info.dims, info.rank) + ", expected another";
      return false;
    }
  }
  const int64_t n = want.numel();
  for (int64_t k = 0; k < n; ++k) {
    if (info.dtype == MOTE_F32) {
      const double g = static_cast<const float*>(got)[k];
      const double w = reinterpret_cast<const float*>(want.data.data())[k];
      if (std::isnan(g) && std::isnan(w)) continue;
      if (std::isinf(w) && g == w) continue;
      const double err = std::fabs(g - w);
      if (!(err <= atol + rtol * std::fabs(w))) {
        char buf[160];
        std::snprintf(buf, sizeof buf, "output '%s'[%lld] = %.9g, expected %.9g", info.name, static_cast<long long>(k), g, w);
        *why = buf;
        *worst = std::max(*worst, std::isnan(err) ? INFINITY : err);
        return false;
      }
      *worst = std::max(*worst, err);
    } else {
      const size_t es = mote::dtype_size(info.dtype);
      if (std::memcmp(static_cast<const uint8_t*>(got) + k * es, want.data.data() + k * es, es) != 0) {
        *why = std::string("output '") + info.name + "' differs at element " + std::to_string(k);
        return false;
      }
    }
  }
  return true;
}

}  // namespace

int cmd_validate(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kValidateHelp, stdout);
    return 0;
  }
  Args a(raw, {"--rtol", "--atol"}, {});
  if (a.positional.size() != 1) usage("expects exactly one TESTDIR");
  const std::string dir = a.positional[0];
  const double rtol = std::stod(a.get("--rtol", "1e-3")), atol = std::stod(a.get("--atol", "1e-7"));
  std::string name = dir;
  while (!name.empty() && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  const auto sets = list_dir(dir, "test_data_set_");
  if (sets.empty()) {
    std::printf("FAIL %s: no test_data_set_* directories\n", name.c_str());
    return 1;
  }
  // Input names come from the .pb files, or else from the graph's inputs in order.
  std::vector<std::vector<mote::HostTensor>> inputs;
  mote::ConvertOptions opt;
  mote::ConvertResult conv;
  try {
    const std::vector<std::string> graph_inputs = mote::graph_input_names(dir + "/model.onnx");
    for (const auto& set : sets) {
      std::vector<mote::HostTensor> v;
      for (const auto& f : list_dir(dir + "/" + set, "input_")) v.push_back(mote::read_tensor_proto_file(dir + "/" + set + "/" + f));
      for (size_t k = 0; k < v.size() && k < graph_inputs.size(); ++k) {
        if (v[k].name.empty()) v[k].name = graph_inputs[k];
      }
      inputs.push_back(std::move(v));
    }
    for (const mote::HostTensor& t : inputs[0]) opt.shapes[t.name] = t.shape;
    // Inputs the model needs at conversion time (shapes, axes, pads...) are fixed from the
    // test data, as a user would with --set; they must then agree across data sets.
    for (;;) {
      try {
        conv = mote::convert_file(dir + "/model.onnx", opt);
        break;
      } catch (const mote::NeedsConstantInput& e) {
        if (opt.set_tensors.count(e.input) || !opt.shapes.count(e.input)) throw;
        const mote::HostTensor* first = nullptr;
        for (const auto& v : inputs) {
          for (const auto& t : v) {
            if (t.name != e.input) continue;
            if (first && (first->data != t.data || first->shape != t.shape)) throw;
            first = first ? first : &t;
          }
        }
        if (!first) throw;
        opt.set_tensors[e.input] = *first;
        opt.shapes.erase(e.input);
      }
    }
  } catch (const mote::ConvertError& e) {
    std::printf("UNSUPPORTED %s: %s\n", name.c_str(), e.what());
    return 3;
  }
  LoadedBlob b;
  b.load_bytes(conv.blob, name);
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  double worst = 0.0;
  for (size_t s = 0; s < sets.size(); ++s) {
    mote::Session session;
    if (session.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(session.error());
    for (size_t k = 0; k < inputs[s].size(); ++k) {
      const mote::HostTensor& t = inputs[s][k];
      if (opt.set_tensors.count(t.name)) continue;
      const int32_t idx = m.find_input(t.name.c_str());
      if (idx < 0) {
        std::printf("FAIL %s: the blob has no input '%s'\n", name.c_str(), t.name.c_str());
        return 1;
      }
      if (session.set_input(uint32_t(idx), t.data.data(), t.data.size()) != mote::Status::kOk) {
        std::printf("FAIL %s: %s: %s\n", name.c_str(), sets[s].c_str(), session.error());
        return 1;
      }
    }
    if (session.run() != mote::Status::kOk) {
      std::printf("FAIL %s: %s: run failed: %s\n", name.c_str(), sets[s].c_str(), session.error());
      return 1;
    }
    const auto outs = list_dir(dir + "/" + sets[s], "output_");
    if (outs.size() != m.num_outputs()) {
      std::printf("FAIL %s: %zu expected outputs, the model has %u\n", name.c_str(), outs.size(), m.num_outputs());
      return 1;
    }
    for (size_t k = 0; k < outs.size(); ++k) {
      mote::HostTensor want = mote::read_tensor_proto_file(dir + "/" + sets[s] + "/" + outs[k]);
      mote::TensorInfo info;
      (void)m.output_info(uint32_t(k), &info);
      std::string why;
      if (!compare(info, session.output_data(uint32_t(k)), want, rtol, atol, &worst, &why)) {
        std::printf("FAIL %s: %s: %s\n", name.c_str(), sets[s].c_str(), why.c_str());
        return 1;
      }
    }
  }
  std::printf("PASS %s: %zu data sets, %u ops, worst abs error %.3g\n", name.c_str(), sets.size(), m.num_ops(), worst);
  return 0;
}

// ---- bench ------------------------------------------------------------------------------------

namespace {

const char* kBenchHelp =
    "usage: mote bench OUT.mote [--iters N] [--warmup N] [--input NAME=FILE ...] [--profile [--top N]]\n"
    "\n"
    "Times inference on one thread: prints the median and minimum latency in milliseconds.\n"
    "Inputs default to a fixed pseudo-random pattern.\n"
    "\n"
    "options:\n"
    "  --iters N      timed runs (default 20)\n"
    "  --warmup N     untimed runs first (default 2)\n"
    "  --input ...    as for 'mote run'\n"
    "  --profile      also print the time per op type and the slowest ops\n"
    "  --top N        with --profile: how many of the slowest ops to list (default 15, 0 = all)\n"
    "  --json         print the figures as JSON\n";

}  // namespace

int cmd_bench(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kBenchHelp, stdout);
    return 0;
  }
  Args a(raw, {"--iters", "--warmup", "--input", "--top"}, {"--profile", "--json"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  const int iters = std::max(1, std::atoi(a.get("--iters", "20").c_str()));
  const int warmup = std::max(0, std::atoi(a.get("--warmup", "2").c_str()));
  const int top = std::max(0, std::atoi(a.get("--top", "15").c_str()));
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  mote::Session s;
  if (s.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(s.error());
  if (!a.all("--input").empty()) {
    set_inputs(m, s, a.all("--input"));
  } else {
    uint32_t state = 12345u;
    for (uint32_t k = 0; k < m.num_inputs(); ++k) {
      mote::TensorInfo info;
      (void)m.input_info(k, &info);
      uint8_t* p = static_cast<uint8_t*>(s.input_data(k));
      for (uint32_t i = 0; i < info.bytes; ++i) {
        state = state * 1664525u + 1013904223u;
        p[i] = uint8_t(state >> 24);
      }
      if (info.dtype == MOTE_F32) {
        float* f = reinterpret_cast<float*>(p);
        for (uint32_t i = 0; i < info.bytes / 4; ++i) {
          state = state * 1664525u + 1013904223u;
          f[i] = float(state >> 8) / 16777216.0f - 0.5f;
        }
      } else if (info.dtype == MOTE_I64 || info.dtype == MOTE_I32 || info.dtype == MOTE_BOOL) {
        std::memset(p, 0, info.bytes);
      }
    }
  }
  std::vector<double> op_us(m.num_ops(), 0.0);
  std::vector<double> times;
  for (int it = 0; it < warmup + iters; ++it) {
    const uint64_t t0 = mote_platform_now_us();
    if (a.flag("--profile") && it >= warmup) {
      for (uint32_t k = 0; k < m.num_ops(); ++k) {
        const uint64_t o0 = mote_platform_now_us();
        if (s.run_ops(k, k + 1) != mote::Status::kOk) fail(std::string("run failed: ") + s.error());
        op_us[k] += double(mote_platform_now_us() - o0);
      }
    } else if (s.run() != mote::Status::kOk) {
      fail(std::string("run failed: ") + s.error());
    }
    const uint64_t t1 = mote_platform_now_us();
    if (it >= warmup) times.push_back(double(t1 - t0) / 1000.0);
  }
  std::sort(times.begin(), times.end());
  const double median = times[times.size() / 2], best = times[0];
  if (a.flag("--json")) {
    std::printf("{\"median_ms\": %.4f, \"min_ms\": %.4f, \"iters\": %d, \"arena_bytes\": %u, \"kernels\": \"%s\"}\n", median,
                best, iters, m.arena_bytes(), mote::kernel_set_name());
  } else {
    std::printf("%s: median %.3f ms, min %.3f ms over %d runs (arena %u bytes, kernels: %s)\n", a.positional[0].c_str(), median,
                best, iters, m.arena_bytes(), mote::kernel_set_name());
  }
  if (a.flag("--profile")) {
    std::map<std::string, double> by_type;
    double total = 0;
    for (uint32_t k = 0; k < m.num_ops(); ++k) {
      by_type[mote::op_name(m.op(k).code)] += op_us[k] / iters;
      total += op_us[k] / iters;
    }
    std::vector<std::pair<double, std::string>> rows;
    for (const auto& kv : by_type) rows.push_back({kv.second, kv.first});
    std::sort(rows.rbegin(), rows.rend());
    std::printf("\n%-24s %10s %7s\n", "op type", "ms/run", "share");
    for (const auto& r : rows) std::printf("%-24s %10.3f %6.1f%%\n", r.second.c_str(), r.first / 1000.0, total ? 100.0 * r.first / total : 0.0);
    // The slowest single ops, with their output shape and source node: where to look first.
    std::vector<uint32_t> order(m.num_ops());
    for (uint32_t k = 0; k < m.num_ops(); ++k) order[k] = k;
    std::sort(order.begin(), order.end(), [&](uint32_t x, uint32_t y) { return op_us[x] > op_us[y]; });
    const uint32_t shown = top == 0 ? m.num_ops() : std::min<uint32_t>(uint32_t(top), m.num_ops());
    std::printf("\n%-5s %-12s %-22s %10s %7s  %s\n", "op", "type", "output", "ms/run", "share", "node");
    for (uint32_t r = 0; r < shown; ++r) {
      const uint32_t k = order[r];
      const mote_op_record& op = m.op(k);
      std::string shape = "-";
      if (op.num_outputs > 0) {
        const mote::TensorView v = m.view(m.operand(op.operands + op.num_inputs), nullptr);
        shape.clear();
        for (int32_t d = 0; d < v.rank; ++d) shape += (d ? "x" : "") + std::to_string(v.dims[d]);
      }
      const double us = op_us[k] / iters;
      std::printf("%-5u %-12s %-22s %10.3f %6.1f%%  %s\n", k, mote::op_name(op.code), shape.c_str(), us / 1000.0,
                  total ? 100.0 * us / total : 0.0, m.string(op.name));
    }
  }
  return 0;
}

}  // namespace mote_cli

// mote run: a blob on .npy / .pb inputs, writing NAME.npy outputs.
#include <sys/stat.h>

#include <algorithm>
#include <cstdio>

#include "cli.h"

namespace mote_cli {

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

}  // namespace mote_cli

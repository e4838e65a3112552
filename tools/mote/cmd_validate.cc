// mote validate: converts and runs an ONNX backend-test directory and compares the outputs.
#include <dirent.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>

#include "cli.h"

namespace mote_cli {

namespace {

const char* kValidateHelp =
    "usage: mote validate TESTDIR [--rtol R] [--atol A] [--narrow-double]\n"
    "\n"
    "Takes a directory in ONNX backend-test form (model.onnx, test_data_set_*/input_*.pb and\n"
    "output_*.pb), converts the model with shapes bound from the test inputs, runs every data set\n"
    "and compares the outputs (default rtol 1e-3, atol 1e-7; integers and bools exactly).\n"
    "Prints 'PASS', 'FAIL' or 'UNSUPPORTED' with the worst error or the reason; exits 0 only on PASS.\n"
    "\n"
    "  --narrow-double   convert as mote convert --narrow-double does, feed float64 test inputs\n"
    "                    as float32 and compare float64 expected outputs at float32 tolerance\n"
    "                    (the same rtol and atol); a PASS then says how many tensors were narrowed.\n"
    "                    A model without float64 converts and runs as without it.\n";

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
  // An output padded to its static maximum (NonMaxSuppression's selected rows): more rows along
  // axis 0 than expected, every one past them -1; the leading rows are compared.
  const bool padded = info.dtype == MOTE_I64 && info.rank >= 1 && want.shape.size() == size_t(info.rank) &&
                      want.shape[0] < info.dims[0] && want.data.size() < info.bytes &&
                      std::all_of(reinterpret_cast<const int64_t*>(static_cast<const uint8_t*>(got) + want.data.size()),
                                  reinterpret_cast<const int64_t*>(static_cast<const uint8_t*>(got) + info.bytes),
                                  [](int64_t v) { return v == -1; });
  if ((!padded && want.data.size() != info.bytes) || want.shape.size() != size_t(info.rank)) {
    *why = std::string("output '") + info.name + "' has shape " + dims_text(info.dims, info.rank) + ", expected another";
    return false;
  }
  for (int32_t d = padded ? 1 : 0; d < info.rank; ++d) {
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
  Args a(raw, {"--rtol", "--atol"}, {"--narrow-double"});
  const bool narrow = a.flag("--narrow-double");
  if (a.positional.size() != 1) usage("expects exactly one TESTDIR");
  const std::string dir = a.positional[0];
  const double rtol = parse_number(a.get("--rtol", "1e-3"), "--rtol", 0.0, 1e30);
  const double atol = parse_number(a.get("--atol", "1e-7"), "--atol", 0.0, 1e30);
  std::string name = dir;
  while (!name.empty() && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  struct stat st;
  if (stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) usage(dir + ": no such directory");
  const auto sets = list_dir(dir, "test_data_set_");
  if (sets.empty()) usage(dir + ": not an ONNX backend-test directory (no test_data_set_* directories)");
  // Input names come from the .pb files, or else from the graph's inputs in order.
  std::vector<std::vector<mote::HostTensor>> inputs;
  mote::ConvertOptions opt;
  opt.narrow_double = narrow;
  mote::ConvertResult conv;
  try {
    const std::vector<std::string> graph_inputs = mote::graph_input_names(dir + "/model.onnx");
    for (const auto& set : sets) {
      std::vector<mote::HostTensor> v;
      for (const auto& f : list_dir(dir + "/" + set, "input_")) {
        v.push_back(mote::read_tensor_proto_file(dir + "/" + set + "/" + f, narrow));
      }
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
      mote::HostTensor want;
      try {
        want = mote::read_tensor_proto_file(dir + "/" + sets[s] + "/" + outs[k], narrow);
      } catch (const mote::ConvertError& e) {
        std::printf("UNSUPPORTED %s: expected output: %s\n", name.c_str(), e.what());
        return 3;
      }
      mote::TensorInfo info;
      (void)m.output_info(uint32_t(k), &info);
      std::string why;
      if (!compare(info, session.output_data(uint32_t(k)), want, rtol, atol, &worst, &why)) {
        std::printf("FAIL %s: %s: %s\n", name.c_str(), sets[s].c_str(), why.c_str());
        return 1;
      }
    }
  }
  std::printf("PASS %s: %zu data sets, %u ops, worst abs error %.3g", name.c_str(), sets.size(), m.num_ops(), worst);
  if (conv.narrowed) std::printf(", narrowed %u float64 tensor%s to float32", conv.narrowed, conv.narrowed == 1 ? "" : "s");
  std::printf("\n");
  return 0;
}

}  // namespace mote_cli

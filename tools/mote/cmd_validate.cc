// mote validate: converts and runs an ONNX backend-test directory and compares the outputs.
#include <dirent.h>

#include <algorithm>
#include <chrono>
#include <exception>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include <sys/stat.h>

#include "cli.h"

namespace mote_cli {

namespace {

const char* kValidateHelp =
    "usage: mote validate TESTDIR... [--rtol R] [--atol A] [--narrow-double]\n"
    "\n"
    "Takes a directory in ONNX backend-test form (model.onnx, test_data_set_*/input_*.pb and\n"
    "output_*.pb), converts the model with shapes bound from the test inputs, runs every data set\n"
    "and compares the outputs (default rtol 1e-3, atol 1e-7; integers and bools exactly).\n"
    "Prints 'PASS', 'FAIL' or 'UNSUPPORTED' with the worst error or the reason; exits 0 only on PASS.\n"
    "\n"
    "Several TESTDIRs, or a directory whose subdirectories are tests (a whole suite such as\n"
    "libonnx-testdata's data/node), run one after another: each line starts with [k/N] and the\n"
    "seconds so far, a summary line ends the run, and the exit status is 0 when every test passed,\n"
    "1 when one failed, else 3 when one is unsupported.\n"
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

struct ValidateOptions {
  double rtol = 1e-3;
  double atol = 1e-7;
  bool narrow = false;
};

bool is_dir(const std::string& path) {
  struct stat st;
  return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool is_test_dir(const std::string& dir) { return !list_dir(dir, "test_data_set_").empty(); }

// Converts and runs one backend-test directory; prints its verdict line after `prefix` and
// returns 0 (PASS), 1 (FAIL) or 3 (UNSUPPORTED). Failures of the CLI's own kind are thrown.
int validate_one(const std::string& dir, const ValidateOptions& o, const char* prefix) {
  const double rtol = o.rtol;
  const double atol = o.atol;
  const bool narrow = o.narrow;
  std::string name = dir;
  while (!name.empty() && name.back() == '/') name.pop_back();
  name = name.substr(name.find_last_of('/') == std::string::npos ? 0 : name.find_last_of('/') + 1);
  const auto sets = list_dir(dir, "test_data_set_");
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
    std::printf("%sUNSUPPORTED %s: %s\n", prefix, name.c_str(), e.what());
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
        std::printf("%sFAIL %s: the blob has no input '%s'\n", prefix, name.c_str(), t.name.c_str());
        return 1;
      }
      if (session.set_input(uint32_t(idx), t.data.data(), t.data.size()) != mote::Status::kOk) {
        std::printf("%sFAIL %s: %s: %s\n", prefix, name.c_str(), sets[s].c_str(), session.error());
        return 1;
      }
    }
    if (session.run() != mote::Status::kOk) {
      std::printf("%sFAIL %s: %s: run failed: %s\n", prefix, name.c_str(), sets[s].c_str(), session.error());
      return 1;
    }
    const auto outs = list_dir(dir + "/" + sets[s], "output_");
    if (outs.size() != m.num_outputs()) {
      std::printf("%sFAIL %s: %zu expected outputs, the model has %u\n", prefix, name.c_str(), outs.size(), m.num_outputs());
      return 1;
    }
    for (size_t k = 0; k < outs.size(); ++k) {
      mote::HostTensor want;
      try {
        want = mote::read_tensor_proto_file(dir + "/" + sets[s] + "/" + outs[k], narrow);
      } catch (const mote::ConvertError& e) {
        std::printf("%sUNSUPPORTED %s: expected output: %s\n", prefix, name.c_str(), e.what());
        return 3;
      }
      mote::TensorInfo info;
      (void)m.output_info(uint32_t(k), &info);
      std::string why;
      if (!compare(info, session.output_data(uint32_t(k)), want, rtol, atol, &worst, &why)) {
        std::printf("%sFAIL %s: %s: %s\n", prefix, name.c_str(), sets[s].c_str(), why.c_str());
        return 1;
      }
    }
  }
  std::printf("%sPASS %s: %zu data sets, %u ops, worst abs error %.3g", prefix, name.c_str(), sets.size(), m.num_ops(), worst);
  if (conv.narrowed) std::printf(", narrowed %u float64 tensor%s to float32", conv.narrowed, conv.narrowed == 1 ? "" : "s");
  std::printf("\n");
  return 0;
}

}  // namespace

int cmd_validate(const std::vector<std::string>& raw) {
  if (wants_help(raw)) {
    std::fputs(kValidateHelp, stdout);
    return 0;
  }
  Args a(raw, {"--rtol", "--atol"}, {"--narrow-double"});
  ValidateOptions o;
  o.narrow = a.flag("--narrow-double");
  if (a.positional.empty()) usage("expects a TESTDIR");
  o.rtol = parse_number(a.get("--rtol", "1e-3"), "--rtol", 0.0, 1e30);
  o.atol = parse_number(a.get("--atol", "1e-7"), "--atol", 0.0, 1e30);
  // Every directory is checked before anything runs: a test, or a suite of tests.
  std::vector<std::string> tests;
  for (const std::string& dir : a.positional) {
    if (!is_dir(dir)) usage(dir + ": no such directory");
    if (is_test_dir(dir)) {
      tests.push_back(dir);
      continue;
    }
    std::vector<std::string> suite;
    for (const std::string& sub : list_dir(dir, "")) {
      const std::string path = dir + (dir.back() == '/' ? "" : "/") + sub;
      if (sub != "." && sub != ".." && is_dir(path) && is_test_dir(path)) suite.push_back(path);
    }
    if (suite.empty()) usage(dir + ": not an ONNX backend-test directory (no test_data_set_* directories, nor tests below it)");
    std::sort(suite.begin(), suite.end());
    tests.insert(tests.end(), suite.begin(), suite.end());
  }
  if (tests.size() == 1) return validate_one(tests[0], o, "");
  // Many tests: one line each as it finishes (the progress), then a summary.
  const auto t0 = std::chrono::steady_clock::now();
  const auto seconds = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
  size_t counts[4] = {0, 0, 0, 0};  // passed, failed, -, unsupported
  const int width = int(std::to_string(tests.size()).size());
  const auto failed = [](const char* prefix, const std::string& name, const std::string& why) {
    std::printf("%sFAIL %s: %s\n", prefix, name.c_str(), why.c_str());
    return 1;
  };
  for (size_t k = 0; k < tests.size(); ++k) {
    char prefix[64];
    std::snprintf(prefix, sizeof prefix, "[%*zu/%zu %7.1f s] ", width, k + 1, tests.size(), seconds());
    std::string name = tests[k];
    while (!name.empty() && name.back() == '/') name.pop_back();
    name = name.substr(name.find_last_of('/') + 1);
    int code;
    try {
      code = validate_one(tests[k], o, prefix);
    } catch (const Failure& e) {
      code = failed(prefix, name, e.text);
    } catch (const UsageError& e) {
      code = failed(prefix, name, e.text);
    } catch (const std::exception& e) {
      code = failed(prefix, name, e.what());
    }
    std::fflush(stdout);
    ++counts[code == 0 ? 0 : code == 3 ? 3 : 1];
  }
  std::printf("validate: %zu passed, %zu failed, %zu unsupported, of %zu tests in %.1f s\n", counts[0], counts[1], counts[3],
              tests.size(), seconds());
  return counts[1] ? 1 : counts[3] ? 3 : 0;
}

}  // namespace mote_cli

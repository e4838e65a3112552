// mote run: a blob on .npy / .pb inputs, writing NAME.npy outputs.
#include <sys/stat.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "cli.h"
#include "mote/text.hpp"
#include "mote/vocab_format.h"

namespace mote_cli {

namespace {

// An --input spec resolved against the model: its index and the file's tensor.
struct InputFile {
  uint32_t index;
  mote::TensorInfo info;
  mote::HostTensor t;
  std::string file;
  uint32_t wav_rate = 0;  // the sample rate of a .wav input, else 0
};

std::vector<InputFile> read_inputs(const mote::Model& m, const std::vector<std::string>& specs) {
  std::vector<InputFile> files;
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
    InputFile f;
    f.index = uint32_t(idx);
    (void)m.input_info(f.index, &f.info);
    f.t = read_tensor_file(file, &f.wav_rate);
    f.file = file;
    if (f.t.dtype != f.info.dtype) {
      fail("input '" + name + "' is " + mote::dtype_name(f.info.dtype) + " but " + file + " holds " + mote::dtype_name(f.t.dtype));
    }
    files.push_back(std::move(f));
  }
  // Every input needs a value, except a carried state, which a session starts at zeros.
  for (uint32_t k = 0; k < m.num_inputs(); ++k) {
    bool given = false;
    for (const InputFile& f : files) given = given || f.index == k;
    mote::TensorInfo info;
    (void)m.input_info(k, &info);
    if (!given && !info.state) usage(std::string("missing --input for '") + info.name + "' " + dims_text(info.dims, info.rank));
  }
  return files;
}

std::string shape_text(const std::vector<int64_t>& shape) {
  std::string text = "[";
  for (size_t k = 0; k < shape.size(); ++k) text += (k ? "," : "") + std::to_string(shape[k]);
  return text + "]";
}

// A file with the input's bytes but another shape (a flat [64] for [1,1,8,8]) is taken, with a
// note, once per file.
void note_reshaped(const InputFile& f) {
  bool same = int64_t(f.t.shape.size()) == f.info.rank;
  for (int32_t d = 0; same && d < f.info.rank; ++d) same = f.t.shape[size_t(d)] == f.info.dims[d];
  if (!same) {
    std::fprintf(stderr, "note: input '%s' %s taken from %s of shape %s (the same %lld elements)\n", f.info.name,
                 dims_text(f.info.dims, f.info.rank).c_str(), f.file.c_str(), shape_text(f.t.shape).c_str(),
                 static_cast<long long>(f.info.bytes / mote::dtype_size(f.info.dtype)));
  }
}

// How many chunks of the model's input the file holds along `axis` (1 for an exact fit, 0 if it
// is not a whole number of them).
int64_t chunks_of(const InputFile& f, int32_t axis) {
  if (f.t.data.size() == f.info.bytes) return 1;
  if (axis < 0 || int64_t(f.t.shape.size()) != f.info.rank || axis >= f.info.rank) return 0;
  for (int32_t d = 0; d < f.info.rank; ++d) {
    if (d != axis && f.t.shape[size_t(d)] != f.info.dims[d]) return 0;
  }
  const int64_t have = f.t.shape[size_t(axis)], want = f.info.dims[axis];
  return want > 0 && have % want == 0 ? have / want : 0;
}

// Copies chunk `c` (along `axis`) of the file into the session's input.
void set_chunk(mote::Session& s, const InputFile& f, int32_t axis, int64_t c) {
  if (f.t.data.size() == f.info.bytes) {
    if (s.set_input(f.index, f.t.data.data(), f.t.data.size()) != mote::Status::kOk) fail(s.error());
    return;
  }
  const size_t elem = mote::dtype_size(f.info.dtype);
  int64_t outer = 1, inner = int64_t(elem);
  for (int32_t d = 0; d < axis; ++d) outer *= f.info.dims[d];
  for (int32_t d = axis + 1; d < f.info.rank; ++d) inner *= f.info.dims[d];
  const int64_t rows = f.info.dims[axis], file_rows = f.t.shape[size_t(axis)];
  uint8_t* dst = static_cast<uint8_t*>(s.input_data(f.index));
  for (int64_t o = 0; o < outer; ++o) {
    const uint8_t* src = f.t.data.data() + size_t((o * file_rows + c * rows) * inner);
    std::copy(src, src + rows * inner, dst + size_t(o * rows * inner));
  }
}

// A .wav input [1, N] fed in chunks along axis 1 of a [1, C] input: the last partial chunk is
// padded with zeros (silence) to a whole one.
void pad_wav(InputFile& f, int32_t axis) {
  if (f.wav_rate == 0 || axis != 1 || f.info.rank != 2 || f.info.dims[0] != 1 || f.info.dims[1] <= 0) return;
  const int64_t want = f.info.dims[1], have = f.t.shape[1];
  const int64_t padded = (have + want - 1) / want * want;
  if (padded == have || padded == 0) return;
  f.t.shape[1] = padded;
  f.t.data.resize(size_t(padded) * sizeof(float), 0);
}

// The words of --labels FILE, one per line.
std::vector<std::string> read_labels(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  std::vector<std::string> labels;
  std::string line;
  for (size_t k = 0; k <= bytes.size(); ++k) {
    const char c = k < bytes.size() ? char(bytes[k]) : '\n';
    if (c == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (k < bytes.size() || !line.empty()) labels.push_back(line);
      line.clear();
    } else {
      line += c;
    }
  }
  if (labels.empty()) fail(path + ": no labels");
  return labels;
}

// --text / --text-file: every text tokenized with the blob's vocabulary into the model's token
// inputs, stacked along axis 0 (one run per text, like --chunk 0): 'attention_mask' and
// 'token_type_ids' by name, the ids into the one other integer input. The sequence length is
// the ids input's last dimension.
std::vector<InputFile> text_inputs(const mote::Model& m, const std::string& blob, const std::vector<std::string>& texts) {
  mote::Vocab vocab;
  if (!m.has_vocab()) fail("--text: " + blob + " carries no vocabulary (convert the model with --vocab vocab.txt)");
  if (m.vocab(&vocab) != mote::Status::kOk) fail("--text: " + blob + ": " + vocab.error());
  std::vector<InputFile> files;
  int32_t ids = -1, mask = -1, types = -1;
  for (uint32_t k = 0; k < m.num_inputs(); ++k) {
    InputFile f;
    f.index = k;
    (void)m.input_info(k, &f.info);
    if (f.info.state) continue;
    const std::string name = f.info.name;
    if (f.info.dtype != MOTE_I64 && f.info.dtype != MOTE_I32) {
      fail("--text: input '" + name + "' is " + mote::dtype_name(f.info.dtype) + ", not int64 or int32 token ids");
    }
    int32_t* slot = name == "attention_mask" ? &mask : name == "token_type_ids" ? &types : &ids;
    if (*slot >= 0) fail("--text: the model has two token-id inputs ('" + std::string(files[size_t(*slot)].info.name) + "' and '" + name + "')");
    *slot = int32_t(files.size());
    f.file = "--text";
    files.push_back(f);
  }
  if (ids < 0) fail("--text: the model has no token-id input");
  const mote::TensorInfo& info = files[size_t(ids)].info;
  const int64_t length = info.rank > 0 ? info.dims[info.rank - 1] : 0;
  if (length < 2 || length > MOTE_VOCAB_MAX_LENGTH || info.bytes != uint64_t(length) * mote::dtype_size(info.dtype)) {
    fail("--text: input '" + std::string(info.name) + "' " + dims_text(info.dims, info.rank) + " is not one sequence [1, N] of 2 or more ids");
  }
  for (InputFile& f : files) {
    if (f.info.bytes != info.bytes || f.info.dtype != info.dtype) {
      fail("--text: input '" + std::string(f.info.name) + "' " + dims_text(f.info.dims, f.info.rank) + " is not like '" + info.name + "'");
    }
    f.t.dtype = f.info.dtype;
    f.t.shape.assign(f.info.dims, f.info.dims + f.info.rank);  // the texts stacked along axis 0
    f.t.shape[0] *= int64_t(texts.size());
    f.t.data.reserve(texts.size() * f.info.bytes);
  }
  std::vector<int32_t> out[3] = {std::vector<int32_t>(size_t(length)), std::vector<int32_t>(size_t(length)),
                                 std::vector<int32_t>(size_t(length))};
  const int32_t which[3] = {ids, mask, types};
  for (const std::string& text : texts) {
    uint32_t count = 0;
    if (vocab.tokenize(text.data(), text.size(), uint32_t(length), 0, out[0].data(), out[1].data(), out[2].data(),
                       uint32_t(length), &count) != mote::Status::kOk) {
      fail(std::string("--text: ") + vocab.error());
    }
    for (int k = 0; k < 3; ++k) {
      if (which[k] < 0) continue;
      mote::HostTensor& t = files[size_t(which[k])].t;
      for (int32_t v : out[k]) {
        if (t.dtype == MOTE_I64) {
          const int64_t w = v;
          t.data.insert(t.data.end(), reinterpret_cast<const uint8_t*>(&w), reinterpret_cast<const uint8_t*>(&w) + 8);
        } else {
          t.data.insert(t.data.end(), reinterpret_cast<const uint8_t*>(&v), reinterpret_cast<const uint8_t*>(&v) + 4);
        }
      }
    }
  }
  return files;
}

// The lines of --text-file (a trailing '\r' removed, empty lines skipped).
std::vector<std::string> read_lines(const std::string& path) {
  const std::vector<uint8_t> bytes = read_file(path);
  std::vector<std::string> lines;
  std::string line;
  for (size_t k = 0; k <= bytes.size(); ++k) {
    if (k == bytes.size() || bytes[k] == '\n') {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) lines.push_back(line);
      line.clear();
    } else {
      line.push_back(char(bytes[k]));
    }
  }
  if (lines.empty()) fail(path + ": no text");
  return lines;
}

// The class and its probability in a run's first output, a row of scores: softmax of them,
// unless they already are probabilities (in [0, 1], summing to 1).
void print_class(const mote::TensorInfo& info, const void* data, const std::vector<std::string>& labels, const std::string& text) {
  if (info.dtype != MOTE_F32) fail(std::string("--text: output '") + info.name + "' is " + mote::dtype_name(info.dtype) + ", not float32 scores");
  const float* f = static_cast<const float*>(data);
  const uint32_t n = info.bytes / 4;
  if (n == 0) fail(std::string("--text: output '") + info.name + "' is empty");
  uint32_t best = 0;
  double sum = 0.0;
  bool probs = true;
  for (uint32_t k = 0; k < n; ++k) {
    best = f[k] > f[best] ? k : best;
    sum += f[k];
    probs = probs && f[k] >= 0.0f && f[k] <= 1.0f;
  }
  double p = f[best];
  if (!probs || std::fabs(sum - 1.0) > 1e-3) {
    double z = 0.0;
    for (uint32_t k = 0; k < n; ++k) z += std::exp(double(f[k]) - double(f[best]));
    p = 1.0 / z;
  }
  const std::string name = best < labels.size() ? labels[best] : "class " + std::to_string(best);
  std::printf("%-16s %.4f  %s\n", name.c_str(), p, text.c_str());
}

// The value of a one-element output (float or integer) as a double.
double scalar_output(const mote::TensorInfo& info, const void* p) {
  switch (info.dtype) {
    case MOTE_F32: return double(*static_cast<const float*>(p));
    case MOTE_I32: return double(*static_cast<const int32_t*>(p));
    case MOTE_I64: return double(*static_cast<const int64_t*>(p));
    case MOTE_I8: return double(*static_cast<const int8_t*>(p));
    default: return -1.0;
  }
}

}  // namespace

void set_inputs(const mote::Model& m, mote::Session& s, const std::vector<std::string>& specs) {
  for (const InputFile& f : read_inputs(m, specs)) {
    if (f.t.data.size() != f.info.bytes) {
      fail("input '" + std::string(f.info.name) + "' expects shape " + dims_text(f.info.dims, f.info.rank) + " but " + f.file +
           " has shape " + shape_text(f.t.shape));
    }
    note_reshaped(f);
    set_chunk(s, f, 0, 0);
  }
}

namespace {

const char* kRunHelp =
    "usage: mote run OUT.mote --input NAME=FILE [--input NAME=FILE ...] [--output-dir DIR]\n"
    "                [--chunk AXIS] [--repeat N] [--labels FILE [--rate HZ]]\n"
    "       mote run OUT.mote --text TEXT [--text TEXT ...] | --text-file FILE [--labels FILE]\n"
    "\n"
    "Runs a blob on the host. Inputs are numpy .npy files, ONNX TensorProto .pb files or .wav\n"
    "files (16-bit PCM mono, read as float32 [1, N]: the samples / 32768); a model with one\n"
    "input also takes '--input FILE'. Writes one NAME.npy per output into DIR (default: the\n"
    "current directory) and prints a summary of each output.\n"
    "\n"
    "Streaming: with --chunk AXIS, an input file holding several of the model's inputs along AXIS\n"
    "(e.g. 50 chunks of 49 frames as [1, 2450, 40] for an input [1, 49, 40]) is fed one chunk per\n"
    "run, in order, in one session, so a model converted with --carry continues its state from\n"
    "run to run. Carried state inputs need no --input: a session starts them at zeros. Each\n"
    "output's NAME.npy then holds the last run's value and NAME.runs.npy every run's, stacked on\n"
    "a new first axis. A .wav input chunked along axis 1 of a [1, C] input has its last partial\n"
    "chunk padded with zeros.\n"
    "\n"
    "Detections: with --labels FILE (one class name per line, in class order) and a model with\n"
    "an output named 'event' (one value per run: a class index, or negative for none), every\n"
    "run whose event is >= 0 prints one line, as it happens:\n"
    "    1.240 s  yes\n"
    "the time being the end of that run's audio, (run + 1) * S / HZ seconds, where S is the\n"
    "chunked input's length along AXIS (without --chunk: the first input's last dimension) and\n"
    "HZ is --rate, else a .wav input's sample rate, else 16000.\n"
    "\n"
    "Text: with --text (repeatable) or --text-file (one text per line), a blob converted with\n"
    "--vocab tokenizes each text with its vocabulary (docs/text.md) into the model's token-id\n"
    "input (int64 or int32 [1, N]; 'attention_mask' and 'token_type_ids' inputs by name) and\n"
    "runs once per text. Each run prints the class of the first output (its highest score) with\n"
    "its probability (softmax of the scores, unless they are probabilities) and the text:\n"
    "    set_timer        0.9931  set a timer for 5 minutes\n"
    "the class named by --labels. The ids fed are written as NAME.npy per token input.\n"
    "\n"
    "options:\n"
    "  --input NAME=FILE   input tensor (repeatable)\n"
    "  --output-dir DIR    where to write the outputs\n"
    "  --chunk AXIS        feed the inputs chunk by chunk along AXIS, one chunk per run\n"
    "  --repeat N          number of runs (default: the number of chunks, else 1)\n"
  "  --text TEXT         tokenize TEXT with the blob's vocabulary and run on it (repeatable)\n"
    "  --text-file FILE    the same for each line of FILE\n"
    "  --labels FILE       print the runs whose 'event' output fires (with --text: each run's\n"
    "                      class), with the class name\n"
    "  --rate HZ           samples per second for the times --labels prints\n"
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
  Args a(raw, {"--input", "--output-dir", "--chunk", "--repeat", "--labels", "--rate", "--text", "--text-file"}, {"--quiet"});
  if (a.positional.size() != 1) usage("expects exactly one blob");
  std::vector<std::string> texts = a.all("--text");
  if (!a.get("--text-file").empty()) {
    if (!texts.empty()) usage("--text or --text-file, not both");
    texts = read_lines(a.get("--text-file"));
  }
  if (!texts.empty() && !a.all("--input").empty()) usage("--text feeds the model's inputs: no --input with it");
  if (!texts.empty() && !a.get("--chunk").empty()) usage("--text runs once per text: no --chunk with it");
  if (!texts.empty() && !a.get("--rate").empty()) usage("--rate goes with audio, not --text");
  LoadedBlob b;
  b.load_file(a.positional[0]);
  const mote::Model& m = b.model;
  Arena arena(m.arena_bytes());
  mote::Session s;
  if (s.init(&m, arena.data, arena.size) != mote::Status::kOk) fail(s.error());
  std::vector<InputFile> files = texts.empty() ? read_inputs(m, a.all("--input")) : text_inputs(m, a.positional[0], texts);
  int32_t axis = texts.empty() ? -1 : 0;
  if (!a.get("--chunk").empty()) axis = int32_t(parse_int(a.get("--chunk"), "--chunk"));
  for (InputFile& f : files) pad_wav(f, axis);
  // --labels: the event output, the class names and the clock of the printed times.
  std::vector<std::string> labels;
  int32_t event = -1;
  double seconds_per_run = 0.0;
  if (!a.get("--rate").empty() && a.get("--labels").empty()) usage("--rate goes with --labels");
  if (!a.get("--labels").empty()) labels = read_labels(a.get("--labels"));
  if (!a.get("--labels").empty() && texts.empty()) {
    event = m.find_output("event");
    if (event < 0) fail("--labels: the model has no output named 'event'");
    mote::TensorInfo info;
    (void)m.output_info(uint32_t(event), &info);
    if (info.bytes != mote::dtype_size(info.dtype)) fail("--labels: output 'event' is " + dims_text(info.dims, info.rank) + ", not one value");
    double hz = 16000.0;
    for (const InputFile& f : files) {
      if (f.wav_rate != 0) hz = f.wav_rate;
    }
    if (!a.get("--rate").empty()) {
      const int64_t r = parse_int(a.get("--rate"), "--rate");
      if (r < 1) usage("--rate takes a positive number of samples per second");
      hz = double(r);
    }
    int64_t samples = 0;
    if (!files.empty()) {
      const InputFile* f = &files[0];  // the chunked input, else the first
      for (auto g = files.rbegin(); g != files.rend(); ++g) {
        if (chunks_of(*g, axis) > 1) f = &*g;
      }
      samples = f->info.rank > 0 ? f->info.dims[axis >= 0 && axis < f->info.rank ? axis : f->info.rank - 1] : 1;
    }
    seconds_per_run = double(samples) / hz;
  }
  int64_t chunks = 1;
  for (const InputFile& f : files) {
    const int64_t n = chunks_of(f, axis);
    if (n == 0) {
      fail("input '" + std::string(f.info.name) + "' expects shape " + dims_text(f.info.dims, f.info.rank) + " but " + f.file +
           " has shape " + shape_text(f.t.shape) + (axis < 0 ? "" : " (not a whole number of chunks along axis " +
                                                                         std::to_string(axis) + ")"));
    }
    if (n > 1 && chunks > 1 && n != chunks) fail("the chunked inputs hold different numbers of chunks");
    if (n == 1) note_reshaped(f);
    chunks = std::max(chunks, n);
  }
  int64_t runs = chunks;
  if (!a.get("--repeat").empty()) {
    runs = parse_int(a.get("--repeat"), "--repeat");
    if (runs < 1) usage("--repeat takes a positive count");
    if (chunks > 1 && runs > chunks) fail("--repeat " + std::to_string(runs) + ": the inputs hold " + std::to_string(chunks) + " chunks");
  }
  std::vector<std::vector<uint8_t>> history(m.num_outputs());
  for (int64_t r = 0; r < runs; ++r) {
    for (const InputFile& f : files) {
      if (r == 0 || chunks_of(f, axis) > 1) set_chunk(s, f, axis, chunks_of(f, axis) > 1 ? r : 0);
    }
    if (s.run() != mote::Status::kOk) fail(std::string("run ") + std::to_string(r) + " failed: " + s.error());
    if (!texts.empty()) {
      mote::TensorInfo info;
      (void)m.output_info(0, &info);
      print_class(info, s.output_data(0), labels, texts[size_t(std::min<int64_t>(r, int64_t(texts.size()) - 1))]);
    }
    if (event >= 0) {
      mote::TensorInfo info;
      (void)m.output_info(uint32_t(event), &info);
      const double v = scalar_output(info, s.output_data(uint32_t(event)));
      if (v >= 0.0) {
        const size_t k = size_t(v + 0.5);
        const std::string name = k < labels.size() ? labels[k] : "class " + std::to_string(k);
        std::printf("%.3f s  %s\n", double(r + 1) * seconds_per_run, name.c_str());
        std::fflush(stdout);
      }
    }
    if (runs > 1) {
      for (uint32_t k = 0; k < m.num_outputs(); ++k) {
        mote::TensorInfo info;
        (void)m.output_info(k, &info);
        const uint8_t* p = static_cast<const uint8_t*>(s.output_data(k));
        history[k].insert(history[k].end(), p, p + info.bytes);
      }
    }
  }
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
    if (runs > 1) {
      t.shape.insert(t.shape.begin(), runs);
      t.data = history[k];
      mote::write_npy(dir + "/" + safe + ".runs.npy", t);
    }
    if (!a.flag("--quiet")) print_output(info, p);
  }
  // The token ids --text fed, one NAME.npy per token input: [texts, ...] (the runs stacked).
  for (const InputFile& f : texts.empty() ? std::vector<InputFile>() : files) {
    mote::write_npy(dir + "/" + f.info.name + ".npy", f.t);
  }
  if (runs > 1) std::printf("runs: %lld\n", static_cast<long long>(runs));
  std::printf("arena: %u bytes\n", m.arena_bytes());
  return 0;
}

}  // namespace mote_cli

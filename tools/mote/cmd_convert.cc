// mote convert: an ONNX model to a Mote blob (and optionally a C header).
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>

#include "cli.h"

namespace mote_cli {
namespace {

std::string split_name_value(const std::string& text, const std::string& what, std::string* value) {
  size_t eq = text.find('=');
  if (eq == std::string::npos || eq == 0) usage(what + " expects NAME=VALUE, got '" + text + "'");
  *value = text.substr(eq + 1);
  return text.substr(0, eq);
}

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
    "                            load if its kernels need more. For Cortex-M targets only\n"
    "                            (cortex-m4, -m7, -m55, with or without reference), int8\n"
    "                            convolution chains run in NHWC\n"
    "  --arena fast|min          fast (default): each op's scratch is the largest the targets'\n"
    "                            kernels need. min: the arena the reference kernels' scratch\n"
    "                            needs; an op keeps its optimised kernel where that kernel's\n"
    "                            scratch fits in it, else it runs on the reference kernel (the\n"
    "                            blob records it, the runtime follows it): the smallest arena,\n"
    "                            more instructions (digits int8 on a Cortex-M4: 1,024 B\n"
    "                            instead of 3,600 B; docs/memory-planning.md)\n"
    "  --io-layout nchw|nhwc     with NHWC convolution chains: the model's 4-D int8 inputs and\n"
    "                            outputs at them in the model's NCHW (default, a Transpose at each\n"
    "                            edge) or NHWC\n"
    "  --carry OUT=IN            streaming state: every run writes output OUT into input IN's\n"
    "                            bytes, so the next run continues from it (an RNN's h and c);\n"
    "                            a new session starts it at zeros (repeatable)\n"
    "  --narrow-double           compute the model's float64 (DOUBLE) tensors in float32:\n"
    "                            initialisers, Constant values, graph inputs and outputs,\n"
    "                            Cast/CastLike targets. Without it such a model is refused,\n"
    "                            naming the tensor; with it the notes and 'mote info' say how\n"
    "                            many were narrowed, and the inputs and outputs take float32\n"
    "  --no-fusion               skip BatchNorm folding, activation fusion and channel-shuffle folding\n"
    "  --no-zp-fold              keep int8 QConv/QMatMul starts unfolded (bias - zp * sum w at run time)\n"
    "  --quantize int8           post-training int8 quantisation (needs --calib)\n"
    "  --quantize int8-weights   dynamic-range int8: the constant weights of Conv, ConvTranspose,\n"
    "                            Gemm, MatMul, RNN, GRU and LSTM stored int8 per output channel\n"
    "                            (a quarter of their float size), activations float; no --calib\n"
    "  --calib SAMPLES           calibration inputs: a .npy with N samples along axis 0, or a\n"
    "                            directory holding one NAME.npy per input. With --carry the\n"
    "                            samples are consecutive runs of one stream: carried inputs need\n"
    "                            none (they start at zeros and carry from run to run)\n"
    "  --calib-method M          how each activation's range is chosen from the samples: minmax\n"
    "                            (default), percentile, mse (least squared quantisation error over\n"
    "                            a histogram) or entropy (least KL divergence, 2048-bin histogram)\n"
    "  --percentile P            with --calib-method percentile: keep P% of each range (default 99.99)\n"
    "  --bias-correction         with --quantize int8: correct each Conv/Gemm/MatMul bias by the\n"
    "                            mean output shift its int8 weights cause on the samples\n"
    "  --min-sqnr DB             automatic mixed precision: keep float the fewest ops needed for\n"
    "                            every float output's SQNR against the float model (over the\n"
    "                            calibration samples) to be at least DB; prints the ops and why\n"
    "  --max-sqnr-drop DB        the same with each output's bound DB below the SQNR of rounding\n"
    "                            that output alone to int8 (what an int8 output cannot beat)\n"
    "  --strict                  with --quantize: refuse ops that would have to stay float\n"
    "  --keep-float NAME|OPTYPE  with --quantize: the ops of that node name, node-name prefix\n"
    "                            ending in '*' (e.g. '/frontend/*') or op type (e.g. MatMul) stay\n"
    "                            float (repeatable; one matching no op is refused)\n"
    "  --int8-io                 with --quantize: int8 inputs and outputs (their scale and zero\n"
    "                            point are in 'mote info' and the --c-array header)\n"
    "  --vocab vocab.txt         embed a WordPiece vocabulary (VOCAB section) for 'mote tokenize'\n"
    "                            and the tokenize APIs; its max length is the first input's last\n"
    "                            dimension when that input is integer [1, N], else 512. With it:\n"
    "                            --max-len N, --no-lower-case, --strip-accents, --no-strip-accents,\n"
    "                            --no-cjk-chars, --max-word-chars N (as 'mote vocab')\n"
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
          "--min-sqnr", "--max-sqnr-drop", "--target", "--arena", "--io-layout", "--carry", "--keep-float", "--vocab", "--max-len", "--max-word-chars"},
         {"--no-fusion", "--no-zp-fold", "--strict", "--int8-io", "--narrow-double", "--bias-correction", "--no-lower-case", "--strip-accents",
          "--no-strip-accents", "--no-cjk-chars"});
  if (a.positional.size() != 1) usage("expects exactly one MODEL.onnx");
  std::string out = a.get("-o", a.get("--output"));
  if (out.empty()) usage("missing -o OUT.mote");
  mote::ConvertOptions opt;
  opt.no_fusion = a.flag("--no-fusion");
  opt.fold_zero_points = !a.flag("--no-zp-fold");
  opt.narrow_double = a.flag("--narrow-double");
  try {
    opt.kernel_sets = mote::parse_targets(a.get("--target", "all"));
  } catch (const mote::ConvertError& e) {
    usage(e.what());
  }
  const std::string arena = a.get("--arena", "fast");
  if (arena != "fast" && arena != "min") usage("--arena takes fast or min, not '" + arena + "'");
  if (arena == "min") opt.kernel_sets |= MOTE_SET_LEAN;
  const std::string io_layout = a.get("--io-layout", "nchw");
  if (io_layout != "nchw" && io_layout != "nhwc") usage("--io-layout takes nchw or nhwc, not '" + io_layout + "'");
  opt.io_nhwc = io_layout == "nhwc";
  const std::string quantize = a.get("--quantize");
  if (!quantize.empty() && quantize != "int8" && quantize != "int8-weights") {
    usage("--quantize takes int8 or int8-weights, not '" + quantize + "'");
  }
  opt.quantize_int8 = quantize == "int8";
  opt.quantize_int8_weights = quantize == "int8-weights";
  opt.calib = a.get("--calib");
  opt.calib_method = a.get("--calib-method", "minmax");
  if (opt.calib_method != "minmax" && opt.calib_method != "percentile" && opt.calib_method != "mse" && opt.calib_method != "entropy") {
    usage("--calib-method takes minmax, percentile, mse or entropy, not '" + opt.calib_method + "'");
  }
  opt.percentile = parse_number(a.get("--percentile", "99.99"), "--percentile", 50.0, 100.0);
  if (!a.get("--min-sqnr").empty()) opt.min_sqnr = parse_number(a.get("--min-sqnr"), "--min-sqnr", -100.0, 200.0);
  if (!a.get("--max-sqnr-drop").empty()) opt.max_sqnr_drop = parse_number(a.get("--max-sqnr-drop"), "--max-sqnr-drop", 0.0, 200.0);
  opt.bias_correction = a.flag("--bias-correction");
  const bool amp = std::isfinite(opt.min_sqnr) || std::isfinite(opt.max_sqnr_drop) || opt.bias_correction;
  opt.strict = a.flag("--strict");
  opt.int8_io = a.flag("--int8-io");
  opt.keep_float = a.all("--keep-float");
  const bool method = !a.get("--calib-method").empty() || !a.get("--percentile").empty();
  if (!opt.quantize_int8 && (!opt.calib.empty() || opt.strict || opt.int8_io || !opt.keep_float.empty() || amp || method)) {
    usage("--calib, --calib-method, --percentile, --strict, --int8-io, --keep-float, --min-sqnr, --max-sqnr-drop and "
          "--bias-correction go with --quantize int8");
  }
  if (opt.quantize_int8 && opt.calib.empty()) usage("--quantize int8 needs --calib SAMPLES");
  // A large model (over 10 MB) says what the conversion is doing, with the time so far.
  struct stat st;
  if (stat(a.positional[0].c_str(), &st) == 0 && st.st_size > 10 * 1000 * 1000) {
    const auto t0 = std::chrono::steady_clock::now();
    opt.stage = [t0](const std::string& what) {
      const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
      std::fprintf(stderr, "[%6.1f s] %s\n", s, what.c_str());
    };
  }
  // Progress over one line on a terminal; in a log, a line at each quarter.
  const bool tty = isatty(fileno(stderr));
  opt.progress = [tty](int done, int total) {
    if (total < 20) return;
    if (tty && (done == total || done % std::max(1, total / 20) == 0)) {
      std::fprintf(stderr, "\rcalibrating: %d/%d", done, total);
      if (done == total) std::fprintf(stderr, "\n");
    } else if (!tty && (done == total || done % std::max(1, total / 4) == 0)) {
      std::fprintf(stderr, "calibrating: %d/%d\n", done, total);
    }
  };
  for (const auto& s : a.all("--shape")) {
    std::string v;
    std::string name = split_name_value(s, "--shape", &v);
    opt.shapes[name] = parse_dims(v);
  }
  for (const auto& s : a.all("--carry")) {
    std::string in;
    const std::string out_name = split_name_value(s, "--carry", &in);
    opt.carry.emplace_back(out_name, in);
  }
  for (const auto& s : a.all("--set")) {
    std::string v;
    std::string name = split_name_value(s, "--set", &v);
    opt.sets[name] = v;
  }
  const std::string vocab = a.get("--vocab");
  if (!vocab.empty()) {
    const std::vector<uint8_t> text = read_file(vocab);
    opt.vocab_text.assign(text.begin(), text.end());
    if (opt.vocab_text.empty()) fail(vocab + ": empty vocabulary");
    vocab_options(a, &opt.vocab);
  } else if (!a.get("--max-len").empty() || !a.get("--max-word-chars").empty() || a.flag("--no-lower-case") ||
             a.flag("--strip-accents") || a.flag("--no-strip-accents") || a.flag("--no-cjk-chars")) {
    usage("--max-len, --max-word-chars, --no-lower-case, --strip-accents, --no-strip-accents and --no-cjk-chars go with --vocab");
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

}  // namespace mote_cli

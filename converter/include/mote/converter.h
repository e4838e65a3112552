// Mote converter: ONNX model -> Mote blob with a precomputed arena plan. Host-only C++17.
// Errors are reported as mote::ConvertError exceptions whose text says what is wrong and where.
#ifndef MOTE_CONVERTER_H
#define MOTE_CONVERTER_H

#include <cmath>
#include <cstdint>
#include <functional>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "mote/shape_math.h"

namespace mote {

struct ConvertError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// The model needs the value of a runtime input at conversion time (a shape, axes, pads, a
// Clip bound...): fix it with --set. `input` names it.
struct NeedsConstantInput : ConvertError {
  NeedsConstantInput(const std::string& what, const std::string& name) : ConvertError(what), input(name) {}
  std::string input;
};

// A dense host tensor, as read from an ONNX TensorProto (.pb) or a .npy file.
struct HostTensor {
  std::string name;
  int32_t dtype = 0;  // mote_dtype
  std::vector<int64_t> shape;
  std::vector<uint8_t> data;
  // Element count; throws ConvertError for a negative dimension or more than 2^31 elements.
  int64_t numel() const {
    int64_t n = 0;
    if (!checked_product(shape.data(), 0, int32_t(shape.size()), &n)) {
      throw ConvertError("tensor '" + name + "' is too large: more than 2^31 elements or a negative dimension");
    }
    return n;
  }
};

// A WordPiece vocabulary table (docs/text.md): `mote vocab`, `mote convert --vocab`.
struct VocabOptions {
  bool lower_case = true;    // do_lower_case
  int strip_accents = -1;    // -1: as lower_case (BERT's default), 0: never, 1: always
  bool cjk_chars = true;     // split CJK ideographs into single-character words
  uint32_t max_length = 0;   // default sequence length; 0: 512 (mote convert: the model's)
  uint32_t max_word_chars = 100;
  std::string unk = "[UNK]", cls = "[CLS]", sep = "[SEP]", pad = "[PAD]", mask = "[MASK]";
};
// Builds a .motevocab from the text of a vocab.txt (one token a line; the line number is the
// id; a token on several lines keeps its last id, as BERT's loader does). The special tokens
// except [MASK] must be present. Throws ConvertError.
std::vector<uint8_t> build_vocab(const std::string& vocab_txt, const VocabOptions& options);
uint32_t vocab_token_count(const std::vector<uint8_t>& table);

struct ConvertOptions {
  // Binds input dimensions: name -> full shape (e.g. "input" -> {1,3,224,224}).
  std::map<std::string, std::vector<int64_t>> shapes;
  // Fixes inputs to constants: name -> text value ("0.5", "1,2,3") or "@file.npy".
  std::map<std::string, std::string> sets;
  // Fixes inputs to constants given as tensors (as --set NAME=@file.npy does).
  std::map<std::string, HostTensor> set_tensors;
  // Skips fusion passes (for debugging the planner and kernels).
  bool no_fusion = false;
  // Folds the input zero point of int8 QConv/QMatMul into their start (bias - zp * sum w) once,
  // so the kernels take no weight sums at run time (off with --no-fusion too).
  bool fold_zero_points = true;
  // Float64 (DOUBLE) tensors: refused by name unless this is set; then every one (initialisers,
  // Constant values, graph inputs and outputs, Cast/CastLike targets) becomes float32, the notes
  // say how many, and the blob records it (META narrowed, graph inputs/outputs flagged).
  bool narrow_double = false;
  // Streaming state: graph output -> graph input (--carry OUT=IN). At the end of every run the
  // output is written into the input's arena bytes, so the next run continues from it; a new
  // session (and Session::reset_state) starts the state at zeros.
  std::vector<std::pair<std::string, std::string>> carry;
  // The kernel sets the blob will run on (MOTE_SET_* bits, mote/blob_format.h; parse_targets()
  // reads `--target`): each op's scratch is the largest any of them needs. Default: all sets.
  uint32_t kernel_sets = 0x3Fu;

  // Post-training int8 quantisation (docs/quantization.md).
  bool quantize_int8 = false;
  // Dynamic-range int8 (--quantize int8-weights): constant weights int8 per output channel,
  // activations float; needs no calibration.
  bool quantize_int8_weights = false;
  // A .npy of N samples along axis 0, or a directory of NAME.npy. With `carry` the samples are
  // consecutive runs of one stream: carried inputs need none, calibration carries them from zeros.
  std::string calib;
  std::string calib_method = "minmax";  // or "percentile", "mse", "entropy" (docs/quantization.md)
  double percentile = 99.99;
  // Automatic mixed precision (NaN: off): the fewest ops stay float so that every float graph
  // output's SQNR against the float model, over the calibration samples, is at least `min_sqnr`
  // dB, and at most `max_sqnr_drop` dB below the SQNR of the output's own int8 rounding.
  double min_sqnr = NAN;
  double max_sqnr_drop = NAN;
  // Each int8 Conv/Gemm/MatMul's bias corrected by the mean shift its weight rounding causes on
  // the calibration samples: E[W_q x] - E[W x] per output channel (--bias-correction).
  bool bias_correction = false;
  bool strict = false;                // refuse when an op has to stay float
  bool int8_io = false;               // int8 graph inputs/outputs instead of float ones
  // --io-layout nhwc: when the layout pass makes int8 convolutions NHWC (targets whose kernels
  // want it), the model's 4-D int8 inputs and outputs at those chains are NHWC too (no
  // Transpose at the edges); else they keep the model's NCHW.
  bool io_nhwc = false;
  // Ops that stay float: each entry a node name, a node-name prefix ending in '*', or an op type
  // (--keep-float, repeatable); an entry that matches no op is refused.
  std::vector<std::string> keep_float;
  std::function<void(int done, int total)> progress;  // calibration progress, optional
  std::function<void(const std::string& stage)> stage;  // each step of a conversion, optional
  // A vocab.txt's text to embed as the blob's VOCAB section (--vocab), built with `vocab`; its
  // max length 0 takes the first graph input's last dimension when that input is an integer
  // [1, N] (token ids), else 512.
  std::string vocab_text;
  VocabOptions vocab;
};

struct PlanTensor {  // one buffer of the arena plan, for reports
  std::string name;
  uint32_t offset = 0, bytes = 0, first = 0, last = 0;
  bool scratch = false;
};

struct ConvertResult {
  std::vector<uint8_t> blob;
  uint32_t arena_bytes = 0;
  uint32_t lower_bound = 0;
  uint64_t weight_bytes = 0;
  uint32_t op_count = 0;
  uint32_t folded_nodes = 0;
  uint32_t narrowed = 0;  // float64 tensors narrowed to float32 (ConvertOptions::narrow_double)
  std::vector<std::string> notes;  // passes applied, for the CLI to show
};

// Throws ConvertError for options that contradict each other or are out of range (an unknown
// calibration method, calibration options without int8 quantisation, int8 without samples).
// convert_file and convert_bytes call it first.
void check_options(const ConvertOptions& options);
// Converts the .onnx file at `path`. Throws ConvertError.
ConvertResult convert_file(const std::string& path, const ConvertOptions& options);
ConvertResult convert_bytes(const std::string& model_bytes, const std::string& source_name, const ConvertOptions& options);

// The kernel sets of `mote convert --target`: a comma-separated list of cortex-m4, cortex-m7,
// cortex-m55, cortex-a, aarch64, x86, wasm, reference or all. Each target includes the reference
// set. Throws ConvertError naming an unknown target.
uint32_t parse_targets(const std::string& list);
// "arm_dsp, mve, neon, ..." for a set of MOTE_SET_* bits.
std::string kernel_set_names(uint32_t sets);

// Names of the model's runtime inputs (graph inputs that are not initializers), in order.
std::vector<std::string> graph_input_names(const std::string& path);


// Reads a serialized onnx.TensorProto (the backend tests' input_*.pb / output_*.pb files). A
// float64 one is refused, or read as float32 with `narrow_double`.
HostTensor read_tensor_proto_file(const std::string& path, bool narrow_double = false);
// Reads / writes numpy .npy (version 1/2, little-endian, C order).
HostTensor read_npy(const std::string& path);
void write_npy(const std::string& path, const HostTensor& t);

// Writes `blob` as a C header: an aligned const array plus #defines for the arena and I/O sizes.
std::string blob_to_c_header(const std::vector<uint8_t>& blob, const std::string& symbol);

}  // namespace mote

#endif  // MOTE_CONVERTER_H

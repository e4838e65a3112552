// The mote command-line tool: one file per command (cmd_<command>.cc), the helpers they share
// (cli_util.cc unless noted) and the picture of the arena plan (plan_svg.cc).
#ifndef MOTE_TOOLS_CLI_H
#define MOTE_TOOLS_CLI_H

#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "mote/model_records.hpp"  // internal: blob records, kernel ABI

namespace mote_cli {

// Thrown for usage errors and failures; main prints "mote <cmd>: <text>" and exits 1 (2 for usage).
struct Failure {
  std::string text;
  int code;
};
struct UsageError {
  std::string text;
};
[[noreturn]] void usage(const std::string& text);
[[noreturn]] void fail(const std::string& text, int code = 1);

// True when the arguments ask for the command's help.
bool wants_help(const std::vector<std::string>& args);

// Minimal option walker: positional arguments plus "--opt value" / "--opt=value" pairs.
struct Args {
  std::vector<std::string> positional;
  std::multimap<std::string, std::string> opts;
  std::map<std::string, bool> flags;

  Args(const std::vector<std::string>& args, const std::vector<std::string>& with_value, const std::vector<std::string>& bare);
  std::string get(const std::string& key, const std::string& def = "") const;
  std::vector<std::string> all(const std::string& key) const;
  bool flag(const std::string& key) const;
};

std::vector<uint8_t> read_file(const std::string& path);
void write_file(const std::string& path, const void* data, size_t size);
std::string human_bytes(uint64_t b);  // "17.0 KiB"
std::string json_escape(const std::string& s);  // for a JSON string
std::string xml_escape(const std::string& s);   // for SVG text and attributes

int cmd_convert(const std::vector<std::string>& args);
int cmd_info(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);
int cmd_compare(const std::vector<std::string>& args);
int cmd_vocab(const std::vector<std::string>& args);     // cmd_text.cc
int cmd_tokenize(const std::vector<std::string>& args);  // cmd_text.cc
// --no-lower-case, --strip-accents, --no-strip-accents, --no-cjk-chars, --max-len,
// --max-word-chars into a vocabulary's options (cmd_text.cc; mote vocab and convert --vocab).
void vocab_options(const Args& a, mote::VocabOptions* options);

// A blob file read into 64-byte aligned memory, verified.
struct LoadedBlob {
  std::vector<uint8_t> storage;
  const uint8_t* data = nullptr;
  size_t size = 0;
  mote::Model model;
  void load_bytes(const std::vector<uint8_t>& bytes, const std::string& what);
  void load_file(const std::string& path);
};

// An arena with 64-byte alignment.
struct Arena {
  std::vector<uint8_t> storage;
  uint8_t* data = nullptr;
  size_t size = 0;
  explicit Arena(size_t bytes);
};

std::vector<int64_t> parse_dims(const std::string& text);  // "1x3x224x224"
// A whole decimal number; anything else is a usage error naming `what`.
int64_t parse_int(const std::string& text, const std::string& what);
// The same, refused (a usage error naming `what` and the text) outside [lo, hi].
int64_t parse_int_in(const std::string& text, const std::string& what, int64_t lo, int64_t hi);
// A decimal number in [lo, hi], else a usage error naming `what` and the text.
double parse_number(const std::string& text, const std::string& what, double lo, double hi);
std::string dims_text(const int32_t* dims, int32_t rank);
// Reads a .npy, an ONNX TensorProto .pb or a .wav file (16-bit PCM mono, as float32 [1, N] of
// samples / 32768, its sample rate in *wav_rate; 0 there for the other kinds).
mote::HostTensor read_tensor_file(const std::string& path, uint32_t* wav_rate = nullptr);
mote::HostTensor read_wav(const std::string& path, uint32_t* rate);
// MACs of op `k` of a verified model (0 for ops without multiply-accumulates; cmd_info.cc).
uint64_t op_macs(const mote::Model& m, uint32_t k);
// Binds --input arguments to the model's inputs and copies them into the session (cmd_run.cc;
// also bench's --input).
void set_inputs(const mote::Model& m, mote::Session& s, const std::vector<std::string>& specs);
// Draws the arena plan as an SVG file: op step across, arena offset down (plan_svg.cc).
// A blob's arena plan as boxes (a tensor, or aliases sharing its bytes, or an op's scratch: bytes
// [offset, offset + bytes) from op first to op last), the bytes live at each op step (the union
// of the boxes' ranges) and the peak.
struct PlanBox {
  std::string name;
  uint32_t offset, bytes, first, last;
  bool scratch;
};
struct PlanPicture {
  std::vector<PlanBox> boxes;
  std::vector<uint64_t> live;  // per op step
  uint32_t peak_step = 0;
  uint64_t peak_bytes = 0;
  std::vector<size_t> at_peak;  // boxes alive at the peak step, largest first
};
PlanPicture plan_picture(const mote::Model& m);
// The plan, the live-bytes curve and the peak as an SVG picture (mote info --svg).
void write_svg(const mote::Model& m, const std::string& path);

}  // namespace mote_cli

#endif  // MOTE_TOOLS_CLI_H

// The mote command-line tool: shared helpers for its commands.
#ifndef MOTE_TOOLS_CLI_H
#define MOTE_TOOLS_CLI_H

#include <cstdint>
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

int cmd_convert(const std::vector<std::string>& args);
int cmd_info(const std::vector<std::string>& args);
int cmd_run(const std::vector<std::string>& args);
int cmd_validate(const std::vector<std::string>& args);
int cmd_bench(const std::vector<std::string>& args);

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
std::string dims_text(const int32_t* dims, int32_t rank);
// Reads a .npy or ONNX TensorProto .pb file.
mote::HostTensor read_tensor_file(const std::string& path);
// MACs of op `k` of a verified model (0 for ops without multiply-accumulates).
uint64_t op_macs(const mote::Model& m, uint32_t k);

}  // namespace mote_cli

#endif  // MOTE_TOOLS_CLI_H

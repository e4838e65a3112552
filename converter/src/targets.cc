// mote convert --target: the boards a blob is planned for, as kernel sets (MOTE_SET_* bits).
#include <string>

#include "graph.h"

namespace mote {
namespace {

struct Target {
  const char* name;
  uint32_t sets;
};

// Every target runs the reference kernels for the ops its optimised set leaves to them.
constexpr Target kTargets[] = {
    {"cortex-m4", MOTE_SET_REFERENCE | MOTE_SET_ARM_DSP},
    {"cortex-m7", MOTE_SET_REFERENCE | MOTE_SET_ARM_DSP},
    {"cortex-m55", MOTE_SET_REFERENCE | MOTE_SET_MVE},
    {"cortex-a", MOTE_SET_REFERENCE | MOTE_SET_NEON},
    {"aarch64", MOTE_SET_REFERENCE | MOTE_SET_NEON},
    {"x86", MOTE_SET_REFERENCE | MOTE_SET_X86},
    {"wasm", MOTE_SET_REFERENCE | MOTE_SET_WASM_SIMD128},
    {"reference", MOTE_SET_REFERENCE},
    {"all", MOTE_SET_ALL},
};

constexpr const char* kSetNames[] = {"reference", "arm_dsp", "mve", "neon", "wasm_simd128", "x86"};

}  // namespace

uint32_t parse_targets(const std::string& list) {
  uint32_t sets = 0;
  size_t at = 0;
  while (at <= list.size()) {
    const size_t comma = list.find(',', at);
    const std::string name = list.substr(at, comma == std::string::npos ? std::string::npos : comma - at);
    bool known = false;
    for (const Target& t : kTargets) {
      if (name == t.name) {
        sets |= t.sets;
        known = true;
      }
    }
    if (!known) {
      std::string names;
      for (const Target& t : kTargets) names += std::string(names.empty() ? "" : ", ") + t.name;
      throw ConvertError("--target: unknown target '" + name + "' (expected a comma-separated list of " + names + ")");
    }
    if (comma == std::string::npos) break;
    at = comma + 1;
  }
  return sets;
}

std::string kernel_set_names(uint32_t sets) {
  std::string out;
  for (uint32_t k = 0; k < sizeof kSetNames / sizeof kSetNames[0]; ++k) {
    if (sets & (1u << k)) out += std::string(out.empty() ? "" : ", ") + kSetNames[k];
  }
  if (out.empty()) out = "reference";
  return (sets & MOTE_SET_LEAN) ? out + " (--arena min)" : out;
}

}  // namespace mote

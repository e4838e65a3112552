// Internal to int8 quantisation: what post-training quantisation (ptq.cc) and the QDQ import
// (qdq_import.cc) share, the rewriting of a graph to int8 ops (int8_rewrite.cc).
#ifndef MOTE_CONVERTER_INT8_REWRITE_H
#define MOTE_CONVERTER_INT8_REWRITE_H

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "graph.h"

namespace mote {
namespace int8 {

// Asymmetric int8 parameters: real = (q - zp) * scale.
struct QParams {
  float scale = 1.0f;
  int32_t zp = 0;
};

// The parameters for values in [lo, hi]: the range is widened to include 0.
QParams choose(float lo, float hi);

// Symmetric per-channel int8 weights (docs/quantization.md): element i of `w` (n floats) belongs
// to channel channel_of(i) of `channels`; scale[c] = max |w| of the channel / 127 (1 for an
// all-zero channel), q = clamp(rint(w / scale[c]), -127, 127).
template <typename ChannelOf>
void symmetric_weights(const float* w, int64_t n, int64_t channels, ChannelOf channel_of, std::vector<float>* scales,
                       std::vector<uint8_t>* q) {
  std::vector<float> most(size_t(channels), 0.0f);
  for (int64_t i = 0; i < n; ++i) {
    float& m = most[size_t(channel_of(i))];
    m = std::max(m, std::fabs(w[i]));
  }
  scales->assign(size_t(channels), 1.0f);
  for (int64_t c = 0; c < channels; ++c) {
    if (most[size_t(c)] > 0) (*scales)[size_t(c)] = most[size_t(c)] / 127.0f;
  }
  q->resize(size_t(n));
  for (int64_t i = 0; i < n; ++i) {
    const float v = std::nearbyint(w[i] / (*scales)[size_t(channel_of(i))]);
    (*q)[size_t(i)] = uint8_t(int8_t(std::min(127.0f, std::max(-127.0f, v))));
  }
}

// Rewrites every op of `g` that has an int8 kernel to it, with `params` for the float tensors
// (by tensor id); the others stay float (refused with `strict`). With `int8_io` the graph then
// takes and gives int8 where its inputs and outputs allow. Ops named in `keep_float` (by node
// name, node-name prefix ending in '*', or op type) stay float, even with `strict`; an entry matching no op is refused. Adds a
// summary to `notes`.
void rewrite(Graph& g, std::map<int, QParams> params, bool strict, bool int8_io, std::vector<std::string>* notes,
             const std::vector<std::string>& keep_float = {});

// A DequantizeLinear whose float output a QuantizeLinear takes back to int8 (per tensor): the
// QuantizeLinear becomes a Requantize of the int8 input, or goes when the parameters agree.
// Returns how many pairs were merged (the DequantizeLinear stays while others read it).
int merge_requantize_pairs(Graph& g);

}  // namespace int8
}  // namespace mote

#endif  // MOTE_CONVERTER_INT8_REWRITE_H

// Internal to int8 quantisation: what post-training quantisation (ptq.cc) and the QDQ import
// (qdq_import.cc) share, the rewriting of a graph to int8 ops (int8_rewrite.cc).
#ifndef MOTE_CONVERTER_INT8_REWRITE_H
#define MOTE_CONVERTER_INT8_REWRITE_H

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

// Weights per output channel, symmetric: s[c] = max|W[c]| / 127 (1 for an all-zero channel),
// channel c the row of `w` (or its column with `columns`), q = clamp(rint(W / s), -127, 127).
std::vector<float> weight_scales(const Tensor& w, int64_t channels, bool columns);
int8_t quantize_weight(float v, float scale);
// q s - W for every weight of `w`, in its layout (what int8 changes; --bias-correction).
std::vector<float> weight_rounding_error(const Tensor& w, int64_t channels, bool columns);

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

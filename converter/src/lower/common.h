// Internal to the lowering: what the op families (converter/src/lower/<family>.cc) share. Each
// family file holds the lowering of its ONNX op types and adds them to the op table in its
// add_<family>_ops(); lower.cc holds the Lowerer, builds the table and drives the lowering.
#ifndef MOTE_CONVERTER_LOWER_COMMON_H
#define MOTE_CONVERTER_LOWER_COMMON_H

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "lower.h"

namespace mote {
namespace lowering {

using Node = onnx::NodeProto;
using LowerFn = std::function<void(Lowerer&, const Node&)>;
// ONNX op type (default domain) -> its lowering.
using LowerTable = std::map<std::string, LowerFn>;

// The families, each adding its op types to the table.
void add_elementwise_ops(LowerTable& t);  // lower/elementwise.cc
void add_layout_ops(LowerTable& t);       // lower/layout.cc
void add_constant_ops(LowerTable& t);     // lower/constant.cc
void add_conv_ops(LowerTable& t);         // lower/conv.cc
void add_gemm_ops(LowerTable& t);         // lower/gemm.cc
void add_norm_ops(LowerTable& t);         // lower/norm.cc
void add_reduce_ops(LowerTable& t);       // lower/reduce.cc
void add_quant_ops(LowerTable& t);        // lower/quant.cc
void add_recurrent_ops(LowerTable& t);    // lower/recurrent.cc
void add_spectral_ops(LowerTable& t);     // lower/spectral.cc
void add_control_ops(LowerTable& t);      // lower/control.cc
void add_indexing_ops(LowerTable& t);     // lower/indexing.cc

// ---- shared helpers (lower/common.cc) ----

// Attributes, with the ONNX default when absent.
const onnx::AttributeProto* find_attr(const Node& n, const char* name);
int64_t attr_int(const Node& n, const char* name, int64_t def);
// An INT attribute that a Mote parameter holds as int32: refused, not truncated, when it does not fit.
int32_t attr_i32(Lowerer& L, const Node& n, const char* name, int64_t def);
float attr_float(const Node& n, const char* name, float def);
std::string attr_str(const Node& n, const char* name, const std::string& def);
std::vector<int64_t> attr_ints(const Node& n, const char* name);
std::vector<float> attr_floats(const Node& n, const char* name);

// The node's output names: all of them, or the first.
std::vector<std::string> outs(const Node& n);
std::vector<std::string> out0(const Node& n);

// The node's input tensor ids. Their ranks are checked here, once: the lowering fills per-axis
// parameter arrays of MOTE_MAX_RANK entries, and an initialiser may have any rank.
std::vector<int> inputs_of(Lowerer& L, const Node& n);
// Input k's id, or -1 when it is absent.
int in_at(const std::vector<int>& in, size_t k);

// `axis` in [0, rank), negative counting from the end; refused when out of range.
int64_t norm_axis(Lowerer& L, int64_t axis, int64_t rank);

mote_act no_act();

// A Reshape of tensor `in` to `shape`, bound to the name `out`.
void emit_reshape(Lowerer& L, int in, const std::vector<int64_t>& shape, const std::string& out);

int64_t clamp64(int64_t v, int64_t lo, int64_t hi);

// Kernel, strides, dilations and pads of a convolution or pooling over `r` spatial axes, with
// auto_pad resolved (lower/conv.cc; also ConvInteger and QLinearConv, lower/quant.cc).
void fill_spatial(Lowerer& L, const Node& n, int32_t r, const std::vector<int64_t>& in_spatial, int32_t* kernel, int32_t* stride,
                  int32_t* dilation, int32_t* pad_begin, int32_t* pad_end, bool transpose);

}  // namespace lowering
}  // namespace mote

#endif  // MOTE_CONVERTER_LOWER_COMMON_H

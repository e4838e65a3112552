// The op records of mote/ops.h (MOTE_OP_TABLE) as a constexpr table for the host side: the
// converter's planner, PTQ and fusion passes and the CLI look an op's facts up here instead of
// listing op codes. Only host code includes this header, so the columns the runtime does not
// need (int8, fuse, macs) never reach the runtime library.
#ifndef MOTE_OP_TRAITS_H
#define MOTE_OP_TRAITS_H

#include <cstdint>

#include "mote/ops.h"

namespace mote {

// The int8 column: what post-training quantisation does with the float op.
enum OpInt8 : uint8_t {
  MOTE_INT8_NONE,    // stays as it is
  MOTE_INT8_KERNEL,  // rewritten to an int8 kernel of its own (int8_rewrite.cc's try_int8 has its case)
  MOTE_INT8_LUT,     // one input: a 256-entry table built by running the float kernel on every code
  MOTE_INT8_PASS     // data movement: the same op on int8, the output keeps the input's parameters
};

// The fuse column: where a following activation goes, or which activation the op is.
enum OpFuse : uint8_t {
  MOTE_FUSE_NONE,
  MOTE_FUSE_SLOT_CONV,    // mote_conv_params::act
  MOTE_FUSE_SLOT_GEMM,    // mote_gemm_params::act
  MOTE_FUSE_SLOT_MATMUL,  // mote_matmul_params::act
  MOTE_FUSE_SLOT_BINARY,  // mote_binary_params::act
  MOTE_FUSE_ACT_RELU,     // becomes MOTE_ACT_RELU
  MOTE_FUSE_ACT_CLIP,     // becomes MOTE_ACT_CLIP (min, max)
  MOTE_FUSE_ACT_LEAKY_RELU  // becomes MOTE_ACT_LEAKY_RELU (alpha)
};

// The macs column: which formula counts the op's multiply-accumulates (op_macs, tools/mote/cmd_info.cc).
enum OpMacs : uint8_t {
  MOTE_MACS_NONE,
  MOTE_MACS_CONV,            // output elements x weight elements per output channel
  MOTE_MACS_CONV_TRANSPOSE,  // input elements x weight elements per input channel
  MOTE_MACS_GEMM,            // output elements x K (A transposed or not)
  MOTE_MACS_MATMUL,          // output elements x A's last dim
  MOTE_MACS_CONV_WINOGRAD,   // a 3x3 Conv's count: output elements x 9 x the input channels (W [16, M, C])
  MOTE_MACS_EXPAND_DW        // ConvExpandDepthwise: the 1x1's count (X's pixels x W1's elements) and the depthwise's
};

struct OpTraits {
  int32_t code;
  const char* name;
  const char* family;
  mote_op_alias alias;
  OpInt8 int8;
  OpFuse fuse;
  OpMacs macs;
};

constexpr OpTraits kOpTraits[] = {
#define MOTE_X_TRAITS(e, name, family, alias, int8, fuse, macs) \
  {MOTE_OP_##e, name, #family, MOTE_ALIAS_##alias, MOTE_INT8_##int8, MOTE_FUSE_##fuse, MOTE_MACS_##macs},
    MOTE_OP_RECORDS(MOTE_X_TRAITS)
#undef MOTE_X_TRAITS
};

// The record of op `code`; codes outside the enum get an empty record (no alias, stays float).
inline const OpTraits& op_traits(int32_t code) {
  static constexpr OpTraits kUnknown{-1, "unknown", "", MOTE_ALIAS_NONE, MOTE_INT8_NONE, MOTE_FUSE_NONE, MOTE_MACS_NONE};
  return code >= 0 && code < MOTE_OP_COUNT ? kOpTraits[code] : kUnknown;
}

// Facts the planner reads: a view it makes (shares input 0's buffer) and an in-place write it makes.
inline bool op_planned_view(int32_t code) { return op_traits(code).alias == MOTE_ALIAS_VIEW; }
inline bool op_planned_in_place(int32_t code) { return op_traits(code).alias == MOTE_ALIAS_IN_PLACE; }

namespace op_traits_check {

constexpr bool same(const char* a, const char* b) {
  return *a == *b && (*a == '\0' || same(a + 1, b + 1));
}

// The columns of one record agree with each other and with its family: aliases only where the
// kernels allow them, LUTs only for one-input element-wise ops, fusion slots only in params
// that carry a mote_act, MAC formulas only for the ops whose inputs they read.
constexpr bool consistent(const OpTraits& t) {
  const char* f = t.family;
  const bool views = t.alias == MOTE_ALIAS_VIEW || t.alias == MOTE_ALIAS_VIEW_ALLOWED;
  const bool in_place = t.alias == MOTE_ALIAS_IN_PLACE || t.alias == MOTE_ALIAS_IN_PLACE_ALLOWED;
  if (views && !(same(f, "reshape") || same(f, "copy"))) return false;
  if (in_place && !(same(f, "unary") || same(f, "binary") || same(f, "qbinary") || same(f, "quantize"))) return false;
  if (t.int8 == MOTE_INT8_LUT && !same(f, "unary")) return false;
  switch (t.fuse) {
    case MOTE_FUSE_SLOT_CONV: if (!same(f, "conv") && !same(f, "conv_transpose")) return false; break;
    case MOTE_FUSE_SLOT_GEMM: if (!same(f, "gemm")) return false; break;
    case MOTE_FUSE_SLOT_MATMUL: if (!same(f, "matmul")) return false; break;
    case MOTE_FUSE_SLOT_BINARY: if (!same(f, "binary")) return false; break;
    case MOTE_FUSE_ACT_RELU: case MOTE_FUSE_ACT_CLIP: case MOTE_FUSE_ACT_LEAKY_RELU:
      if (!same(f, "unary")) return false;
      break;
    default: break;
  }
  switch (t.macs) {
    case MOTE_MACS_CONV: if (!same(f, "conv") && !same(f, "qconv")) return false; break;
    case MOTE_MACS_CONV_TRANSPOSE: if (!same(f, "conv_transpose")) return false; break;
    case MOTE_MACS_GEMM: if (!same(f, "gemm")) return false; break;
    case MOTE_MACS_MATMUL: if (!same(f, "matmul") && !same(f, "qmatmul")) return false; break;
    case MOTE_MACS_CONV_WINOGRAD: if (!same(f, "conv")) return false; break;
    case MOTE_MACS_EXPAND_DW: if (!same(f, "expand_dw")) return false; break;
    default: break;
  }
  return true;
}

constexpr bool all_consistent() {
  for (int32_t k = 0; k < MOTE_OP_COUNT; ++k) {
    if (kOpTraits[k].code != k || !kOpTraits[k].name[0] || !consistent(kOpTraits[k])) return false;
  }
  return true;
}

}  // namespace op_traits_check

static_assert(sizeof(kOpTraits) / sizeof(kOpTraits[0]) == MOTE_OP_COUNT, "one record per op");
static_assert(op_traits_check::all_consistent(),
              "an op record in MOTE_OP_TABLE (mote/ops.h) contradicts its family: see op_traits.h");

}  // namespace mote

#endif  // MOTE_OP_TRAITS_H

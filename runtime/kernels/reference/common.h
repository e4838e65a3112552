// Helpers shared by the reference kernels: argument checks, shape rules, broadcasting.
#ifndef MOTE_KERNELS_REFERENCE_COMMON_H
#define MOTE_KERNELS_REFERENCE_COMMON_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "mote/kernel.h"
#include "mote/op_config.h"
#include "mote/shape_math.h"

namespace mote {
namespace ref {

// Largest element count any tensor may have (the blob limits tensors to 2 GiB).
constexpr int64_t kMaxElements = int64_t(1) << 31;

// An element offset or count within one tensor, in a kernel's loops: a tensor holds less than
// 2 GiB (the verifier), so it fits the target's pointer difference; 64 bits on 64-bit hosts,
// 32 on a Cortex-M, which then has no 64-bit multiplies and compares in its loops.
using idx_t = ptrdiff_t;

// The argument checks every infer function makes (runtime/kernels/reference/common.cc: one copy
// of each, and of its error text, however many kernel files call it).
Status check_arity(const OpArgs& a, int32_t min_in, int32_t max_in, int32_t num_out);
Status check_params_bytes(const OpArgs& a, uint32_t bytes);
Status check_dtype(const OpArgs& a, int32_t input, int32_t dtype);
Status check_rank(const OpArgs& a, int32_t input, int32_t min_rank, int32_t max_rank);
// normalize_axis (below), or "axis out of range".
Status check_axis(const OpArgs& a, int32_t* axis, int32_t rank);

template <typename P>
inline Status check_params(const OpArgs& a) {
  return check_params_bytes(a, uint32_t(sizeof(P)));
}
// check_arity(a, min_in, max_in, 1) and then check_params<P>: a one-output op's first checks, one
// call per site (common.cc).
Status check_op_bytes(const OpArgs& a, int32_t min_in, int32_t max_in, uint32_t params_bytes);
template <typename P>
inline Status check_op(const OpArgs& a, int32_t min_in, int32_t max_in) {
  return check_op_bytes(a, min_in, max_in, uint32_t(sizeof(P)));
}
// check_dtype and then check_rank on each of inputs [first, first + count).
Status check_inputs(const OpArgs& a, int32_t first, int32_t count, int32_t dtype, int32_t min_rank, int32_t max_rank);

inline bool same_dims(const TensorView& x, const TensorView& y) {
  if (x.rank != y.rank) return false;
  for (int32_t k = 0; k < x.rank; ++k) {
    if (x.dims[k] != y.dims[k]) return false;
  }
  return true;
}

inline void set_shape(TensorView* out, int32_t dtype, int32_t rank, const int32_t* dims) {
  out->dtype = dtype;
  out->rank = rank;
  for (int32_t k = 0; k < rank; ++k) out->dims[k] = dims[k];
}

inline void same_as(TensorView* out, const TensorView& in, int32_t dtype) { set_shape(out, dtype, in.rank, in.dims); }

inline int64_t product(const int32_t* dims, int32_t first, int32_t last) {
  int64_t n = 1;
  for (int32_t k = first; k < last; ++k) n *= dims[k];
  return n;
}

// Multidirectional (numpy) broadcast of `count` shapes into `out`.
Status broadcast_shapes(const OpArgs& a, const TensorView* const* shapes, int32_t count, TensorView* out);

// Element strides of `in` seen at the output's rank: 0 along broadcast dimensions.
void broadcast_strides(const TensorView& in, const TensorView& out, int64_t* strides);

// The output of a broadcast walked row by row (a row is the innermost dimension), with each
// input's element offset at the start of the row. The bookkeeping lives out of line in
// common.cc, once for every kernel: only the per-element loop is instantiated per use.
struct BroadcastRows {
  static constexpr int32_t kMaxInputs = 3;
  int32_t n, rank;
  int64_t total, inner, o;  // elements in all, per row; output index at the row's start
  int64_t base[kMaxInputs];  // input offsets at the row's start
  int64_t inner_stride[kMaxInputs];
  int64_t strides[kMaxInputs][MOTE_MAX_RANK];
  int32_t idx[MOTE_MAX_RANK];
  const int32_t* dims;

  BroadcastRows(const TensorView& out, const TensorView* const* ins, int32_t count);
  void next();  // to the next row: o += inner, and the offsets follow
};

// Calls fn(out_index, offsets) for each output element, where offsets[k] is the element offset
// into input k. The innermost dimension is walked with plain strides.
template <int32_t N, typename Fn>
inline void for_each_broadcast(const TensorView& out, const TensorView* const* ins, Fn fn) {
  static_assert(N <= BroadcastRows::kMaxInputs, "too many inputs");
  for (BroadcastRows r(out, ins, N); r.o < r.total; r.next()) {
    int64_t off[N];
    for (int32_t k = 0; k < N; ++k) off[k] = r.base[k];
    for (int64_t i = 0; i < r.inner; ++i) {
      fn(r.o + i, off);
      for (int32_t k = 0; k < N; ++k) off[k] += r.inner_stride[k];
    }
  }
}

// Batched products (MatMul, QMatMul): the index of output batch o's matrix in an input whose
// `rank` batch dims broadcast (numpy rules, aligned right) to the output's `out_rank` batch dims.
// Computed per batch from o itself, so no strides or index arrays live on the stack.
inline int64_t batch_matrix(const int32_t* out_dims, int32_t out_rank, const int32_t* dims, int32_t rank, int64_t o) {
  int64_t at = 0, stride = 1;
  for (int32_t d = out_rank - 1, sd = rank - 1; sd >= 0; --d, --sd) {
    const int64_t i = o % out_dims[d];
    o /= out_dims[d];
    if (dims[sd] != 1) at += i * stride;
    stride *= dims[sd];
  }
  return at;
}

// Copies one element of 1, 4 or 8 bytes: the data-movement kernels need only the size, so one
// loop serves every dtype instead of one loop per element type.
inline void move_element(void* to, const void* from, uint32_t size) {
  switch (size) {
    case 1: *static_cast<uint8_t*>(to) = *static_cast<const uint8_t*>(from); break;
    case 2: memcpy(to, from, 2); break;
    case 4: memcpy(to, from, 4); break;
    default: memcpy(to, from, 8); break;
  }
}

// NaN test that also takes the integer element types (never NaN), for kernels templated on both.
inline bool is_nan(float v) { return v != v; }
template <typename T>
inline bool is_nan(T) {
  return false;
}

// Normalises a possibly negative axis against `rank`; false when out of range.
inline bool normalize_axis(int32_t* axis, int32_t rank) {
  if (*axis < 0) *axis += rank;
  return *axis >= 0 && *axis < rank;
}

inline float apply_act(const mote_act& act, float v) {
  switch (act.kind) {
    case MOTE_ACT_RELU: return v < 0.0f ? 0.0f : v;  // NaN stays NaN (ONNX max(0, NaN)), as in every kernel set
    // (A runtime built without Clip, MOTE_USE_KERNEL_act_clip 0, refuses a fused one at load: check_act.)
    case MOTE_ACT_CLIP: return !MOTE_KERNEL_ON(act_clip) ? v : v < act.alpha ? act.alpha : (v > act.beta ? act.beta : v);
    case MOTE_ACT_LEAKY_RELU: return v >= 0.0f ? v : v * act.alpha;
    default: return v;
  }
}

// Clip bounds must be ordered numbers: every kernel set clamps with its own min/max order and
// NaN rules, which agree only then. A runtime built for models without a Clip (the op or a fused
// activation: MOTE_USE_KERNEL_act_clip 0) refuses it here (common.cc).
Status check_clip_bounds(const OpArgs& a, float lo, float hi);

Status check_act(const OpArgs& a, const mote_act& act);

// A Conv's or pool's window on spatial axis d: `win` is its params' kernel[] (mote_conv_params,
// mote_pool_params), followed there by stride[], dilation[], pad_begin[] and pad_end[], each
// MOTE_MAX_SPATIAL long. Kernel, stride and dilation must be in [1, 65535], pad_begin in
// [0, pad_begin_max] and pad_end in [0, 65535]. With `out`, the window must also fit X's axis of
// size `in` padded (at most INT32_MAX), and *out is the output size (ceil_mode: a last partial
// window counts when it starts inside the input or its leading pad). One copy for Conv and the
// pools (common.cc).
Status window_out(const OpArgs& a, const int32_t* win, int32_t d, int32_t in, uint32_t pad_begin_max, bool ceil_mode,
                  int32_t* out);
// The indices k in [0, n) whose position start + k * step (step >= 1) lies in [0, in): [*first,
// *last), an empty range when none does. A Conv's outputs that a tap reaches (k an output index,
// step the stride, start the tap's offset less the pad) and a float 2-D MaxPool's taps inside
// the input (k a tap, step the dilation, start the window's). In 32 bits, unsigned: callers hold
// start above -2^17, n, in and step non-negative int32s and in - start + step below 2^32 (a
// window the padded input, at most INT32_MAX, holds). Out of line: one copy for both (common.cc).
void tap_range(int32_t n, int32_t in, int32_t step, int32_t start, int32_t* first, int32_t* last);
// A float one-input element-wise op's value at x (elementwise.cc; ConvExpandDepthwise applies
// its expand_op with it).
float unary_f32(int32_t code, const mote_unary_params& p, float x);

// The int8-weight ops (ConvW8, GemmW8, ..., mote/ops.h): their scale input `k` must be float32
// of exactly `rank` dims `want` (one per output channel, or [dirs, gates] for the recurrent ones).
Status check_w8_scale(const OpArgs& a, int32_t k, int32_t rank, const int64_t* want);

// Marks a family that this build does not implement.
inline Status unsupported(const OpArgs& a) {
  return Fail(a.diag, Status::kUnsupportedOp).s(op_name(a.code)).s(" has no kernel in this build");
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_COMMON_H

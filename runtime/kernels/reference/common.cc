#include "walk.h"

#include "mote/op_config.h"

namespace mote {
namespace ref {

Status check_arity(const OpArgs& a, int32_t min_in, int32_t max_in, int32_t num_out) {
  if (a.num_in < min_in || a.num_in > max_in) {
    return fail(a.diag, Status::kBadParams, MOTE_T("takes %d..%d inputs, has %d"), min_in, max_in, a.num_in);
  }
  if (a.num_out != num_out) return fail(a.diag, Status::kBadParams, MOTE_T("makes %d outputs, has %d"), num_out, a.num_out);
  for (int32_t k = 0; k < min_in; ++k) {
    if (!a.in[k].present()) return fail(a.diag, Status::kBadParams, MOTE_T("input %d is required"), k);
  }
  return Status::kOk;
}

Status check_params_bytes(const OpArgs& a, uint32_t bytes) {
  if (a.params_size != bytes) {
    return fail(a.diag, Status::kBadParams, MOTE_T("parameter record is %u bytes, expected %u"), a.params_size, bytes);
  }
  return Status::kOk;
}

Status check_dtype(const OpArgs& a, int32_t input, int32_t dtype) {
  if (a.in[input].dtype != dtype) {
    return fail(a.diag, Status::kBadParams, MOTE_T("input %d is %t, expected %t"), input, a.in[input].dtype, dtype);
  }
  return Status::kOk;
}

Status check_rank(const OpArgs& a, int32_t input, int32_t min_rank, int32_t max_rank) {
  const int32_t r = a.in[input].rank;
  if (r < min_rank || r > max_rank) {
    return fail(a.diag, Status::kBadParams, MOTE_T("input %d has rank %d, expected %d..%d"), input, r, min_rank, max_rank);
  }
  return Status::kOk;
}

Status check_op_bytes(const OpArgs& a, int32_t min_in, int32_t max_in, uint32_t params_bytes) {
  MOTE_TRY(check_arity(a, min_in, max_in, 1));
  return check_params_bytes(a, params_bytes);
}

Status check_inputs(const OpArgs& a, int32_t first, int32_t count, int32_t dtype, int32_t min_rank, int32_t max_rank) {
  for (int32_t k = first; k < first + count; ++k) {
    MOTE_TRY(check_dtype(a, k, dtype));
    MOTE_TRY(check_rank(a, k, min_rank, max_rank));
  }
  return Status::kOk;
}

Status check_axis(const OpArgs& a, int32_t* axis, int32_t rank) {
  if (!normalize_axis(axis, rank)) return fail(a.diag, Status::kBadParams, MOTE_T("axis out of range"));
  return Status::kOk;
}

Status check_clip_bounds(const OpArgs& a, float lo, float hi) {
  // The bounds' text (Diag::f, about 240 bytes on a Cortex-M4) only where a Clip can load.
  if (!MOTE_KERNEL_ON(act_clip)) {
    return fail(a.diag, Status::kUnsupportedOp, MOTE_T("Clip (or a fused Clip) was left out of this runtime build (MOTE_OP_CONFIG)"));
  }
  if (!(lo <= hi)) return Fail(a.diag, Status::kBadParams).s("Clip bounds [").f(lo).s(", ").f(hi).s("] are NaN or reversed");
  return Status::kOk;
}

Status check_act(const OpArgs& a, const mote_act& act) {
  if (act.kind < MOTE_ACT_NONE || act.kind > MOTE_ACT_LEAKY_RELU) {
    return fail(a.diag, Status::kBadParams, MOTE_T("unknown fused activation %d"), act.kind);
  }
  if (act.kind == MOTE_ACT_CLIP) return check_clip_bounds(a, act.alpha, act.beta);
  return Status::kOk;
}

// window_out reads a window's five arrays from its kernel[] on: both params records keep them
// in that order, back to back (mote/ops.h).
#define MOTE_WINDOW_ARRAYS(T)                                                                                         \
  static_assert(offsetof(T, stride) == offsetof(T, kernel) + sizeof(int32_t) * MOTE_MAX_SPATIAL &&                   \
                    offsetof(T, dilation) == offsetof(T, kernel) + 2 * sizeof(int32_t) * MOTE_MAX_SPATIAL &&         \
                    offsetof(T, pad_begin) == offsetof(T, kernel) + 3 * sizeof(int32_t) * MOTE_MAX_SPATIAL &&        \
                    offsetof(T, pad_end) == offsetof(T, kernel) + 4 * sizeof(int32_t) * MOTE_MAX_SPATIAL,            \
                "window_out: " #T "'s kernel, stride, dilation, pad_begin and pad_end arrays back to back")
MOTE_WINDOW_ARRAYS(mote_conv_params);
MOTE_WINDOW_ARRAYS(mote_pool_params);
#undef MOTE_WINDOW_ARRAYS

Status window_out(const OpArgs& a, const int32_t* win, int32_t d, int32_t in, uint32_t pad_begin_max, bool ceil_mode,
                  int32_t* out) {
  const int32_t* at = win + d;
  constexpr int32_t kS = MOTE_MAX_SPATIAL;
  // One unsigned compare each.
  if (uint32_t(at[0]) - 1 > 65534 || uint32_t(at[kS]) - 1 > 65534 || uint32_t(at[2 * kS]) - 1 > 65534 ||
      uint32_t(at[3 * kS]) > pad_begin_max || uint32_t(at[4 * kS]) > 65535) {
    return fail(a.diag, Status::kBadParams, MOTE_T("kernel/stride/dilation/pad out of range on spatial axis %d"), d);
  }
  if (!out) return Status::kOk;
  // In 32 bits, unsigned: the span is below 65535^2 + 1, the input (a dim, non-negative) below
  // 2^31 and its pads below 2^17, so the padded input, padded - span + stride - 1 and
  // (o - 1) * stride (at most that) all stay below 2^32.
  const uint32_t stride = uint32_t(at[kS]);
  const uint32_t span = uint32_t(at[0] - 1) * uint32_t(at[2 * kS]) + 1;
  const uint32_t padded = uint32_t(in) + uint32_t(at[3 * kS]) + uint32_t(at[4 * kS]);
  if (padded < span) return fail(a.diag, Status::kBadParams, MOTE_T("kernel larger than padded input on axis %d"), 2 + d);
  // Then every tap offset k * dilation (< span) and input position fits in an int32.
  if (padded > INT32_MAX) return fail(a.diag, Status::kBadParams, MOTE_T("padded input too large on axis %d"), 2 + d);
  uint32_t o = (padded - span + (ceil_mode ? stride - 1 : 0)) / stride + 1;
  // A window must start inside the input or the leading padding.
  if (ceil_mode && (o - 1) * stride >= uint32_t(in) + uint32_t(at[3 * kS])) --o;
  *out = int32_t(o);
  return Status::kOk;
}

void tap_range(int32_t n, int32_t in, int32_t step, int32_t start, int32_t* first, int32_t* last) {
  const uint32_t us = uint32_t(step);
  uint32_t l = start >= 0 ? 0 : (uint32_t(-start) + us - 1) / us;
  uint32_t h = in <= start ? 0 : (uint32_t(in) - uint32_t(start) + us - 1) / us;
  if (h > uint32_t(n)) h = uint32_t(n);
  if (l > h) l = h;
  *first = int32_t(l);
  *last = int32_t(h);
}

Status broadcast_shapes(const OpArgs& a, const TensorView* const* shapes, int32_t count, TensorView* out) {
  int32_t rank = 0;
  for (int32_t k = 0; k < count; ++k) rank = shapes[k]->rank > rank ? shapes[k]->rank : rank;
  out->rank = rank;
  for (int32_t d = 0; d < rank; ++d) {
    int32_t dim = 1;
    for (int32_t k = 0; k < count; ++k) {
      const TensorView& s = *shapes[k];
      int32_t sd = d - (rank - s.rank);
      if (sd < 0) continue;
      int32_t v = s.dims[sd];
      if (v == dim || v == 1) continue;
      if (dim != 1) {
        return Fail(a.diag, Status::kBadParams).s("shapes ").dims(shapes[0]->dims, shapes[0]->rank).s(" and ")
            .dims(s.dims, s.rank).s(" do not broadcast");
      }
      dim = v;
    }
    out->dims[d] = dim;
  }
  return Status::kOk;
}

void broadcast_strides(const TensorView& in, const TensorView& out, int64_t* strides) {
  int64_t stride = 1;
  for (int32_t d = out.rank - 1; d >= 0; --d) {
    int32_t sd = d - (out.rank - in.rank);
    if (sd < 0 || in.dims[sd] == 1) {
      strides[d] = 0;
    } else {
      strides[d] = stride;
    }
    if (sd >= 0) stride *= in.dims[sd];
  }
}

BroadcastRows::BroadcastRows(const TensorView& out, const TensorView* const* ins, int32_t count)
    : n(count), rank(out.rank), total(out.numel()), inner(out.rank ? out.dims[out.rank - 1] : 1), o(0), dims(out.dims) {
  for (int32_t k = 0; k < n; ++k) {
    broadcast_strides(*ins[k], out, strides[k]);
    inner_stride[k] = rank ? strides[k][rank - 1] : 0;
    base[k] = 0;
  }
  for (int32_t d = 0; d < MOTE_MAX_RANK; ++d) idx[d] = 0;
}

void BroadcastRows::next() {
  o += inner;
  for (int32_t d = rank - 2; d >= 0; --d) {
    ++idx[d];
    for (int32_t k = 0; k < n; ++k) base[k] += strides[k][d];
    if (idx[d] < dims[d]) break;
    for (int32_t k = 0; k < n; ++k) base[k] -= strides[k][d] * dims[d];
    idx[d] = 0;
  }
}

WalkRows::WalkRows(const Walk& walk)
    : w(&walk), base(walk.base), inner(walk.rank ? walk.dims[walk.rank - 1] : 1),
      step(walk.rank ? walk.stride[walk.rank - 1] : 0), done(false) {
  for (int32_t k = 0; k < walk.rank; ++k) {
    idx[k] = 0;
    if (walk.dims[k] == 0) done = true;
  }
}

void WalkRows::next() {
  int32_t d = w->rank - 2;
  for (; d >= 0; --d) {
    base += w->stride[d];
    if (++idx[d] < w->dims[d]) break;
    base -= w->stride[d] * w->dims[d];
    idx[d] = 0;
  }
  if (d < 0) done = true;
}

// The int8-weight ops' scale input (common.h).
Status check_w8_scale(const OpArgs& a, int32_t k, int32_t rank, const int64_t* want) {
  if (a.num_in <= k || !a.in[k].present()) return Fail(a.diag, Status::kBadParams).s("the weight scale (input ").i(k).s(") is required");
  if (a.in[k].dtype != MOTE_F32) {
    return Fail(a.diag, Status::kBadParams).s("the weight scale (input ").i(k).s(") is ").s(dtype_name(a.in[k].dtype)).s(", expected float32");
  }
  bool same = a.in[k].rank == rank;
  for (int32_t d = 0; same && d < rank; ++d) same = a.in[k].dims[d] == want[d];
  if (!same) {
    Fail f(a.diag, Status::kBadParams);
    f.s("the weight scale (input ").i(k).s(") is ").dims(a.in[k].dims, a.in[k].rank).s(", expected [");
    for (int32_t d = 0; d < rank; ++d) f.s(d ? "," : "").i(want[d]);
    return f.s("]");
  }
  return Status::kOk;
}

}  // namespace ref
}  // namespace mote

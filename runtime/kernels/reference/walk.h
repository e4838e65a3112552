// Shared by the layout, resize and reduction kernels: tensor checks for infer, and strided walks.
//
// Most data-movement ops are one walk: the output is written in row-major order while the
// source element offset is affine in the output index (base + sum idx[k] * stride[k]). A stride
// is 0 along a broadcast axis and negative along a reversed one.
#ifndef MOTE_KERNELS_REFERENCE_WALK_H
#define MOTE_KERNELS_REFERENCE_WALK_H

#include <stdint.h>
#include <string.h>

#include "common.h"

namespace mote {
namespace ref {

// Tile views every axis as (repeat, dim), so a walk may have twice the tensor rank.
constexpr int32_t kMaxWalkRank = 2 * MOTE_MAX_RANK;

struct Walk {
  int32_t rank;
  int64_t dims[kMaxWalkRank];
  int64_t stride[kMaxWalkRank];  // in elements
  int64_t base;                  // offset of the first element read
};

// Input k as infer must see it: present, a known dtype, rank <= MOTE_MAX_RANK, dims >= 0 and
// at most kMaxElements elements.
inline Status check_input(const OpArgs& a, int32_t k) {
  const TensorView& t = a.in[k];
  if (!t.present()) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" is required");
  if (dtype_size(t.dtype) == 0) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" has unknown dtype ").i(t.dtype);
  if (t.rank < 0 || t.rank > MOTE_MAX_RANK) {
    return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" has rank ").i(t.rank).s(", the limit is ").i(MOTE_MAX_RANK);
  }
  int64_t n = 1;
  for (int32_t d = 0; d < t.rank; ++d) {
    if (t.dims[d] < 0) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" has a negative dimension");
    n *= t.dims[d];
    if (n > kMaxElements) return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" has more than 2^31 elements");
  }
  return Status::kOk;
}

// Element i of an index tensor (int32 or int64).
inline int64_t index_at(const TensorView& t, int64_t i) {
  return t.dtype == MOTE_I32 ? int64_t(t.as<int32_t>()[i]) : t.as<int64_t>()[i];
}

// Index values are data, not parameters, so the kernels that take them check them as they run,
// before writing anything: index i must lie in [-dim, dim) of its axis, dims[i % tuple] (GatherND
// and ScatterND index tuples of `tuple` axes; Gather and the element ops pass 1).
inline Status check_index_values(const OpArgs& a, const TensorView& indices, const int32_t* dims, int64_t tuple) {
  const int64_t n = indices.numel();
  for (int64_t i = 0; i < n; ++i) {
    const int64_t v = index_at(indices, i), dim = dims[i % tuple];
    if (v < -dim || v >= dim) {
      return Fail(a.diag, Status::kRuntime).s("index ").i(v).s(" at position ").i(i).s(" is out of range for an axis of size ").i(dim);
    }
  }
  return Status::kOk;
}

// Writes an output shape computed in 64-bit arithmetic, refusing dims that do not fit int32 and
// tensors of more than kMaxElements elements.
inline Status set_checked_shape(const OpArgs& a, TensorView* out, int32_t dtype, int32_t rank, const int64_t* dims) {
  if (rank < 0 || rank > MOTE_MAX_RANK) return Fail(a.diag, Status::kBadParams).s("output rank ").i(rank).s(" exceeds the limit");
  int64_t n = 1;
  for (int32_t d = 0; d < rank; ++d) {
    if (dims[d] < 0 || dims[d] > INT32_MAX) {
      return Fail(a.diag, Status::kBadParams).s("output dimension ").i(d).s(" is ").i(dims[d]);
    }
    n *= dims[d];
    if (n > kMaxElements) return Fail(a.diag, Status::kBadParams).s("output has more than 2^31 elements");
  }
  out->dtype = dtype;
  out->rank = rank;
  for (int32_t d = 0; d < rank; ++d) out->dims[d] = int32_t(dims[d]);
  return Status::kOk;
}

// Row-major element strides of a dense tensor of these dims.
inline void dense_strides(const int32_t* dims, int32_t rank, int64_t* stride) {
  int64_t s = 1;
  for (int32_t d = rank - 1; d >= 0; --d) {
    stride[d] = s;
    s *= dims[d];
  }
}

// The walk that reads a dense tensor of `dims` (viewed at any rank) in the axis order `perm`:
// walk axis k is view axis perm[k].
inline Walk permuted_walk(const int64_t* dims, int32_t rank, const int32_t* perm) {
  int64_t view_stride[kMaxWalkRank];
  int64_t s = 1;
  for (int32_t d = rank - 1; d >= 0; --d) {
    view_stride[d] = s;
    s *= dims[d];
  }
  Walk w = {rank, {0}, {0}, 0};
  for (int32_t k = 0; k < rank; ++k) {
    w.dims[k] = dims[perm[k]];
    w.stride[k] = view_stride[perm[k]];
  }
  return w;
}

// The walk of GatherElements and ScatterElements: over the shape of `indices` with the data's
// element strides (`data_stride`), and 0 on `axis`, whose coordinate the index value supplies.
inline Walk elements_walk(const TensorView& indices, const int64_t* data_stride, int32_t axis) {
  Walk w = {indices.rank, {0}, {0}, 0};
  for (int32_t d = 0; d < indices.rank; ++d) {
    w.dims[d] = indices.dims[d];
    w.stride[d] = d == axis ? 0 : data_stride[d];
  }
  return w;
}

// Drops unit axes and merges neighbours that are contiguous in the source, so the innermost
// loop runs as long as possible. The order of the elements visited does not change.
inline void coalesce(Walk* w) {
  int32_t r = 0;
  for (int32_t k = 0; k < w->rank; ++k) {
    if (w->dims[k] == 1) continue;
    if (r > 0 && w->stride[r - 1] == w->stride[k] * w->dims[k]) {
      w->dims[r - 1] *= w->dims[k];
      w->stride[r - 1] = w->stride[k];
      continue;
    }
    w->dims[r] = w->dims[k];
    w->stride[r] = w->stride[k];
    ++r;
  }
  w->rank = r;
}

// A walk taken row by row (a row is its innermost axis): the offset of the row's first element,
// and the step along the row. The index bookkeeping lives out of line (common.cc), once for
// every kernel: only the per-element loop is instantiated per use.
struct WalkRows {
  const Walk* w;
  int64_t base;   // offset of the row's first element
  int64_t inner;  // elements per row
  int64_t step;   // offset step along the row
  bool done;      // no rows left (from the start when an axis is empty)
  int64_t idx[kMaxWalkRank];

  explicit WalkRows(const Walk& walk);
  void next();
};

// Calls fn(offset) for every index of the walk in row-major order.
template <typename Fn>
inline void for_each_offset(const Walk& w, Fn fn) {
  for (WalkRows r(w); !r.done; r.next()) {
    int64_t off = r.base;
    for (int64_t i = 0; i < r.inner; ++i, off += r.step) fn(off);
  }
}

// Fills the dense `dst` from `src` along the walk; elements are moved by size, so any dtype works.
// Rows contiguous in the source (a channel shuffle's planes, a Slice's kept runs) move as one block.
inline void copy_walk(void* dst, const void* src, Walk w, uint32_t elem_size) {
  coalesce(&w);
  uint8_t* out = static_cast<uint8_t*>(dst);
  const uint8_t* in = static_cast<const uint8_t*>(src);
  for (WalkRows r(w); !r.done; r.next()) {
    const uint8_t* from = in + r.base * elem_size;
    if (r.step == 1) {
      memcpy(out, from, size_t(r.inner) * elem_size);
      out += r.inner * elem_size;
      continue;
    }
    for (int64_t i = 0; i < r.inner; ++i, from += r.step * elem_size, out += elem_size) move_element(out, from, elem_size);
  }
}

}  // namespace ref
}  // namespace mote

#endif  // MOTE_KERNELS_REFERENCE_WALK_H

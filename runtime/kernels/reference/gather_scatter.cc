// Reference kernels for the ops indexed by tensors of positions: GatherND, ScatterElements and
// ScatterND. Every index value is checked against its axis before anything is written (an
// index is data, not a parameter); elements move by size, so any dtype works except where a
// scatter reduction computes (float32, int32, int64).
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// The index at flat position i, with a negative one counted from the end of an axis of `dim`.
int64_t resolved(const TensorView& t, int64_t i, int64_t dim) {
  const int64_t v = index_at(t, i);
  return v < 0 ? v + dim : v;
}

bool can_reduce(int32_t dtype) { return dtype == MOTE_F32 || dtype == MOTE_I32 || dtype == MOTE_I64; }

// *to = reduce(*to, v). Integers add and multiply in unsigned arithmetic: they wrap, never
// overflow. max and min pass a NaN on, as ONNX's reference does.
template <typename T, typename U>
inline void combine(T* to, T v, int32_t reduction) {
  switch (reduction) {
    case MOTE_SCATTER_ADD: *to = T(U(*to) + U(v)); break;
    case MOTE_SCATTER_MUL: *to = T(U(*to) * U(v)); break;
    case MOTE_SCATTER_MAX: if (is_nan(v) || v > *to) *to = v; break;
    case MOTE_SCATTER_MIN: if (is_nan(v) || v < *to) *to = v; break;
    default: *to = v; break;
  }
}

// Element `to` combined with the update at `from`, both of type T (unaligned bytes).
template <typename T, typename U>
inline void combine_at(uint8_t* to, const uint8_t* from, int32_t reduction) {
  T v, t;
  memcpy(&v, from, sizeof v);
  memcpy(&t, to, sizeof t);
  combine<T, U>(&t, v, reduction);
  memcpy(to, &t, sizeof t);
}

// Applies element j of UPDATES to output element `at`.
struct Updater {
  uint8_t* out;
  const uint8_t* updates;
  int32_t dtype;
  uint32_t size;
  int32_t reduction;

  void apply(int64_t at, int64_t j) const {
    uint8_t* to = out + size_t(at) * size;
    const uint8_t* from = updates + size_t(j) * size;
    const int32_t kind = reduction == MOTE_SCATTER_NONE ? int32_t(MOTE_DTYPE_UNDEFINED) : dtype;
    switch (kind) {
      case MOTE_F32: combine_at<float, float>(to, from, reduction); break;
      case MOTE_I32: combine_at<int32_t, uint32_t>(to, from, reduction); break;
      case MOTE_I64: combine_at<int64_t, uint64_t>(to, from, reduction); break;
      default: move_element(to, from, size); break;
    }
  }
};

Status check_indices_dtype(const OpArgs& a, const TensorView& idx) {
  if (idx.dtype != MOTE_I32 && idx.dtype != MOTE_I64) {
    return Fail(a.diag, Status::kBadParams).s("indices are ").s(dtype_name(idx.dtype)).s(", expected int32 or int64");
  }
  return Status::kOk;
}

// GatherND: output = indices.dims[:q-1] + data.dims[b+m:] with m = indices.dims[q-1].
Status infer_gather_nd(const OpArgs& a, TensorView* out) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  const int32_t b = a.p<mote_gather_scatter_params>().batch_dims;
  const int32_t q = idx.rank, r = x.rank;
  if (b < 0 || b >= q || b >= r) {
    return Fail(a.diag, Status::kBadParams).s("batch_dims ").i(b).s(" for data of rank ").i(r).s(" and indices of rank ").i(q);
  }
  const int64_t m = idx.dims[q - 1];
  if (m < 1 || m > r - b) {
    return Fail(a.diag, Status::kBadParams).s("index tuples of ").i(m).s(" for data of rank ").i(r).s(" after ").i(b).s(" batch dims");
  }
  for (int32_t d = 0; d < b; ++d) {
    if (idx.dims[d] != x.dims[d]) {
      return Fail(a.diag, Status::kBadParams).s("batch dim ").i(d).s(" of indices ").dims(idx.dims, q).s(" differs from data ").dims(x.dims, r);
    }
  }
  int64_t dims[2 * MOTE_MAX_RANK];
  int32_t rank = 0;
  for (int32_t d = 0; d < q - 1; ++d) dims[rank++] = idx.dims[d];
  for (int32_t d = b + int32_t(m); d < r; ++d) dims[rank++] = x.dims[d];
  return set_checked_shape(a, out, x.dtype, rank, dims);
}

// ScatterElements: indices of data's rank, within data's dims off the axis; updates shaped as them.
Status infer_scatter_elements(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  int32_t axis = a.p<mote_gather_scatter_params>().axis;
  if (!normalize_axis(&axis, x.rank)) {
    return Fail(a.diag, Status::kBadParams).s("axis ").i(a.p<mote_gather_scatter_params>().axis).s(" is out of range for rank ").i(x.rank);
  }
  if (idx.rank != x.rank) return Fail(a.diag, Status::kBadParams).s("indices rank ").i(idx.rank).s(" differs from data rank ").i(x.rank);
  for (int32_t d = 0; d < x.rank; ++d) {
    if (d != axis && idx.dims[d] > x.dims[d]) {
      return Fail(a.diag, Status::kBadParams).s("indices ").dims(idx.dims, idx.rank).s(" exceed data ").dims(x.dims, x.rank).s(" on axis ").i(d);
    }
  }
  if (!same_dims(a.in[2], idx)) {
    return Fail(a.diag, Status::kBadParams).s("updates ").dims(a.in[2].dims, a.in[2].rank).s(" differ from indices ").dims(idx.dims, idx.rank);
  }
  return Status::kOk;
}

// ScatterND: updates = indices.dims[:q-1] + data.dims[k:] with k = indices.dims[q-1].
Status infer_scatter_nd(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  const TensorView& up = a.in[2];
  const int32_t q = idx.rank, r = x.rank;
  const int64_t k = q ? idx.dims[q - 1] : 0;
  if (q < 1 || k < 1 || k > r) {
    return Fail(a.diag, Status::kBadParams).s("indices ").dims(idx.dims, q).s(" do not index data of rank ").i(r);
  }
  bool ok = up.rank == q - 1 + r - int32_t(k);
  for (int32_t d = 0; ok && d < up.rank; ++d) ok = up.dims[d] == (d < q - 1 ? idx.dims[d] : x.dims[d - (q - 1) + k]);
  if (!ok) {
    return Fail(a.diag, Status::kBadParams).s("updates ").dims(up.dims, up.rank).s(" do not match indices ").dims(idx.dims, q)
        .s(" and data ").dims(x.dims, r);
  }
  return Status::kOk;
}

// out[batch][t] = data[batch][indices[batch][t]] (a tuple of m indices), a slice of the trailing
// data dims at a time.
void gather_nd(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  const int32_t b = a.p<mote_gather_scatter_params>().batch_dims;
  const int64_t m = idx.dims[idx.rank - 1];
  const uint32_t size = dtype_size(x.dtype);
  int64_t stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, stride);
  const int64_t batches = product(x.dims, 0, b), batch_stride = product(x.dims, b, x.rank);
  const int64_t tuples = product(idx.dims, b, idx.rank - 1);
  const size_t slice = size_t(product(x.dims, b + int32_t(m), x.rank)) * size;
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = a.out[0].as<uint8_t>();
  for (int64_t n = 0; n < batches; ++n) {
    for (int64_t t = 0; t < tuples; ++t) {
      const int64_t first = (n * tuples + t) * m;
      int64_t off = n * batch_stride;
      for (int64_t j = 0; j < m; ++j) off += resolved(idx, first + j, x.dims[b + j]) * stride[b + j];
      if (slice) memcpy(dst + size_t(n * tuples + t) * slice, src + size_t(off) * size, slice);
    }
  }
}

// ScatterElements: update j goes to the output element at j's position with the axis's
// coordinate replaced by indices[j] (elements_walk, over the output's strides).
void scatter_elements(const OpArgs& a, const Updater& u) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  int32_t axis = a.p<mote_gather_scatter_params>().axis;
  normalize_axis(&axis, x.rank);
  int64_t stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, stride);
  int64_t j = 0;
  for_each_offset(elements_walk(idx, stride, axis), [&](int64_t off) {
    u.apply(off + resolved(idx, j, x.dims[axis]) * stride[axis], j);
    ++j;
  });
}

// ScatterND: update slice t goes to the output slice at the index tuple t.
void scatter_nd(const OpArgs& a, const Updater& u) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  const int64_t k = idx.dims[idx.rank - 1];
  int64_t stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, stride);
  const int64_t tuples = product(idx.dims, 0, idx.rank - 1), slice = product(x.dims, int32_t(k), x.rank);
  for (int64_t t = 0; t < tuples; ++t) {
    int64_t off = 0;
    for (int64_t j = 0; j < k; ++j) off += resolved(idx, t * k + j, x.dims[j]) * stride[j];
    for (int64_t s = 0; s < slice; ++s) u.apply(off + s, t * slice + s);
  }
}

}  // namespace

Status infer_gather_scatter(const OpArgs& a, TensorView* out, uint32_t*) {
  const bool gather = a.code == MOTE_OP_GATHER_ND;
  MOTE_TRY(check_arity(a, gather ? 2 : 3, gather ? 2 : 3, 1));
  MOTE_TRY(check_params<mote_gather_scatter_params>(a));
  for (int32_t k = 0; k < a.num_in; ++k) MOTE_TRY(check_input(a, k));
  MOTE_TRY(check_indices_dtype(a, a.in[1]));
  const TensorView& x = a.in[0];
  if (gather) return infer_gather_nd(a, out);
  const int32_t reduction = a.p<mote_gather_scatter_params>().reduction;
  if (reduction < MOTE_SCATTER_NONE || reduction > MOTE_SCATTER_MIN) {
    return Fail(a.diag, Status::kBadParams).s("unknown reduction ").i(reduction);
  }
  if (reduction != MOTE_SCATTER_NONE && !can_reduce(x.dtype)) {
    return Fail(a.diag, Status::kBadParams).s("a reduction does not take ").s(dtype_name(x.dtype));
  }
  MOTE_TRY(check_dtype(a, 2, x.dtype));
  MOTE_TRY(a.code == MOTE_OP_SCATTER_ELEMENTS ? infer_scatter_elements(a) : infer_scatter_nd(a));
  same_as(out, x, x.dtype);
  return Status::kOk;
}

Status run_gather_scatter(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  if (a.code == MOTE_OP_GATHER_ND) {
    const int32_t b = a.p<mote_gather_scatter_params>().batch_dims;
    MOTE_TRY(check_index_values(a, idx, x.dims + b, idx.dims[idx.rank - 1]));
    gather_nd(a);
    return Status::kOk;
  }
  if (a.code == MOTE_OP_SCATTER_ELEMENTS) {
    int32_t axis = a.p<mote_gather_scatter_params>().axis;
    normalize_axis(&axis, x.rank);
    MOTE_TRY(check_index_values(a, idx, x.dims + axis, 1));
  } else {
    MOTE_TRY(check_index_values(a, idx, x.dims, idx.dims[idx.rank - 1]));
  }
  const uint32_t size = dtype_size(x.dtype);
  if (x.numel()) memcpy(a.out[0].data, x.data, size_t(x.numel()) * size);
  const Updater u{a.out[0].as<uint8_t>(), a.in[2].as<uint8_t>(), x.dtype, size, a.p<mote_gather_scatter_params>().reduction};
  if (a.code == MOTE_OP_SCATTER_ELEMENTS) {
    scatter_elements(a, u);
  } else {
    scatter_nd(a, u);
  }
  return Status::kOk;
}

}  // namespace mote

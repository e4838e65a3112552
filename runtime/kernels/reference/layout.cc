// Reference kernels for the data-movement ops: Transpose, Concat, Split, Slice, Gather,
// GatherElements, Pad, Tile, Expand, DepthToSpace, SpaceToDepth. They move elements by byte
// size, so every dtype goes through the same code.
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

Status bad_axis(const OpArgs& a, int32_t axis, int32_t rank) {
  return Fail(a.diag, Status::kBadParams).s("axis ").i(axis).s(" is out of range for rank ").i(rank);
}

inline size_t bytes(int64_t elems, uint32_t elem_size) { return size_t(elems) * elem_size; }

}  // namespace

// ---- Transpose -------------------------------------------------------------------------------

Status infer_transpose(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_transpose_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const int32_t* perm = a.p<mote_transpose_params>().perm;
  uint32_t seen = 0;
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t k = 0; k < x.rank; ++k) {
    if (perm[k] < 0 || perm[k] >= x.rank || ((seen >> perm[k]) & 1u)) {
      return Fail(a.diag, Status::kBadParams).s("perm[").i(k).s("] = ").i(perm[k]).s(" does not make a permutation of 0..").i(x.rank - 1);
    }
    seen |= 1u << perm[k];
    dims[k] = x.dims[perm[k]];
  }
  return set_checked_shape(a, out, x.dtype, x.rank, dims);
}

Status run_transpose(const OpArgs& a) {
  const TensorView& x = a.in[0];
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t k = 0; k < x.rank; ++k) dims[k] = x.dims[k];
  Walk w = permuted_walk(dims, x.rank, a.p<mote_transpose_params>().perm);
  copy_walk(a.out[0].data, x.data, &w, dtype_size(x.dtype));
  return Status::kOk;
}

// ---- Concat / Split --------------------------------------------------------------------------

Status infer_concat(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, MOTE_MAX_OP_INPUTS, 1));
  MOTE_TRY(check_params<mote_concat_params>(a));
  const TensorView& x = a.in[0];
  for (int32_t k = 0; k < a.num_in; ++k) {
    MOTE_TRY(check_input(a, k));
    if (a.in[k].dtype != x.dtype || a.in[k].rank != x.rank) {
      return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" differs from input 0 in dtype or rank");
    }
  }
  int32_t axis = a.p<mote_concat_params>().axis;
  if (!normalize_axis(&axis, x.rank)) return bad_axis(a, a.p<mote_concat_params>().axis, x.rank);
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) dims[d] = d == axis ? 0 : x.dims[d];
  for (int32_t k = 0; k < a.num_in; ++k) {
    for (int32_t d = 0; d < x.rank; ++d) {
      if (d != axis && a.in[k].dims[d] != x.dims[d]) {
        return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" ").dims(a.in[k].dims, x.rank)
            .s(" does not match input 0 ").dims(x.dims, x.rank).s(" off the concat axis");
      }
    }
    dims[axis] += a.in[k].dims[axis];
  }
  return set_checked_shape(a, out, x.dtype, x.rank, dims);
}

// Both ops interleave contiguous blocks: for each index over the axes before `axis`, each part
// contributes dims[axis:] elements in turn.
Status run_concat(const OpArgs& a) {
  const TensorView& y = a.out[0];
  int32_t axis = a.p<mote_concat_params>().axis;
  normalize_axis(&axis, y.rank);
  const uint32_t es = dtype_size(y.dtype);
  const int64_t outer = product(y.dims, 0, axis);
  uint8_t* dst = y.as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int32_t k = 0; k < a.num_in; ++k) {
      const size_t block = bytes(product(a.in[k].dims, axis, y.rank), es);
      // An input the planner put at its block already is there (docs/memory-planning.md).
      const uint8_t* src = a.in[k].as<uint8_t>() + size_t(o) * block;
      if (block && src != dst) memmove(dst, src, block);
      dst += block;
    }
  }
  return Status::kOk;
}

Status infer_split(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_params<mote_split_params>(a));
  if (a.num_out < 1 || a.num_out > MOTE_MAX_OP_OUTPUTS) {
    return Fail(a.diag, Status::kBadParams).s("makes 1..").i(MOTE_MAX_OP_OUTPUTS).s(" outputs, has ").i(a.num_out);
  }
  MOTE_TRY(check_arity(a, 1, 1, a.num_out));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_split_params& p = a.p<mote_split_params>();
  int32_t axis = p.axis;
  if (!normalize_axis(&axis, x.rank)) return bad_axis(a, p.axis, x.rank);
  int64_t total = 0;
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) dims[d] = x.dims[d];
  for (int32_t k = 0; k < a.num_out; ++k) {
    if (p.sizes[k] < 0) return Fail(a.diag, Status::kBadParams).s("split size ").i(k).s(" is negative: ").i(p.sizes[k]);
    total += p.sizes[k];
    dims[axis] = p.sizes[k];
    MOTE_TRY(set_checked_shape(a, &out[k], x.dtype, x.rank, dims));
  }
  if (total != x.dims[axis]) {
    return Fail(a.diag, Status::kBadParams).s("split sizes sum to ").i(total).s(", the axis has ").i(x.dims[axis]);
  }
  return Status::kOk;
}

Status run_split(const OpArgs& a) {
  const TensorView& x = a.in[0];
  int32_t axis = a.p<mote_split_params>().axis;
  normalize_axis(&axis, x.rank);
  const uint32_t es = dtype_size(x.dtype);
  const int64_t outer = product(x.dims, 0, axis);
  const uint8_t* src = x.as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int32_t k = 0; k < a.num_out; ++k) {
      const size_t block = bytes(product(a.out[k].dims, axis, x.rank), es);
      if (block) memcpy(a.out[k].as<uint8_t>() + size_t(o) * block, src, block);
      src += block;
    }
  }
  return Status::kOk;
}

// ---- Slice -----------------------------------------------------------------------------------

Status infer_slice(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_slice_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_slice_params& p = a.p<mote_slice_params>();
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) {
    if (p.step[d] == 0) return Fail(a.diag, Status::kBadParams).s("slice step is 0 on axis ").i(d);
    if (p.size[d] < 0) return Fail(a.diag, Status::kBadParams).s("slice size is negative on axis ").i(d);
    dims[d] = p.size[d];
    if (p.size[d] == 0) continue;
    const int64_t first = p.start[d];
    const int64_t last = first + int64_t(p.size[d] - 1) * p.step[d];
    if (first < 0 || first >= x.dims[d] || last < 0 || last >= x.dims[d]) {
      return Fail(a.diag, Status::kBadParams).s("slice reads indices ").i(first).s("..").i(last).s(" on axis ").i(d)
          .s(" of size ").i(x.dims[d]);
    }
  }
  return set_checked_shape(a, out, x.dtype, x.rank, dims);
}

Status run_slice(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const mote_slice_params& p = a.p<mote_slice_params>();
  int64_t in_stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, in_stride);
  Walk w = {x.rank, {0}, {0}, 0};
  for (int32_t d = 0; d < x.rank; ++d) {
    if (p.size[d] == 0) return Status::kOk;
    w.dims[d] = p.size[d];
    w.stride[d] = in_stride[d] * p.step[d];
    w.base += in_stride[d] * p.start[d];
  }
  copy_walk(a.out[0].data, x.data, &w, dtype_size(x.dtype));
  return Status::kOk;
}

// ---- Gather / GatherElements -----------------------------------------------------------------

Status infer_gather(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_gather_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_input(a, 1));
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  if (idx.dtype != MOTE_I32 && idx.dtype != MOTE_I64) {
    return Fail(a.diag, Status::kBadParams).s("indices are ").s(dtype_name(idx.dtype)).s(", expected int32 or int64");
  }
  int32_t axis = a.p<mote_gather_params>().axis;
  if (!normalize_axis(&axis, x.rank)) return bad_axis(a, a.p<mote_gather_params>().axis, x.rank);
  int64_t dims[MOTE_MAX_RANK];
  if (a.code == MOTE_OP_GATHER_ELEMENTS) {
    if (idx.rank != x.rank) return Fail(a.diag, Status::kBadParams).s("indices rank ").i(idx.rank).s(" differs from data rank ").i(x.rank);
    for (int32_t d = 0; d < x.rank; ++d) {
      if (d != axis && idx.dims[d] > x.dims[d]) {
        return Fail(a.diag, Status::kBadParams).s("indices ").dims(idx.dims, idx.rank).s(" exceed data ").dims(x.dims, x.rank)
            .s(" on axis ").i(d);
      }
      dims[d] = idx.dims[d];
    }
    return set_checked_shape(a, out, x.dtype, x.rank, dims);
  }
  const int32_t rank = x.rank - 1 + idx.rank;
  if (rank > MOTE_MAX_RANK) return Fail(a.diag, Status::kBadParams).s("output rank ").i(rank).s(" exceeds the limit");
  int32_t r = 0;
  for (int32_t d = 0; d < axis; ++d) dims[r++] = x.dims[d];
  for (int32_t d = 0; d < idx.rank; ++d) dims[r++] = idx.dims[d];
  for (int32_t d = axis + 1; d < x.rank; ++d) dims[r++] = x.dims[d];
  return set_checked_shape(a, out, x.dtype, rank, dims);
}

namespace {

// Gather: out[o][j][i] = data[o][indices[j]][i], moving the row of elements after the axis
// in one copy.
void gather_rows(const OpArgs& a, int32_t axis) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  const uint32_t es = dtype_size(x.dtype);
  const int64_t outer = product(x.dims, 0, axis), dim = x.dims[axis];
  const size_t row = bytes(product(x.dims, axis + 1, x.rank), es);
  const int64_t count = idx.numel();
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = a.out[0].as<uint8_t>();
  if (row == 0) return;
  for (int64_t j = 0; j < count; ++j) {
    int64_t v = index_at(idx, j);
    if (v < 0) v += dim;
    for (int64_t o = 0; o < outer; ++o) {
      memcpy(dst + (size_t(o) * size_t(count) + size_t(j)) * row, src + (size_t(o) * size_t(dim) + size_t(v)) * row, row);
    }
  }
}

// GatherElements: out[i] = data[i with i[axis] replaced by indices[i]] (elements_walk).
void gather_elements(const OpArgs& a, int32_t axis) {
  const TensorView& x = a.in[0];
  const TensorView& idx = a.in[1];
  int64_t data_stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, data_stride);
  const Walk w = elements_walk(idx, data_stride, axis);
  const uint32_t size = dtype_size(x.dtype);
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = a.out[0].as<uint8_t>();
  const int64_t dim = x.dims[axis];
  int64_t j = 0;
  for_each_offset(w, [&](int64_t off) {
    int64_t v = index_at(idx, j);
    if (v < 0) v += dim;
    move_element(dst + j++ * size, src + (off + v * data_stride[axis]) * size, size);
  });
}

}  // namespace

Status run_gather(const OpArgs& a) {
  const TensorView& x = a.in[0];
  int32_t axis = a.p<mote_gather_params>().axis;
  normalize_axis(&axis, x.rank);
  MOTE_TRY(check_index_values(a, a.in[1], x.dims + axis, 1));
  if (a.code == MOTE_OP_GATHER) {
    gather_rows(a, axis);
    return Status::kOk;
  }
  gather_elements(a, axis);
  return Status::kOk;
}

// ---- Pad -------------------------------------------------------------------------------------
//
// Negative pads crop first; the positive ones then pad the cropped range [crop, crop + len).

namespace {

struct PadAxis {
  int64_t pad;   // elements added in front
  int64_t crop;  // elements removed in front
  int64_t len;   // length after cropping both ends (negative when over-cropped)
};

PadAxis pad_axis(const mote_pad_params& p, int32_t d, int32_t dim) {
  const int64_t b = p.begin[d], e = p.end[d];
  return PadAxis{b > 0 ? b : 0, b < 0 ? -b : 0, dim + (b < 0 ? b : 0) + (e < 0 ? e : 0)};
}

// Index into the cropped range that feeds position j of the padded range (j may lie outside
// [0, len)), or -1 where the constant goes.
int64_t pad_source(int64_t j, int64_t len, int32_t mode) {
  if (j >= 0 && j < len) return j;
  switch (mode) {
    case MOTE_PAD_EDGE: return j < 0 ? 0 : len - 1;
    case MOTE_PAD_WRAP: return ((j % len) + len) % len;
    case MOTE_PAD_REFLECT: return j < 0 ? -j : 2 * (len - 1) - j;
    default: return -1;
  }
}

// Integer fills saturate, and NaN becomes 0, so that no value of the float is UB to convert.
int64_t saturate(float v, double lo, double hi) {
  if (v != v) return 0;
  if (double(v) <= lo) return int64_t(lo);
  if (double(v) >= hi) return hi >= 9.2e18 ? INT64_MAX : int64_t(hi);
  return int64_t(v);
}

// The pad value in the tensor's dtype, as the bytes of one element.
void pad_fill(int32_t dtype, float value, uint8_t* fill) {
  switch (dtype) {
    case MOTE_F32: memcpy(fill, &value, 4); break;
    case MOTE_I32: {
      const int32_t v = int32_t(saturate(value, -2147483648.0, 2147483647.0));
      memcpy(fill, &v, 4);
      break;
    }
    case MOTE_I64: {
      const int64_t v = saturate(value, -9223372036854775808.0, 9223372036854775808.0);
      memcpy(fill, &v, 8);
      break;
    }
    case MOTE_I8: fill[0] = uint8_t(int8_t(saturate(value, -128.0, 127.0))); break;
    case MOTE_U8: fill[0] = uint8_t(saturate(value, 0.0, 255.0)); break;
    default: fill[0] = value != 0.0f; break;  // bool
  }
}

void pad_elements(const OpArgs& a) {
  const mote_pad_params& p = a.p<mote_pad_params>();
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  const uint32_t size = dtype_size(x.dtype);
  uint8_t fill[8] = {0};
  if (a.num_in > 1 && a.in[1].present()) {
    move_element(fill, a.in[1].data, size);  // the value computed at run time, in X's dtype
  } else {
    pad_fill(x.dtype, p.value, fill);
  }
  PadAxis ax[MOTE_MAX_RANK];
  int64_t in_stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, in_stride);
  for (int32_t d = 0; d < x.rank; ++d) ax[d] = pad_axis(p, d, x.dims[d]);
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = y.as<uint8_t>();
  const int64_t total = y.numel();
  int64_t idx[MOTE_MAX_RANK] = {0};
  for (int64_t o = 0; o < total; ++o) {
    int64_t off = 0;
    for (int32_t d = 0; d < y.rank && off >= 0; ++d) {
      const int64_t s = pad_source(idx[d] - ax[d].pad, ax[d].len, p.mode);
      off = s < 0 ? -1 : off + (ax[d].crop + s) * in_stride[d];
    }
    move_element(dst + o * size, off < 0 ? fill : src + off * size, size);
    for (int32_t d = y.rank - 1; d >= 0; --d) {
      if (++idx[d] < y.dims[d]) break;
      idx[d] = 0;
    }
  }
}

}  // namespace

Status infer_pad(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 2, 1));
  MOTE_TRY(check_params<mote_pad_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  if (a.num_in > 1 && a.in[1].present() && (a.in[1].dtype != x.dtype || a.in[1].numel() != 1)) {
    return Fail(a.diag, Status::kBadParams).s("the pad value must be one ").s(dtype_name(x.dtype)).s(", got ")
        .dims(a.in[1].dims, a.in[1].rank).s(" ").s(dtype_name(a.in[1].dtype));
  }
  const mote_pad_params& p = a.p<mote_pad_params>();
  if (p.mode < MOTE_PAD_CONSTANT || p.mode > MOTE_PAD_WRAP) return Fail(a.diag, Status::kBadParams).s("unknown pad mode ").i(p.mode);
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) {
    dims[d] = int64_t(x.dims[d]) + p.begin[d] + p.end[d];
    if (dims[d] < 0) return Fail(a.diag, Status::kBadParams).s("pads make axis ").i(d).s(" negative: ").i(dims[d]);
    // Edge, reflect and wrap copy from the cropped range, so it must hold enough elements.
    if (p.mode == MOTE_PAD_CONSTANT || (p.begin[d] <= 0 && p.end[d] <= 0)) continue;
    const PadAxis ax = pad_axis(p, d, x.dims[d]);
    const int64_t need = p.mode == MOTE_PAD_REFLECT ? 2 : 1;
    if (ax.len < need) {
      return Fail(a.diag, Status::kBadParams).s("axis ").i(d).s(" has ").i(ax.len > 0 ? ax.len : 0)
          .s(" elements left after cropping, too few to pad in this mode");
    }
    if (p.mode == MOTE_PAD_REFLECT && (p.begin[d] > ax.len - 1 || p.end[d] > ax.len - 1)) {
      return Fail(a.diag, Status::kBadParams).s("reflect pads on axis ").i(d).s(" exceed the axis length minus 1 (").i(ax.len - 1).s(")");
    }
  }
  return set_checked_shape(a, out, x.dtype, x.rank, dims);
}

Status run_pad(const OpArgs& a) {
  pad_elements(a);
  return Status::kOk;
}

// ---- Tile / Expand ---------------------------------------------------------------------------

Status infer_tile(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_tile_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const int32_t* repeats = a.p<mote_tile_params>().repeats;
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < x.rank; ++d) {
    if (repeats[d] < 0) return Fail(a.diag, Status::kBadParams).s("repeat ").i(repeats[d]).s(" on axis ").i(d).s(" is negative");
    dims[d] = int64_t(x.dims[d]) * repeats[d];
  }
  return set_checked_shape(a, out, x.dtype, x.rank, dims);
}

// Output index o reads input index o mod dims on every axis. Row by row (a row is the last
// axis): the input row that the output row's outer index selects, repeated along the row.
Status run_tile(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  const uint32_t es = dtype_size(x.dtype);
  const int32_t rank = x.rank;
  if (y.numel() == 0) return Status::kOk;
  if (rank == 0) {
    memcpy(y.data, x.data, es);
    return Status::kOk;
  }
  int64_t in_stride[MOTE_MAX_RANK];
  dense_strides(x.dims, rank, in_stride);
  const size_t row = bytes(x.dims[rank - 1], es);
  const int32_t repeats = a.p<mote_tile_params>().repeats[rank - 1];
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = y.as<uint8_t>();
  int32_t idx[MOTE_MAX_RANK] = {0};  // the output row's index on the axes before the last
  const int64_t rows = product(y.dims, 0, rank - 1);
  for (int64_t o = 0; o < rows; ++o) {
    int64_t at = 0;
    for (int32_t d = 0; d < rank - 1; ++d) at += (idx[d] % x.dims[d]) * in_stride[d];
    for (int32_t r = 0; r < repeats; ++r, dst += row) memcpy(dst, src + size_t(at) * es, row);
    for (int32_t d = rank - 2; d >= 0; --d) {
      if (++idx[d] < y.dims[d]) break;
      idx[d] = 0;
    }
  }
  return Status::kOk;
}

Status infer_expand(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_expand_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_expand_params& p = a.p<mote_expand_params>();
  if (p.rank < x.rank || p.rank > MOTE_MAX_RANK) {
    return Fail(a.diag, Status::kBadParams).s("expand rank ").i(p.rank).s(" must lie in ").i(x.rank).s("..").i(MOTE_MAX_RANK);
  }
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < p.rank; ++d) {
    dims[d] = p.dims[d];
    const int32_t xd = d - (p.rank - x.rank);
    if (xd >= 0 && x.dims[xd] != p.dims[d] && x.dims[xd] != 1) {
      return Fail(a.diag, Status::kBadParams).s("cannot expand ").dims(x.dims, x.rank).s(" to ").dims(p.dims, p.rank);
    }
  }
  return set_checked_shape(a, out, x.dtype, p.rank, dims);
}

Status run_expand(const OpArgs& a) {
  const TensorView& y = a.out[0];
  Walk w = {y.rank, {0}, {0}, 0};
  broadcast_strides(a.in[0], y, w.stride);
  for (int32_t d = 0; d < y.rank; ++d) w.dims[d] = y.dims[d];
  copy_walk(y.data, a.in[0].data, &w, dtype_size(y.dtype));
  return Status::kOk;
}

// ---- DepthToSpace / SpaceToDepth -------------------------------------------------------------
//
// Both are a transpose of a 6-D view of the NCHW input:
//   DepthToSpace DCR: [N, b, b, C/b², H, W] read as [N, C/b², H, b, W, b]
//   DepthToSpace CRD: [N, C/b², b, b, H, W] read as [N, C/b², H, b, W, b]
//   SpaceToDepth:     [N, C, H/b, b, W/b, b] read as [N, b, b, C, H/b, W/b]

namespace {
constexpr int32_t kDcr[6] = {0, 3, 4, 1, 5, 2};
constexpr int32_t kCrd[6] = {0, 1, 4, 2, 5, 3};
constexpr int32_t kSpaceToDepth[6] = {0, 3, 5, 1, 2, 4};
}  // namespace

Status infer_depth_space(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_depth_space_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_rank(a, 0, 4, 4));
  const TensorView& x = a.in[0];
  const mote_depth_space_params& p = a.p<mote_depth_space_params>();
  const bool to_space = a.code == MOTE_OP_DEPTH_TO_SPACE;
  if (p.blocksize < 1) return Fail(a.diag, Status::kBadParams).s("blocksize ").i(p.blocksize).s(" must be positive");
  if (p.mode != 0 && !(to_space && p.mode == 1)) return Fail(a.diag, Status::kBadParams).s("unknown mode ").i(p.mode);
  const int64_t b = p.blocksize;
  int64_t dims[4] = {x.dims[0], x.dims[1], x.dims[2], x.dims[3]};
  if (to_space) {
    if (x.dims[1] % (b * b) != 0) {
      return Fail(a.diag, Status::kBadParams).s("channels ").i(x.dims[1]).s(" are not a multiple of blocksize² ").i(b * b);
    }
    dims[1] /= b * b;
    dims[2] *= b;
    dims[3] *= b;
  } else {
    if (x.dims[2] % b != 0 || x.dims[3] % b != 0) {
      return Fail(a.diag, Status::kBadParams).s("H and W ").dims(x.dims + 2, 2).s(" are not multiples of blocksize ").i(b);
    }
    if (x.dims[1] > 0 && b * b > kMaxElements / x.dims[1]) {
      return Fail(a.diag, Status::kBadParams).s("blocksize ").i(b).s(" makes too many channels");
    }
    dims[1] *= b * b;
    dims[2] /= b;
    dims[3] /= b;
  }
  return set_checked_shape(a, out, x.dtype, 4, dims);
}

Status run_depth_space(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const mote_depth_space_params& p = a.p<mote_depth_space_params>();
  const int64_t b = p.blocksize, n = x.dims[0], c = x.dims[1], h = x.dims[2], w = x.dims[3];
  Walk walk;
  if (a.code == MOTE_OP_SPACE_TO_DEPTH) {
    const int64_t view[6] = {n, c, h / b, b, w / b, b};
    walk = permuted_walk(view, 6, kSpaceToDepth);
  } else if (p.mode == 0) {
    const int64_t view[6] = {n, b, b, c / (b * b), h, w};
    walk = permuted_walk(view, 6, kDcr);
  } else {
    const int64_t view[6] = {n, c / (b * b), b, b, h, w};
    walk = permuted_walk(view, 6, kCrd);
  }
  copy_walk(a.out[0].data, x.data, &walk, dtype_size(x.dtype));
  return Status::kOk;
}

}  // namespace mote

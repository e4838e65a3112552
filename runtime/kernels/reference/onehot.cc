// Reference kernel for OneHot: the index values are data of any numeric dtype, so each is
// resolved to a position in [0, depth) or to none (an all-off row) as the op runs; the off and
// on values move by element size, so every output dtype takes the same loop.
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

bool takes_indices(int32_t dtype) {
  return dtype == MOTE_F32 || dtype == MOTE_I8 || dtype == MOTE_U8 || dtype == MOTE_I32 || dtype == MOTE_I64;
}

// Index i of `t` as a position in [0, depth), or -1 when it is outside [-depth, depth).
int64_t position(const TensorView& t, int64_t i, int64_t depth) {
  int64_t v = 0;
  switch (t.dtype) {
    case MOTE_F32: {
      const float f = t.as<float>()[i];
      // Truncated toward zero, as a cast to int64; NaN fails both comparisons.
      if (!(f > float(-depth - 1) && f < float(depth))) return -1;
      v = int64_t(f);
      break;
    }
    case MOTE_I8: v = t.as<int8_t>()[i]; break;
    case MOTE_U8: v = t.as<uint8_t>()[i]; break;
    case MOTE_I32: v = t.as<int32_t>()[i]; break;
    default: v = t.as<int64_t>()[i]; break;
  }
  if (v < 0) v += depth;
  return v >= 0 && v < depth ? v : -1;
}

}  // namespace

Status infer_onehot(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_onehot_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_input(a, 1));
  const mote_onehot_params& p = a.p<mote_onehot_params>();
  const TensorView& idx = a.in[0];
  const TensorView& values = a.in[1];
  if (!takes_indices(idx.dtype)) return Fail(a.diag, Status::kBadParams).s("indices are ").s(dtype_name(idx.dtype));
  if (values.rank != 1 || values.dims[0] != 2) {
    return Fail(a.diag, Status::kBadParams).s("values are ").dims(values.dims, values.rank).s(", expected [2] (off, on)");
  }
  int32_t axis = p.axis;
  if (p.depth < 1 || !normalize_axis(&axis, idx.rank + 1)) {
    return Fail(a.diag, Status::kBadParams).s("depth ").i(p.depth).s(" or axis ").i(p.axis).s(" out of range for indices of rank ")
        .i(idx.rank);
  }
  int64_t dims[MOTE_MAX_RANK + 1];
  int32_t r = 0;
  for (int32_t d = 0; d <= idx.rank; ++d) dims[r++] = d == axis ? p.depth : (d < axis ? idx.dims[d] : idx.dims[d - 1]);
  return set_checked_shape(a, out, values.dtype, idx.rank + 1, dims);
}

// out[o][d][i] = on where indices[o][i] is position d, off elsewhere.
Status run_onehot(const OpArgs& a) {
  const mote_onehot_params& p = a.p<mote_onehot_params>();
  const TensorView& idx = a.in[0];
  int32_t axis = p.axis;
  normalize_axis(&axis, idx.rank + 1);
  const int64_t outer = product(idx.dims, 0, axis), inner = product(idx.dims, axis, idx.rank);
  const uint32_t size = dtype_size(a.in[1].dtype);
  const uint8_t* off = a.in[1].as<uint8_t>();
  const uint8_t* on = off + size;
  uint8_t* dst = a.out[0].as<uint8_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t hot = position(idx, o * inner + i, p.depth);
      for (int64_t d = 0; d < p.depth; ++d) {
        move_element(dst + size_t((o * p.depth + d) * inner + i) * size, d == hot ? on : off, size);
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote

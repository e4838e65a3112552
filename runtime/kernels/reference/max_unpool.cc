// Reference kernel for MaxUnpool: scatters X into a zeroed Y at the flattened indices I (as
// MaxPool's Indices output gives them, into the unpooled shape). The shapes come resolved in the
// params.
#include "walk.h"

namespace mote {

using namespace ref;

// X float32, I int64 shaped as X -> Y float32 of the params' shape (same rank as X).
Status infer_max_unpool(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_max_unpool_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_input(a, 1));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_dtype(a, 1, MOTE_I64));
  if (!same_dims(a.in[0], a.in[1])) return Fail(a.diag, Status::kBadParams).s("indices are not shaped as X");
  const mote_max_unpool_params& p = a.p<mote_max_unpool_params>();
  if (p.rank != a.in[0].rank) return Fail(a.diag, Status::kBadParams).s("output rank ").i(p.rank).s(" is not X's");
  int64_t dims[MOTE_MAX_RANK];
  for (int32_t d = 0; d < p.rank; ++d) {
    if (p.index_dims[d] < 0 || p.index_dims[d] > p.dims[d]) {
      return Fail(a.diag, Status::kBadParams).s("unpooled dim ").i(p.index_dims[d]).s(" on axis ").i(d).s(" exceeds the output's");
    }
    dims[d] = p.dims[d];
  }
  return set_checked_shape(a, out, MOTE_F32, p.rank, dims);
}

Status run_max_unpool(const OpArgs& a) {
  const mote_max_unpool_params& p = a.p<mote_max_unpool_params>();
  const TensorView& x = a.in[0];
  const int64_t n = x.numel(), total = a.out[0].numel();
  const int64_t limit = product(p.index_dims, 0, p.rank);
  const int64_t* ip = a.in[1].as<int64_t>();
  for (int64_t i = 0; i < n; ++i) {
    if (ip[i] < 0 || ip[i] >= limit) {
      return Fail(a.diag, Status::kRuntime).s("index ").i(ip[i]).s(" at position ").i(i).s(" is outside the unpooled ").i(limit).s(" elements");
    }
  }
  const float* xp = x.as<float>();
  float* y = a.out[0].as<float>();
  for (int64_t i = 0; i < total; ++i) y[i] = 0.0f;
  for (int64_t i = 0; i < n; ++i) {
    // The coordinates of the index in index_dims, re-flattened in Y's dims (each no smaller).
    int64_t rest = ip[i], at = 0, scale = 1;
    for (int32_t d = p.rank - 1; d >= 0; --d) {
      at += (rest % p.index_dims[d]) * scale;
      rest /= p.index_dims[d];
      scale *= p.dims[d];
    }
    y[at] = xp[i];
  }
  return Status::kOk;
}

}  // namespace mote

// Reference kernel for ReverseSequence: the batch and time axes are the first two (in either
// order), so each (batch, step) pair owns one contiguous block of the trailing dims, moved whole.
// The sequence lengths are data, clamped to the time axis as the op runs.
#include "walk.h"

namespace mote {

using namespace ref;

Status infer_reverse_sequence(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_reverse_sequence_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_input(a, 1));
  MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
  const mote_reverse_sequence_params& p = a.p<mote_reverse_sequence_params>();
  const TensorView& x = a.in[0];
  const TensorView& lens = a.in[1];
  if (!((p.batch_axis == 0 && p.time_axis == 1) || (p.batch_axis == 1 && p.time_axis == 0))) {
    return Fail(a.diag, Status::kBadParams).s("batch_axis ").i(p.batch_axis).s(" and time_axis ").i(p.time_axis).s(" must be 0 and 1");
  }
  if (lens.dtype != MOTE_I32 && lens.dtype != MOTE_I64) {
    return Fail(a.diag, Status::kBadParams).s("sequence_lens are ").s(dtype_name(lens.dtype)).s(", expected int32 or int64");
  }
  if (lens.rank != 1 || lens.dims[0] != x.dims[p.batch_axis]) {
    return Fail(a.diag, Status::kBadParams).s("sequence_lens ").dims(lens.dims, lens.rank).s(" for a batch of ").i(x.dims[p.batch_axis]);
  }
  same_as(out, x, x.dtype);
  return Status::kOk;
}

// out[b][t] = x[b][len(b) - 1 - t] for t < len(b), x[b][t] after.
Status run_reverse_sequence(const OpArgs& a) {
  const mote_reverse_sequence_params& p = a.p<mote_reverse_sequence_params>();
  const TensorView& x = a.in[0];
  const TensorView& lens = a.in[1];
  const uint32_t size = dtype_size(x.dtype);
  const int64_t batch = x.dims[p.batch_axis], steps = x.dims[p.time_axis];
  const size_t block = size_t(product(x.dims, 2, x.rank)) * size;
  // Element blocks between neighbours along each axis.
  const int64_t batch_stride = p.batch_axis == 0 ? steps : 1, time_stride = p.time_axis == 0 ? batch : 1;
  const uint8_t* src = x.as<uint8_t>();
  uint8_t* dst = a.out[0].as<uint8_t>();
  if (block == 0) return Status::kOk;
  for (int64_t b = 0; b < batch; ++b) {
    int64_t len = lens.dtype == MOTE_I32 ? int64_t(lens.as<int32_t>()[b]) : lens.as<int64_t>()[b];
    len = len < 0 ? 0 : (len > steps ? steps : len);
    for (int64_t t = 0; t < steps; ++t) {
      const int64_t from = t < len ? len - 1 - t : t;
      memcpy(dst + size_t(b * batch_stride + t * time_stride) * block, src + size_t(b * batch_stride + from * time_stride) * block, block);
    }
  }
  return Status::kOk;
}

}  // namespace mote

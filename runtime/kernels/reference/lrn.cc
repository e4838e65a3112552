// Reference kernel for LRN (local response normalisation across channels): every element divided
// by (bias + alpha / size * the sum of squares over a window of neighbouring channels)^beta.
#include <math.h>

#include "walk.h"

namespace mote {

using namespace ref;

Status infer_lrn(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_lrn_params>(a));
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
  if (a.p<mote_lrn_params>().size < 1) return Fail(a.diag, Status::kBadParams).s("size ").i(a.p<mote_lrn_params>().size).s(" is below 1");
  same_as(out, a.in[0], MOTE_F32);
  return Status::kOk;
}

// Channel c's window is [c - (size - 1) / 2, c + size / 2] (ONNX: floor and ceil of (size - 1) / 2),
// clipped to the channels there are.
Status run_lrn(const OpArgs& a) {
  const mote_lrn_params& p = a.p<mote_lrn_params>();
  const TensorView& x = a.in[0];
  const int64_t batch = x.dims[0], channels = x.dims[1], inner = product(x.dims, 2, x.rank);
  const int64_t before = (int64_t(p.size) - 1) / 2, after = int64_t(p.size) / 2;
  const float scale = p.alpha / float(p.size);
  const float* src = x.as<float>();
  float* dst = a.out[0].as<float>();
  for (int64_t n = 0; n < batch; ++n) {
    const float* xs = src + n * channels * inner;
    float* ys = dst + n * channels * inner;
    for (int64_t c = 0; c < channels; ++c) {
      const int64_t lo = c - before < 0 ? 0 : c - before;
      const int64_t hi = c + after >= channels ? channels - 1 : c + after;
      for (int64_t i = 0; i < inner; ++i) {
        float sum = 0.0f;
        for (int64_t k = lo; k <= hi; ++k) {
          const float v = xs[k * inner + i];
          sum += v * v;
        }
        ys[c * inner + i] = xs[c * inner + i] / powf(p.bias + scale * sum, p.beta);
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote

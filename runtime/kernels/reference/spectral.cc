// Reference kernels for DFT and STFT (ONNX opset 17): direct transforms, O(n^2) per signal, the
// twiddle factors from the integer phase (k * n mod length) so every bin is as exact as the
// float sine and cosine (ref::cos_sin_turn: the C library's, or small_math.h's in the builds for
// size). No scratch: each bin is summed straight into the output.
#include <math.h>

#include "small_math.h"
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// Bin k of the transform of n samples (re/im at stride `step` elements, im null for a real
// signal), the signal taken as zero past `count`: sum_t x[t] e^(sign 2 pi i k t / n).
void bin(const float* re, const float* im, int64_t step, int64_t count, int64_t n, int64_t k, double sign, const float* window,
         float* out) {
  double sr = 0.0, si = 0.0;
  for (int64_t t = 0; t < count; ++t) {
    double c, s;
    cos_sin_turn((k * t) % n, n, sign, &c, &s);
    double xr = re[t * step], xi = im ? im[t * step] : 0.0;
    if (window) xr *= window[t], xi *= window[t];
    sr += xr * c - xi * s;
    si += xr * s + xi * c;
  }
  out[0] = float(sr);
  out[1] = float(si);
}

}  // namespace

Status infer_spectral(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_params<mote_spectral_params>(a));
  const mote_spectral_params& p = a.p<mote_spectral_params>();
  if (a.code == MOTE_OP_DFT) {
    MOTE_TRY(check_arity(a, 1, 1, 1));
  } else {
    MOTE_TRY(check_arity(a, 1, 2, 1));
  }
  MOTE_TRY(check_input(a, 0));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  const TensorView& x = a.in[0];
  if (x.rank < 2 || (x.dims[x.rank - 1] != 1 && x.dims[x.rank - 1] != 2)) {
    return Fail(a.diag, Status::kBadParams).s("input is ").dims(x.dims, x.rank).s(": its last dim must be 1 (real) or 2 (complex)");
  }
  if (p.length < 1 || (p.onesided != 0 && p.onesided != 1)) {
    return Fail(a.diag, Status::kBadParams).s("length ").i(p.length).s(" and onesided ").i(p.onesided).s(" out of range");
  }
  const int64_t bins = p.onesided ? p.length / 2 + 1 : p.length;
  int64_t dims[MOTE_MAX_RANK];
  if (a.code == MOTE_OP_DFT) {
    if (p.axis < 0 || p.axis >= x.rank - 1 || (p.inverse != 0 && p.inverse != 1)) {
      return Fail(a.diag, Status::kBadParams).s("axis ").i(p.axis).s(" is not a signal axis of ").dims(x.dims, x.rank);
    }
    for (int32_t d = 0; d < x.rank; ++d) dims[d] = x.dims[d];
    dims[p.axis] = bins;
    dims[x.rank - 1] = 2;
    return set_checked_shape(a, out, MOTE_F32, x.rank, dims);
  }
  if (x.rank != 3) return Fail(a.diag, Status::kBadParams).s("signal has rank ").i(x.rank).s(", expected 3");
  if (p.step < 1 || p.length > x.dims[1]) {
    return Fail(a.diag, Status::kBadParams).s("frame_step ").i(p.step).s(", frame_length ").i(p.length).s(" for ").i(x.dims[1]).s(" samples");
  }
  if (a.num_in == 2 && a.in[1].present()) {
    MOTE_TRY(check_input(a, 1));
    MOTE_TRY(check_dtype(a, 1, MOTE_F32));
    if (a.in[1].rank != 1 || a.in[1].dims[0] != p.length) {
      return Fail(a.diag, Status::kBadParams).s("window is ").dims(a.in[1].dims, a.in[1].rank).s(", expected [").i(p.length).s("]");
    }
  }
  dims[0] = x.dims[0];
  dims[1] = (x.dims[1] - p.length) / p.step + 1;
  dims[2] = bins;
  dims[3] = 2;
  return set_checked_shape(a, out, MOTE_F32, 4, dims);
}

Status run_spectral(const OpArgs& a) {
  const mote_spectral_params& p = a.p<mote_spectral_params>();
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  const bool complex = x.dims[x.rank - 1] == 2;
  const float* xd = x.as<float>();
  float* yd = y.as<float>();
  if (a.code == MOTE_OP_STFT) {
    const float* window = a.num_in == 2 && a.in[1].present() ? a.in[1].as<float>() : nullptr;
    const int64_t samples = x.dims[1], frames = y.dims[1], bins = y.dims[2], ch = complex ? 2 : 1;
    for (int64_t b = 0; b < x.dims[0]; ++b) {
      for (int64_t f = 0; f < frames; ++f) {
        const float* re = xd + (b * samples + f * p.step) * ch;
        for (int64_t k = 0; k < bins; ++k) {
          bin(re, complex ? re + 1 : nullptr, ch, p.length, p.length, k, -1.0, window, yd + ((b * frames + f) * bins + k) * 2);
        }
      }
    }
    return Status::kOk;
  }
  // DFT: the signal axis between `outer` leading and `inner` trailing positions.
  const int64_t outer = product(x.dims, 0, p.axis), inner = product(x.dims, p.axis + 1, x.rank - 1);
  const int64_t in_len = x.dims[p.axis], bins = y.dims[p.axis], ch = complex ? 2 : 1;
  const int64_t count = in_len < p.length ? in_len : p.length;
  const double sign = p.inverse ? 1.0 : -1.0;
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const float* re = xd + ((o * in_len) * inner + i) * ch;
      for (int64_t k = 0; k < bins; ++k) {
        float* to = yd + ((o * bins + k) * inner + i) * 2;
        bin(re, complex ? re + 1 : nullptr, inner * ch, count, p.length, k, sign, nullptr, to);
        if (p.inverse) {
          to[0] /= float(p.length);
          to[1] /= float(p.length);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote

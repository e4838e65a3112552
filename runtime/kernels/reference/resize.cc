// Reference kernel for Resize: nearest, N-linear and N-cubic sampling of float tensors of any
// rank.
//
// Interpolation is separable: every output element is a sum over the tensor product of per-axis
// taps (index, weight), each axis following the same 1-D rule. An axis whose source coordinate
// lands on an input index contributes a single tap, so unresized axes cost nothing. Arithmetic
// is in double, then rounded once to float. Each axis's taps (80 bytes) live in the op's scratch,
// which infer states, not on the stack: eight of them would outgrow a small stack's frame.
#include <math.h>

#include "walk.h"

namespace mote {

using namespace ref;

namespace {

constexpr int32_t kMaxTaps = 4;

struct Taps {
  int32_t count;
  int64_t index[kMaxTaps];
  double weight[kMaxTaps];
  bool outside;  // tf_crop_and_resize sampled outside the input: the element is extrapolation_value
};
// The scratch of one axis's taps, the same on every target (the converter plans it on the host).
constexpr uint32_t kTapsBytes = 80;
static_assert(sizeof(Taps) <= kTapsBytes && alignof(Taps) <= 16, "Taps must fit its planned scratch (16-byte aligned)");

// The Resize coordinate transforms: output index x on axis d to a coordinate in the input.
double source_coord(const mote_resize_params& p, int32_t d, int64_t x, int64_t in, int64_t out) {
  const double s = p.scale[d];
  const double xr = double(x);
  switch (p.coord) {
    case MOTE_COORD_ASYMMETRIC: return xr / s;
    case MOTE_COORD_PYTORCH_HALF_PIXEL: return out > 1 ? (xr + 0.5) / s - 0.5 : 0.0;
    case MOTE_COORD_ALIGN_CORNERS: {
      // The resized length is in * scale before rounding, as the operator defines it.
      const double len = double(in) * s;
      return out > 1 && len > 1.0 ? xr * double(in - 1) / (len - 1.0) : 0.0;
    }
    case MOTE_COORD_TF_HALF_PIXEL_FOR_NN: return (xr + 0.5) / s;
    case MOTE_COORD_TF_CROP_AND_RESIZE: {
      const double start = p.roi_start[d], end = p.roi_end[d];
      if (out == 1) return 0.5 * (start + end) * double(in - 1);
      return start * double(in - 1) + xr * (end - start) * double(in - 1) / double(out - 1);
    }
    case MOTE_COORD_HALF_PIXEL_SYMMETRIC: {
      // Centres the sampled region when the output length was rounded from in * scale.
      const double adjustment = double(out) / (s * double(in));
      const double offset = double(in) / 2.0 * (1.0 - adjustment);
      return offset + (xr + 0.5) / s - 0.5;
    }
    default: return (xr + 0.5) / s - 0.5;  // half_pixel
  }
}

int64_t nearest_index(double c, int32_t rule) {
  const double f = floor(c);
  const double frac = c - f;
  if (frac == 0.0) return int64_t(f);
  switch (rule) {
    case MOTE_NEAREST_ROUND_PREFER_CEIL: return int64_t(f) + (frac >= 0.5 ? 1 : 0);
    case MOTE_NEAREST_FLOOR: return int64_t(f);
    case MOTE_NEAREST_CEIL: return int64_t(f) + 1;
    default: return int64_t(f) + (frac > 0.5 ? 1 : 0);  // round_prefer_floor
  }
}

// Keys cubic convolution weights for taps floor-1 .. floor+2 at fractional offset t.
void cubic_weights(double t, double A, double* w) {
  const double d0 = 1.0 + t, d1 = t, d2 = 1.0 - t, d3 = 2.0 - t;
  w[0] = ((A * d0 - 5.0 * A) * d0 + 8.0 * A) * d0 - 4.0 * A;
  w[1] = ((A + 2.0) * d1 - (A + 3.0)) * d1 * d1 + 1.0;
  w[2] = ((A + 2.0) * d2 - (A + 3.0)) * d2 * d2 + 1.0;
  w[3] = ((A * d3 - 5.0 * A) * d3 + 8.0 * A) * d3 - 4.0 * A;
}

// exclude_outside: taps outside the input get no weight and the rest are scaled to sum to 1.
// When every tap is outside, the clamped taps are kept instead so the result stays finite.
void exclude_outside(Taps* t, int64_t in) {
  double inside = 0.0;
  for (int32_t k = 0; k < t->count; ++k) {
    if (t->index[k] >= 0 && t->index[k] < in) inside += t->weight[k];
  }
  if (inside == 0.0) return;
  for (int32_t k = 0; k < t->count; ++k) {
    const bool in_range = t->index[k] >= 0 && t->index[k] < in;
    t->weight[k] = in_range ? t->weight[k] / inside : 0.0;
  }
}

// Drops taps without weight and clamps the rest into the input (the edge value repeats).
void finish_taps(Taps* t, int64_t in) {
  int32_t n = 0;
  for (int32_t k = 0; k < t->count; ++k) {
    if (t->weight[k] == 0.0) continue;
    const int64_t i = t->index[k];
    t->index[n] = i < 0 ? 0 : (i >= in ? in - 1 : i);
    t->weight[n] = t->weight[k];
    ++n;
  }
  t->count = n;
}

Taps axis_taps(const mote_resize_params& p, int32_t d, int64_t x, int64_t in, int64_t out) {
  Taps t = {0, {0}, {0.0}, false};
  double c = source_coord(p, d, x, in, out);
  if (p.coord == MOTE_COORD_TF_CROP_AND_RESIZE && (c < 0.0 || c > double(in - 1))) {
    t.outside = true;
    return t;
  }
  // Beyond a few elements outside the input every tap clamps to the same edge, so bounding the
  // coordinate changes nothing and keeps its conversion to an integer defined.
  if (!(c >= -4.0)) c = -4.0;
  if (c > double(in) + 4.0) c = double(in) + 4.0;
  if (p.mode == MOTE_RESIZE_NEAREST) {
    t.count = 1;
    t.index[0] = nearest_index(c, p.nearest);
    t.weight[0] = 1.0;
  } else {
    const double f = floor(c);
    const int64_t base = int64_t(f);
    if (p.mode == MOTE_RESIZE_LINEAR) {
      t.count = 2;
      t.index[0] = base;
      t.index[1] = base + 1;
      t.weight[0] = 1.0 - (c - f);
      t.weight[1] = c - f;
    } else {
      t.count = 4;
      for (int32_t k = 0; k < 4; ++k) t.index[k] = base - 1 + k;
      cubic_weights(c - f, p.cubic_coeff, t.weight);
    }
    if (p.exclude_outside) exclude_outside(&t, in);
  }
  finish_taps(&t, in);
  return t;
}

// Sum over every combination of one tap per axis.
float sample(const float* x, const Taps* taps, const int64_t* stride, int32_t rank) {
  int32_t t[MOTE_MAX_RANK] = {0};
  double acc = 0.0;
  for (;;) {
    double w = 1.0;
    int64_t off = 0;
    for (int32_t d = 0; d < rank; ++d) {
      w *= taps[d].weight[t[d]];
      off += taps[d].index[t[d]] * stride[d];
    }
    acc += w * double(x[off]);
    int32_t d = rank - 1;
    for (; d >= 0; --d) {
      if (++t[d] < taps[d].count) break;
      t[d] = 0;
    }
    if (d < 0) return float(acc);
  }
}

}  // namespace

Status infer_resize(const OpArgs& a, TensorView* out, uint32_t* scratch) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_resize_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_resize_params& p = a.p<mote_resize_params>();
  // int8 (quantized) tensors resize by nearest neighbour only: it copies values, so the
  // quantisation parameters carry over unchanged.
  const bool int8_nearest = x.dtype == MOTE_I8 && p.mode == MOTE_RESIZE_NEAREST && p.coord != MOTE_COORD_TF_CROP_AND_RESIZE;
  if (!int8_nearest) MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  if (p.mode < MOTE_RESIZE_NEAREST || p.mode > MOTE_RESIZE_CUBIC) return Fail(a.diag, Status::kBadParams).s("unknown resize mode ").i(p.mode);
  if (p.coord < MOTE_COORD_HALF_PIXEL || p.coord > MOTE_COORD_TF_HALF_PIXEL_FOR_NN) {
    return Fail(a.diag, Status::kBadParams).s("unknown coordinate transform ").i(p.coord);
  }
  if (p.nearest < MOTE_NEAREST_ROUND_PREFER_FLOOR || p.nearest > MOTE_NEAREST_CEIL) {
    return Fail(a.diag, Status::kBadParams).s("unknown nearest rounding ").i(p.nearest);
  }
  if (p.mode == MOTE_RESIZE_CUBIC && !isfinite(p.cubic_coeff)) return Fail(a.diag, Status::kBadParams).s("cubic_coeff is not finite");
  int64_t dims[MOTE_MAX_RANK] = {0};
  bool empty_input = false;
  for (int32_t d = 0; d < x.rank; ++d) {
    if (!(isfinite(p.scale[d]) && p.scale[d] > 0.0f)) {
      return Fail(a.diag, Status::kBadParams).s("scale ").f(p.scale[d]).s(" on axis ").i(d).s(" is not a positive number");
    }
    if (p.coord == MOTE_COORD_TF_CROP_AND_RESIZE && !(isfinite(p.roi_start[d]) && isfinite(p.roi_end[d]))) {
      return Fail(a.diag, Status::kBadParams).s("roi on axis ").i(d).s(" is not finite");
    }
    dims[d] = p.out_dims[d];
    empty_input = empty_input || x.dims[d] == 0;
  }
  MOTE_TRY(set_checked_shape(a, out, x.dtype, x.rank, dims));
  if (empty_input && out->numel() > 0) {
    return Fail(a.diag, Status::kBadParams).s("cannot resize the empty ").dims(x.dims, x.rank).s(" to ").dims(out->dims, out->rank);
  }
  *scratch = uint32_t(x.rank) * kTapsBytes;
  return Status::kOk;
}

Status run_resize(const OpArgs& a) {
  const mote_resize_params& p = a.p<mote_resize_params>();
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  const int32_t rank = x.rank;
  int64_t stride[MOTE_MAX_RANK];
  dense_strides(x.dims, rank, stride);
  Taps* const taps = static_cast<Taps*>(a.scratch);  // one per axis (infer: kTapsBytes each)
  int64_t idx[MOTE_MAX_RANK] = {0};
  const float* src = x.as<float>();
  float* dst = y.as<float>();
  const bool int8 = x.dtype == MOTE_I8;
  const int64_t total = y.numel();
  int32_t stale = 0;  // taps of axes >= stale follow the index that just changed
  for (int64_t o = 0; o < total; ++o) {
    for (int32_t d = stale; d < rank; ++d) taps[d] = axis_taps(p, d, idx[d], x.dims[d], y.dims[d]);
    if (int8) {  // nearest: one tap per axis
      int64_t at = 0;
      for (int32_t d = 0; d < rank; ++d) at += taps[d].index[0] * stride[d];
      y.as<int8_t>()[o] = x.as<int8_t>()[at];
    } else {
      bool outside = false;
      for (int32_t d = 0; d < rank; ++d) outside = outside || taps[d].outside;
      dst[o] = outside ? p.extrapolation_value : sample(src, taps, stride, rank);
    }
    int32_t d = rank - 1;
    for (; d >= 0; --d) {
      if (++idx[d] < y.dims[d]) break;
      idx[d] = 0;
    }
    stale = d < 0 ? 0 : d;
  }
  return Status::kOk;
}

}  // namespace mote

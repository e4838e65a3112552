// Reference kernel for GridSample (2-D, ONNX opset 16): every output pixel samples the input at
// the position the grid gives it, by nearest, bilinear or bicubic interpolation, with the zeros,
// border or reflection rule for what lies outside. The grid is run-time data, so every position
// is made finite and bounded before it becomes an index (mote_grid_sample_params).
#include <math.h>

#include "small_math.h"
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

// Normalised coordinates are clamped to +-kFar: far enough out that zeros padding reads only
// zeros and border padding the edge, as at any farther place, and small enough that every tap
// index computed from one fits int64 (kFar times a dimension below 2^31).
constexpr float kFar = 1.0e7f;
constexpr float kCubicA = -0.75f;  // Keys' cubic convolution kernel, as ONNX and PyTorch use

// One spatial axis of the input: its size and the borders positions are reflected at.
struct Axis {
  int64_t size;
  double lo, hi;
};

// Reflects x at lo and hi until it lies between them (a zero-width range gives lo).
double reflect(double x, double lo, double hi) {
  const double range = hi - lo;
  if (!(range > 0.0)) return lo;
  if (x < lo) {
    const double m = ref::fmod_pos_f64(lo - x, 2.0 * range);
    return m <= range ? lo + m : hi - (m - range);
  }
  if (x > hi) {
    const double m = ref::fmod_pos_f64(x - hi, 2.0 * range);
    return m <= range ? hi - m : lo + (m - range);
  }
  return x;
}

// The pixel position of normalised coordinate g on `ax`, rounded for nearest, and brought
// inside by border or reflection padding when it lies beyond the borders.
float position(float g, const Axis& ax, const mote_grid_sample_params& p) {
  if (g != g) g = -1.0f;
  g = g < -kFar ? -kFar : (g > kFar ? kFar : g);
  const float size = float(ax.size);
  float x = p.align_corners ? (g + 1.0f) * 0.5f * (size - 1.0f) : ((g + 1.0f) * size - 1.0f) * 0.5f;
  if (p.mode == MOTE_GRID_NEAREST) x = nearbyintf(x);  // half to even
  if (x < float(ax.lo) || x > float(ax.hi)) {
    if (p.padding == MOTE_GRID_BORDER) {
      x = x < 0.0f ? 0.0f : (x > size - 1.0f ? size - 1.0f : x);
    } else if (p.padding == MOTE_GRID_REFLECTION) {
      x = float(reflect(double(x), ax.lo, ax.hi));
    }
  }
  return x;
}

// Index i on `ax` after padding, or -1 for a tap that reads zero.
int64_t tap_index(int64_t i, const Axis& ax, int32_t padding) {
  if (i >= 0 && i < ax.size) return i;
  if (padding == MOTE_GRID_ZEROS) return -1;
  if (padding == MOTE_GRID_BORDER) return i < 0 ? 0 : ax.size - 1;
  const int64_t r = int64_t(reflect(double(i), ax.lo, ax.hi));  // truncated, as ONNX does
  return r < 0 ? 0 : (r >= ax.size ? ax.size - 1 : r);
}

// The taps of one axis: up to four indices (-1: reads zero) and their weights.
struct Taps {
  int32_t count;
  int64_t index[4];
  float weight[4];
};

Taps taps_of(float x, const Axis& ax, const mote_grid_sample_params& p) {
  Taps t{};
  if (p.mode == MOTE_GRID_NEAREST) {
    t.count = 1;
    t.index[0] = tap_index(int64_t(x), ax, p.padding);
    t.weight[0] = 1.0f;
    return t;
  }
  const float f = floorf(x);
  const float d = x - f;
  const int64_t i0 = int64_t(f);
  if (p.mode == MOTE_GRID_LINEAR) {
    t.count = 2;
    t.weight[0] = 1.0f - d;
    t.weight[1] = d;
    for (int32_t k = 0; k < 2; ++k) t.index[k] = tap_index(i0 + k, ax, p.padding);
    return t;
  }
  // Cubic: taps i0 - 1 .. i0 + 2 at distances 1 + d, d, 1 - d, 2 - d.
  const float A = kCubicA;
  const float u = d + 1.0f, v = 1.0f - d, w = 2.0f - d;
  t.count = 4;
  t.weight[0] = ((A * u - 5.0f * A) * u + 8.0f * A) * u - 4.0f * A;
  t.weight[1] = ((A + 2.0f) * d - (A + 3.0f)) * d * d + 1.0f;
  t.weight[2] = ((A + 2.0f) * v - (A + 3.0f)) * v * v + 1.0f;
  t.weight[3] = ((A * w - 5.0f * A) * w + 8.0f * A) * w - 4.0f * A;
  for (int32_t k = 0; k < 4; ++k) t.index[k] = tap_index(i0 - 1 + k, ax, p.padding);
  return t;
}

Axis axis_of(int64_t size, int32_t align_corners) {
  // Reflection borders: the outer pixel centres with align_corners, else the outer pixel edges.
  return align_corners ? Axis{size, 0.0, double(size - 1)} : Axis{size, -0.5, double(size) - 0.5};
}

}  // namespace

Status infer_grid_sample(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 2, 2, 1));
  MOTE_TRY(check_params<mote_grid_sample_params>(a));
  const mote_grid_sample_params& p = a.p<mote_grid_sample_params>();
  if (p.mode < MOTE_GRID_LINEAR || p.mode > MOTE_GRID_CUBIC || p.padding < MOTE_GRID_ZEROS || p.padding > MOTE_GRID_REFLECTION ||
      (p.align_corners != 0 && p.align_corners != 1)) {
    return Fail(a.diag, Status::kBadParams).s("mode ").i(p.mode).s(", padding ").i(p.padding).s(", align_corners ").i(p.align_corners).s(" out of range");
  }
  for (int32_t k = 0; k < 2; ++k) {
    MOTE_TRY(check_input(a, k));
    MOTE_TRY(check_dtype(a, k, MOTE_F32));
    MOTE_TRY(check_rank(a, k, 4, 4));
  }
  const TensorView &x = a.in[0], &grid = a.in[1];
  if (grid.dims[0] != x.dims[0] || grid.dims[3] != 2) {
    return Fail(a.diag, Status::kBadParams).s("grid ").dims(grid.dims, grid.rank).s(" does not fit X ").dims(x.dims, x.rank).s(": expected [N, H_out, W_out, 2]");
  }
  if (x.dims[2] < 1 || x.dims[3] < 1) return Fail(a.diag, Status::kBadParams).s("X ").dims(x.dims, x.rank).s(" has no pixels to sample");
  const int64_t dims[4] = {x.dims[0], x.dims[1], grid.dims[1], grid.dims[2]};
  return set_checked_shape(a, out, MOTE_F32, 4, dims);
}

Status run_grid_sample(const OpArgs& a) {
  const mote_grid_sample_params& p = a.p<mote_grid_sample_params>();
  const TensorView &x = a.in[0], &grid = a.in[1];
  const int64_t batch = x.dims[0], channels = x.dims[1], height = x.dims[2], width = x.dims[3];
  const int64_t out_h = grid.dims[1], out_w = grid.dims[2], plane = out_h * out_w;
  const Axis ax_y = axis_of(height, p.align_corners), ax_x = axis_of(width, p.align_corners);
  const float* src = x.as<float>();
  const float* g = grid.as<float>();
  float* dst = a.out[0].as<float>();
  for (int64_t n = 0; n < batch; ++n) {
    for (int64_t o = 0; o < plane; ++o) {
      const float* xy = g + (n * plane + o) * 2;  // (x, y): width first
      const Taps tx = taps_of(position(xy[0], ax_x, p), ax_x, p);
      const Taps ty = taps_of(position(xy[1], ax_y, p), ax_y, p);
      for (int64_t c = 0; c < channels; ++c) {
        const float* image = src + (n * channels + c) * height * width;
        float sum = 0.0f;
        for (int32_t i = 0; i < ty.count; ++i) {
          if (ty.index[i] < 0) continue;
          const float* row = image + ty.index[i] * width;
          float acc = 0.0f;
          for (int32_t j = 0; j < tx.count; ++j) {
            if (tx.index[j] >= 0) acc += tx.weight[j] * row[tx.index[j]];
          }
          sum += ty.weight[i] * acc;
        }
        dst[(n * channels + c) * plane + o] = sum;
      }
    }
  }
  return Status::kOk;
}

}  // namespace mote

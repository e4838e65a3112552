// Reference kernels: BatchNormalization (inference), LayerNormalization,
// InstanceNormalization, LpNormalization, Softmax, LogSoftmax, Hardmax.
#include <math.h>

#include "common.h"
#include "small_exp.h"
#include "small_math.h"
#include "mote/op_config.h"

namespace mote {

using namespace ref;

Status infer_norm(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_params<mote_norm_params>(a));
  const mote_norm_params& p = a.p<mote_norm_params>();
  if (a.num_in < 1 || !a.in[0].present()) return Fail(a.diag, Status::kBadParams).s("X is required");
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  const TensorView& x = a.in[0];
  for (int32_t k = 1; k < a.num_in; ++k) {
    if (a.in[k].present()) MOTE_TRY(check_dtype(a, k, MOTE_F32));
  }
  switch (a.code) {
    case MOTE_OP_BATCH_NORM:
    case MOTE_OP_INSTANCE_NORM: {
      const int32_t want = a.code == MOTE_OP_BATCH_NORM ? 5 : 3;
      MOTE_TRY(check_arity(a, want, want, 1));
      MOTE_TRY(check_rank(a, 0, 2, MOTE_MAX_RANK));
      for (int32_t k = 1; k < want; ++k) {
        if (a.in[k].numel() != x.dims[1]) {
          return Fail(a.diag, Status::kBadParams).s("input ").i(k).s(" must have ").i(x.dims[1]).s(" elements");
        }
      }
      same_as(out, x, MOTE_F32);
      return Status::kOk;
    }
    case MOTE_OP_LAYER_NORM: {
      if (a.num_in < 2 || a.num_in > 3 || a.num_out < 1 || a.num_out > 3) {
        return Fail(a.diag, Status::kBadParams).s("LayerNormalization takes X, scale, [B] and makes 1..3 outputs");
      }
      if (!a.in[1].present()) return Fail(a.diag, Status::kBadParams).s("scale is required");
      int32_t axis = p.axis;
      MOTE_TRY(check_axis(a, &axis, x.rank));
      const int64_t inner = product(x.dims, axis, x.rank);
      for (int32_t k = 1; k < a.num_in; ++k) {
        if (a.in[k].present() && a.in[k].numel() != inner) {
          return Fail(a.diag, Status::kBadParams).s("scale/B must have ").i(inner).s(" elements");
        }
      }
      same_as(out, x, MOTE_F32);
      for (int32_t k = 1; k < a.num_out; ++k) {
        same_as(&out[k], x, MOTE_F32);
        for (int32_t d = axis; d < x.rank; ++d) out[k].dims[d] = 1;
      }
      return Status::kOk;
    }
    case MOTE_OP_LP_NORM: {
      MOTE_TRY(check_arity(a, 1, 1, 1));
      int32_t axis = p.axis;
      MOTE_TRY(check_axis(a, &axis, x.rank));
      if (p.p != 1 && p.p != 2) return Fail(a.diag, Status::kBadParams).s("p must be 1 or 2");
      same_as(out, x, MOTE_F32);
      return Status::kOk;
    }
    default: return unsupported(a);
  }
}

namespace {

// Mean and (biased) variance of n floats, summed in double; 0 and 0 for none.
void moments(const float* x, int64_t n, double* mean, double* var) {
  double sum = 0.0, sq = 0.0;
  for (int64_t i = 0; i < n; ++i) sum += x[i];
  const double m = n ? sum / double(n) : 0.0;
  for (int64_t i = 0; i < n; ++i) sq += (x[i] - m) * (x[i] - m);
  *mean = m;
  *var = n ? sq / double(n) : 0.0;
}

}  // namespace

Status run_norm(const OpArgs& a) {
  const mote_norm_params& p = a.p<mote_norm_params>();
  const TensorView& x = a.in[0];
  const float* in = x.as<float>();
  float* out = a.out[0].as<float>();
  switch (a.code) {
    case MOTE_OP_BATCH_NORM: {
      const float *scale = a.in[1].as<float>(), *bias = a.in[2].as<float>();
      const float *mean = a.in[3].as<float>(), *var = a.in[4].as<float>();
      const int32_t c = x.dims[1];
      const int64_t inner = product(x.dims, 2, x.rank);
      const int64_t outer = x.dims[0];
      for (int64_t n = 0; n < outer; ++n) {
        for (int32_t ch = 0; ch < c; ++ch) {
          const float s = scale[ch] / sqrtf(var[ch] + p.epsilon);
          const float b = bias[ch] - mean[ch] * s;
          const int64_t base = (n * c + ch) * inner;
          for (int64_t i = 0; i < inner; ++i) out[base + i] = in[base + i] * s + b;
        }
      }
      return Status::kOk;
    }
    case MOTE_OP_INSTANCE_NORM: {
      const float *scale = a.in[1].as<float>(), *bias = a.in[2].as<float>();
      const int32_t c = x.dims[1];
      const int64_t inner = product(x.dims, 2, x.rank);
      for (int64_t plane = 0; plane < int64_t(x.dims[0]) * c; ++plane) {
        const float* xp = in + plane * inner;
        double mean, var;
        moments(xp, inner, &mean, &var);
        const float s = float(scale[plane % c] / sqrt(var + p.epsilon));
        for (int64_t i = 0; i < inner; ++i) out[plane * inner + i] = float(xp[i] - mean) * s + bias[plane % c];
      }
      return Status::kOk;
    }
    case MOTE_OP_LAYER_NORM: {
      int32_t axis = p.axis;
      normalize_axis(&axis, x.rank);
      const int64_t inner = product(x.dims, axis, x.rank), outer = product(x.dims, 0, axis);
      const float* scale = a.in[1].as<float>();
      const float* bias = a.num_in > 2 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
      float* mean_out = a.num_out > 1 ? a.out[1].as<float>() : nullptr;
      float* inv_out = a.num_out > 2 ? a.out[2].as<float>() : nullptr;
      for (int64_t o = 0; o < outer; ++o) {
        const float* xp = in + o * inner;
        double mean, var;
        moments(xp, inner, &mean, &var);
        const double inv = 1.0 / sqrt(var + p.epsilon);
        for (int64_t i = 0; i < inner; ++i) {
          out[o * inner + i] = float((xp[i] - mean) * inv) * scale[i] + (bias ? bias[i] : 0.0f);
        }
        if (mean_out) mean_out[o] = float(mean);
        if (inv_out) inv_out[o] = float(inv);
      }
      return Status::kOk;
    }
    case MOTE_OP_LP_NORM: {
      int32_t axis = p.axis;
      normalize_axis(&axis, x.rank);
      const int64_t n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank), outer = product(x.dims, 0, axis);
      for (int64_t o = 0; o < outer; ++o) {
        for (int64_t i = 0; i < inner; ++i) {
          const float* xp = in + o * n * inner + i;
          double norm = 0.0;
          for (int64_t k = 0; k < n; ++k) norm += p.p == 1 ? fabs(xp[k * inner]) : double(xp[k * inner]) * xp[k * inner];
          if (p.p == 2) norm = sqrt(norm);
          for (int64_t k = 0; k < n; ++k) out[(o * n + k) * inner + i] = norm > 0 ? float(xp[k * inner] / norm) : 0.0f;
        }
      }
      return Status::kOk;
    }
    default: return unsupported(a);
  }
}

Status infer_softmax(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_op<mote_softmax_params>(a, 1, 1));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  int32_t axis = a.p<mote_softmax_params>().axis;
  MOTE_TRY(check_axis(a, &axis, a.in[0].rank));
  same_as(out, a.in[0], MOTE_F32);
  return Status::kOk;
}

// Softmax's e^(x - max) and their sum: in double, or in float on the Cortex-M (MOTE_SOFTMAX_F32,
// small_exp.h).
#if MOTE_SOFTMAX_F32
using sum_t = float;
static inline float softmax_exp(float x) { return ref::small_expf(x); }
#else
using sum_t = double;
static inline double softmax_exp(float x) { return ref::exp_f64(double(x)); }
#endif

Status run_softmax(const OpArgs& a) {
  const mote_softmax_params& p = a.p<mote_softmax_params>();
  const TensorView& x = a.in[0];
  int32_t axis = p.axis;
  normalize_axis(&axis, x.rank);
  const idx_t outer = product(x.dims, 0, axis);
  const idx_t n = p.flatten ? product(x.dims, axis, x.rank) : x.dims[axis];
  const idx_t inner = p.flatten ? 1 : product(x.dims, axis + 1, x.rank);
  const float* in = x.as<float>();
  float* out = a.out[0].as<float>();
  if (n == 0) return Status::kOk;
  // Each line along the axis, one loop: line l starts at element (l / inner) * n * inner + l % inner.
  for (idx_t l = 0; l < outer * inner; ++l) {
    const idx_t at = l / inner * n * inner + l % inner;
    const float* xp = in + at;
    float* yp = out + at;
    float mx = xp[0];
    idx_t arg = 0;
    for (idx_t k = 1; k < n; ++k) {
      if (xp[k * inner] > mx) {
        mx = xp[k * inner];
        arg = k;
      }
    }
    if (MOTE_OP_ON(HARDMAX) && a.code == MOTE_OP_HARDMAX) {
      for (idx_t k = 0; k < n; ++k) yp[k * inner] = k == arg ? 1.0f : 0.0f;
      continue;
    }
    sum_t sum = 0;
    for (idx_t k = 0; k < n; ++k) sum += softmax_exp(xp[k * inner] - mx);
    if (MOTE_OP_ON(LOG_SOFTMAX) && a.code == MOTE_OP_LOG_SOFTMAX) {
      const float ls = float(log_f64(sum));
      for (idx_t k = 0; k < n; ++k) yp[k * inner] = xp[k * inner] - mx - ls;
    } else {
      for (idx_t k = 0; k < n; ++k) yp[k * inner] = float(softmax_exp(xp[k * inner] - mx) / sum);
    }
  }
  return Status::kOk;
}

}  // namespace mote

// Reference kernels: MaxPool (float32, int8, uint8; also with its Indices output), AveragePool (1-D, 2-D and 3-D: every
// one runs as a 3-D pool whose missing leading axes have size 1) and the global pools (any rank).
#include <float.h>

#include "common.h"
#include "mote/op_config.h"

namespace mote {

using namespace ref;

namespace {

// int8 pools keep the input's quantisation: the average of int8 values rounds half away from
// zero (docs/quantization.md).
// Sums are int64: an int8 window or plane may hold up to 2^31 elements.
int32_t rounded_average(int64_t sum, int64_t count) {
  if (count == 0) return 0;
  return int32_t(sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
}

// The taps k in [0, n) whose position start + k * step (step >= 1) lies in [lo, hi): [*first,
// *last), in 64 bits for the general pools (max_pool_2d: ref::tap_range, in 32).
__attribute__((noinline)) void window_taps(int64_t start, int64_t step, int64_t n, int64_t lo, int64_t hi, int64_t* first,
                                           int64_t* last) {
  using I = int64_t;
  I f = start >= lo ? 0 : (lo - start + step - 1) / step;
  I l = start >= hi ? 0 : (hi - start + step - 1) / step;
  f = f < n ? f : n;
  l = l < n ? l : n;
  *first = f;
  *last = l > f ? l : f;
}

Status check_pool_dtype(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_F32 && a.in[0].dtype != MOTE_I8) {
    return fail(a.diag, Status::kBadParams, MOTE_T("input is %t, expected float32 or int8"), a.in[0].dtype);
  }
  return Status::kOk;
}

}  // namespace

Status infer_pool(const OpArgs& a, TensorView* out, uint32_t*) {
  const bool with_indices = a.code == MOTE_OP_MAX_POOL_INDICES;
  MOTE_TRY(check_arity(a, 1, 1, with_indices ? 2 : 1));
  if (!MOTE_KERNEL_ON(pool_general)) {
    // A runtime built for models whose pools are all float 2-D MaxPool (MOTE_OP_CONFIG:
    // MOTE_USE_KERNEL_pool_general 0) links that pool alone (max_pool_2d below).
    // (Every pool's record starts with mote_pool_params.)
    MOTE_TRY(check_params_bytes(a, with_indices ? sizeof(mote_max_pool_indices_params) : sizeof(mote_pool_params)));
    const int32_t rank = a.p<mote_pool_params>().spatial_rank;
    if (a.code != MOTE_OP_MAX_POOL || a.in[0].dtype != MOTE_F32 || rank != 2) {
      return fail(a.diag, Status::kUnsupportedOp,
                  MOTE_T("this %d-D %t pool was left out of this runtime build (MOTE_OP_CONFIG: float 2-D MaxPool only)"),
                  rank, a.in[0].dtype);
    }
  } else if (with_indices) {
    MOTE_TRY(check_params<mote_max_pool_indices_params>(a));
    MOTE_TRY(check_dtype(a, 0, MOTE_F32));
    const int32_t order = a.p<mote_max_pool_indices_params>().storage_order;
    if (order != 0 && order != 1) return fail(a.diag, Status::kBadParams, MOTE_T("storage_order is %d"), order);
  } else {
    MOTE_TRY(check_params<mote_pool_params>(a));
    // MaxPool also takes uint8 (ONNX's image tensors): the maximum needs no quantisation.
    if (a.code != MOTE_OP_MAX_POOL || a.in[0].dtype != MOTE_U8) MOTE_TRY(check_pool_dtype(a));
    // A runtime built for float models (MOTE_OP_CONFIG: MOTE_USE_KERNEL_pool_int8 0) has no int8
    // or uint8 pool kernel.
    if (!MOTE_KERNEL_ON(pool_int8) && a.in[0].dtype != MOTE_F32) {
      return fail(a.diag, Status::kUnsupportedOp, MOTE_T("%t pooling was left out of this runtime build (MOTE_OP_CONFIG)"),
                  a.in[0].dtype);
    }
  }
  const mote_pool_params& p = a.p<mote_pool_params>();  // the first member of the indices record
  const TensorView& x = a.in[0];
  if (p.spatial_rank < 1 || p.spatial_rank > MOTE_MAX_SPATIAL) {
    return fail(a.diag, Status::kBadParams, MOTE_T("only 1-D, 2-D and 3-D pooling is supported, got %d-D"), p.spatial_rank);
  }
  if (x.rank != p.spatial_rank + 2) return fail(a.diag, Status::kBadParams, MOTE_T("X must have rank %d"), p.spatial_rank + 2);
  same_as(out, x, x.dtype);
  // pad_begin below 65535: a window's start stays within an int32 (see max_pool_2d).
  for (int32_t d = 0; d < p.spatial_rank; ++d) {
    MOTE_TRY(window_out(a, p.kernel, d, x.dims[2 + d], 65534, p.ceil_mode != 0, &out->dims[2 + d]));
  }
  if (MOTE_KERNEL_ON(pool_general) && with_indices) same_as(&out[1], out[0], MOTE_I64);  // (else refused above)
  return Status::kOk;
}

namespace {

// The pool's geometry over three axes (0 depth, 1 height, 2 width; the missing leading axes have
// size 1), in 32 bits: dims are int32 in the blob and the window parameters at most 65535.
struct PoolAxes {
  int32_t in[3], out[3], k[3], s[3], dl[3], pb[3], pe[3];
};

// One output's window: its start on each axis, the taps inside the input [t0, t1), and how many
// taps lie inside the input (valid) or the padded input (counted).
struct PoolWindow {
  int32_t start[3], t0[3], t1[3];
  int64_t valid, counted;
};

// Not inlined: the 64-bit window arithmetic stays out of the pooling loop's frame (the Cortex-M4
// build holds every kernel frame to 512 bytes).
__attribute__((noinline)) void pool_window(const PoolAxes& g, int64_t o, PoolWindow* w) {
  const int64_t at[3] = {o / (int64_t(g.out[1]) * g.out[2]), (o / g.out[2]) % g.out[1], o % g.out[2]};
  w->valid = 1;
  w->counted = 1;
  for (int32_t e = 0; e < 3; ++e) {
    const int64_t start = at[e] * g.s[e] - g.pb[e];
    int64_t t0, t1, c0, c1;
    window_taps(start, g.dl[e], g.k[e], 0, g.in[e], &t0, &t1);
    window_taps(start, g.dl[e], g.k[e], -int64_t(g.pb[e]), int64_t(g.in[e]) + g.pe[e], &c0, &c1);
    w->start[e] = int32_t(start);
    w->t0[e] = int32_t(t0);
    w->t1[e] = int32_t(t1);
    w->valid *= t1 - t0;
    w->counted *= c1 - c0;
  }
}

// `order` is the storage order of the Indices output (MaxPoolWithIndices), -1 without it.
template <typename T, typename Acc>
void pool_planes(const OpArgs& a, int32_t order) {
  const mote_pool_params& p = a.p<mote_pool_params>();
  const TensorView& x = a.in[0];
  const TensorView& y = a.out[0];
  PoolAxes g;
  const int32_t lead = 3 - p.spatial_rank;
  for (int32_t e = 0; e < 3; ++e) {
    const int32_t d = e - lead;
    const bool real = d >= 0;
    g.in[e] = real ? x.dims[2 + d] : 1;
    g.out[e] = real ? y.dims[2 + d] : 1;
    g.k[e] = real ? p.kernel[d] : 1;
    g.s[e] = real ? p.stride[d] : 1;
    g.dl[e] = real ? p.dilation[d] : 1;
    g.pb[e] = real ? p.pad_begin[d] : 0;
    g.pe[e] = real ? p.pad_end[d] : 0;
  }
  const int64_t in_vol = int64_t(g.in[0]) * g.in[1] * g.in[2], out_vol = int64_t(g.out[0]) * g.out[1] * g.out[2];
  const int64_t planes = int64_t(x.dims[0]) * x.dims[1];
  const bool is_max = a.code == MOTE_OP_MAX_POOL || a.code == MOTE_OP_MAX_POOL_INDICES;
  const T* src = x.as<T>();
  T* dst = y.as<T>();
  int64_t* indices = order >= 0 ? a.out[1].as<int64_t>() : nullptr;
  for (int64_t c = 0; c < planes; ++c) {
    const T* xp = src + c * in_vol;
    for (int64_t o = 0; o < out_vol; ++o) {
      // Only the taps inside the input are visited (a huge kernel over a small padded input
      // costs what its input does); the padded taps are counted, not walked.
      PoolWindow w;
      pool_window(g, o, &w);
      Acc acc = 0;
      bool any = false;
      int64_t best = 0;  // where the maximum is, as a flat index into the plane
      for (int32_t u = w.t0[0]; u < w.t1[0]; ++u) {
        const int64_t zd = w.start[0] + int64_t(u) * g.dl[0];
        for (int32_t v = w.t0[1]; v < w.t1[1]; ++v) {
          const int64_t zh = w.start[1] + int64_t(v) * g.dl[1];
          const T* xr = xp + (zd * g.in[1] + zh) * g.in[2];
          for (int32_t t = w.t0[2]; t < w.t1[2]; ++t) {
            const int64_t zw = w.start[2] + int64_t(t) * g.dl[2];
            const Acc val = xr[zw];
            if (is_max) {
              if (!any || val > acc || (val != val && acc == acc)) {
                acc = val;
                best = order == 0 ? (zd * g.in[1] + zh) * g.in[2] + zw : zd + zh * g.in[0] + zw * g.in[0] * g.in[1];
              }
              any = true;
            } else {
              acc += val;
            }
          }
        }
      }
      if (!is_max) {
        const int64_t div = p.count_include_pad ? w.counted : w.valid;
        if constexpr (sizeof(T) == 1) {
          acc = Acc(rounded_average(acc, div));
        } else {
          acc = div ? acc / Acc(div) : Acc(0);
        }
      }
      dst[c * out_vol + o] = T(acc);
      if (indices) indices[c * out_vol + o] = c * in_vol + best;
    }
  }
}

// Float 2-D MaxPool, the one pool a runtime built without the general pools links (infer_pool
// refuses the others there): pool_planes' arithmetic on two axes, so its results are the same.
// Its window arithmetic is in 32 bits: a float tensor's dims are below 2^29 (its bytes below
// 2 GiB), pads at most 65535 and infer_pool keeps every window's start r * stride below the
// padded input, so no start, end or tap count leaves an int32.
void max_pool_2d(const OpArgs& a) {
  const mote_pool_params& p = a.p<mote_pool_params>();
  const TensorView& x = a.in[0];
  const int32_t ih = x.dims[2], iw = x.dims[3], oh = a.out[0].dims[2], ow = a.out[0].dims[3];
  const float* xp = x.as<float>();
  float* dst = a.out[0].as<float>();
  for (idx_t c = idx_t(x.dims[0]) * x.dims[1]; c > 0; --c, xp += idx_t(ih) * iw) {
    for (int32_t r = 0; r < oh; ++r) {
      const int32_t zr = r * p.stride[0] - p.pad_begin[0];
      int32_t r0, r1;
      tap_range(p.kernel[0], ih, p.dilation[0], zr, &r0, &r1);
      for (int32_t q = 0; q < ow; ++q) {
        const int32_t zq = q * p.stride[1] - p.pad_begin[1];
        int32_t q0, q1;
        tap_range(p.kernel[1], iw, p.dilation[1], zq, &q0, &q1);
        float acc = 0;
        bool any = false;
        for (int32_t u = r0; u < r1; ++u) {
          const float* xr = xp + (idx_t(zr) + idx_t(u) * p.dilation[0]) * iw + idx_t(zq);
          for (int32_t t = q0; t < q1; ++t) {
            const float val = xr[t * p.dilation[1]];
            if (!any || val > acc || (val != val && acc == acc)) acc = val;
            any = true;
          }
        }
        *dst++ = acc;
      }
    }
  }
}

}  // namespace

Status run_pool(const OpArgs& a) {
  if (!MOTE_KERNEL_ON(pool_general)) {
    max_pool_2d(a);
    return Status::kOk;
  }
  if (a.code == MOTE_OP_MAX_POOL_INDICES) {
    pool_planes<float, float>(a, a.p<mote_max_pool_indices_params>().storage_order);
  } else if (MOTE_KERNEL_ON(pool_int8) && a.in[0].dtype == MOTE_I8) {
    pool_planes<int8_t, int64_t>(a, -1);
  } else if (MOTE_KERNEL_ON(pool_int8) && a.in[0].dtype == MOTE_U8) {
    pool_planes<uint8_t, int64_t>(a, -1);
  } else {
    pool_planes<float, float>(a, -1);
  }
  return Status::kOk;
}

Status infer_global_pool(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_pool_dtype(a));
  MOTE_TRY(check_rank(a, 0, 3, MOTE_MAX_RANK));
  same_as(out, a.in[0], a.in[0].dtype);
  for (int32_t d = 2; d < out->rank; ++d) out->dims[d] = 1;
  return Status::kOk;
}

Status run_global_pool(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const int64_t planes = int64_t(x.dims[0]) * x.dims[1];
  const int64_t size = product(x.dims, 2, x.rank);
  const bool is_max = a.code == MOTE_OP_GLOBAL_MAX_POOL;
  if (x.dtype == MOTE_I8) {
    const int8_t* in = x.as<int8_t>();
    int8_t* out = a.out[0].as<int8_t>();
    for (int64_t c = 0; c < planes; ++c) {
      const int8_t* xp = in + c * size;
      int64_t acc = is_max ? -128 : 0;
      for (int64_t i = 0; i < size; ++i) acc = is_max ? (xp[i] > acc ? xp[i] : acc) : acc + xp[i];
      out[c] = int8_t(is_max ? acc : rounded_average(acc, size));
    }
    return Status::kOk;
  }
  const float* in = x.as<float>();
  float* out = a.out[0].as<float>();
  for (int64_t c = 0; c < planes; ++c) {
    const float* xp = in + c * size;
    float acc = is_max ? (size ? xp[0] : 0.0f) : 0.0f;
    for (int64_t i = 0; i < size; ++i) {
      if (is_max) {
        acc = xp[i] > acc ? xp[i] : acc;
      } else {
        acc += xp[i];
      }
    }
    out[c] = is_max ? acc : (size ? acc / float(size) : 0.0f);
  }
  return Status::kOk;
}

}  // namespace mote

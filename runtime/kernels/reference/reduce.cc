// Reference kernels for the reductions (ReduceMean, ReduceSum, ReduceMax, ReduceMin, ReduceProd,
// ReduceL2, ReduceLogSumExp, ReduceL1, ReduceSumSquare, ReduceLogSum), ArgMax/ArgMin and CumSum.
//
// Float sums accumulate in double. Integer sums and products wrap (two's complement) rather
// than overflow, so no input is undefined behaviour.
#include <math.h>

#include "small_math.h"
#include "walk.h"

namespace mote {

using namespace ref;

namespace {

bool reduce_takes_ints(int32_t code) {
  return code == MOTE_OP_REDUCE_SUM || code == MOTE_OP_REDUCE_MAX || code == MOTE_OP_REDUCE_MIN ||
         code == MOTE_OP_REDUCE_PROD;
}

bool is_f32_or_int(int32_t dtype) { return dtype == MOTE_F32 || dtype == MOTE_I32 || dtype == MOTE_I64; }

Status bad_axis(const OpArgs& a, int32_t axis, int32_t rank) {
  return Fail(a.diag, Status::kBadParams).s("axis ").i(axis).s(" is out of range for rank ").i(rank);
}

// ---- Reduce ----------------------------------------------------------------------------------

// The kept axes are walked once per output element (in order, so the output is dense); the
// reduced axes are walked inside, relative to the kept offset.
struct ReduceWalks {
  Walk kept;
  Walk reduced;
  int64_t count;  // elements per reduction
};

ReduceWalks reduce_walks(const TensorView& x, uint32_t mask) {
  int64_t stride[MOTE_MAX_RANK];
  dense_strides(x.dims, x.rank, stride);
  ReduceWalks r = {{0, {0}, {0}, 0}, {0, {0}, {0}, 0}, 1};
  for (int32_t d = 0; d < x.rank; ++d) {
    const bool reduced = (mask >> d) & 1u;
    Walk& w = reduced ? r.reduced : r.kept;
    w.dims[w.rank] = x.dims[d];
    w.stride[w.rank] = stride[d];
    ++w.rank;
    if (reduced) r.count *= x.dims[d];
  }
  coalesce(&r.kept);
  coalesce(&r.reduced);
  return r;
}

// The reduction of one group of float elements; an empty group gives the operation's identity
// (0 for sums, 1 for Prod, -inf/+inf for Max/Min, -inf for LogSum and LogSumExp).
double reduce_f32(int32_t code, const float* x, const Walk& w, int64_t count) {
  switch (code) {
    case MOTE_OP_REDUCE_MAX:
    case MOTE_OP_REDUCE_MIN: {
      const bool want_max = code == MOTE_OP_REDUCE_MAX;
      float m = want_max ? -INFINITY : INFINITY;
      // NaN sticks once seen: no comparison can replace it.
      for_each_offset(w, [&](int64_t off) {
        const float v = x[off];
        if (is_nan(v) || (want_max ? v > m : v < m)) m = v;
      });
      return m;
    }
    case MOTE_OP_REDUCE_PROD: {
      double prod = 1.0;
      for_each_offset(w, [&](int64_t off) { prod *= x[off]; });
      return prod;
    }
    case MOTE_OP_REDUCE_LOG_SUM_EXP: {
      // Shifting by the maximum keeps exp() in range; an infinite or NaN maximum is the answer.
      const double m = reduce_f32(MOTE_OP_REDUCE_MAX, x, w, count);
      if (!isfinite(m)) return m;
      double sum = 0.0;
      for_each_offset(w, [&](int64_t off) { sum += ref::exp_f64(double(x[off]) - m); });
      return m + log_f64(sum);
    }
    default: break;
  }
  double sum = 0.0;
  for_each_offset(w, [&](int64_t off) {
    const double v = x[off];
    switch (code) {
      case MOTE_OP_REDUCE_L1: sum += fabs(v); break;
      case MOTE_OP_REDUCE_L2:
      case MOTE_OP_REDUCE_SUM_SQUARE: sum += v * v; break;
      default: sum += v; break;  // Sum, Mean, LogSum
    }
  });
  switch (code) {
    case MOTE_OP_REDUCE_MEAN: return sum / double(count);
    case MOTE_OP_REDUCE_L2: return sqrt(sum);
    case MOTE_OP_REDUCE_LOG_SUM: return log_f64(sum);
    default: return sum;
  }
}

// int32 and int64 share one path: elements load as int64 (`wide` says which), the empty
// group's Max/Min identity is the dtype's own limit, and the wrapping sums and products cut
// back to int32 on the store exactly as int32 arithmetic would have wrapped.
int64_t load_i(const void* x, bool wide, int64_t off) {
  return wide ? static_cast<const int64_t*>(x)[off] : static_cast<const int32_t*>(x)[off];
}

void store_i(void* y, bool wide, int64_t off, int64_t v) {
  if (wide) {
    static_cast<int64_t*>(y)[off] = v;
  } else {
    static_cast<int32_t*>(y)[off] = int32_t(v);
  }
}

int64_t reduce_int(int32_t code, const void* x, bool wide, const Walk& w) {
  switch (code) {
    case MOTE_OP_REDUCE_MAX:
    case MOTE_OP_REDUCE_MIN: {
      const bool want_max = code == MOTE_OP_REDUCE_MAX;
      int64_t m = want_max ? (wide ? INT64_MIN : INT32_MIN) : (wide ? INT64_MAX : INT32_MAX);
      for_each_offset(w, [&](int64_t off) {
        const int64_t v = load_i(x, wide, off);
        if (want_max ? v > m : v < m) m = v;
      });
      return m;
    }
    case MOTE_OP_REDUCE_PROD: {
      uint64_t prod = 1;
      for_each_offset(w, [&](int64_t off) { prod *= uint64_t(load_i(x, wide, off)); });
      return int64_t(prod);
    }
    default: {  // Sum
      uint64_t sum = 0;
      for_each_offset(w, [&](int64_t off) { sum += uint64_t(load_i(x, wide, off)); });
      return int64_t(sum);
    }
  }
}

// Each dtype's loop has a frame of its own (noinline), its row walks apart from the two walks
// in run_reduce's.
__attribute__((noinline)) void reduce_f32_all(const OpArgs& a, const ReduceWalks& r) {
  const float* src = a.in[0].as<float>();
  float* dst = a.out[0].as<float>();
  for_each_offset(r.kept, [&](int64_t base) { *dst++ = float(reduce_f32(a.code, src + base, r.reduced, r.count)); });
}

__attribute__((noinline)) void reduce_int_all(const OpArgs& a, const ReduceWalks& r) {
  const bool wide = a.in[0].dtype == MOTE_I64;
  const uint32_t size = wide ? 8 : 4;
  const uint8_t* src = a.in[0].as<uint8_t>();
  int64_t o = 0;
  for_each_offset(r.kept, [&](int64_t base) { store_i(a.out[0].data, wide, o++, reduce_int(a.code, src + base * size, wide, r.reduced)); });
}

// int8 Mean/Max/Min keep the input's quantisation; the mean rounds half away from zero
// (docs/quantization.md).
bool reduce_takes_int8(int32_t code) {
  return code == MOTE_OP_REDUCE_MEAN || code == MOTE_OP_REDUCE_MAX || code == MOTE_OP_REDUCE_MIN;
}

__attribute__((noinline)) void reduce_int8(const OpArgs& a, const ReduceWalks& r) {
  const int8_t* src = a.in[0].as<int8_t>();
  int8_t* dst = a.out[0].as<int8_t>();
  const int64_t count = r.count;
  for_each_offset(r.kept, [&](int64_t base) {
    int64_t sum = 0;
    int32_t hi = -128, lo = 127;
    for_each_offset(r.reduced, [&](int64_t off) {
      const int32_t v = src[base + off];
      sum += v;
      hi = v > hi ? v : hi;
      lo = v < lo ? v : lo;
    });
    int64_t v = a.code == MOTE_OP_REDUCE_MAX ? hi : lo;
    if (a.code == MOTE_OP_REDUCE_MEAN) v = count == 0 ? 0 : (sum >= 0 ? (sum + count / 2) / count : (sum - count / 2) / count);
    *dst++ = int8_t(v);
  });
}

// ---- ArgMax / ArgMin -------------------------------------------------------------------------

// Whether v takes the place of the current best. NaN ranks above (ArgMax) or below (ArgMin)
// every number, so the first NaN wins, as in ReduceMax/ReduceMin.
template <typename T>
bool replaces(T v, T best, bool want_max, bool last) {
  if (is_nan(best)) return last && is_nan(v);
  if (is_nan(v)) return true;
  if (v == best) return last;
  return want_max ? v > best : v < best;
}

template <typename T>
void arg_reduce_typed(const OpArgs& a, int32_t axis) {
  const mote_arg_reduce_params& p = a.p<mote_arg_reduce_params>();
  const TensorView& x = a.in[0];
  const int64_t outer = product(x.dims, 0, axis), n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank);
  const bool want_max = a.code == MOTE_OP_ARG_MAX;
  const bool wide = x.dtype == MOTE_I64;
  // float32 as it is; int32 and int64 both as int64 (load_i), one loop for the two.
  auto at = [&](int64_t off) -> T {
    if constexpr (sizeof(T) == 4) return x.as<float>()[off];
    return T(load_i(x.data, wide, off));
  };
  int64_t* dst = a.out[0].as<int64_t>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t line = o * n * inner + i;
      int64_t best = 0;
      for (int64_t j = 1; j < n; ++j) {
        if (replaces(at(line + j * inner), at(line + best * inner), want_max, p.select_last_index != 0)) best = j;
      }
      dst[o * inner + i] = best;
    }
  }
}

// ---- CumSum ----------------------------------------------------------------------------------

template <typename T, typename Acc>
void cum_sum_typed(const OpArgs& a, int32_t axis) {
  const mote_cum_sum_params& p = a.p<mote_cum_sum_params>();
  const TensorView& x = a.in[0];
  const int64_t outer = product(x.dims, 0, axis), n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank);
  const T* src = x.as<T>();
  T* dst = a.out[0].as<T>();
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t first = o * n * inner + i;
      Acc acc = 0;
      for (int64_t k = 0; k < n; ++k) {
        const int64_t at = first + (p.reverse ? n - 1 - k : k) * inner;
        const Acc v = Acc(src[at]);
        if (!p.exclusive) acc += v;
        dst[at] = T(acc);
        if (p.exclusive) acc += v;
      }
    }
  }
}

// int32 and int64 in one loop (load_i/store_i): the uint64 running sum wraps to int32 on the
// store as an int32 sum would.
void cum_sum_int(const OpArgs& a, int32_t axis) {
  const mote_cum_sum_params& p = a.p<mote_cum_sum_params>();
  const TensorView& x = a.in[0];
  const bool wide = x.dtype == MOTE_I64;
  const int64_t outer = product(x.dims, 0, axis), n = x.dims[axis], inner = product(x.dims, axis + 1, x.rank);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      const int64_t first = o * n * inner + i;
      uint64_t acc = 0;
      for (int64_t k = 0; k < n; ++k) {
        const int64_t at = first + (p.reverse ? n - 1 - k : k) * inner;
        const uint64_t v = uint64_t(load_i(x.data, wide, at));
        if (!p.exclusive) acc += v;
        store_i(a.out[0].data, wide, at, int64_t(acc));
        if (p.exclusive) acc += v;
      }
    }
  }
}

}  // namespace

Status infer_reduce(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_reduce_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_reduce_params& p = a.p<mote_reduce_params>();
  if (x.dtype != MOTE_F32 && !(reduce_takes_ints(a.code) && (x.dtype == MOTE_I32 || x.dtype == MOTE_I64)) &&
      !(reduce_takes_int8(a.code) && x.dtype == MOTE_I8)) {
    return Fail(a.diag, Status::kBadParams).s(op_name(a.code)).s(" does not take ").s(dtype_name(x.dtype));
  }
  if ((p.axes_mask >> x.rank) != 0) {
    return Fail(a.diag, Status::kBadParams).s("axes mask ").i(p.axes_mask).s(" names axes beyond rank ").i(x.rank);
  }
  int64_t dims[MOTE_MAX_RANK];
  int32_t rank = 0;
  for (int32_t d = 0; d < x.rank; ++d) {
    const bool reduced = (p.axes_mask >> d) & 1u;
    if (!reduced) {
      dims[rank++] = x.dims[d];
    } else if (p.keepdims) {
      dims[rank++] = 1;
    }
  }
  return set_checked_shape(a, out, x.dtype, rank, dims);
}

Status run_reduce(const OpArgs& a) {
  const TensorView& x = a.in[0];
  const uint32_t mask = a.p<mote_reduce_params>().axes_mask;
  if (mask == 0) {  // no axes: the input passes through unchanged
    const size_t n = size_t(x.numel()) * dtype_size(x.dtype);
    if (n) memcpy(a.out[0].data, x.data, n);
    return Status::kOk;
  }
  const ReduceWalks r = reduce_walks(x, mask);
  switch (x.dtype) {
    case MOTE_F32: reduce_f32_all(a, r); break;
    case MOTE_I8: reduce_int8(a, r); break;
    default: reduce_int_all(a, r); break;
  }
  return Status::kOk;
}

Status infer_arg_reduce(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_arg_reduce_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  const mote_arg_reduce_params& p = a.p<mote_arg_reduce_params>();
  if (!is_f32_or_int(x.dtype)) return Fail(a.diag, Status::kBadParams).s(op_name(a.code)).s(" does not take ").s(dtype_name(x.dtype));
  int32_t axis = p.axis;
  if (!normalize_axis(&axis, x.rank)) return bad_axis(a, p.axis, x.rank);
  int64_t dims[MOTE_MAX_RANK];
  int32_t rank = 0;
  for (int32_t d = 0; d < x.rank; ++d) {
    if (d != axis) {
      dims[rank++] = x.dims[d];
    } else if (p.keepdims) {
      dims[rank++] = 1;
    }
  }
  MOTE_TRY(set_checked_shape(a, out, MOTE_I64, rank, dims));
  if (x.dims[axis] == 0 && out->numel() > 0) {
    return Fail(a.diag, Status::kBadParams).s("axis ").i(axis).s(" is empty, there is no index to return");
  }
  return Status::kOk;
}

Status run_arg_reduce(const OpArgs& a) {
  int32_t axis = a.p<mote_arg_reduce_params>().axis;
  normalize_axis(&axis, a.in[0].rank);
  switch (a.in[0].dtype) {
    case MOTE_F32: arg_reduce_typed<float>(a, axis); break;
    default: arg_reduce_typed<int64_t>(a, axis); break;
  }
  return Status::kOk;
}

Status infer_cum_sum(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  MOTE_TRY(check_params<mote_cum_sum_params>(a));
  MOTE_TRY(check_input(a, 0));
  const TensorView& x = a.in[0];
  if (!is_f32_or_int(x.dtype)) return Fail(a.diag, Status::kBadParams).s("CumSum does not take ").s(dtype_name(x.dtype));
  int32_t axis = a.p<mote_cum_sum_params>().axis;
  if (!normalize_axis(&axis, x.rank)) return bad_axis(a, a.p<mote_cum_sum_params>().axis, x.rank);
  same_as(out, x, x.dtype);
  return Status::kOk;
}

Status run_cum_sum(const OpArgs& a) {
  int32_t axis = a.p<mote_cum_sum_params>().axis;
  normalize_axis(&axis, a.in[0].rank);
  switch (a.in[0].dtype) {
    case MOTE_F32: cum_sum_typed<float, double>(a, axis); break;
    default: cum_sum_int(a, axis); break;
  }
  return Status::kOk;
}

}  // namespace mote

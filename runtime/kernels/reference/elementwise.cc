// Reference kernels: copy, reshape, unary and binary element-wise ops, Where, Cast.
#include <math.h>

#include "common.h"
#include "small_math.h"

namespace mote {
namespace ref {
namespace {

bool is_int(int32_t dt) { return dt == MOTE_I32 || dt == MOTE_I64 || dt == MOTE_I8 || dt == MOTE_U8; }
bool is_numeric(int32_t dt) { return dt == MOTE_F32 || is_int(dt); }

// ---- unary ----------------------------------------------------------------------------------

}  // namespace

float unary_f32(int32_t code, const mote_unary_params& p, float x) {
  switch (code) {
    case MOTE_OP_RELU: return x > 0.0f ? x : 0.0f;
    case MOTE_OP_LEAKY_RELU: return x >= 0.0f ? x : x * p.alpha;
    case MOTE_OP_SIGMOID: return x >= 0.0f ? 1.0f / (1.0f + expf(-x)) : expf(x) / (1.0f + expf(x));
    case MOTE_OP_TANH: return tanhf(x);
    case MOTE_OP_HARD_SIGMOID: {
      float v = p.alpha * x + p.beta;
      return v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v);
    }
    case MOTE_OP_HARD_SWISH: {
      float v = x / 6.0f + 0.5f;
      return x * (v < 0.0f ? 0.0f : (v > 1.0f ? 1.0f : v));
    }
    case MOTE_OP_ELU: return x >= 0.0f ? x : p.alpha * (expf(x) - 1.0f);
    case MOTE_OP_SELU: return x > 0.0f ? p.beta * x : p.beta * (p.alpha * expf(x) - p.alpha);
    case MOTE_OP_SOFTPLUS: return x > 30.0f ? x : log1pf(expf(x));
    case MOTE_OP_SOFTSIGN: return x / (1.0f + fabsf(x));
    case MOTE_OP_ERF: return erff(x);
    case MOTE_OP_CLIP: return x < p.alpha ? p.alpha : (x > p.beta ? p.beta : x);
    case MOTE_OP_EXP: return expf(x);
    case MOTE_OP_LOG: return logf(x);
    case MOTE_OP_SQRT: return sqrtf(x);
    case MOTE_OP_ABS: return fabsf(x);
    case MOTE_OP_NEG: return -x;
    case MOTE_OP_RECIPROCAL: return 1.0f / x;
    case MOTE_OP_FLOOR: return floorf(x);
    case MOTE_OP_CEIL: return ceilf(x);
    case MOTE_OP_ROUND: return nearbyintf(x);  // ties to even under the default rounding mode
    case MOTE_OP_SIGN: return x > 0.0f ? 1.0f : (x < 0.0f ? -1.0f : 0.0f);
    case MOTE_OP_SIN: return sinf(x);
    case MOTE_OP_COS: return cosf(x);
    case MOTE_OP_TAN: return tanf(x);
    case MOTE_OP_ASIN: return asinf(x);
    case MOTE_OP_ACOS: return acosf(x);
    case MOTE_OP_ATAN: return atanf(x);
    case MOTE_OP_SINH: return sinhf(x);
    case MOTE_OP_COSH: return coshf(x);
    case MOTE_OP_ASINH: return asinhf(x);
    case MOTE_OP_ACOSH: return acoshf(x);
    case MOTE_OP_ATANH: return atanhf(x);
    case MOTE_OP_THRESHOLDED_RELU: return x > p.alpha ? x : 0.0f;
    case MOTE_OP_CELU: {
      float neg = p.alpha * (expf(x / p.alpha) - 1.0f);
      return (x > 0.0f ? x : 0.0f) + (neg < 0.0f ? neg : 0.0f);
    }
    case MOTE_OP_GELU:
      if (p.gamma != 0.0f) {
        const float k = 0.7978845608028654f;  // sqrt(2 / pi)
        return 0.5f * x * (1.0f + tanhf(k * (x + 0.044715f * x * x * x)));
      }
      return 0.5f * x * (1.0f + erff(x * 0.7071067811865476f));
    case MOTE_OP_MISH: return x * tanhf(x > 30.0f ? x : log1pf(expf(x)));
    case MOTE_OP_SILU: return x >= 0.0f ? x / (1.0f + expf(-x)) : x * expf(x) / (1.0f + expf(x));  // x * Sigmoid(x)
    case MOTE_OP_SHRINK: return x < -p.alpha ? x + p.beta : (x > p.alpha ? x - p.beta : 0.0f);  // NaN gives 0
    default: return x;  // IDENTITY
  }
}

namespace {

// Integer unary ops compute in int64 (the values of every integer dtype fit), with the
// arithmetic defined at the edges: -INT64_MIN wraps to itself, and Clip bounds (floats) saturate
// to the int64 range, NaN bounds clip nothing.
int64_t negate_wrapping(int64_t x) { return int64_t(uint64_t(0) - uint64_t(x)); }

int64_t clip_bound(float bound, int64_t x) {
  if (bound != bound) return x;
  if (bound >= 9.2233720368547758e18f) return INT64_MAX;
  if (bound <= -9.2233720368547758e18f) return INT64_MIN;
  return int64_t(bound);
}

int64_t unary_int(int32_t code, const mote_unary_params& p, int64_t x) {
  switch (code) {
    case MOTE_OP_RELU: return x > 0 ? x : 0;
    case MOTE_OP_ABS: return x < 0 ? negate_wrapping(x) : x;
    case MOTE_OP_NEG: return negate_wrapping(x);
    case MOTE_OP_SIGN: return x > 0 ? 1 : (x < 0 ? -1 : 0);
    case MOTE_OP_CLIP: {
      const double v = double(x);
      return v < p.alpha ? clip_bound(p.alpha, x) : (v > p.beta ? clip_bound(p.beta, x) : x);
    }
    default: return x;  // IDENTITY
  }
}

bool unary_takes_ints(int32_t code) {
  return code == MOTE_OP_RELU || code == MOTE_OP_ABS || code == MOTE_OP_NEG || code == MOTE_OP_SIGN ||
         code == MOTE_OP_CLIP || code == MOTE_OP_IDENTITY;
}

// ---- binary ---------------------------------------------------------------------------------

bool is_compare(int32_t code) {
  return code == MOTE_OP_EQUAL || code == MOTE_OP_LESS || code == MOTE_OP_GREATER || code == MOTE_OP_LESS_OR_EQUAL ||
         code == MOTE_OP_GREATER_OR_EQUAL;
}
bool is_logical(int32_t code) { return code == MOTE_OP_AND || code == MOTE_OP_OR || code == MOTE_OP_XOR; }

template <typename T>
T int_div(T x, T y) {
  if (y == 0) return T(0);  // integer division by zero: defined as 0 rather than a trap
  // -x through uint64_t: the most negative value divided by -1 wraps to itself (defined, and the
  // same on every target) instead of overflowing.
  if (int64_t(y) == -1) return T(uint64_t(0) - uint64_t(int64_t(x)));
  return T(x / y);
}

template <typename T>
T int_mod(T x, T y, bool fmod_sign) {
  if (y == 0) return T(0);
  if (int64_t(y) == -1) return T(0);
  T r = T(x % y);
  if (!fmod_sign && r != 0 && ((r < 0) != (y < 0))) r = T(r + y);
  return r;
}

template <typename T>
struct IsFloat {
  static constexpr bool value = false;
};
template <>
struct IsFloat<float> {
  static constexpr bool value = true;
};

template <typename T>
T arith(int32_t code, const mote_binary_params& p, T x, T y) {
  if constexpr (IsFloat<T>::value) {
    float v;
    switch (code) {
      case MOTE_OP_ADD: v = x + y; break;
      case MOTE_OP_SUB: v = x - y; break;
      case MOTE_OP_MUL: v = x * y; break;
      case MOTE_OP_DIV: v = x / y; break;
      case MOTE_OP_MAX: return (x != x || x > y) ? x : y;
      case MOTE_OP_MIN: return (x != x || x < y) ? x : y;
      case MOTE_OP_PRELU: return x < 0 ? x * y : x;
      default: return fmodf(x, y);  // MOD
    }
    return apply_act(p.act, v);
  } else {
    switch (code) {  // wrap-around arithmetic, as two's complement hardware does
      case MOTE_OP_ADD: return T(uint64_t(x) + uint64_t(y));
      case MOTE_OP_SUB: return T(uint64_t(x) - uint64_t(y));
      case MOTE_OP_MUL: return T(uint64_t(x) * uint64_t(y));
      case MOTE_OP_DIV: return int_div<T>(x, y);
      case MOTE_OP_MAX: return x > y ? x : y;
      case MOTE_OP_MIN: return x < y ? x : y;
      case MOTE_OP_PRELU: return x < 0 ? T(uint64_t(x) * uint64_t(y)) : x;
      default: return int_mod<T>(x, y, p.fmod != 0);  // MOD
    }
  }
}

template <typename T>
uint8_t compare(int32_t code, T x, T y) {
  switch (code) {
    case MOTE_OP_EQUAL: return x == y;
    case MOTE_OP_LESS: return x < y;
    case MOTE_OP_GREATER: return x > y;
    case MOTE_OP_LESS_OR_EQUAL: return x <= y;
    case MOTE_OP_GREATER_OR_EQUAL: return x >= y;
    case MOTE_OP_AND: return x && y;
    case MOTE_OP_OR: return x || y;
    default: return (x != 0) != (y != 0);  // XOR
  }
}

// IEEE half <-> float. A half is exact in a float; a real rounds to the nearest half (ties to
// even), beyond 65504 + half an ulp to infinity; NaN stays NaN (quiet), with its sign.
float half_to_float(uint16_t h) {
  const uint32_t sign = uint32_t(h & 0x8000u) << 16, e = (h >> 10) & 0x1Fu, m = h & 0x3FFu;
  if (e == 0) {  // zero or subnormal: m * 2^-24
    const float v = float(m) * 5.9604644775390625e-8f;
    return sign ? -v : v;
  }
  const uint32_t bits = e == 31 ? sign | 0x7F800000u | (m << 13) : sign | ((e + 112u) << 23) | (m << 13);
  float f;
  memcpy(&f, &bits, 4);
  return f;
}

uint16_t real_to_half(double v) {
  uint64_t bits;
  memcpy(&bits, &v, 8);
  const uint16_t sign = uint16_t((bits >> 48) & 0x8000u);
  if (v != v) return uint16_t(sign | 0x7E00u);
  const double a = v < 0 ? -v : v;
  if (a >= 65520.0) return uint16_t(sign | 0x7C00u);
  if (a < 6.103515625e-5) {  // below 2^-14: a subnormal step of 2^-24 (1024 steps is the least normal)
    const double q = a * 16777216.0;
    uint32_t r = uint32_t(q);
    const double frac = q - double(r);
    if (frac > 0.5 || (frac == 0.5 && (r & 1u))) ++r;
    return uint16_t(sign | r);
  }
  // Normal: the double's 52-bit fraction rounded to 10 bits, ties to even; a carry moves the
  // exponent up (65520 and above were caught before, so it stays finite).
  int32_t e = int32_t((bits >> 52) & 0x7FFu) - 1023;
  uint64_t m = (bits & 0xFFFFFFFFFFFFFull) | (uint64_t(1) << 52);
  uint64_t q = m >> 42;
  const uint64_t rem = m & ((uint64_t(1) << 42) - 1), half = uint64_t(1) << 41;
  if (rem > half || (rem == half && (q & 1u))) ++q;
  if (q == 2048) {
    q = 1024;
    ++e;
  }
  return uint16_t(sign | uint32_t(e + 15) << 10 | uint32_t(q - 1024));
}

// Element access by dtype for the ops that mix dtypes (Pow, Cast): one loop with a switch per
// element instead of a loop per dtype pair keeps these rarely hot kernels small.
double load_real(const TensorView& t, int64_t i) {
  switch (t.dtype) {
    case MOTE_F32: return t.as<float>()[i];
    case MOTE_F16: return half_to_float(t.as<uint16_t>()[i]);
    case MOTE_I32: return t.as<int32_t>()[i];
    case MOTE_I64: return double(t.as<int64_t>()[i]);
    case MOTE_I8: return t.as<int8_t>()[i];
    default: return t.as<uint8_t>()[i];  // U8, BOOL
  }
}

int64_t load_int(const TensorView& t, int64_t i) {
  switch (t.dtype) {
    case MOTE_I32: return t.as<int32_t>()[i];
    case MOTE_I64: return t.as<int64_t>()[i];
    case MOTE_I8: return t.as<int8_t>()[i];
    default: return t.as<uint8_t>()[i];  // U8, BOOL
  }
}

// Integer stores wrap, as a C conversion does.
void store_int(const TensorView& t, int64_t i, int64_t v) {
  switch (t.dtype) {
    case MOTE_F32: t.as<float>()[i] = float(v); break;
    case MOTE_F16: t.as<uint16_t>()[i] = real_to_half(double(v)); break;
    case MOTE_I32: t.as<int32_t>()[i] = int32_t(v); break;
    case MOTE_I64: t.as<int64_t>()[i] = v; break;
    case MOTE_I8: t.as<int8_t>()[i] = int8_t(v); break;
    case MOTE_BOOL: t.as<uint8_t>()[i] = v != 0; break;
    default: t.as<uint8_t>()[i] = uint8_t(v); break;
  }
}

// Real to any dtype: NaN becomes 0 and out-of-range values saturate, so there is no UB.
void store_real(const TensorView& t, int64_t i, double v) {
  if (t.dtype == MOTE_F32) {
    t.as<float>()[i] = float(v);
    return;
  }
  if (t.dtype == MOTE_F16) {
    t.as<uint16_t>()[i] = real_to_half(v);
    return;
  }
  if (t.dtype == MOTE_BOOL) {
    t.as<uint8_t>()[i] = v != 0.0;
    return;
  }
  double lo, hi;
  switch (t.dtype) {
    case MOTE_I8: lo = -128.0, hi = 127.0; break;
    case MOTE_U8: lo = 0.0, hi = 255.0; break;
    case MOTE_I32: lo = -2147483648.0, hi = 2147483647.0; break;
    default: lo = -9223372036854775808.0, hi = 9223372036854774784.0; break;
  }
  if (v != v) v = 0.0;
  v = v < lo ? lo : (v > hi ? hi : v);
  store_int(t, i, int64_t(v));
}

// Where moves elements by size, so every dtype shares one broadcast loop.
void where_loop(const OpArgs& a, uint32_t size) {
  const uint8_t* c = a.in[0].as<uint8_t>();
  const uint8_t* x = a.in[1].as<uint8_t>();
  const uint8_t* y = a.in[2].as<uint8_t>();
  uint8_t* z = a.out[0].as<uint8_t>();
  const TensorView* ins[3] = {&a.in[0], &a.in[1], &a.in[2]};
  for_each_broadcast<3>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
    move_element(z + o * size, c[off[0]] ? x + off[1] * size : y + off[2] * size, size);
  });
}

}  // namespace
}  // namespace ref

using namespace ref;

// ---- Copy / Reshape --------------------------------------------------------------------------

Status infer_copy(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 1, 1, 1));
  same_as(out, a.in[0], a.in[0].dtype);
  return Status::kOk;
}

Status run_copy(const OpArgs& a) {
  if (a.out[0].data != a.in[0].data) memmove(a.out[0].data, a.in[0].data, size_t(a.in[0].numel()) * dtype_size(a.in[0].dtype));
  return Status::kOk;
}

Status infer_reshape(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_op<mote_reshape_params>(a, 1, 1));
  const mote_reshape_params& p = a.p<mote_reshape_params>();
  if (p.rank < 0 || p.rank > MOTE_MAX_RANK) return fail(a.diag, Status::kBadParams, MOTE_T("bad reshape rank %d"), p.rank);
  // The counts in 32 bits, unsigned: the target's product stops at the first step past
  // kMaxElements (2^31) and X's (verified: below 2^31 elements) is at most that.
  uint32_t n = 1, have = 1;
  for (int32_t k = 0; k < p.rank; ++k) {
    if (p.dims[k] < 0) return fail(a.diag, Status::kBadParams, MOTE_T("negative reshape dimension"));
    if (__builtin_mul_overflow(n, uint32_t(p.dims[k]), &n) || n > uint32_t(kMaxElements)) {
      return fail(a.diag, Status::kBadParams, MOTE_T("reshape target too large"));
    }
  }
  for (int32_t k = 0; k < a.in[0].rank; ++k) have *= uint32_t(a.in[0].dims[k]);
  if (n != have) {
    return fail(a.diag, Status::kBadParams, MOTE_T("cannot reshape %v to %v"), a.in[0].dims, a.in[0].rank, p.dims, p.rank);
  }
  set_shape(out, a.in[0].dtype, p.rank, p.dims);
  return Status::kOk;
}

Status run_reshape(const OpArgs& a) { return run_copy(a); }

// ---- unary ---------------------------------------------------------------------------------

Status infer_unary(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_op<mote_unary_params>(a, 1, 1));
  const int32_t dt = a.in[0].dtype;
  if (a.code == MOTE_OP_NOT) {
    MOTE_TRY(check_dtype(a, 0, MOTE_BOOL));
    same_as(out, a.in[0], MOTE_BOOL);
  } else if (a.code == MOTE_OP_IS_NAN || a.code == MOTE_OP_IS_INF) {
    MOTE_TRY(check_dtype(a, 0, MOTE_F32));
    same_as(out, a.in[0], MOTE_BOOL);
  } else if (a.code == MOTE_OP_IDENTITY) {
    same_as(out, a.in[0], dt);
  } else if (dt == MOTE_F32 || (unary_takes_ints(a.code) && is_int(dt))) {
    if (a.code == MOTE_OP_CLIP) MOTE_TRY(check_clip_bounds(a, a.p<mote_unary_params>().alpha, a.p<mote_unary_params>().beta));
    same_as(out, a.in[0], dt);
  } else {
    return Fail(a.diag, Status::kBadParams).s(op_name(a.code)).s(" does not take ").s(dtype_name(dt));
  }
  return Status::kOk;
}

Status run_unary(const OpArgs& a) {
  const int64_t n = a.in[0].numel();
  const mote_unary_params& p = a.p<mote_unary_params>();
  switch (a.code) {
    case MOTE_OP_NOT: {
      const uint8_t* x = a.in[0].as<uint8_t>();
      uint8_t* y = a.out[0].as<uint8_t>();
      for (int64_t i = 0; i < n; ++i) y[i] = x[i] ? 0 : 1;
      return Status::kOk;
    }
    case MOTE_OP_IS_NAN:
    case MOTE_OP_IS_INF: {
      const float* x = a.in[0].as<float>();
      uint8_t* y = a.out[0].as<uint8_t>();
      for (int64_t i = 0; i < n; ++i) {
        float v = x[i];
        if (a.code == MOTE_OP_IS_NAN) {
          y[i] = v != v;
        } else {
          y[i] = (v == INFINITY && p.beta != 0.0f) || (v == -INFINITY && p.alpha != 0.0f);
        }
      }
      return Status::kOk;
    }
    case MOTE_OP_IDENTITY: return run_copy(a);
    default: break;
  }
  switch (a.in[0].dtype) {
    case MOTE_F32: {
      const float* x = a.in[0].as<float>();
      float* y = a.out[0].as<float>();
      for (int64_t i = 0; i < n; ++i) y[i] = unary_f32(a.code, p, x[i]);
      return Status::kOk;
    }
    case MOTE_I32:
    case MOTE_I64:
    case MOTE_I8:
    case MOTE_U8:
      // Integers of every width in one loop, in int64: the narrow results wrap on the store
      // exactly as the same arithmetic in the narrow type does.
      for (int64_t i = 0; i < n; ++i) store_int(a.out[0], i, unary_int(a.code, p, load_int(a.in[0], i)));
      return Status::kOk;
    default: return unsupported(a);
  }
}

// ---- binary --------------------------------------------------------------------------------

Status infer_binary(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_op<mote_binary_params>(a, 2, 2));
  MOTE_TRY(check_act(a, a.p<mote_binary_params>().act));
  const int32_t dx = a.in[0].dtype, dy = a.in[1].dtype;
  if (a.code == MOTE_OP_POW) {
    if (!is_numeric(dx) || !(dy == MOTE_F32 || dy == MOTE_I32 || dy == MOTE_I64)) {
      return Fail(a.diag, Status::kBadParams).s("Pow of ").s(dtype_name(dx)).s(" by ").s(dtype_name(dy)).s(" is not supported");
    }
  } else if (dx != dy) {
    return Fail(a.diag, Status::kBadParams).s("inputs are ").s(dtype_name(dx)).s(" and ").s(dtype_name(dy));
  } else if (is_logical(a.code) ? dx != MOTE_BOOL : !(is_numeric(dx) || (a.code == MOTE_OP_EQUAL && dx == MOTE_BOOL))) {
    return Fail(a.diag, Status::kBadParams).s(op_name(a.code)).s(" does not take ").s(dtype_name(dx));
  }
  const TensorView* shapes[2] = {&a.in[0], &a.in[1]};
  MOTE_TRY(broadcast_shapes(a, shapes, 2, out));
  if (a.code == MOTE_OP_PRELU && !same_dims(*out, a.in[0])) {
    return Fail(a.diag, Status::kBadParams).s("PRelu slope ").dims(a.in[1].dims, a.in[1].rank).s(" does not broadcast to X");
  }
  out->dtype = (is_compare(a.code) || is_logical(a.code)) ? int32_t(MOTE_BOOL) : dx;
  return Status::kOk;
}

Status run_binary(const OpArgs& a) {
  if (a.code == MOTE_OP_POW) {  // the exponent may have its own dtype
    const TensorView* ins[2] = {&a.in[0], &a.in[1]};
    for_each_broadcast<2>(a.out[0], ins, [&](int64_t o, const int64_t* off) {
      store_real(a.out[0], o, pow_f64(load_real(a.in[0], off[0]), load_real(a.in[1], off[1])));
    });
    return Status::kOk;
  }
  const int32_t dt = a.in[0].dtype;
  const int32_t code = a.code;
  if (dt != MOTE_F32 && !is_int(dt) && dt != MOTE_BOOL) return unsupported(a);
  const TensorView* ins[2] = {&a.in[0], &a.in[1]};
  const TensorView &x = a.in[0], &y = a.in[1], &z = a.out[0];
  if (is_compare(code) || is_logical(code)) {
    // Floats compare as doubles (exact), integers as int64 (exact for every width).
    uint8_t* out = z.as<uint8_t>();
    for_each_broadcast<2>(z, ins, [&](int64_t o, const int64_t* off) {
      out[o] = dt == MOTE_F32 ? compare<double>(code, load_real(x, off[0]), load_real(y, off[1]))
                              : compare<int64_t>(code, load_int(x, off[0]), load_int(y, off[1]));
    });
    return Status::kOk;
  }
  const mote_binary_params& p = a.p<mote_binary_params>();
  if (dt == MOTE_F32) {  // the hot case keeps a loop of its own
    const float* px = x.as<float>();
    const float* py = y.as<float>();
    float* pz = z.as<float>();
    for_each_broadcast<2>(z, ins, [&](int64_t o, const int64_t* off) { pz[o] = arith<float>(code, p, px[off[0]], py[off[1]]); });
    return Status::kOk;
  }
  // Integers of every width share one loop in int64: the wrap-around arithmetic, division and
  // modulo give the narrow type's results once the store wraps them back.
  for_each_broadcast<2>(z, ins, [&](int64_t o, const int64_t* off) {
    store_int(z, o, arith<int64_t>(code, p, load_int(x, off[0]), load_int(y, off[1])));
  });
  return Status::kOk;
}

// ---- Where / Cast --------------------------------------------------------------------------

Status infer_where(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_arity(a, 3, 3, 1));
  MOTE_TRY(check_dtype(a, 0, MOTE_BOOL));
  if (a.in[1].dtype != a.in[2].dtype || dtype_size(a.in[1].dtype) == 0) {
    return Fail(a.diag, Status::kBadParams).s("X and Y dtypes differ");
  }
  const TensorView* shapes[3] = {&a.in[0], &a.in[1], &a.in[2]};
  MOTE_TRY(broadcast_shapes(a, shapes, 3, out));
  out->dtype = a.in[1].dtype;
  return Status::kOk;
}

Status run_where(const OpArgs& a) {
  const uint32_t size = dtype_size(a.in[1].dtype);
  if (size != 1 && size != 4 && size != 8) return unsupported(a);
  where_loop(a, size);
  return Status::kOk;
}

Status infer_cast(const OpArgs& a, TensorView* out, uint32_t*) {
  MOTE_TRY(check_op<mote_cast_params>(a, 1, 1));
  const int32_t to = a.p<mote_cast_params>().to;
  if (dtype_size(to) == 0) return Fail(a.diag, Status::kBadParams).s("Cast to unknown dtype ").i(to);
  same_as(out, a.in[0], to);
  return Status::kOk;
}

Status run_cast(const OpArgs& a) {
  const int64_t n = a.in[0].numel();
  if (a.in[0].dtype == MOTE_F32 || a.in[0].dtype == MOTE_F16) {
    for (int64_t i = 0; i < n; ++i) store_real(a.out[0], i, load_real(a.in[0], i));
  } else {
    for (int64_t i = 0; i < n; ++i) store_int(a.out[0], i, load_int(a.in[0], i));
  }
  return Status::kOk;
}

}  // namespace mote

// f32_unary__wasm_simd128: the float32 activations and simple element-wise functions that
// models run at full tensor size. In place is fine (each vector is read before it is written).
// Sigmoid and SiLU use a vector exp (range reduction to 2^n * e^r, |r| <= ln2/2, degree-5
// polynomial, relative error about 2e-7), SiLU as x / (1 + e^-x); everything else here is exact
// or a single IEEE operation.
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// e^x for x in [-87, 88] (the caller clamps): 2^n with n in [-126, 127] fits the exponent.
inline v128_t exp_clamped(v128_t x) {
  // t = x log2(e) + 1.5 * 2^23 + 127 rounds to an integer whose low bits are n + 127, with
  // n = round(x log2(e)): t - that constant is n, and t's bits shifted left by 23 are 2^n.
  const v128_t magic = wasm_f32x4_splat(12583039.0f);
  const v128_t t = wasm_f32x4_add(wasm_f32x4_mul(x, wasm_f32x4_splat(1.44269504088896341f)), magic);
  const v128_t n = wasm_f32x4_sub(t, magic);
  const v128_t scale = wasm_i32x4_shl(t, 23);
  // r = x - n ln2, with ln2 split in two so n * ln2_hi is exact.
  v128_t r = wasm_f32x4_sub(x, wasm_f32x4_mul(n, wasm_f32x4_splat(0.693359375f)));
  r = wasm_f32x4_sub(r, wasm_f32x4_mul(n, wasm_f32x4_splat(-2.12194440e-4f)));
  // e^r = 1 + r + r^2 q(r), q a cubic fitted for the least largest relative error over |r| <=
  // ln2/2 (1.1e-7; 2.1e-7 for the whole function in float32, checked on [-87, 88]).
  v128_t p = wasm_f32x4_splat(8.3124712025e-3f);
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.1889982197e-2f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(1.6667114488e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(p, r), wasm_f32x4_splat(4.9999232705e-1f));
  p = wasm_f32x4_add(wasm_f32x4_mul(wasm_f32x4_mul(p, r), r), wasm_f32x4_add(r, wasm_f32x4_splat(1.0f)));
  return wasm_f32x4_mul(p, scale);
}

// e^x for x <= 0 (Sigmoid only needs exp(-|x|)); underflows to 0 below about -87.
inline v128_t exp_nonpositive(v128_t x) { return exp_clamped(wasm_f32x4_pmax(wasm_f32x4_splat(-87.0f), x)); }

template <int32_t OP>
inline v128_t op_vec(v128_t x, v128_t alpha, v128_t beta) {
  const v128_t zero = wasm_f32x4_splat(0.0f), one = wasm_f32x4_splat(1.0f);
  switch (OP) {
    case MOTE_OP_RELU: return wasm_f32x4_pmax(zero, x);
    case MOTE_OP_LEAKY_RELU: return wasm_v128_bitselect(x, wasm_f32x4_mul(x, alpha), wasm_f32x4_ge(x, zero));
    case MOTE_OP_CLIP:  // x < lo ? lo : (x > hi ? hi : x), NaN passing through
      return wasm_v128_bitselect(alpha, wasm_v128_bitselect(beta, x, wasm_f32x4_gt(x, beta)), wasm_f32x4_lt(x, alpha));
    case MOTE_OP_HARD_SIGMOID: {
      const v128_t v = wasm_f32x4_add(wasm_f32x4_mul(alpha, x), beta);
      return wasm_f32x4_pmin(one, wasm_f32x4_pmax(zero, v));
    }
    case MOTE_OP_HARD_SWISH: {
      const v128_t v = wasm_f32x4_add(wasm_f32x4_div(x, wasm_f32x4_splat(6.0f)), wasm_f32x4_splat(0.5f));
      return wasm_f32x4_mul(x, wasm_f32x4_pmin(one, wasm_f32x4_pmax(zero, v)));
    }
    case MOTE_OP_SIGMOID: {
      const v128_t e = exp_nonpositive(wasm_f32x4_neg(wasm_f32x4_abs(x)));
      const v128_t s = wasm_f32x4_div(one, wasm_f32x4_add(one, e));
      return wasm_v128_bitselect(s, wasm_f32x4_mul(e, s), wasm_f32x4_ge(x, zero));
    }
    case MOTE_OP_SILU: {  // x / (1 + e^-x): one exp and one division, no select between the signs'
      // forms. -x clamped to [-87, 88]: for x below -88 the quotient is x / e^88,
      // under 1e-36 as the reference's x e^x / (1 + e^x); -inf gives NaN as there (-inf x 0).
      const v128_t t = wasm_f32x4_pmin(wasm_f32x4_splat(88.0f), wasm_f32x4_pmax(wasm_f32x4_splat(-87.0f), wasm_f32x4_neg(x)));
      const v128_t y = wasm_f32x4_div(x, wasm_f32x4_add(one, exp_clamped(t)));
      return wasm_v128_bitselect(wasm_f32x4_splat(__builtin_nanf("")), y, wasm_f32x4_eq(x, wasm_f32x4_splat(-__builtin_inff())));
    }
    case MOTE_OP_ABS: return wasm_f32x4_abs(x);
    case MOTE_OP_NEG: return wasm_f32x4_neg(x);
    case MOTE_OP_SQRT: return wasm_f32x4_sqrt(x);
    case MOTE_OP_FLOOR: return wasm_f32x4_floor(x);
    default: return wasm_f32x4_ceil(x);  // CEIL
  }
}

// The ops of one instruction or two (standalone Relu, LeakyRelu and Clip are rare: a model's
// come fused into the op before them): one loop for all of them, the op picked per vector, rather
// than a copy of the loop and its tail each (2.3 KB of objects).
inline v128_t simple_vec(int32_t op, v128_t x, v128_t alpha, v128_t beta) {
  switch (op) {
    case MOTE_OP_RELU: return op_vec<MOTE_OP_RELU>(x, alpha, beta);
    case MOTE_OP_LEAKY_RELU: return op_vec<MOTE_OP_LEAKY_RELU>(x, alpha, beta);
    case MOTE_OP_CLIP: return op_vec<MOTE_OP_CLIP>(x, alpha, beta);
    case MOTE_OP_ABS: return op_vec<MOTE_OP_ABS>(x, alpha, beta);
    case MOTE_OP_NEG: return op_vec<MOTE_OP_NEG>(x, alpha, beta);
    case MOTE_OP_SQRT: return op_vec<MOTE_OP_SQRT>(x, alpha, beta);
    case MOTE_OP_FLOOR: return op_vec<MOTE_OP_FLOOR>(x, alpha, beta);
    default: return op_vec<MOTE_OP_CEIL>(x, alpha, beta);
  }
}

// OP kSimple: one of simple_vec's ops, `code`.
constexpr int32_t kSimple = -1;

template <int32_t OP>
inline v128_t any_vec(int32_t code, v128_t x, v128_t alpha, v128_t beta) {
  return OP == kSimple ? simple_vec(code, x, alpha, beta) : op_vec<OP>(x, alpha, beta);
}

template <int32_t OP>
void run(int32_t code, const float* x, float* y, int64_t n, const mote_unary_params& p) {
  const v128_t alpha = wasm_f32x4_splat(p.alpha), beta = wasm_f32x4_splat(p.beta);
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(y + i, any_vec<OP>(code, wasm_v128_load(x + i), alpha, beta));
  if (i < n) {  // the last 1..3 elements through a vector on the stack
    float tail[4] = {0.0f, 0.0f, 0.0f, 0.0f};
    for (int64_t k = i; k < n; ++k) tail[k - i] = x[k];
    wasm_v128_store(tail, any_vec<OP>(code, wasm_v128_load(tail), alpha, beta));
    for (int64_t k = i; k < n; ++k) y[k] = tail[k - i];
  }
}

}  // namespace

Status f32_unary(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_F32) return Status::kUnsupportedOp;
  const float* x = a.in[0].as<float>();
  float* y = a.out[0].as<float>();
  const int64_t n = a.in[0].numel();
  const mote_unary_params& p = a.p<mote_unary_params>();
  switch (a.code) {
    case MOTE_OP_HARD_SIGMOID: run<MOTE_OP_HARD_SIGMOID>(a.code, x, y, n, p); break;
    case MOTE_OP_HARD_SWISH: run<MOTE_OP_HARD_SWISH>(a.code, x, y, n, p); break;
    case MOTE_OP_SIGMOID: run<MOTE_OP_SIGMOID>(a.code, x, y, n, p); break;
    case MOTE_OP_SILU: run<MOTE_OP_SILU>(a.code, x, y, n, p); break;
    case MOTE_OP_RELU:
    case MOTE_OP_LEAKY_RELU:
    case MOTE_OP_CLIP:
    case MOTE_OP_ABS:
    case MOTE_OP_NEG:
    case MOTE_OP_SQRT:
    case MOTE_OP_FLOOR:
    case MOTE_OP_CEIL: run<kSimple>(a.code, x, y, n, p); break;
    default: return Status::kUnsupportedOp;
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

// f32_binary__wasm_simd128: Add, Sub, Mul, Div, Max, Min and PRelu on float32.
//
// A broadcast is folded into rows (kernels/binary_rows.h), which run with SIMD. The output
// may start where an input does (the plan writes element-wise ops in place): each vector is
// read before it is written.
#include "../binary_rows.h"
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

template <int32_t OP>
inline v128_t op_vec(v128_t x, v128_t y) {
  switch (OP) {
    case MOTE_OP_ADD: return wasm_f32x4_add(x, y);
    case MOTE_OP_SUB: return wasm_f32x4_sub(x, y);
    case MOTE_OP_MUL: return wasm_f32x4_mul(x, y);
    case MOTE_OP_DIV: return wasm_f32x4_div(x, y);
    case MOTE_OP_MAX: return wasm_f32x4_max(x, y);  // NaN in either gives NaN, as in the reference
    case MOTE_OP_MIN: return wasm_f32x4_min(x, y);
    default:  // PRELU: x < 0 ? x * slope : x
      return wasm_v128_bitselect(wasm_f32x4_mul(x, y), x, wasm_f32x4_lt(x, wasm_f32x4_splat(0.0f)));
  }
}

template <int32_t OP>
inline float op_scalar(float x, float y) {
  switch (OP) {
    case MOTE_OP_ADD: return x + y;
    case MOTE_OP_SUB: return x - y;
    case MOTE_OP_MUL: return x * y;
    case MOTE_OP_DIV: return x / y;
    case MOTE_OP_MAX: return (x != x || x > y) ? x : y;
    case MOTE_OP_MIN: return (x != x || x < y) ? x : y;
    default: return x < 0.0f ? x * y : x;
  }
}

// The fused activation as a template argument (apply() of kernels.h, without its switch): the
// loops carry no branch, and no compiler unswitching copies each of them once per kind.
enum ActKind { kActNone, kActMinMax, kActLeaky };

template <int A>
inline v128_t act_vec(const VecAct& a, v128_t v) {
  if (A == kActNone) return v;
  if (A == kActLeaky) return wasm_v128_bitselect(v, wasm_f32x4_mul(v, a.slope), wasm_f32x4_ge(v, wasm_f32x4_splat(0.0f)));
  return wasm_f32x4_pmin(wasm_f32x4_pmax(v, a.lo), a.hi);  // NaN stays NaN, as in apply()
}

// z[i] = op(x[i * XS], y[i * YS]), XS/YS 1 (contiguous) or 0 (one value), then the activation.
template <int32_t OP, int XS, int YS, int A>
void row(const float* x, const float* y, float* z, int64_t n, const VecAct& vact, const mote_act& act) {
  const v128_t xs = wasm_f32x4_splat(x[0]), ys = wasm_f32x4_splat(y[0]);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const v128_t a0 = XS ? wasm_v128_load(x + i) : xs, a1 = XS ? wasm_v128_load(x + i + 4) : xs;
    const v128_t b0 = YS ? wasm_v128_load(y + i) : ys, b1 = YS ? wasm_v128_load(y + i + 4) : ys;
    wasm_v128_store(z + i, act_vec<A>(vact, op_vec<OP>(a0, b0)));
    wasm_v128_store(z + i + 4, act_vec<A>(vact, op_vec<OP>(a1, b1)));
  }
  for (; i + 4 <= n; i += 4) {
    const v128_t a = XS ? wasm_v128_load(x + i) : xs, b = YS ? wasm_v128_load(y + i) : ys;
    wasm_v128_store(z + i, act_vec<A>(vact, op_vec<OP>(a, b)));
  }
  for (; i < n; ++i) z[i] = ref::apply_act(act, op_scalar<OP>(x[i * XS], y[i * YS]));
}

using RowFn = void (*)(const float*, const float*, float*, int64_t, const VecAct&, const mote_act&);

// Add and Mul have no (0, 1) rows: f32_binary runs them as (1, 0) with x and y swapped.
template <int32_t OP, int A>
RowFn pick_row(int xs, int ys) {
  constexpr bool kCommutes = OP == MOTE_OP_ADD || OP == MOTE_OP_MUL;
  if (xs && ys) return row<OP, 1, 1, A>;
  return xs || kCommutes ? row<OP, 1, 0, A> : row<OP, 0, 1, A>;
}

// Add, Sub, Mul and Div take an activation; Max, Min and PRelu none. A LeakyRelu (rare after an
// element-wise op) runs the row without it, then leaky_row over the row just written: the same
// floats, and 12 rows fewer in the module (a row is some 370 bytes).
template <int32_t OP>
RowFn pick_act(int xs, int ys, const VecAct& vact) {
  if (vact.kind == MOTE_ACT_NONE || vact.kind == MOTE_ACT_LEAKY_RELU) return pick_row<OP, kActNone>(xs, ys);
  return pick_row<OP, kActMinMax>(xs, ys);
}

// z[i] = LeakyRelu(z[i]), vectors where the rows have them and the reference's scalar in the
// last n % 4, as row() applies it.
void leaky_row(float* z, int64_t n, const VecAct& vact, const mote_act& act) {
  int64_t i = 0;
  for (; i + 4 <= n; i += 4) wasm_v128_store(z + i, act_vec<kActLeaky>(vact, wasm_v128_load(z + i)));
  for (; i < n; ++i) z[i] = ref::apply_act(act, z[i]);
}

RowFn pick(int32_t code, int xs, int ys, const VecAct& vact) {
  switch (code) {
    case MOTE_OP_ADD: return pick_act<MOTE_OP_ADD>(xs, ys, vact);
    case MOTE_OP_SUB: return pick_act<MOTE_OP_SUB>(xs, ys, vact);
    case MOTE_OP_MUL: return pick_act<MOTE_OP_MUL>(xs, ys, vact);
    case MOTE_OP_DIV: return pick_act<MOTE_OP_DIV>(xs, ys, vact);
    case MOTE_OP_MAX: return pick_row<MOTE_OP_MAX, kActNone>(xs, ys);
    case MOTE_OP_MIN: return pick_row<MOTE_OP_MIN, kActNone>(xs, ys);
    default: return pick_row<MOTE_OP_PRELU, kActNone>(xs, ys);
  }
}

}  // namespace

Status f32_binary(const OpArgs& a) {
  const TensorView& out = a.out[0];
  const TensorView& X = a.in[0];
  const TensorView& Y = a.in[1];
  if (X.dtype != MOTE_F32 || Y.dtype != MOTE_F32 || out.dtype != MOTE_F32) return Status::kUnsupportedOp;
  BinaryRows rows;
  if (!fold_binary_rows(X, Y, out, &rows)) return Status::kUnsupportedOp;  // both repeat along the row
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  const mote_act& act = a.code == MOTE_OP_PRELU || a.code == MOTE_OP_MAX || a.code == MOTE_OP_MIN
                            ? none
                            : a.p<mote_binary_params>().act;
  const VecAct vact = vec_act(act);
  const float* px = X.as<float>();
  const float* py = Y.as<float>();
  float* pz = out.as<float>();
  // Add and Mul with one value for x and a row of y run as y op x (the same floats: both are
  // commutative in IEEE arithmetic), so they need no (0, 1) rows of their own.
  const bool swap = (a.code == MOTE_OP_ADD || a.code == MOTE_OP_MUL) && !rows.xi && rows.yi;
  const RowFn fn = pick(a.code, rows.xi, rows.yi, vact);
  const bool leaky = vact.kind == MOTE_ACT_LEAKY_RELU;
  const mote_act& row_act = leaky ? none : act;  // the row's scalar tail applies this one
  walk_binary_rows(rows, out, [&](int64_t ox, int64_t oy, int64_t o) {
    if (swap) {
      fn(py + oy, px + ox, pz + o, rows.len, vact, row_act);
    } else {
      fn(px + ox, py + oy, pz + o, rows.len, vact, row_act);
    }
    if (leaky) leaky_row(pz + o, rows.len, vact, act);
  });
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

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

// z[i] = op(x[i * XS], y[i * YS]), XS/YS 1 (contiguous) or 0 (one value).
template <int32_t OP, int XS, int YS>
void row(const float* x, const float* y, float* z, int64_t n) {
  const v128_t xs = wasm_f32x4_splat(x[0]), ys = wasm_f32x4_splat(y[0]);
  int64_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const v128_t a0 = XS ? wasm_v128_load(x + i) : xs, a1 = XS ? wasm_v128_load(x + i + 4) : xs;
    const v128_t b0 = YS ? wasm_v128_load(y + i) : ys, b1 = YS ? wasm_v128_load(y + i + 4) : ys;
    wasm_v128_store(z + i, op_vec<OP>(a0, b0));
    wasm_v128_store(z + i + 4, op_vec<OP>(a1, b1));
  }
  for (; i + 4 <= n; i += 4) {
    const v128_t a = XS ? wasm_v128_load(x + i) : xs, b = YS ? wasm_v128_load(y + i) : ys;
    wasm_v128_store(z + i, op_vec<OP>(a, b));
  }
  for (; i < n; ++i) z[i] = op_scalar<OP>(x[i * XS], y[i * YS]);
}

using RowFn = void (*)(const float*, const float*, float*, int64_t);

// Add and Mul have no (0, 1) rows: f32_binary runs them as (1, 0) with x and y swapped.
template <int32_t OP>
RowFn pick_row(int xs, int ys) {
  constexpr bool kCommutes = OP == MOTE_OP_ADD || OP == MOTE_OP_MUL;
  if (xs && ys) return row<OP, 1, 1>;
  return xs || kCommutes ? row<OP, 1, 0> : row<OP, 0, 1>;
}

// Every row runs without an activation; a fused one (Add, Sub, Mul and Div take one; Max, Min
// and PRelu none) goes over what the row just wrote, in chunks small enough to stay in cache
// (act_row, kernels.h): the same floats, and one row per op and broadcast form instead of one per form
// and activation (10 rows fewer in the module, a row is some 400 bytes).
RowFn pick(int32_t code, int xs, int ys) {
  switch (code) {
    case MOTE_OP_ADD: return pick_row<MOTE_OP_ADD>(xs, ys);
    case MOTE_OP_SUB: return pick_row<MOTE_OP_SUB>(xs, ys);
    case MOTE_OP_MUL: return pick_row<MOTE_OP_MUL>(xs, ys);
    case MOTE_OP_DIV: return pick_row<MOTE_OP_DIV>(xs, ys);
    case MOTE_OP_MAX: return pick_row<MOTE_OP_MAX>(xs, ys);
    case MOTE_OP_MIN: return pick_row<MOTE_OP_MIN>(xs, ys);
    default: return pick_row<MOTE_OP_PRELU>(xs, ys);
  }
}

// Floats per chunk of a row with an activation: a multiple of 4 (so the chunks split the row
// into vectors and tail as the whole row would), 4 KB of output, still in cache for act_row.
constexpr int64_t kActChunk = 1024;

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
  const RowFn fn = pick(a.code, rows.xi, rows.yi);
  const float* first = swap ? py : px;
  const float* second = swap ? px : py;
  const int64_t fs = swap ? rows.yi : rows.xi, ss = swap ? rows.xi : rows.yi;  // 1: runs along the row
  const bool fused = vact.kind != MOTE_ACT_NONE;
  walk_binary_rows(rows, out, [&](int64_t ox, int64_t oy, int64_t o) {
    const float* f = first + (swap ? oy : ox);
    const float* s = second + (swap ? ox : oy);
    float* z = pz + o;
    if (!fused) {
      fn(f, s, z, rows.len);
      return;
    }
    for (int64_t c = 0; c < rows.len; c += kActChunk) {
      const int64_t n = rows.len - c < kActChunk ? rows.len - c : kActChunk;
      fn(f + c * fs, s + c * ss, z + c, n);
      act_row(z + c, n, vact, act);
    }
  });
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

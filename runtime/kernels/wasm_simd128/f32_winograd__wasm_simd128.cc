// f32_winograd__wasm_simd128: ConvWinograd, F(2x2, 3x3) and F(4x4, 3x3) (mote/winograd.h), in
// blocks of tiles (f32_winograd.h). F(2x2, 3x3): one vector holds 4 neighbouring tiles of a tile row:
//   1. per input channel, the tile row's four input rows are copied with their zero padding into
//      the scratch and B^T applied down their columns there; then, 4 tiles at a time, their
//      even and odd columns (two shuffles of two loads) give B along the rows: the 16 elements
//      of 4 tiles in 16 vectors, stored to V [16][C][block];
//   2. sixteen products P_k [M, block] = U_k [M, C] V_k [C, block] (f32_gemm_nn);
//   3. per output channel, 4 tiles at a time: A^T along the 16 products, bias, activation, the
//      two output rows zipped back into column order and stored, cut at the map's edge.
// The transforms add and subtract in the reference's order and the GEMM sums each product over
// the channels in order, so the outputs are the reference's exactly when M % 4 == 0 (the last
// M % 4 rows of the GEMM sum 4 channels at a time): tests/wasm/kernels_test.cc checks them
// within the float tolerance it documents. F(4x4, 3x3) (below) goes the same way with six input
// rows, 36 products and 4x4 output tiles.
#include "f32_winograd.h"
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

struct Geom {
  int32_t c, m, ih, iw, oh, ow, pt, pl;
};

inline v128_t even(v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 0, 2, 4, 6); }
inline v128_t odd(v128_t a, v128_t b) { return wasm_i32x4_shuffle(a, b, 1, 3, 5, 7); }

// The first n (1..3) lanes of v at dst: the edge of a run, out of line.
__attribute__((noinline)) void store_part(float* dst, v128_t v, int32_t n) {
  float lanes[4];
  wasm_v128_store(lanes, v);
  for (int32_t i = 0; i < n; ++i) dst[i] = lanes[i];
}

// The first n lanes of v at dst (n >= 4: all four).
inline void store_n(float* dst, v128_t v, int32_t n) {
  if (n >= 4) {
    wasm_v128_store(dst, v);
  } else if (n > 0) {
    store_part(dst, v, n);
  }
}

// Columns [col0, col0 + n) of row r of a plane (rows x cols) into dst, zeros outside the plane.
// Out of line: a call per row and channel, against its code inlined at every row.
__attribute__((noinline)) void padded_row(const float* x, int32_t rows, int32_t cols, int32_t r, int32_t col0, int32_t n, float* dst) {
  if (r < 0 || r >= rows) {
    memset(dst, 0, size_t(n) * sizeof(float));
    return;
  }
  int32_t lo = col0 < 0 ? -col0 : 0, hi = cols - col0;
  lo = lo < n ? lo : n;
  hi = hi < n ? hi : n;
  hi = hi > lo ? hi : lo;
  if (lo) memset(dst, 0, size_t(lo) * sizeof(float));
  memcpy(dst + lo, x + int64_t(r) * cols + col0 + lo, size_t(hi - lo) * sizeof(float));
  if (hi < n) memset(dst + hi, 0, size_t(n - hi) * sizeof(float));
}

// Tiles [tw0, tw0 + run) of tile row th, every input channel, into columns [j, j + run) of V
// (16 matrices `kstride` floats apart, C rows of `ld` floats each).
void input_tiles(const Geom& g, const float* x, int32_t th, int32_t tw0, int32_t run, float* rows, int32_t row_floats,
                 float* V, int64_t kstride, int32_t ld, int32_t j) {
  const int32_t n = 2 * run + 2, r0 = 2 * th - g.pt, col0 = 2 * tw0 - g.pl;
  const int64_t plane = int64_t(g.ih) * g.iw;
  float* t0 = rows;
  float* t1 = rows + row_floats;
  float* t2 = rows + 2 * row_floats;
  float* t3 = rows + 3 * row_floats;
  for (int32_t ch = 0; ch < g.c; ++ch) {
    const float* xc = x + ch * plane;
    padded_row(xc, g.ih, g.iw, r0, col0, n, t0);
    padded_row(xc, g.ih, g.iw, r0 + 1, col0, n, t1);
    padded_row(xc, g.ih, g.iw, r0 + 2, col0, n, t2);
    padded_row(xc, g.ih, g.iw, r0 + 3, col0, n, t3);
    for (int32_t q = 0; q < n; q += 4) {  // B^T d, down the columns
      const v128_t a0 = wasm_v128_load(t0 + q), a1 = wasm_v128_load(t1 + q);
      const v128_t a2 = wasm_v128_load(t2 + q), a3 = wasm_v128_load(t3 + q);
      wasm_v128_store(t0 + q, wasm_f32x4_sub(a0, a2));
      wasm_v128_store(t1 + q, wasm_f32x4_add(a1, a2));
      wasm_v128_store(t2 + q, wasm_f32x4_sub(a2, a1));
      wasm_v128_store(t3 + q, wasm_f32x4_sub(a1, a3));
    }
    float* out = V + int64_t(ch) * ld + j;
    for (int32_t q = 0; q < run; q += 4) {  // (B^T d) B along the rows: tile q's columns 2q .. 2q + 3
      const int32_t left = run - q;
      const float* rs[4] = {t0, t1, t2, t3};
      for (int i = 0; i < 4; ++i) {
        const float* r = rs[i] + 2 * q;
        const v128_t a = wasm_v128_load(r), b = wasm_v128_load(r + 4);
        const v128_t c = wasm_v128_load(r + 2), d = wasm_v128_load(r + 6);
        const v128_t e0 = even(a, b), o0 = odd(a, b), e1 = even(c, d), o1 = odd(c, d);
        float* o = out + q + int64_t(4 * i) * kstride;
        store_n(o, wasm_f32x4_sub(e0, e1), left);
        store_n(o + kstride, wasm_f32x4_add(o0, e1), left);
        store_n(o + 2 * kstride, wasm_f32x4_sub(e1, o0), left);
        store_n(o + 3 * kstride, wasm_f32x4_sub(o0, o1), left);
      }
    }
  }
}

// The outputs of tiles [tw0, tw0 + run) of tile row th from columns [j, j + run) of P (16
// matrices `kstride` floats apart, M rows of `ld` floats each), every output channel, stored in
// place (the map's last column and row cut off where its size is odd).
void output_tiles(const Geom& g, const float* P, int64_t kstride, int32_t ld, int32_t j, int32_t th, int32_t tw0,
                  int32_t run, const float* bias, const VecAct& act, float* y) {
  const int64_t plane = int64_t(g.oh) * g.ow;
  const int32_t oy = 2 * th, ox = 2 * tw0;
  const int32_t width = g.ow - ox < 2 * run ? g.ow - ox : 2 * run;
  const bool second = oy + 1 < g.oh;
  for (int32_t o = 0; o < g.m; ++o) {
    const float* pm = P + int64_t(o) * ld + j;
    const v128_t b = wasm_f32x4_splat(bias ? bias[o] : 0.0f);
    float* yo = y + o * plane + int64_t(oy) * g.ow + ox;
    for (int32_t q = 0; q < run; q += 4) {
      v128_t p[16];
      for (int k = 0; k < 16; ++k) p[k] = wasm_v128_load(pm + k * kstride + q);
      v128_t s0[4], s1[4];  // A^T m: down the columns
      for (int c = 0; c < 4; ++c) {
        s0[c] = wasm_f32x4_add(wasm_f32x4_add(p[c], p[4 + c]), p[8 + c]);
        s1[c] = wasm_f32x4_sub(wasm_f32x4_sub(p[4 + c], p[8 + c]), p[12 + c]);
      }
      const v128_t y00 = apply(act, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s0[0], s0[1]), s0[2]), b));
      const v128_t y01 = apply(act, wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s0[1], s0[2]), s0[3]), b));
      const int32_t count = width - 2 * q;
      float* d = yo + 2 * q;
      store_n(d, wasm_i32x4_shuffle(y00, y01, 0, 4, 1, 5), count);
      if (count > 4) store_n(d + 4, wasm_i32x4_shuffle(y00, y01, 2, 6, 3, 7), count - 4);
      if (second) {
        const v128_t y10 = apply(act, wasm_f32x4_add(wasm_f32x4_add(wasm_f32x4_add(s1[0], s1[1]), s1[2]), b));
        const v128_t y11 = apply(act, wasm_f32x4_add(wasm_f32x4_sub(wasm_f32x4_sub(s1[1], s1[2]), s1[3]), b));
        store_n(d + g.ow, wasm_i32x4_shuffle(y10, y11, 0, 4, 1, 5), count);
        if (count > 4) store_n(d + g.ow + 4, wasm_i32x4_shuffle(y10, y11, 2, 6, 3, 7), count - 4);
      }
    }
  }
}

// ---- F(4x4, 3x3): a vector holds 4 neighbouring tiles of a tile row, as above -------------------

inline v128_t mulk(float k, v128_t v) { return wasm_f32x4_mul(wasm_f32x4_splat(k), v); }

// B^T along one axis, in mote/winograd.h's order (winograd::f4::input_1d).
inline void input6(const v128_t* a, v128_t* b) {
  const v128_t p = wasm_f32x4_sub(a[4], mulk(4.0f, a[2])), q = wasm_f32x4_sub(a[3], mulk(4.0f, a[1]));
  const v128_t r = wasm_f32x4_sub(a[4], a[2]), u = mulk(2.0f, wasm_f32x4_sub(a[3], a[1]));
  b[0] = wasm_f32x4_add(wasm_f32x4_sub(mulk(4.0f, a[0]), mulk(5.0f, a[2])), a[4]);
  b[1] = wasm_f32x4_add(p, q);
  b[2] = wasm_f32x4_sub(p, q);
  b[3] = wasm_f32x4_add(r, u);
  b[4] = wasm_f32x4_sub(r, u);
  b[5] = wasm_f32x4_add(wasm_f32x4_sub(mulk(4.0f, a[1]), mulk(5.0f, a[3])), a[5]);
}

// A^T along one axis (winograd::f4::output_1d).
inline void output6(const v128_t* m, v128_t* y) {
  const v128_t a = wasm_f32x4_add(m[1], m[2]), b = wasm_f32x4_sub(m[1], m[2]);
  const v128_t c = wasm_f32x4_add(m[3], m[4]), d = wasm_f32x4_sub(m[3], m[4]);
  y[0] = wasm_f32x4_add(wasm_f32x4_add(m[0], a), c);
  y[1] = wasm_f32x4_add(b, mulk(2.0f, d));
  y[2] = wasm_f32x4_add(a, mulk(4.0f, c));
  y[3] = wasm_f32x4_add(wasm_f32x4_add(b, mulk(8.0f, d)), m[5]);
}

// Tiles [tw0, tw0 + run) of tile row th, every input channel, into columns [j, j + run) of V (36
// matrices): the six input rows copied with their padding, B^T down their columns in place; then
// per 4 tiles, each row's 20 floats from column 4q as 5 vectors, transposed into the tiles'
// columns 0..5, and B^T along them.
void input_tiles4(const Geom& g, const float* x, int32_t th, int32_t tw0, int32_t run, float* rows, int32_t row_floats,
                  float* V, int64_t kstride, int32_t ld, int32_t j) {
  const int32_t n = 4 * run + 2, r0 = 4 * th - g.pt, col0 = 4 * tw0 - g.pl;
  const int64_t plane = int64_t(g.ih) * g.iw;
  for (int32_t ch = 0; ch < g.c; ++ch) {
    const float* xc = x + ch * plane;
#pragma clang loop unroll(disable)
    for (int32_t i = 0; i < 6; ++i) padded_row(xc, g.ih, g.iw, r0 + i, col0, n, rows + i * row_floats);
    for (int32_t q = 0; q < n; q += 4) {  // B^T d, down the columns
      v128_t a[6], b[6];
      for (int i = 0; i < 6; ++i) a[i] = wasm_v128_load(rows + i * row_floats + q);
      input6(a, b);
      for (int i = 0; i < 6; ++i) wasm_v128_store(rows + i * row_floats + q, b[i]);
    }
    float* out = V + int64_t(ch) * ld + j;
    for (int32_t q = 0; q < run; q += 4) {  // (B^T d) B along the rows
      const int32_t left = run - q;
#pragma clang loop unroll(disable)
      for (int i = 0; i < 6; ++i) {  // rolled: the module's size
        const float* r = rows + i * row_floats + 4 * q;
        const v128_t a0 = wasm_v128_load(r), a1 = wasm_v128_load(r + 4), a2 = wasm_v128_load(r + 8);
        const v128_t a3 = wasm_v128_load(r + 12), a4 = wasm_v128_load(r + 16);
        const v128_t l01 = wasm_i32x4_shuffle(a0, a1, 0, 4, 1, 5), l23 = wasm_i32x4_shuffle(a2, a3, 0, 4, 1, 5);
        const v128_t h01 = wasm_i32x4_shuffle(a0, a1, 2, 6, 3, 7), h23 = wasm_i32x4_shuffle(a2, a3, 2, 6, 3, 7);
        const v128_t l12 = wasm_i32x4_shuffle(a1, a2, 0, 4, 1, 5), l34 = wasm_i32x4_shuffle(a3, a4, 0, 4, 1, 5);
        v128_t c[6], b[6];
        c[0] = wasm_i64x2_shuffle(l01, l23, 0, 2);
        c[1] = wasm_i64x2_shuffle(l01, l23, 1, 3);
        c[2] = wasm_i64x2_shuffle(h01, h23, 0, 2);
        c[3] = wasm_i64x2_shuffle(h01, h23, 1, 3);
        c[4] = wasm_i64x2_shuffle(l12, l34, 0, 2);
        c[5] = wasm_i64x2_shuffle(l12, l34, 1, 3);
        input6(c, b);
        float* o = out + q + int64_t(6 * i) * kstride;
        for (int k = 0; k < 6; ++k) store_n(o + k * kstride, b[k], left);
      }
    }
  }
}

// The outputs of tiles [tw0, tw0 + run) of tile row th from columns [j, j + run) of P (36
// matrices), every output channel: A^T down the columns and along the rows, bias, activation,
// then each output row's 4 x 4 (tile, column) transposed into column order and stored, cut at
// the map's edge.
void output_tiles4(const Geom& g, const float* P, int64_t kstride, int32_t ld, int32_t j, int32_t th, int32_t tw0,
                   int32_t run, const float* bias, const VecAct& act, float* y) {
  const int64_t plane = int64_t(g.oh) * g.ow;
  const int32_t oy = 4 * th, ox = 4 * tw0;
  const int32_t width = g.ow - ox < 4 * run ? g.ow - ox : 4 * run;
  const int32_t rows = g.oh - oy < 4 ? g.oh - oy : 4;
  for (int32_t o = 0; o < g.m; ++o) {
    const float* pm = P + int64_t(o) * ld + j;
    const v128_t bv = wasm_f32x4_splat(bias ? bias[o] : 0.0f);
    float* yo = y + o * plane + int64_t(oy) * g.ow + ox;
    for (int32_t q = 0; q < run; q += 4) {
      v128_t s[4][6];  // A^T m: 4 rows x 6 columns
#pragma clang loop unroll(disable)
      for (int c = 0; c < 6; ++c) {  // rolled, as the rows below: the module's size
        v128_t col[6], r[4];
        for (int k = 0; k < 6; ++k) col[k] = wasm_v128_load(pm + (6 * k + c) * kstride + q);
        output6(col, r);
        for (int i = 0; i < 4; ++i) s[i][c] = r[i];
      }
      const int32_t count = width - 4 * q;
#pragma clang loop unroll(disable)
      for (int32_t i = 0; i < rows; ++i) {
        v128_t r[4], t[4];
        output6(s[i], r);
        const v128_t l01 = wasm_i32x4_shuffle(r[0], r[1], 0, 4, 1, 5), l23 = wasm_i32x4_shuffle(r[2], r[3], 0, 4, 1, 5);
        const v128_t h01 = wasm_i32x4_shuffle(r[0], r[1], 2, 6, 3, 7), h23 = wasm_i32x4_shuffle(r[2], r[3], 2, 6, 3, 7);
        t[0] = wasm_i64x2_shuffle(l01, l23, 0, 2);
        t[1] = wasm_i64x2_shuffle(l01, l23, 1, 3);
        t[2] = wasm_i64x2_shuffle(h01, h23, 0, 2);
        t[3] = wasm_i64x2_shuffle(h01, h23, 1, 3);
        float* d = yo + int64_t(i) * g.ow + 4 * q;
        // Tile k's 4 outputs of this row: bias and activation after the transposition (one
        // bias a channel, the activation element-wise), one copy of each in the module.
#pragma clang loop unroll(disable)
        for (int32_t k = 0; k < 4 && 4 * k < count; ++k) store_n(d + 4 * k, apply(act, wasm_f32x4_add(t[k], bv)), count - 4 * k);
      }
    }
  }
}

}  // namespace

Status f32_conv_winograd(const OpArgs& a) {
  const WinogradPlan plan = winograd_plan(a);
  if (!plan.run) return Status::kUnsupportedOp;
  if (!drivers::scratch_holds(a, plan.layout)) return Status::kArenaTooSmall;
  const mote_conv_params& p = a.p<mote_conv_params>();
  const TensorView& X = a.in[0];
  const TensorView& Y = a.out[0];
  const Geom g{X.dims[1], Y.dims[1], X.dims[2], X.dims[3], Y.dims[2], Y.dims[3], p.pad_begin[0], p.pad_begin[1]};
  const float* x = X.as<float>();
  const float* u = a.in[1].as<float>();
  const float* bias = a.num_in >= 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = Y.as<float>();
  float* V = drivers::scratch_at<float>(a, plan.v);
  float* P = drivers::scratch_at<float>(a, plan.prod);
  float* rows = drivers::scratch_at<float>(a, plan.rows);
  float* work = drivers::scratch_at<float>(a, plan.work);
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  const VecAct act = vec_act(p.act);
  const int64_t weights_k = int64_t(g.m) * g.c;
  const bool four = plan.tile == 4;
  for (int32_t n = 0; n < X.dims[0]; ++n) {
    const float* xn = x + int64_t(n) * g.c * g.ih * g.iw;
    float* yn = y + int64_t(n) * g.m * g.oh * g.ow;
    for (int32_t t0 = 0; t0 < plan.tiles; t0 += plan.block) {
      const int32_t cnt = plan.tiles - t0 < plan.block ? plan.tiles - t0 : plan.block;
      const int64_t vk = int64_t(g.c) * cnt + kWinogradSkew, pk = int64_t(g.m) * cnt + kWinogradSkew;
      for (int32_t t = t0; t < t0 + cnt;) {
        const int32_t th = t / plan.tiles_w, tw = t % plan.tiles_w;
        const int32_t run = plan.tiles_w - tw < t0 + cnt - t ? plan.tiles_w - tw : t0 + cnt - t;
        (four ? input_tiles4 : input_tiles)(g, xn, th, tw, run, rows, plan.row_floats, V, vk, cnt, t - t0);
        t += run;
      }
      for (int32_t k = 0; k < plan.points; ++k) {
        f32_gemm_nn(g.m, cnt, g.c, u + k * weights_k, g.c, V + k * vk, cnt, P + k * pk, cnt, nullptr, none, false, work);
      }
      for (int32_t t = t0; t < t0 + cnt;) {
        const int32_t th = t / plan.tiles_w, tw = t % plan.tiles_w;
        const int32_t run = plan.tiles_w - tw < t0 + cnt - t ? plan.tiles_w - tw : t0 + cnt - t;
        (four ? output_tiles4 : output_tiles)(g, P, pk, cnt, t - t0, th, tw, run, bias, act, yn);
        t += run;
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

// f32_conv2d_s2__wasm_simd128: float32 Conv 3x3 at stride 2 over few input channels (at most
// Tiles::kS2Channels, ungrouped, undilated): the first layer of the mobile image networks (3 channels,
// 16 to 64 outputs, 224x224 in). The general form (kernels/simd_conv2d.h) unrolls the im2col
// panel column by column, 27 strided rows per 64 outputs, for a product whose reduction is only
// 27 deep: the unrolling cost it as much as a third of its time. Here, per output row and block
// of up to 64 output columns, each of the C x 3 input rows the window covers is split once, with
// vector loads and shuffles, into the three rows of its taps kw = 0, 1, 2 (even columns, odd
// columns, even columns one further; zeros in the padding), in the op's scratch. A register tile
// is then 4 output channels x 8 output columns, one step per tap: 2 loads of the tap's row, 4
// broadcast loads of the weights, 8 mul + 8 add (the GEMM's tile and step,
// kernels/wasm_simd128/f32_gemm__wasm_simd128.cc; written with the three taps of a kernel row in
// one step, clang keeps six row vectors live and V8 spills). Each output is the sum over the
// taps in (c, kh, kw) order from the bias, as the GEMM sums the im2col rows.
// The split rows live in the general form's im2col panel (drivers/conv_panel.h), which holds
// them but on tiny maps (those go to the general form).
#include "../drivers/conv_panel.h"
#include "band.h"
#include "kernels.h"
#include "mote/op_config.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// Input row ih of channel plane xc split for output columns [ow0, ow0 + count), j up to count
// rounded to 8, from the padded row p (zeros outside the plane): e0[j] = p[2 (ow0 + j) - pw],
// o[j] = the next column, e1[j] = the one after (e0[j + 1]).
__attribute__((noinline)) void split_row(const ConvShape& g, const float* xc, int32_t ih, int32_t ow0, int32_t count, float* e0, float* o,
               float* e1) {
  const int32_t n = drivers::round_up(count, 8);
  if (ih < 0 || ih >= g.ih) {
    const v128_t z = wasm_f32x4_splat(0.0f);
    for (int32_t j = 0; j < n; j += 4) {
      wasm_v128_store(e0 + j, z);
      wasm_v128_store(o + j, z);
      wasm_v128_store(e1 + j, z);
    }
    return;
  }
  const float* xr = xc + int64_t(ih) * g.iw;
  const int32_t s0 = 2 * ow0 - g.pw;  // the padded row's column of e0[0]
  for (int32_t j = 0; j < n; j += 4) {
    const int32_t s = s0 + 2 * j;
    if (s >= 0 && s + 10 <= g.iw) {
      const v128_t a = wasm_v128_load(xr + s), b = wasm_v128_load(xr + s + 4);
      const v128_t c = wasm_v128_load(xr + s + 2), d = wasm_v128_load(xr + s + 6);
      wasm_v128_store(e0 + j, wasm_i32x4_shuffle(a, b, 0, 2, 4, 6));
      wasm_v128_store(o + j, wasm_i32x4_shuffle(a, b, 1, 3, 5, 7));
      wasm_v128_store(e1 + j, wasm_i32x4_shuffle(c, d, 0, 2, 4, 6));
    } else {
      for (int32_t t = j; t < j + 4; ++t) {
        const int32_t c = s0 + 2 * t;
        e0[t] = c >= 0 && c < g.iw ? xr[c] : 0.0f;
        o[t] = c + 1 >= 0 && c + 1 < g.iw ? xr[c + 1] : 0.0f;
        e1[t] = c + 2 >= 0 && c + 2 < g.iw ? xr[c + 2] : 0.0f;
      }
    }
  }
}

// Output channels [m0, m0 + 4) x columns [j, j + 8) of one output row (y: channel m0's row,
// `plane` floats to the next channel), `count` (1..8) of them stored. rows: the K = C x 9 tap
// rows (c, kh, kw), `row` floats apart; w: channel m0's weights, K floats per channel. One step
// per tap, as the GEMM's k steps: the tap's 8 columns in 2 vectors, the 4 weights broadcast.
__attribute__((always_inline)) inline void tile(int32_t K, const float* rows, int32_t row, int32_t j, const float* w,
                                                const v128_t* bias, const VecAct& act, float* y, int64_t plane,
                                                int32_t count) {
  v128_t acc[4][2];
  for (int r = 0; r < 4; ++r) acc[r][0] = acc[r][1] = bias[r];
  const float* pb = rows + j;
  const float* w1 = w + K;
  const float* w2 = w1 + K;
  const float* w3 = w2 + K;
  for (int32_t k = 0; k < K; ++k) {
    const v128_t b0 = wasm_v128_load(pb), b1 = wasm_v128_load(pb + 4);
    const float* ws[4] = {w + k, w1 + k, w2 + k, w3 + k};
    for (int r = 0; r < 4; ++r) {
      const v128_t wv = wasm_v128_load32_splat(ws[r]);
      acc[r][0] = wasm_f32x4_add(acc[r][0], wasm_f32x4_mul(wv, b0));
      acc[r][1] = wasm_f32x4_add(acc[r][1], wasm_f32x4_mul(wv, b1));
    }
    pb += row;
  }
  for (int r = 0; r < 4; ++r) {
    float* out = y + r * plane + j;
    const v128_t v0 = apply(act, acc[r][0]), v1 = apply(act, acc[r][1]);
    if (count >= 8) {
      wasm_v128_store(out, v0);
      wasm_v128_store(out + 4, v1);
    } else {
      alignas(16) float t[8];
      wasm_v128_store(t, v0);
      wasm_v128_store(t + 4, v1);
#pragma clang loop unroll(disable)
      for (int32_t k = 0; k < count; ++k) out[k] = t[k];
    }
  }
}

// The last 1..7 columns of a block: the tile out of line, so the loop over full tiles keeps the
// only inlined copy.
__attribute__((noinline)) void tail_tile(int32_t K, const float* rows, int32_t row, int32_t j, const float* w,
                                         const v128_t* bias, const VecAct& act, float* y, int64_t plane,
                                         int32_t count) {
  tile(K, rows, row, j, w, bias, act, y, plane, count);
}

// Output channels [m0, m0 + 4) of one output row block: `count` columns, 8 at a time. Out of
// line: inlined into the op's loops, V8 spilled the tile's accumulators (twice the time).
__attribute__((noinline)) void row_block(int32_t K, const float* rows, int32_t row, int32_t count, const float* w,
                                         float bias0, float bias1, float bias2, float bias3, const VecAct& act,
                                         float* y, int64_t plane) {
  const v128_t b[4] = {wasm_f32x4_splat(bias0), wasm_f32x4_splat(bias1), wasm_f32x4_splat(bias2),
                       wasm_f32x4_splat(bias3)};
  int32_t j = 0;
  for (; j + 8 <= count; j += 8) tile(K, rows, row, j, w, b, act, y, plane, 8);
  if (j < count) tail_tile(K, rows, row, j, w, b, act, y, plane, count - j);
}

}  // namespace

Status f32_conv2d_direct(const OpArgs& a, const ConvShape& g) {
  if (!MOTE_KERNEL_ON(conv_3x3s2) || !Tiles::conv_s2_shape(g)) return Status::kUnsupportedOp;
  // The general form's scratch: its panel holds the split rows, except on tiny maps.
  const drivers::ConvPanelLayout l = drivers::conv_panel_layout<Tiles>(g);
  const int32_t row = Tiles::conv_s2_row(g);
  if (Tiles::conv_s2_floats(g) > uint64_t(l.depth) * uint64_t(l.stride)) return Status::kUnsupportedOp;
  if (!drivers::scratch_holds(a, l.scratch)) return Status::kArenaTooSmall;
  float* rows = drivers::scratch_at<float>(a, l.panel_at);
  const float* x = a.in[0].as<float>();
  const float* w = a.in[1].as<float>();
  const float* bias = a.num_in == 3 && a.in[2].present() ? a.in[2].as<float>() : nullptr;
  float* y = a.out[0].as<float>();
  const VecAct act = vec_act(a.p<mote_conv_params>().act);
  const int32_t K = g.c * 9;
  const int64_t in_plane = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  for (int32_t n = 0; n < g.n; ++n) {
    const float* xn = x + int64_t(n) * g.c * in_plane;
    float* yn = y + int64_t(n) * g.m * plane;
    for (int32_t oh = 0; oh < g.oh; ++oh) {
      for (int32_t ow0 = 0; ow0 < g.ow; ow0 += Tiles::kS2Block) {
        const int32_t count = g.ow - ow0 < Tiles::kS2Block ? g.ow - ow0 : Tiles::kS2Block;
        for (int32_t c = 0; c < g.c; ++c) {
          for (int32_t kh = 0; kh < 3; ++kh) {
            float* e0 = rows + int64_t(c * 9 + kh * 3) * row;
            split_row(g, xn + c * in_plane, oh * 2 - g.ph + kh, ow0, count, e0, e0 + row, e0 + 2 * row);
          }
        }
        float* yo = yn + int64_t(oh) * g.ow + ow0;
        for (int32_t m0 = 0; m0 < g.m; m0 += 4) {
          row_block(K, rows, row, count, w + int64_t(m0) * K, bias ? bias[m0] : 0.0f, bias ? bias[m0 + 1] : 0.0f,
                    bias ? bias[m0 + 2] : 0.0f, bias ? bias[m0 + 3] : 0.0f, act, yo + int64_t(m0) * plane, plane);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

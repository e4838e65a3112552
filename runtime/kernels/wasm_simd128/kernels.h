// WebAssembly SIMD128 kernels (float32; the int8 ones are in s8_kernels.h). dispatch.cc picks
// one by plain checks on the shapes; anything these do not cover runs on the reference kernels,
// which are the specification:
// tests/wasm/kernels_test.cc checks every variant here against them on random and odd shapes.
//
// They read exactly what the reference kernels read (NCHW tensors, the blob's weight layout) and
// write the same outputs, so a blob runs unchanged on either; their working memory is the op's
// scratch in the plan (sized by scratch.cc from tiles.h). The loops around the vector code are
// the shared drivers (kernels/drivers/, kernels/simd_conv2d.h).
// Wasm has no fused multiply-add in SIMD128: a product is a mul then an add, as in the
// reference's scalar code, but summed in another order (lanes, tiles), hence float tolerance.
#ifndef MOTE_KERNELS_WASM_SIMD128_KERNELS_H
#define MOTE_KERNELS_WASM_SIMD128_KERNELS_H

#include <stdint.h>
#include <wasm_simd128.h>

#include <string.h>

#include "../reference/common.h"

#include "../conv_shape.h"
#include "tiles.h"

// MOTE_WASM_SMALL_KERNELS 1 (wasm/build.sh model-small=, a module asked for small over fast):
// the kernels keep only their compact forms (the GEMM one row of C at a time, no packing).
#ifndef MOTE_WASM_SMALL_KERNELS
#define MOTE_WASM_SMALL_KERNELS 0
#endif
#if MOTE_WASM_SMALL_KERNELS
#define MOTE_SIMD_SMALL 1  // kernels/simd_conv2d.h: the im2col panel one tap at a time
#endif

namespace mote {
namespace wasm_simd128 {

// A fused activation (mote_act) in vector form.
struct VecAct {
  int32_t kind;
  v128_t lo, hi, slope;
};

inline VecAct vec_act(const mote_act& act) {
  VecAct v;
  v.kind = act.kind;
  // lo for none: -inf, so that pmin(pmax(v, lo), hi) (the depthwise 3x3) keeps every v.
  v.lo = wasm_f32x4_splat(act.kind == MOTE_ACT_CLIP ? act.alpha : act.kind == MOTE_ACT_NONE ? -__builtin_inff() : 0.0f);
  v.hi = wasm_f32x4_splat(act.kind == MOTE_ACT_CLIP ? act.beta : __builtin_inff());
  v.slope = wasm_f32x4_splat(act.alpha);
  return v;
}

// pmin/pmax are one instruction each on x86 and Arm (min/max with NaN propagation are not).
// pmax(v, lo) = (v < lo ? lo : v) and pmin(v, hi) = (hi < v ? hi : v) are the reference's Relu
// and Clip exactly: the compare fails for a NaN, which stays NaN (v first: pmax(lo, v) would
// give lo).
inline v128_t act_leaky(const VecAct& a, v128_t v) {
  return wasm_v128_bitselect(v, wasm_f32x4_mul(v, a.slope), wasm_f32x4_ge(v, wasm_f32x4_splat(0.0f)));
}
inline v128_t act_clamp(const VecAct& a, v128_t v) { return wasm_f32x4_pmin(wasm_f32x4_pmax(v, a.lo), a.hi); }

inline v128_t apply(const VecAct& a, v128_t v) {
  if (a.kind == MOTE_ACT_NONE) return v;
  return a.kind == MOTE_ACT_LEAKY_RELU ? act_leaky(a, v) : act_clamp(a, v);
}

// z[i] = act(z[i]) for i < n, over floats a kernel just wrote without its activation: vectors
// in the first n & ~3 (one loop per kind, no branch inside) and the reference's scalar in the
// last n % 4, as a loop with the activation applies it (its vectors and tail split n the same
// way). The element-wise rows and the depthwise band rows (LeakyRelu) go through it.
inline void act_row(float* z, int64_t n, const VecAct& va, const mote_act& act) {
  if (va.kind == MOTE_ACT_NONE) return;
  int64_t i = 0;
  if (va.kind == MOTE_ACT_LEAKY_RELU) {
    for (; i + 4 <= n; i += 4) wasm_v128_store(z + i, act_leaky(va, wasm_v128_load(z + i)));
  } else {
    for (; i + 4 <= n; i += 4) wasm_v128_store(z + i, act_clamp(va, wasm_v128_load(z + i)));
  }
  for (; i < n; ++i) z[i] = ref::apply_act(act, z[i]);
}

// x[0], x[s], x[2s], x[3s]. SW is the stride when it is 1 or 2, and 0 for any other. Reads
// nothing past x[3s]: the tensor may end there, and the arena with it.
template <int SW>
inline v128_t load_strided(const float* x, int32_t s) {
  if (SW == 1) return wasm_v128_load(x);
  if (SW == 2) return wasm_i32x4_shuffle(wasm_v128_load(x), wasm_v128_load(x + 3), 0, 2, 5, 7);
  return wasm_f32x4_make(x[0], x[s], x[2 * s], x[3 * s]);
}

// Copies / zeroes n floats, for the shared Conv body (kernels/simd_conv2d.h).
inline void copy_floats(float* dst, const float* src, int32_t n) { memcpy(dst, src, size_t(n) * sizeof(float)); }
// out[j] = src[j * sw] for j in [j, j1) where a vector does it (stride 2, 4 at a time: the im2col
// rows of a stride-2 Conv, ResNet-18's 7x7 stem 6% faster); returns the first j it left. Reads
// nothing past src[(j1 - 1) * sw].
// (Not in the small build: its panel rows are copied one float at a time, the same floats.)
#if !MOTE_WASM_SMALL_KERNELS
#define MOTE_SIMD_STRIDED_COPY 1
#endif
inline int32_t strided_copy(float* out, const float* src, int32_t sw, int32_t j, int32_t j1) {
  if (sw == 2) {
    for (; j + 4 <= j1; j += 4) wasm_v128_store(out + j, load_strided<2>(src + 2 * j, 2));
  }
  return j;
}
inline void zero_floats(float* dst, int32_t n) {
  for (int32_t i = 0; i < n; ++i) dst[i] = 0.0f;
}

// ConvShape and conv_shape(): kernels/conv_shape.h.

// f32_gemm_nn: B and C read/written along j with SIMD, 4 rows of A at a time packed into `work`
// (and B's rows too when N % 4 != 0). Depthwise Conv: 3x3 at stride 1 or 2 reads the input in
// place, anything else goes through bands (band.h).
#include "../simd_f32_api.inc"

// Conv 3x3 at stride 2 over at most Tiles::kS2Channels input channels (Tiles::conv_s2_shape),
// direct from rows split into even and odd columns; kUnsupportedOp for any other shape, or a
// scratch planned without it (the general form runs).
Status f32_conv2d_direct(const OpArgs& a, const ConvShape& g);

// MaxPool (1-D/2-D, any window and stride, ceil mode) in bands padded with -inf in the scratch;
// the shapes of Tiles::maxpool_shape only, else kUnsupportedOp.
Status f32_maxpool2d(const OpArgs& a);
// GlobalAveragePool and GlobalMaxPool, one plane at a time.
Status f32_global_pool(const OpArgs& a);
// ReduceMean of float32 over the trailing axes (rows of their size, as GlobalAveragePool);
// kUnsupportedOp for any other axes.
Status f32_reduce_mean(const OpArgs& a);

// Add, Sub, Mul, Div, Max, Min, PRelu on float32 with numpy broadcasting; in place is fine.
// kUnsupportedOp for broadcasts it does not vectorise.
Status f32_binary(const OpArgs& a);
// Relu, LeakyRelu, Clip, HardSigmoid, HardSwish, Sigmoid, Abs, Neg, Sqrt, Floor, Ceil on float32.
Status f32_unary(const OpArgs& a);

}  // namespace wasm_simd128
}  // namespace mote

#endif  // MOTE_KERNELS_WASM_SIMD128_KERNELS_H

// One x86 level of the kernel set, included first by each of its translation units
// (f32__<level>.cc, s8__<level>.cc, route__<level>.cc) after `#define MOTE_X86_LEVEL n`
// (kernels/x86/cpu.h numbers the levels).
//
// The shared headers come first, compiled for the baseline; then `#pragma GCC target` turns the
// level's instructions on for everything after it, which lives in the level's own namespace
// (MOTE_SIMD_NS: x86_sse41, x86_avx2, x86_avx512). Compiling whole files with -mavx512f instead
// would let the linker keep an AVX-512 copy of some inline function the generic code also uses
// (TensorView::numel, say), and a CPU without AVX-512 would then fault in generic code.
//
// The kernels read exactly what the reference kernels read (NCHW tensors, the blob's weight
// layout), and take their working memory (panels, bands, mask tables) from the op's scratch in
// the arena plan, laid out by the level's plan (kernels/x86/plan.h), which scratch.cc sizes the
// scratch with for every level: nothing larger than a register tile is on the stack. So the same
// blob runs on every level and on every other target it was planned for.
#ifndef MOTE_KERNELS_X86_LEVEL_H
#define MOTE_KERNELS_X86_LEVEL_H

// GCC 12's own unmasked AVX-512 intrinsics start from an undefined vector (_mm512_undefined_*)
// and, inlined deep enough (sanitizer builds, -O1..-O3 alike), warn that it is uninitialised.
// The warning points into GCC's header, so it is turned off before the header comes in.
#pragma GCC diagnostic ignored "-Wuninitialized"
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#include <immintrin.h>
#include <stdint.h>
#include <string.h>

#include "../binary_rows.h"
#include "../conv_shape.h"
#include "../reference/common.h"
#include "../reference/quant.h"
#include "../s8_epilogue.h"
#include "cpu.h"
#include "mote/kernel.h"
#include "plan.h"
#include "tiles.h"

#if MOTE_X86_LEVEL == 1
#pragma GCC target("sse4.1")
#define MOTE_SIMD_NS x86_sse41
#elif MOTE_X86_LEVEL == 2
#pragma GCC target("avx2,fma")
#define MOTE_SIMD_NS x86_avx2
#elif MOTE_X86_LEVEL == 3
#pragma GCC target("avx512f,avx512bw,avx512dq,avx512vl,avx512vnni,avx2,fma")
#define MOTE_SIMD_NS x86_avx512
#else
#error "define MOTE_X86_LEVEL (1 sse4.1, 2 avx2, 3 avx512) before including kernels/x86/level.h"
#endif

// Register tiles are arrays indexed by constant loops: unrolled completely, they stay in
// registers.
#define MOTE_UNROLL _Pragma("GCC unroll 16")

namespace mote {
namespace MOTE_SIMD_NS {

// ---- float vectors: kW lanes ----------------------------------------------------------------
#if MOTE_X86_LEVEL == 3
using vf = __m512;
constexpr int32_t kW = 16;
inline vf vload(const float* p) { return _mm512_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm512_storeu_ps(p, v); }
inline vf vdup(float x) { return _mm512_set1_ps(x); }
inline vf vzero() { return _mm512_setzero_ps(); }
inline vf vfma(vf a, vf b, vf c) { return _mm512_fmadd_ps(a, b, c); }  // a * b + c, one rounding
inline vf vmax(vf a, vf b) { return _mm512_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm512_min_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm512_mul_ps(a, b); }
inline vf vadd(vf a, vf b) { return _mm512_add_ps(a, b); }
// v where v >= 0, else other.
inline vf vselect_ge0(vf v, vf other) {
  return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GE_OQ), other, v);
}
// The first n (< kW) lanes; nothing past them is read or written.
inline vf vload_n(const float* p, int32_t n) { return _mm512_maskz_loadu_ps(__mmask16((1u << n) - 1u), p); }
inline void vstore_n(float* p, vf v, int32_t n) { _mm512_mask_storeu_ps(p, __mmask16((1u << n) - 1u), v); }
inline float vsum(vf v) { return _mm512_reduce_add_ps(v); }
// p[0], p[2], ..., p[2 kW - 2] (reads p[0 .. 2 kW - 1]).
// Lanes j with lo <= j < hi (bounds clamped to [0, kW]); a masked load reads only those lanes
// and does not fault on the others, so it may start before or run past its row.
using vmask = __mmask16;
inline vmask lanes(int32_t lo, int32_t hi) {
  lo = lo < 0 ? 0 : lo;
  hi = hi > kW ? kW : hi;
  return hi <= lo ? vmask(0) : vmask(((1u << hi) - 1u) & ~((1u << lo) - 1u));
}
inline vf vload_m(const float* p, vmask m) { return _mm512_maskz_loadu_ps(m, p); }
inline vmask mask_bits(uint32_t bits) { return vmask(bits); }  // lane j on when bit j is set
// The even lanes of a then b: {a0, a2, ..., b0, b2, ...}.
inline vf veven(vf a, vf b) {
  const __m512i even = _mm512_setr_epi32(0, 2, 4, 6, 8, 10, 12, 14, 16, 18, 20, 22, 24, 26, 28, 30);
  return _mm512_permutex2var_ps(a, even, b);
}
inline vf vload_even(const float* p) { return veven(_mm512_loadu_ps(p), _mm512_loadu_ps(p + 16)); }
// The odd lanes of a then b: {a1, a3, ..., b1, b3, ...}.
inline vf vodd(vf a, vf b) {
  const __m512i odd = _mm512_setr_epi32(1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31);
  return _mm512_permutex2var_ps(a, odd, b);
}
#elif MOTE_X86_LEVEL == 2
using vf = __m256;
constexpr int32_t kW = 8;
inline vf vload(const float* p) { return _mm256_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm256_storeu_ps(p, v); }
inline vf vdup(float x) { return _mm256_set1_ps(x); }
inline vf vzero() { return _mm256_setzero_ps(); }
inline vf vfma(vf a, vf b, vf c) { return _mm256_fmadd_ps(a, b, c); }
inline vf vmax(vf a, vf b) { return _mm256_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm256_min_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm256_mul_ps(a, b); }
inline vf vadd(vf a, vf b) { return _mm256_add_ps(a, b); }
inline vf vselect_ge0(vf v, vf other) { return _mm256_blendv_ps(other, v, _mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GE_OQ)); }
inline __m256i lane_mask(int32_t n) {
  return _mm256_cmpgt_epi32(_mm256_set1_epi32(n), _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7));
}
inline vf vload_n(const float* p, int32_t n) { return _mm256_maskload_ps(p, lane_mask(n)); }
// As at the AVX-512 level: lanes lo <= j < hi, loads that do not fault on the others.
using vmask = __m256i;
inline vmask lanes(int32_t lo, int32_t hi) {
  const __m256i iota = _mm256_setr_epi32(0, 1, 2, 3, 4, 5, 6, 7);
  return _mm256_andnot_si256(_mm256_cmpgt_epi32(_mm256_set1_epi32(lo), iota), _mm256_cmpgt_epi32(_mm256_set1_epi32(hi), iota));
}
inline vf vload_m(const float* p, vmask m) { return _mm256_maskload_ps(p, m); }
inline vmask mask_bits(uint32_t bits) {
  const __m256i bit = _mm256_setr_epi32(1, 2, 4, 8, 16, 32, 64, 128);
  return _mm256_cmpeq_epi32(_mm256_and_si256(_mm256_set1_epi32(int32_t(bits)), bit), bit);
}
inline void vstore_n(float* p, vf v, int32_t n) { _mm256_maskstore_ps(p, lane_mask(n), v); }
inline float vsum(vf v) {
  __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
  s = _mm_add_ps(s, _mm_movehl_ps(s, s));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
inline vf veven(vf a, vf b) {
  const __m256 t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(2, 0, 2, 0));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}
inline vf vload_even(const float* p) { return veven(_mm256_loadu_ps(p), _mm256_loadu_ps(p + 8)); }
inline vf vodd(vf a, vf b) {
  const __m256 t = _mm256_shuffle_ps(a, b, _MM_SHUFFLE(3, 1, 3, 1));
  return _mm256_castpd_ps(_mm256_permute4x64_pd(_mm256_castps_pd(t), _MM_SHUFFLE(3, 1, 2, 0)));
}
#else
using vf = __m128;
constexpr int32_t kW = 4;
inline vf vload(const float* p) { return _mm_loadu_ps(p); }
inline void vstore(float* p, vf v) { _mm_storeu_ps(p, v); }
inline vf vdup(float x) { return _mm_set1_ps(x); }
inline vf vzero() { return _mm_setzero_ps(); }
// No FMA at this level: a multiply and an add (two roundings; the tolerance covers it).
inline vf vfma(vf a, vf b, vf c) { return _mm_add_ps(_mm_mul_ps(a, b), c); }
inline vf vmax(vf a, vf b) { return _mm_max_ps(a, b); }
inline vf vmin(vf a, vf b) { return _mm_min_ps(a, b); }
inline vf vmul(vf a, vf b) { return _mm_mul_ps(a, b); }
inline vf vadd(vf a, vf b) { return _mm_add_ps(a, b); }
inline vf vselect_ge0(vf v, vf other) { return _mm_blendv_ps(other, v, _mm_cmpge_ps(v, _mm_setzero_ps())); }
inline vf vload_n(const float* p, int32_t n) {
  alignas(16) float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  for (int32_t i = 0; i < n; ++i) t[i] = p[i];
  return _mm_load_ps(t);
}
inline void vstore_n(float* p, vf v, int32_t n) {
  alignas(16) float t[4];
  _mm_store_ps(t, v);
  for (int32_t i = 0; i < n; ++i) p[i] = t[i];
}
inline float vsum(vf v) {
  const __m128 s = _mm_add_ps(v, _mm_movehl_ps(v, v));
  return _mm_cvtss_f32(_mm_add_ss(s, _mm_movehdup_ps(s)));
}
inline vf vload_even(const float* p) { return _mm_shuffle_ps(_mm_loadu_ps(p), _mm_loadu_ps(p + 4), _MM_SHUFFLE(2, 0, 2, 0)); }
#endif

// ---- more float lanes, for the element-wise kernels (f32_eltwise.inc) ------------------------
#if MOTE_X86_LEVEL == 3
inline vf vsub(vf a, vf b) { return _mm512_sub_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm512_div_ps(a, b); }
inline vf vsqrt(vf a) { return _mm512_sqrt_ps(a); }
inline vf vabs(vf a) { return _mm512_abs_ps(a); }
inline vf vneg(vf a) { return _mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(a), _mm512_set1_epi32(int32_t(0x80000000u)))); }
inline vf vfloor(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEG_INF | _MM_FROUND_NO_EXC); }
inline vf vround(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf vceil(vf a) { return _mm512_roundscale_ps(a, _MM_FROUND_TO_POS_INF | _MM_FROUND_NO_EXC); }
// where(a < b, x, y), where(a unordered with itself (NaN), x, y)
inline vf vsel_lt(vf a, vf b, vf x, vf y) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_LT_OQ), y, x); }
inline vf vsel_gt(vf a, vf b, vf x, vf y) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, b, _CMP_GT_OQ), y, x); }
inline vf vsel_nan(vf a, vf x, vf y) { return _mm512_mask_blend_ps(_mm512_cmp_ps_mask(a, a, _CMP_UNORD_Q), y, x); }
// 2^n for n already an integer in float form, in range: (n + 127) << 23 as bits.
inline vf vpow2i(vf n) {
  return _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23));
}
// Masked load with `fill` in the lanes outside m.
inline vf vload_m_or(const float* p, vmask m, vf fill) { return _mm512_mask_loadu_ps(fill, m, p); }
#elif MOTE_X86_LEVEL == 2
inline vf vsub(vf a, vf b) { return _mm256_sub_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm256_div_ps(a, b); }
inline vf vsqrt(vf a) { return _mm256_sqrt_ps(a); }
inline vf vabs(vf a) { return _mm256_andnot_ps(_mm256_set1_ps(-0.0f), a); }
inline vf vneg(vf a) { return _mm256_xor_ps(_mm256_set1_ps(-0.0f), a); }
inline vf vfloor(vf a) { return _mm256_floor_ps(a); }
inline vf vround(vf a) { return _mm256_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf vceil(vf a) { return _mm256_ceil_ps(a); }
inline vf vsel_lt(vf a, vf b, vf x, vf y) { return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, b, _CMP_LT_OQ)); }
inline vf vsel_gt(vf a, vf b, vf x, vf y) { return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, b, _CMP_GT_OQ)); }
inline vf vsel_nan(vf a, vf x, vf y) { return _mm256_blendv_ps(y, x, _mm256_cmp_ps(a, a, _CMP_UNORD_Q)); }
inline vf vpow2i(vf n) {
  return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23));
}
inline vf vload_m_or(const float* p, vmask m, vf fill) {
  return _mm256_blendv_ps(fill, _mm256_maskload_ps(p, m), _mm256_castsi256_ps(m));
}
#else
inline vf vsub(vf a, vf b) { return _mm_sub_ps(a, b); }
inline vf vdiv(vf a, vf b) { return _mm_div_ps(a, b); }
inline vf vsqrt(vf a) { return _mm_sqrt_ps(a); }
inline vf vabs(vf a) { return _mm_andnot_ps(_mm_set1_ps(-0.0f), a); }
inline vf vneg(vf a) { return _mm_xor_ps(_mm_set1_ps(-0.0f), a); }
inline vf vfloor(vf a) { return _mm_floor_ps(a); }
inline vf vround(vf a) { return _mm_round_ps(a, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC); }
inline vf vceil(vf a) { return _mm_ceil_ps(a); }
inline vf vsel_lt(vf a, vf b, vf x, vf y) { return _mm_blendv_ps(y, x, _mm_cmplt_ps(a, b)); }
inline vf vsel_gt(vf a, vf b, vf x, vf y) { return _mm_blendv_ps(y, x, _mm_cmpgt_ps(a, b)); }
inline vf vsel_nan(vf a, vf x, vf y) { return _mm_blendv_ps(y, x, _mm_cmpunord_ps(a, a)); }
inline vf vpow2i(vf n) { return _mm_castsi128_ps(_mm_slli_epi32(_mm_add_epi32(_mm_cvtps_epi32(n), _mm_set1_epi32(127)), 23)); }
#endif

// A fused activation (mote_act) in vector form.
// The bounds and slope as floats, broadcast where applied (a broadcast load costs what a vector
// load does): kernels pass a VecAct by reference, which keeps it in their stack frame, and three
// vectors of it took 192 bytes of an AVX-512 frame (aligned: 256).
struct VecAct {
  int32_t kind;
  float lo, hi, slope;
};

inline VecAct vec_act(const mote_act& act) {
  VecAct v;
  v.kind = act.kind;
  v.lo = act.kind == MOTE_ACT_CLIP ? act.alpha : 0.0f;
  v.hi = act.kind == MOTE_ACT_CLIP ? act.beta : __builtin_inff();
  v.slope = act.alpha;
  return v;
}

inline vf apply(const VecAct& a, vf v) {
  switch (a.kind) {
    case MOTE_ACT_NONE: return v;
    case MOTE_ACT_LEAKY_RELU: return vselect_ge0(v, vmul(v, vdup(a.slope)));
    default: return vmin(vdup(a.hi), vmax(vdup(a.lo), v));  // Relu (0, inf) and Clip
  }
}

// Stores a tile's R x MB accumulators through the activation: the kind switched on once and
// its bounds broadcast once per tile, not per vector (a register tile's store loop, inlined).
// store(r, m, v) writes one vector.
template <int R, int MB, class Store>
inline void store_act_tile(const VecAct& a, const vf (&acc)[R][MB], Store store) {
  switch (a.kind) {
    case MOTE_ACT_NONE:
      MOTE_UNROLL
      for (int r = 0; r < R; ++r) {
        MOTE_UNROLL
        for (int m = 0; m < MB; ++m) store(r, m, acc[r][m]);
      }
      return;
    case MOTE_ACT_LEAKY_RELU: {
      const vf slope = vdup(a.slope);
      MOTE_UNROLL
      for (int r = 0; r < R; ++r) {
        MOTE_UNROLL
        for (int m = 0; m < MB; ++m) store(r, m, vselect_ge0(acc[r][m], vmul(acc[r][m], slope)));
      }
      return;
    }
    default: {  // Relu (0, inf) and Clip
      const vf lo = vdup(a.lo), hi = vdup(a.hi);
      MOTE_UNROLL
      for (int r = 0; r < R; ++r) {
        MOTE_UNROLL
        for (int m = 0; m < MB; ++m) store(r, m, vmin(hi, vmax(lo, acc[r][m])));
      }
      return;
    }
  }
}

// Copies / zeroes n floats, for the shared Conv body (kernels/simd_conv2d.h).
inline void copy_floats(float* dst, const float* src, int32_t n) { memcpy(dst, src, size_t(n) * sizeof(float)); }
inline void zero_floats(float* dst, int32_t n) { memset(dst, 0, size_t(n) * sizeof(float)); }

// ---- float32 kernels (f32__<level>.cc) ------------------------------------------------------
static_assert(sizeof(vf) == sizeof(float) * x86::Tiles<MOTE_X86_LEVEL>::kW, "kernels/x86/tiles.h: vector width");
#if MOTE_X86_LEVEL >= 2
static_assert(sizeof(vmask) == x86::Tiles<MOTE_X86_LEVEL>::kMaskBytes, "kernels/x86/tiles.h: mask size");
#endif

// C[i, j] = act(bias[i] + sum_k A[i, k] * B[k, j]); row-major with leading dimensions; bias may
// be null. With `accumulate`, C's values take the place of the bias (a product split along k).
// `work`: K x x86::gemm_dot_columns<level>(N, K) floats of scratch (none when that is 0).
void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate, float* work);
// C[i, j] = sum_k A[i, k] * B[j, k] (B transposed: both operands contiguous along k).
void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc);

// Conv over NCHW, the variant and its scratch from x86::f32_conv_plan (f32_conv.inc): 1x1
// stride-1 unpadded as a GEMM reading X in place; depthwise (group == C == M) read in place with
// tap masks or, at SSE4.1, through bands of padded rows; few taps (a stem) directly; anything
// else over im2col panels. kUnsupportedOp for the shapes the plan leaves to the reference.
Status f32_conv(const OpArgs& a);
// ConvWinograd (mote/winograd.h): blocks of tiles transformed into the scratch, sixteen GEMMs
// per block, the output transform with bias and activation (f32_winograd.inc,
// x86::winograd_plan).
Status f32_conv_winograd(const OpArgs& a);
Status f32_expand_dw(const OpArgs& a);  // f32_expand_dw.inc: ConvExpandDepthwise
// Element-wise and pooling ops (f32_eltwise.inc, s8_eltwise.inc): declared and routed by
// kernels/simd_eltwise_dispatch.h. The float ones: unary activations, broadcast binary ops,
// MaxPool (AVX2/AVX-512) and GlobalAveragePool; the int8 ones: QuantizeLinear, QAdd/QMul of
// equal shapes, MaxPool.

// ---- int8 kernels (s8__<level>.cc) ----------------------------------------------------------
// Every integer they write equals the reference's (kernels/reference/quant.cc).
using s8::Epilogue;
using s8::s8_epilogue;
Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul rows: Y[i, j] for A [rows, K] (a_zp) times B [K, N] (int8, zero point 0), with the
// plan x86::s8_gemm_plan<level>(rows, N, K) and its scratch (64-byte aligned).
void s8_gemm(const x86::S8GemmPlan& plan, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp,
             const int8_t* B, const Epilogue& e, int64_t out_base, char* scratch);

}  // namespace MOTE_SIMD_NS
}  // namespace mote

#endif  // MOTE_KERNELS_X86_LEVEL_H

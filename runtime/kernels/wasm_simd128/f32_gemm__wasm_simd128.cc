// f32_gemm__wasm_simd128: the matrix products under 1x1 Conv, Gemm and MatMul.
//
// NN form: a register tile of MR rows x 8 columns (MR <= 4: 8 accumulators, two B vectors and
// one broadcast A value fit the 16 registers an engine has on x86-64; 5 or 6 rows measured
// slower, spilling). B is read in place (it is the NCHW activation for a 1x1 Conv), one column
// panel of kPanel at a time so the panel stays in cache while every row tile of A passes over
// it; the panel's last N % 4 columns are copied beside zeros into a [K][4] block on the stack
// so that they too run 4 lanes wide (7x7 maps have 49 columns).
#include "kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

constexpr int32_t kPanel = 128;      // columns of B per panel
constexpr int32_t kTailDepth = 1024;  // the last N % 4 columns go through a [k][4] copy this deep

// MR rows x (4 * NV) columns.
template <int MR, int NV>
inline void tile_nn(int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C, int32_t ldc,
                    const float* bias, bool accumulate, const VecAct& act) {
  v128_t acc[MR][NV];
  for (int r = 0; r < MR; ++r) {
    const v128_t b = wasm_f32x4_splat(bias ? bias[r] : 0.0f);
    for (int v = 0; v < NV; ++v) acc[r][v] = accumulate ? wasm_v128_load(C + int64_t(r) * ldc + 4 * v) : b;
  }
  for (int32_t k = 0; k < K; ++k) {
    const float* brow = B + int64_t(k) * ldb;
    v128_t bv[NV];
    for (int v = 0; v < NV; ++v) bv[v] = wasm_v128_load(brow + 4 * v);
    for (int r = 0; r < MR; ++r) {
      const v128_t av = wasm_v128_load32_splat(A + int64_t(r) * lda + k);
      for (int v = 0; v < NV; ++v) acc[r][v] = wasm_f32x4_add(acc[r][v], wasm_f32x4_mul(av, bv[v]));
    }
  }
  for (int r = 0; r < MR; ++r) {
    for (int v = 0; v < NV; ++v) wasm_v128_store(C + int64_t(r) * ldc + 4 * v, apply(act, acc[r][v]));
  }
}

// MR rows x 1 column, for the last N % 4 columns.
template <int MR>
inline void tile_nn_column(int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C, int32_t ldc,
                           const float* bias, bool accumulate, const mote_act& act) {
  float acc[MR];
  for (int r = 0; r < MR; ++r) acc[r] = accumulate ? C[int64_t(r) * ldc] : (bias ? bias[r] : 0.0f);
  for (int32_t k = 0; k < K; ++k) {
    const float b = B[int64_t(k) * ldb];
    for (int r = 0; r < MR; ++r) acc[r] += A[int64_t(r) * lda + k] * b;
  }
  for (int r = 0; r < MR; ++r) C[int64_t(r) * ldc] = ref::apply_act(act, acc[r]);
}

template <int MR>
void rows_nn(int32_t j0, int32_t j1, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
             int32_t ldc, const float* bias, bool accumulate, const VecAct& vact, const mote_act& act) {
  int32_t j = j0;
  for (; j + 8 <= j1; j += 8) tile_nn<MR, 2>(K, A, lda, B + j, ldb, C + j, ldc, bias, accumulate, vact);
  if (j + 4 <= j1) {
    tile_nn<MR, 1>(K, A, lda, B + j, ldb, C + j, ldc, bias, accumulate, vact);
    j += 4;
  }
  for (; j < j1; ++j) tile_nn_column<MR>(K, A, lda, B + j, ldb, C + j, ldc, bias, accumulate, act);
}

// MR rows x the last `count` (< 4) columns of a panel, from `tail`: those columns of B copied
// into [K][4] with zeros beside them, so they too run 4 lanes wide.
template <int MR>
inline void tile_tail(int32_t K, const float* A, int32_t lda, const float* tail, float* C, int32_t ldc,
                      const float* bias, bool accumulate, int32_t count, const VecAct& act) {
  alignas(16) float t[4] = {0.0f, 0.0f, 0.0f, 0.0f};
  v128_t acc[MR];
  for (int r = 0; r < MR; ++r) {
    if (accumulate) {
      for (int32_t c = 0; c < count; ++c) t[c] = C[r * ldc + c];
      acc[r] = wasm_v128_load(t);
    } else {
      acc[r] = wasm_f32x4_splat(bias ? bias[r] : 0.0f);
    }
  }
  for (int32_t k = 0; k < K; ++k) {
    const v128_t bv = wasm_v128_load(tail + 4 * k);
    for (int r = 0; r < MR; ++r) acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(wasm_v128_load32_splat(A + r * lda + k), bv));
  }
  for (int r = 0; r < MR; ++r) {
    wasm_v128_store(t, apply(act, acc[r]));
    for (int32_t c = 0; c < count; ++c) C[r * ldc + c] = t[c];
  }
}

inline float hsum(v128_t v) {
  return (wasm_f32x4_extract_lane(v, 0) + wasm_f32x4_extract_lane(v, 1)) +
         (wasm_f32x4_extract_lane(v, 2) + wasm_f32x4_extract_lane(v, 3));
}

// One row of A against NB rows of B, all contiguous along k.
template <int NB>
inline void dots_nt(int32_t K, const float* a, const float* B, int32_t ldb, float* c) {
  v128_t acc[NB];
  for (int r = 0; r < NB; ++r) acc[r] = wasm_f32x4_splat(0.0f);
  int32_t k = 0;
  for (; k + 4 <= K; k += 4) {
    const v128_t av = wasm_v128_load(a + k);
    for (int r = 0; r < NB; ++r) {
      acc[r] = wasm_f32x4_add(acc[r], wasm_f32x4_mul(av, wasm_v128_load(B + int64_t(r) * ldb + k)));
    }
  }
  for (int r = 0; r < NB; ++r) {
    float s = hsum(acc[r]);
    for (int32_t t = k; t < K; ++t) s += a[t] * B[int64_t(r) * ldb + t];
    c[r] = s;
  }
}

}  // namespace

void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate) {
  const VecAct vact = vec_act(act);
  alignas(16) float tail[kTailDepth * 4];
  for (int32_t j0 = 0; j0 < N; j0 += kPanel) {
    const int32_t j1 = N - j0 < kPanel ? N : j0 + kPanel;
    const int32_t count = (j1 - j0) % 4;
    const int32_t jt = j1 - count;  // the tail's first column
    const bool packed = count > 0 && K <= kTailDepth;
    if (packed) {
      for (int32_t k = 0; k < K; ++k) {
        for (int32_t c = 0; c < 4; ++c) tail[4 * k + c] = c < count ? B[k * ldb + jt + c] : 0.0f;
      }
    }
    const int32_t jv = packed ? jt : j1;  // the columns rows_nn does
    int32_t i = 0;
    for (; i + 4 <= M; i += 4) {
      const float* a = A + i * lda;
      const float* b = bias ? bias + i : nullptr;
      rows_nn<4>(j0, jv, K, a, lda, B, ldb, C + i * ldc, ldc, b, accumulate, vact, act);
      if (packed) tile_tail<4>(K, a, lda, tail, C + i * ldc + jt, ldc, b, accumulate, count, vact);
    }
    for (; i < M; ++i) {
      const float* a = A + i * lda;
      const float* b = bias ? bias + i : nullptr;
      rows_nn<1>(j0, jv, K, a, lda, B, ldb, C + i * ldc, ldc, b, accumulate, vact, act);
      if (packed) tile_tail<1>(K, a, lda, tail, C + i * ldc + jt, ldc, b, accumulate, count, vact);
    }
  }
}

void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc) {
  for (int32_t i = 0; i < M; ++i) {
    const float* a = A + int64_t(i) * lda;
    float* c = C + int64_t(i) * ldc;
    int32_t j = 0;
    for (; j + 4 <= N; j += 4) dots_nt<4>(K, a, B + int64_t(j) * ldb, ldb, c + j);
    for (; j < N; ++j) dots_nt<1>(K, a, B + int64_t(j) * ldb, ldb, c + j);
  }
}

}  // namespace wasm_simd128
}  // namespace mote

// f32_gemm__neon: the matrix products under 1x1 Conv, im2col Conv, Gemm and MatMul.
//
// NN form: a register tile of MR rows x 8 columns (MR <= 4: 8 accumulators, two B vectors and
// broadcast A values fit ARMv7's 16 quad registers). B is read in place (it is the NCHW
// activation for a 1x1 Conv), one column panel of kPanel at a time so the panel stays in cache
// while every row tile of A passes over it.
#include "../drivers/gemm.h"
#include "kernels.h"

namespace mote {
namespace neon {
namespace {

constexpr int32_t kPanel = 128;  // columns of B per panel

// MR rows x (4 * NV) columns.
template <int MR, int NV>
inline void tile_nn(int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C, int32_t ldc,
                    const float* bias, bool accumulate, const VecAct& act) {
  float32x4_t acc[MR][NV];
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) {
    const float32x4_t b = vdupq_n_f32(bias ? bias[r] : 0.0f);
    MOTE_UNROLL
    for (int v = 0; v < NV; ++v) acc[r][v] = accumulate ? vld1q_f32(C + int64_t(r) * ldc + 4 * v) : b;
  }
  for (int32_t k = 0; k < K; ++k) {
    const float* brow = B + int64_t(k) * ldb;
    float32x4_t bv[NV];
    MOTE_UNROLL
    for (int v = 0; v < NV; ++v) bv[v] = vld1q_f32(brow + 4 * v);
    MOTE_UNROLL
    for (int r = 0; r < MR; ++r) {
      const float32x4_t av = vld1q_dup_f32(A + int64_t(r) * lda + k);
      MOTE_UNROLL
      for (int v = 0; v < NV; ++v) acc[r][v] = vfmaq_f32(acc[r][v], av, bv[v]);
    }
  }
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) {
    MOTE_UNROLL
    for (int v = 0; v < NV; ++v) vst1q_f32(C + int64_t(r) * ldc + 4 * v, apply(act, acc[r][v]));
  }
}

// MR rows x 1 column, for the last N % 4 columns.
template <int MR>
inline void tile_nn_column(int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C, int32_t ldc,
                           const float* bias, bool accumulate, const mote_act& act) {
  float acc[MR];
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) acc[r] = accumulate ? C[int64_t(r) * ldc] : (bias ? bias[r] : 0.0f);
  for (int32_t k = 0; k < K; ++k) {
    const float b = B[int64_t(k) * ldb];
    MOTE_UNROLL
    for (int r = 0; r < MR; ++r) acc[r] += A[int64_t(r) * lda + k] * b;
  }
  MOTE_UNROLL
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

// One row of A against NB rows of B, all contiguous along k (drivers/gemm.h's f32_gemm_nt).
struct NtKernel {
  template <int NB>
  static void dots_nt(int32_t K, const float* a, const float* B, int32_t ldb, float* c) {
    float32x4_t acc[NB];
    MOTE_UNROLL
    for (int r = 0; r < NB; ++r) acc[r] = vdupq_n_f32(0.0f);
    int32_t k = 0;
    for (; k + 4 <= K; k += 4) {
      const float32x4_t av = vld1q_f32(a + k);
      MOTE_UNROLL
      for (int r = 0; r < NB; ++r) acc[r] = vfmaq_f32(acc[r], av, vld1q_f32(B + int64_t(r) * ldb + k));
    }
    MOTE_UNROLL
    for (int r = 0; r < NB; ++r) {
      float s = hsum(acc[r]);
      for (int32_t t = k; t < K; ++t) s += a[t] * B[int64_t(r) * ldb + t];
      c[r] = s;
    }
  }
};

}  // namespace

void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate, float*) {
  const VecAct vact = vec_act(act);
  drivers::f32_gemm_nn_panels<kPanel>(M, N, [&](auto mr, int32_t i, int32_t j0, int32_t j1) {
    rows_nn<decltype(mr)::value>(j0, j1, K, A + int64_t(i) * lda, lda, B, ldb, C + int64_t(i) * ldc, ldc,
                                 bias ? bias + i : nullptr, accumulate, vact, act);
  });
}

void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc) {
  drivers::f32_gemm_nt<NtKernel>(M, N, K, A, lda, B, ldb, C, ldc);
}

}  // namespace neon
}  // namespace mote

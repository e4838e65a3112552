// f32_gemm__mve: the matrix products under 1x1 Conv, im2col Conv, Gemm and MatMul.
//
// NN form: a register tile of MR rows x 4 columns (MR <= 4 accumulators, one B vector; A values
// are scalars in general registers, VFMA's vector-by-scalar form). The last columns of a row are
// the same tile under a VCTP predicate: loads of B and stores of C touch only the live lanes.
// B is read in place (the NCHW activation for a 1x1 Conv), one column panel of kPanel at a time.
#include "../drivers/gemm.h"
#include "kernels.h"

namespace mote {
namespace mve {
namespace {

constexpr int32_t kPanel = 128;  // columns of B per panel

// MR rows x 4 columns. PARTIAL: only the `live` lanes of the columns exist (a row's end), so
// loads and stores are predicated; full tiles skip the predicate in the inner loop.
template <int MR, bool PARTIAL>
inline void tile_nn(int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C, int32_t ldc,
                    const float* bias, bool accumulate, const VecAct& act, mve_pred16_t live) {
  float32x4_t acc[MR];
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) {
    acc[r] = accumulate ? vldrwq_z_f32(C + int64_t(r) * ldc, live) : vdupq_n_f32(bias ? bias[r] : 0.0f);
  }
  const float* a[MR];
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) a[r] = A + int64_t(r) * lda;
  const float* b = B;
  for (int32_t k = 0; k < K; ++k, b += ldb) {
    const float32x4_t bv = PARTIAL ? vldrwq_z_f32(b, live) : vldrwq_f32(b);
    MOTE_UNROLL
    for (int r = 0; r < MR; ++r) acc[r] = vfmaq_n_f32(acc[r], bv, a[r][k]);
  }
  MOTE_UNROLL
  for (int r = 0; r < MR; ++r) vstrwq_p_f32(C + int64_t(r) * ldc, apply(act, acc[r]), live);
}

template <int MR>
void rows_nn(int32_t j0, int32_t j1, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
             int32_t ldc, const float* bias, bool accumulate, const VecAct& act) {
  int32_t j = j0;
  for (; j + 4 <= j1; j += 4) {
    tile_nn<MR, false>(K, A, lda, B + j, ldb, C + j, ldc, bias, accumulate, act, vctp32q(4));
  }
  if (j < j1) tile_nn<MR, true>(K, A, lda, B + j, ldb, C + j, ldc, bias, accumulate, act, vctp32q(uint32_t(j1 - j)));
}

inline float hsum(float32x4_t v) {
  return (vgetq_lane_f32(v, 0) + vgetq_lane_f32(v, 1)) + (vgetq_lane_f32(v, 2) + vgetq_lane_f32(v, 3));
}

// One row of A against NB rows of B, all contiguous along k, the last k under a predicate
// (drivers/gemm.h's f32_gemm_nt).
struct NtKernel {
  template <int NB>
  static void dots_nt(int32_t K, const float* a, const float* B, int32_t ldb, float* c) {
    float32x4_t acc[NB];
    MOTE_UNROLL
    for (int r = 0; r < NB; ++r) acc[r] = vdupq_n_f32(0.0f);
    for (int32_t k = 0; k < K; k += 4) {
      const mve_pred16_t live = vctp32q(uint32_t(K - k));
      const float32x4_t av = vldrwq_z_f32(a + k, live);
      MOTE_UNROLL
      for (int r = 0; r < NB; ++r) acc[r] = vfmaq_f32(acc[r], av, vldrwq_z_f32(B + int64_t(r) * ldb + k, live));
    }
    MOTE_UNROLL
    for (int r = 0; r < NB; ++r) c[r] = hsum(acc[r]);
  }
};

}  // namespace

void f32_gemm_nn(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc, const float* bias, const mote_act& act, bool accumulate, float*) {
  const VecAct vact = vec_act(act);
  drivers::f32_gemm_nn_panels<kPanel>(M, N, [&](auto mr, int32_t i, int32_t j0, int32_t j1) {
    rows_nn<decltype(mr)::value>(j0, j1, K, A + int64_t(i) * lda, lda, B, ldb, C + int64_t(i) * ldc, ldc,
                                 bias ? bias + i : nullptr, accumulate, vact);
  });
}

void f32_gemm_nt(int32_t M, int32_t N, int32_t K, const float* A, int32_t lda, const float* B, int32_t ldb, float* C,
                 int32_t ldc) {
  drivers::f32_gemm_nt<NtKernel>(M, N, K, A, lda, B, ldb, C, ldc);
}

}  // namespace mve
}  // namespace mote

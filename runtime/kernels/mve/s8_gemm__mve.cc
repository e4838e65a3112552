// s8_gemm__mve: QMatMul (and so the fully connected layers): Y = A B with A [rows, K] and B
// [K, N] row-major, read in place. Lanes are columns of B: for every k, B's row is loaded 16
// columns at a time widened to int32 (four VLDRB.S32) and multiplied by the scalar a[k] - zp
// (VMLA), 16 accumulators-worth of columns in four registers; the last columns of a row are the
// same tile under VCTP predicates. The epilogue requantises 4 columns at once (requantize4).
#include "../drivers/gemm.h"
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

struct GemmKernel {
  // One row of Y, all its columns (the last ones under predicates).
  static int32_t s8_gemm_row(int32_t N, int32_t K, const int8_t* a, int32_t a_zp, const int8_t* B, const Epilogue& e,
                             int64_t row_at) {
    for (int32_t j = 0; j < N; j += 16) {
      mve_pred16_t live[4];
      int32x4_t acc[4];
      MOTE_UNROLL
      for (int t = 0; t < 4; ++t) {
        const int32_t left = N - j - 4 * t;
        live[t] = vctp32q(uint32_t(left > 0 ? left : 0));
        acc[t] = e.bias ? vldrwq_z_s32(e.bias + j + 4 * t, live[t]) : vdupq_n_s32(0);
      }
      const int8_t* b = B + j;
      if (N - j >= 16) {
        for (int32_t k = 0; k < K; ++k, b += N) {
          const int32_t av = int32_t(a[k]) - a_zp;
          MOTE_UNROLL
          for (int t = 0; t < 4; ++t) acc[t] = vmlaq_n_s32(acc[t], vldrbq_s32(b + 4 * t), av);
        }
      } else {
        for (int32_t k = 0; k < K; ++k, b += N) {
          const int32_t av = int32_t(a[k]) - a_zp;
          MOTE_UNROLL
          for (int t = 0; t < 4; ++t) acc[t] = vmlaq_n_s32(acc[t], vldrbq_z_s32(b + 4 * t, live[t]), av);
        }
      }
      MOTE_UNROLL
      for (int t = 0; t < 4; ++t) {
        const int32_t col = j + 4 * t;
        if (e.mult) {
          const int32x4_t mult = e.per_channel ? vldrwq_z_s32(e.mult + col, live[t]) : vdupq_n_s32(e.mult[0]);
          const int32x4_t shift = e.per_channel ? vldrwq_z_s32(e.shift + col, live[t]) : vdupq_n_s32(e.shift[0]);
          vstrbq_p_s32(static_cast<int8_t*>(e.y) + row_at + col, requantize4(acc[t], mult, shift, e.out_zp, e.lo, e.hi),
                       live[t]);
        } else {
          vstrwq_p_s32(static_cast<int32_t*>(e.y) + row_at + col, acc[t], live[t]);
        }
      }
    }
    return N;
  }
};

}  // namespace

void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int64_t out_base) {
  drivers::s8_gemm<GemmKernel>(rows, N, K, A, a_zp, B, e, out_base);
}

}  // namespace mve
}  // namespace mote

// The row loops of the matrix products that the NEON, Helium and SIMD128 sets share; the set's
// kernel K supplies the vector code for a piece of a row.
//
//   f32_gemm_nn_panels: C [M, N] one column panel of `panel` columns at a time (the panel of B
//     stays in cache while every row tile of A passes over it), rows(Rows<MR>, i, j0, j1) running
//     rows [i, i + MR) over columns [j0, j1): 4 rows at a time, then the last 3, 2 or 1 together.
//   f32_gemm_nt: C[i, j] = sum_k A[i, k] * B[j, k] (both operands contiguous along k), from
//     K::dots_nt<NB>(depth, a, B, ldb, c): one row of A against NB (4 or 1) rows of B.
//   s8_gemm: QMatMul rows, Y[i, j] for A [rows, depth] (a_zp) times B [depth, N] (int8, zero
//     point 0), from K::s8_gemm_row(N, depth, a, a_zp, B, e, row_at): the vector columns of one
//     row of Y, returning how many it wrote; the remaining columns are summed here.
#ifndef MOTE_KERNELS_DRIVERS_GEMM_H
#define MOTE_KERNELS_DRIVERS_GEMM_H

#include <stdint.h>

#include "../s8_epilogue.h"

namespace mote {
namespace drivers {

// A row count as a type, for the row tiles' template argument.
template <int MR>
struct Rows {
  static constexpr int value = MR;
};

template <int32_t kPanel, class RowsFn>
inline void f32_gemm_nn_panels(int32_t M, int32_t N, RowsFn rows) {
  for (int32_t j0 = 0; j0 < N; j0 += kPanel) {
    const int32_t j1 = N - j0 < kPanel ? N : j0 + kPanel;
    int32_t i = 0;
    for (; i + 4 <= M; i += 4) rows(Rows<4>{}, i, j0, j1);
    if (M - i == 3) rows(Rows<3>{}, i, j0, j1);
    if (M - i == 2) rows(Rows<2>{}, i, j0, j1);
    if (M - i == 1) rows(Rows<1>{}, i, j0, j1);
  }
}

template <class K>
void f32_gemm_nt(int32_t M, int32_t N, int32_t depth, const float* A, int32_t lda, const float* B, int32_t ldb,
                 float* C, int32_t ldc) {
  for (int32_t i = 0; i < M; ++i) {
    const float* a = A + int64_t(i) * lda;
    float* c = C + int64_t(i) * ldc;
    int32_t j = 0;
    for (; j + 4 <= N; j += 4) K::template dots_nt<4>(depth, a, B + int64_t(j) * ldb, ldb, c + j);
    for (; j < N; ++j) K::template dots_nt<1>(depth, a, B + int64_t(j) * ldb, ldb, c + j);
  }
}

template <class K>
void s8_gemm(int32_t rows, int32_t N, int32_t depth, const int8_t* A, int32_t a_zp, const int8_t* B,
             const s8::Epilogue& e, int64_t out_base) {
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t* a = A + int64_t(i) * depth;
    const int64_t row_at = out_base + int64_t(i) * N;
    for (int32_t j = K::s8_gemm_row(N, depth, a, a_zp, B, e, row_at); j < N; ++j) {
      int32_t acc = e.start(j);
      for (int32_t k = 0; k < depth; ++k) acc += (int32_t(a[k]) - a_zp) * int32_t(B[int64_t(k) * N + j]);
      e.store(row_at + j, j, acc);
    }
  }
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_GEMM_H

// s8_gemm__arm_dsp: QMatMul (and so the fully connected layers): Y = A B with A [rows, K] and
// B [K, N] row-major, B read in place. The row of A (minus its zero point) is packed once into
// int16 pairs (a[k], a[k+1]) in the op's scratch (tiles.h: gemm_pairs_bytes; packing them in
// registers pass by pass instead spills, and costs a fifth more instructions on the Cortex-M4).
// B's rows k and k+1 are read a word (4 columns) at a time and widened with SXTB16, and
// PKHBT/PKHTB-style merges pair b[k][j] with b[k+1][j], so one SMLAD does two MACs of one
// column: 4 columns x 2 rows of B per pass with 4 accumulators.
#include "kernels.h"

namespace mote {
namespace arm_dsp {

void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int32_t out_base) {
  int32_t* const pairs = static_cast<int32_t*>(e.scratch);
  const int32_t K2 = K >> 1;
  const int32_t N4 = N & ~3;
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t* a = A + int32_t(i) * K;
    for (int32_t q = 0; q < K2; ++q) {
      const uint32_t lo = uint32_t(int32_t(a[2 * q]) - a_zp) & 0xFFFFu;
      const uint32_t hi = uint32_t(int32_t(a[2 * q + 1]) - a_zp) << 16;
      pairs[q] = int32_t(lo | hi);
    }
    const int32_t a_last = K & 1 ? int32_t(a[K - 1]) - a_zp : 0;
    const int32_t row_at = out_base + int32_t(i) * N;
    int32_t j = 0;
    for (; j < N4; j += 4) {
      int32_t acc0 = e.start(j), acc1 = e.start(j + 1), acc2 = e.start(j + 2), acc3 = e.start(j + 3);
      const int8_t* b = B + j;
      for (int32_t q = 0; q < K2; ++q, b += 2 * N) {
        const int32_t ap = pairs[q];
        const uint32_t r0 = load32(b), r1 = load32(b + N);
        const int32_t e0 = __sxtb16(int32_t(r0)), e1 = __sxtb16(int32_t(r1));
        const int32_t o0 = sxtb16_ror8(r0), o1 = sxtb16_ror8(r1);
        acc0 = __smlad(ap, pack_bottoms(e0, e1), acc0);
        acc2 = __smlad(ap, pack_tops(e0, e1), acc2);
        acc1 = __smlad(ap, pack_bottoms(o0, o1), acc1);
        acc3 = __smlad(ap, pack_tops(o0, o1), acc3);
      }
      if (K & 1) {
        acc0 += a_last * b[0];
        acc1 += a_last * b[1];
        acc2 += a_last * b[2];
        acc3 += a_last * b[3];
      }
      e.store(row_at + j, j, acc0);
      e.store(row_at + j + 1, j + 1, acc1);
      e.store(row_at + j + 2, j + 2, acc2);
      e.store(row_at + j + 3, j + 3, acc3);
    }
    for (; j < N; ++j) {
      int32_t acc = e.start(j);
      for (int32_t k = 0; k < K; ++k) acc += (int32_t(a[k]) - a_zp) * int32_t(B[int32_t(k) * N + j]);
      e.store(row_at + j, j, acc);
    }
  }
}

}  // namespace arm_dsp
}  // namespace mote

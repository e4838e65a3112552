// s8_gemm__wasm_simd128: QMatMul (and so the fully connected layers): Y = A B with A [rows, K]
// and B [K, N] row-major, read in place. Lanes are columns of B, 8 at a time. Two k-steps go
// together so the dot product applies: rows k and k + 1 of B, widened to int16, are interleaved
// (column j's pair side by side) and i32x4.dot_i16x8_s multiplies them by the pair
// (a[k] - zp, a[k + 1] - zp) splatted, adding both products into column j's int32 lane.
// |a - zp| <= 255 and |b| <= 128, so every product and pair sum is exact. The driver
// (drivers/gemm.h) sums the last columns one at a time.
#include "../drivers/gemm.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

namespace {

// (lo, hi) packed as the two int16 halves of one int32, splatted: the multiplier of a pair.
inline v128_t pair_splat(int32_t lo, int32_t hi) {
  return wasm_i32x4_splat(int32_t((uint32_t(hi) << 16) | (uint32_t(lo) & 0xFFFFu)));
}

inline void finish8(const Epilogue& e, int64_t at, int32_t col, v128_t lo, v128_t hi) {
  int32_t acc[8];
  wasm_v128_store(acc, lo);
  wasm_v128_store(acc + 4, hi);
  for (int32_t q = 0; q < 8; ++q) e.store(at + q, col + q, acc[q]);
}

inline v128_t bias4(const Epilogue& e, int32_t col) { return e.bias ? wasm_v128_load(e.bias + col) : wasm_i32x4_splat(0); }

struct GemmKernel {
  // The columns of one row of Y 8 at a time.
  static int32_t s8_gemm_row(int32_t N, int32_t K, const int8_t* a, int32_t a_zp, const int8_t* B, const Epilogue& e,
                             int64_t row_at) {
    int32_t j = 0;
    for (; j + 8 <= N; j += 8) {
      v128_t c0 = bias4(e, j), c1 = bias4(e, j + 4);
      const int8_t* b = B + j;
      int32_t k = 0;
      for (; k + 2 <= K; k += 2, b += 2 * int64_t(N)) {
        const v128_t av = pair_splat(int32_t(a[k]) - a_zp, int32_t(a[k + 1]) - a_zp);
        const v128_t b0 = wasm_i16x8_load8x8(b), b1 = wasm_i16x8_load8x8(b + N);
        c0 = wasm_i32x4_add(c0, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(b0, b1, 0, 8, 1, 9, 2, 10, 3, 11), av));
        c1 = wasm_i32x4_add(c1, wasm_i32x4_dot_i16x8(wasm_i16x8_shuffle(b0, b1, 4, 12, 5, 13, 6, 14, 7, 15), av));
      }
      if (k < K) {  // odd K: the last step alone
        const v128_t av = wasm_i16x8_splat(int16_t(int32_t(a[k]) - a_zp));
        const v128_t b0 = wasm_i16x8_load8x8(b);
        c0 = wasm_i32x4_add(c0, wasm_i32x4_extmul_low_i16x8(b0, av));
        c1 = wasm_i32x4_add(c1, wasm_i32x4_extmul_high_i16x8(b0, av));
      }
      finish8(e, row_at + j, j, c0, c1);
    }
    return j;
  }
};

}  // namespace

void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int64_t out_base) {
  drivers::s8_gemm<GemmKernel>(rows, N, K, A, a_zp, B, e, out_base);
}

}  // namespace wasm_simd128
}  // namespace mote

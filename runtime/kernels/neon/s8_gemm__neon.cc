// s8_gemm__neon: QMatMul (and so the fully connected layers): Y = A B with A [rows, K] and B
// [K, N] row-major, read in place. Lanes are columns of B: for every k, 16 columns of B's row
// are loaded, widened to int16 and multiplied by the scalar a[k] - zp into four int32 vectors
// (VMLAL); then 8 columns; the driver (drivers/gemm.h) sums the last few. The epilogue
// requantises 8 columns at once.
#include "../drivers/gemm.h"
#include "s8_kernels.h"

namespace mote {
namespace neon {

namespace {

inline void finish8(const Epilogue& e, int64_t at, int32_t col, int32x4_t lo, int32x4_t hi) {
  if (e.mult) {
    int32x4_t m0, m1, s0, s1;
    if (e.per_channel) {
      m0 = vld1q_s32(e.mult + col), m1 = vld1q_s32(e.mult + col + 4);
      s0 = vld1q_s32(e.shift + col), s1 = vld1q_s32(e.shift + col + 4);
    } else {
      m0 = m1 = vdupq_n_s32(e.mult[0]);
      s0 = s1 = vdupq_n_s32(e.shift[0]);
    }
    store8(static_cast<int8_t*>(e.y) + at, requantize4(lo, m0, s0, e.out_zp, e.lo, e.hi),
           requantize4(hi, m1, s1, e.out_zp, e.lo, e.hi));
  } else {
    vst1q_s32(static_cast<int32_t*>(e.y) + at, lo);
    vst1q_s32(static_cast<int32_t*>(e.y) + at + 4, hi);
  }
}

inline int32x4_t bias4(const Epilogue& e, int32_t col) { return e.bias ? vld1q_s32(e.bias + col) : vdupq_n_s32(0); }

struct GemmKernel {
  // The vector columns of one row of Y: 16, then 8 at a time; the driver sums the rest.
  static int32_t s8_gemm_row(int32_t N, int32_t K, const int8_t* a, int32_t a_zp, const int8_t* B, const Epilogue& e,
                             int64_t row_at) {
    int32_t j = 0;
    for (; j + 16 <= N; j += 16) {
      int32x4_t c0 = bias4(e, j), c1 = bias4(e, j + 4), c2 = bias4(e, j + 8), c3 = bias4(e, j + 12);
      const int8_t* b = B + j;
      for (int32_t k = 0; k < K; ++k, b += N) {
        const int16_t av = int16_t(int32_t(a[k]) - a_zp);
        const int8x16_t bv = vld1q_s8(b);
        const int16x8_t lo = vmovl_s8(vget_low_s8(bv)), hi = vmovl_s8(vget_high_s8(bv));
        c0 = vmlal_n_s16(c0, vget_low_s16(lo), av);
        c1 = vmlal_n_s16(c1, vget_high_s16(lo), av);
        c2 = vmlal_n_s16(c2, vget_low_s16(hi), av);
        c3 = vmlal_n_s16(c3, vget_high_s16(hi), av);
      }
      finish8(e, row_at + j, j, c0, c1);
      finish8(e, row_at + j + 8, j + 8, c2, c3);
    }
    for (; j + 8 <= N; j += 8) {
      int32x4_t c0 = bias4(e, j), c1 = bias4(e, j + 4);
      const int8_t* b = B + j;
      for (int32_t k = 0; k < K; ++k, b += N) {
        const int16_t av = int16_t(int32_t(a[k]) - a_zp);
        const int16x8_t bv = vmovl_s8(vld1_s8(b));
        c0 = vmlal_n_s16(c0, vget_low_s16(bv), av);
        c1 = vmlal_n_s16(c1, vget_high_s16(bv), av);
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

}  // namespace neon
}  // namespace mote

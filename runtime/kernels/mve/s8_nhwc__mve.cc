// s8_nhwc__mve: NHWC QConv on Helium (drivers/s8_nhwc.h), and QMatMul with B [N, K].
//
// Group 1: four pixels' columns (staged, or the pixels themselves for 1x1) against four weight
// rows at a time, 16 taps per VMLADAVA (two columns x two rows per inner loop, the last partial
// vector under a VCTP predicate). A pixel's four outputs are adjacent channels, so the 4 x 4
// accumulators are requantised a pixel at a time as one vector, the four channels' starts,
// multipliers and shifts loaded once for the tile (requantize4, under a predicate for the last
// channels).
// Depthwise: s8_dwconv2d_nhwc__mve.cc.
#include "../drivers/s8_nhwc.h"
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

// a{p}{r} += dot(column p, weight row r) over k taps, 16 per VMLADAVA: whole vectors without
// predicates (four loads and four VMLADAVA a pass: the accumulators take even registers, so two
// columns x two rows is the widest tile), the last partial one under a VCTP predicate.
inline void dot22(int32_t k, const int8_t* c0, const int8_t* c1, const int8_t* w0, const int8_t* w1, int32_t& a00,
                  int32_t& a01, int32_t& a10, int32_t& a11) {
  int32_t b00 = a00, b01 = a01, b10 = a10, b11 = a11;
  const int32_t full = k & ~15;
  for (int32_t i = 0; i < full; i += 16) {
    const int8x16_t x0 = vld1q_s8(c0 + i), x1 = vld1q_s8(c1 + i);
    const int8x16_t v0 = vld1q_s8(w0 + i), v1 = vld1q_s8(w1 + i);
    b00 = vmladavaq_s8(b00, x0, v0);
    b01 = vmladavaq_s8(b01, x0, v1);
    b10 = vmladavaq_s8(b10, x1, v0);
    b11 = vmladavaq_s8(b11, x1, v1);
  }
  if (full < k) {
    const mve_pred16_t live = vctp8q(uint32_t(k - full));
    const int8x16_t x0 = vldrbq_z_s8(c0 + full, live), x1 = vldrbq_z_s8(c1 + full, live);
    const int8x16_t v0 = vldrbq_z_s8(w0 + full, live), v1 = vldrbq_z_s8(w1 + full, live);
    b00 = vmladavaq_s8(b00, x0, v0);
    b01 = vmladavaq_s8(b01, x0, v1);
    b10 = vmladavaq_s8(b10, x1, v0);
    b11 = vmladavaq_s8(b11, x1, v1);
  }
  a00 = b00, a01 = b01, a10 = b10, a11 = b11;
}

// Four channels' accumulators (with their starts) of one pixel out at y + at, the live lanes.
inline void store_channels(const Epilogue& e, int32x4_t acc, const int32x4_t& mult, const int32x4_t& shift, int32_t at,
                           mve_pred16_t live) {
  if (e.mult) {
    vstrbq_p_s32(static_cast<int8_t*>(e.y) + at, requantize4(acc, mult, shift, e.out_zp, e.lo, e.hi), live);
  } else {
    vstrwq_p_s32(static_cast<int32_t*>(e.y) + at, acc, live);
  }
}

// The multipliers and shifts of channels ch.. (the live lanes), or the op's single pair.
inline void channel_requant(const Epilogue& e, int32_t ch, mve_pred16_t live, int32x4_t* mult, int32x4_t* shift) {
  if (!e.mult) {
    *mult = *shift = vdupq_n_s32(0);
  } else if (e.per_channel) {
    *mult = vldrwq_z_s32(e.mult + ch, live);
    *shift = vldrwq_z_s32(e.shift + ch, live);
  } else {
    *mult = vdupq_n_s32(e.mult[0]);
    *shift = vdupq_n_s32(e.shift[0]);
  }
}

struct NhwcKernel {
  static constexpr drivers::S8NhwcSpec kNhwc = Tiles::kNhwc;
  static uint64_t work_bytes(const ConvShape& g) { return Tiles::nhwc_work_bytes(g); }
  static void prepare(const ConvShape&, const int8_t*, const Epilogue&, void*) {}

  static void tile(int32_t k, int32_t, const int8_t* const* col, int32_t np, const int8_t* w, int32_t m,
                   const int32_t* start, const Epilogue& e, int32_t at, void*) {
    // Missing columns (np < 4) repeat column 0: computed, never stored.
    const int8_t* c[4] = {col[0], np > 1 ? col[1] : col[0], np > 2 ? col[2] : col[0], np > 3 ? col[3] : col[0]};
    for (int32_t r = 0; r < m; r += 4) {
      const int32_t nr = m - r < 4 ? m - r : 4;
      int32_t acc[4][4];  // [pixel][channel]
      for (int32_t j = 0; j < 4; j += 2) {
        // Missing rows (nr < 4) repeat the last one: computed, never stored.
        const int8_t* w0 = w + (r + j < m ? r + j : m - 1) * k;
        const int8_t* w1 = w + (r + j + 1 < m ? r + j + 1 : m - 1) * k;
        int32_t a00 = 0, a01 = 0, a10 = 0, a11 = 0;
        dot22(k, c[0], c[1], w0, w1, a00, a01, a10, a11);
        acc[0][j] = a00, acc[0][j + 1] = a01, acc[1][j] = a10, acc[1][j + 1] = a11;
        if (np > 2) {
          a00 = a01 = a10 = a11 = 0;
          dot22(k, c[2], c[3], w0, w1, a00, a01, a10, a11);
          acc[2][j] = a00, acc[2][j + 1] = a01, acc[3][j] = a10, acc[3][j + 1] = a11;
        }
      }
      const mve_pred16_t live = vctp32q(uint32_t(nr));
      const int32x4_t st = vldrwq_z_s32(start + r, live);
      int32x4_t mult, shift;
      channel_requant(e, r, live, &mult, &shift);
      for (int32_t p = 0; p < np; ++p) store_channels(e, vaddq_s32(vldrwq_s32(acc[p]), st), mult, shift, at + p * m + r, live);
    }
  }
};

}  // namespace

// B [N, K]: each output column is a dot product of A's row with B's row, 16 taps per VMLADAVA,
// B's row summed alongside (VADDVA) for the zero point's term; two columns per pass, four
// requantised at once.
Status s8_gemm_nk(const OpArgs&, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B,
                  const Epilogue& e) {
  for (int32_t i = 0; i < rows; ++i) {
    const int8_t* a = A + i * K;
    for (int32_t j = 0; j < N; j += 4) {
      const int32_t nj = N - j < 4 ? N - j : 4;
      int32_t acc[4];
      for (int32_t q = 0; q < 4; q += 2) {
        // Missing columns (nj < 4) repeat the last one: computed, never stored.
        const int8_t* b0 = B + (j + q < N ? j + q : N - 1) * K;
        const int8_t* b1 = B + (j + q + 1 < N ? j + q + 1 : N - 1) * K;
        int32_t d0 = 0, d1 = 0, s0 = 0, s1 = 0;
        const int32_t full = K & ~15;
        for (int32_t k = 0; k < full; k += 16) {
          const int8x16_t av = vld1q_s8(a + k), v0 = vld1q_s8(b0 + k), v1 = vld1q_s8(b1 + k);
          d0 = vmladavaq_s8(d0, av, v0);
          s0 = vaddvaq_s8(s0, v0);
          d1 = vmladavaq_s8(d1, av, v1);
          s1 = vaddvaq_s8(s1, v1);
        }
        if (full < K) {
          const mve_pred16_t live = vctp8q(uint32_t(K - full));
          const int8x16_t av = vldrbq_z_s8(a + full, live);
          const int8x16_t v0 = vldrbq_z_s8(b0 + full, live), v1 = vldrbq_z_s8(b1 + full, live);
          d0 = vmladavaq_s8(d0, av, v0);
          s0 = vaddvaq_s8(s0, v0);
          d1 = vmladavaq_s8(d1, av, v1);
          s1 = vaddvaq_s8(s1, v1);
        }
        acc[q] = d0 - a_zp * s0;
        acc[q + 1] = d1 - a_zp * s1;
      }
      const mve_pred16_t live = vctp32q(uint32_t(nj));
      int32x4_t v = vldrwq_s32(acc);
      if (e.bias) v = vaddq_s32(v, vldrwq_z_s32(e.bias + j, live));
      int32x4_t mult, shift;
      channel_requant(e, j, live, &mult, &shift);
      store_channels(e, v, mult, shift, i * N + j, live);
    }
  }
  return Status::kOk;
}

Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d_nhwc<NhwcKernel>(a, g, e, in_zp);
}

}  // namespace mve
}  // namespace mote

// s8_nhwc__mve: NHWC QConv on Helium (drivers/s8_nhwc.h), and QMatMul with B [N, K].
//
// Group 1: the weights packed once per call (four rows' 16-tap blocks interleaved, in the op's
// scratch), then two pixels' columns (staged, or the pixels themselves for 1x1) against four
// weight rows at a time: 16 taps per VMLADAVA, eight accumulators, one pointer for the four rows
// (the last partial vector of the columns under a VCTP predicate). A pixel's four outputs are
// adjacent channels, so they are requantised as one vector, the four channels' starts,
// multipliers and shifts loaded once per group of channels (requantize4, under a predicate for
// the last channels).
// Depthwise: s8_dwconv2d_nhwc__mve.cc.
#include "../drivers/s8_nhwc.h"
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

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

// The weights of group-1 convolutions packed for the tile: per group of 4 output channels (rows
// past M zero), per 16 taps, the 4 rows' 16 bytes one after the other (taps past k zero), so that
// one pointer walks all four rows.
inline void pack_rows4(int32_t k, const int8_t* w, int32_t m, int8_t* packed) {
  const int32_t blocks = (k + 15) / 16;
  for (int32_t r0 = 0; r0 < m; r0 += 4) {
    for (int32_t i = 0; i < blocks; ++i) {
      for (int32_t j = 0; j < 4; ++j) {
        const int32_t r = r0 + j;
        for (int32_t t = 0; t < 16; ++t) {
          const int32_t tap = i * 16 + t;
          *packed++ = r < m && tap < k ? w[r * k + tap] : 0;
        }
      }
    }
  }
}

// acc[p][j] = dot(column p, packed row j) over k taps: two columns x four rows (eight VMLADAVA
// accumulators, the even registers), 16 taps a pass; the columns' last partial vector under a
// VCTP predicate (the 1x1 kernel reads the pixels in place, nothing may be read past them).
inline void dot24(int32_t k, const int8_t* c0, const int8_t* c1, const int8_t* wp, int32x4_t& p0, int32x4_t& p1) {
  int32_t a0 = 0, a1 = 0, a2 = 0, a3 = 0, b0 = 0, b1 = 0, b2 = 0, b3 = 0;
  const int32_t full = k & ~15;
  if (full > 0) {
    // The accumulators must be even registers (VMLADAVA's RdaLo field); GCC's allocation of
    // eight of them around the intrinsics spills, so the loop is written out: 6 loads and 8
    // VMLADAVA a pass, the counter in an odd register (LR may hold an accumulator).
    int32_t n = full >> 4;
    const int8_t* x0p = c0;
    const int8_t* x1p = c1;
    int8x16_t x0, x1, w, v;
    __asm__ volatile(
        "1:\n"
        "  vldrb.8 %q[x0], [%[x0p]], #16\n"
        "  vldrb.8 %q[x1], [%[x1p]], #16\n"
        "  vldrb.8 %q[w], [%[wp]], #16\n"
        "  vldrb.8 %q[v], [%[wp]], #16\n"
        "  vmladava.s8 %[a0], %q[x0], %q[w]\n"
        "  vmladava.s8 %[b0], %q[x1], %q[w]\n"
        "  vldrb.8 %q[w], [%[wp]], #16\n"
        "  vmladava.s8 %[a1], %q[x0], %q[v]\n"
        "  vmladava.s8 %[b1], %q[x1], %q[v]\n"
        "  vldrb.8 %q[v], [%[wp]], #16\n"
        "  vmladava.s8 %[a2], %q[x0], %q[w]\n"
        "  vmladava.s8 %[b2], %q[x1], %q[w]\n"
        "  vmladava.s8 %[a3], %q[x0], %q[v]\n"
        "  vmladava.s8 %[b3], %q[x1], %q[v]\n"
        "  subs %[n], %[n], #1\n"
        "  bne 1b\n"
        : [a0] "+Te"(a0), [a1] "+Te"(a1), [a2] "+Te"(a2), [a3] "+Te"(a3), [b0] "+Te"(b0), [b1] "+Te"(b1),
          [b2] "+Te"(b2), [b3] "+Te"(b3), [n] "+r"(n), [x0p] "+r"(x0p), [x1p] "+r"(x1p), [wp] "+r"(wp),
          [x0] "=&w"(x0), [x1] "=&w"(x1), [w] "=&w"(w), [v] "=&w"(v)
        :
        : "cc", "memory");
  }
  if (full < k) {
    const mve_pred16_t live = vctp8q(uint32_t(k - full));
    const int8x16_t x0 = vldrbq_z_s8(c0 + full, live), x1 = vldrbq_z_s8(c1 + full, live);
    const int8x16_t w0 = vld1q_s8(wp), w1 = vld1q_s8(wp + 16), w2 = vld1q_s8(wp + 32), w3 = vld1q_s8(wp + 48);
    a0 = vmladavaq_s8(a0, x0, w0);
    b0 = vmladavaq_s8(b0, x1, w0);
    a1 = vmladavaq_s8(a1, x0, w1);
    b1 = vmladavaq_s8(b1, x1, w1);
    a2 = vmladavaq_s8(a2, x0, w2);
    b2 = vmladavaq_s8(b2, x1, w2);
    a3 = vmladavaq_s8(a3, x0, w3);
    b3 = vmladavaq_s8(b3, x1, w3);
  }
  p0 = vsetq_lane_s32(a3, vsetq_lane_s32(a2, vsetq_lane_s32(a1, vdupq_n_s32(a0), 1), 2), 3);
  p1 = vsetq_lane_s32(b3, vsetq_lane_s32(b2, vsetq_lane_s32(b1, vdupq_n_s32(b0), 1), 2), 3);
}

struct NhwcKernel {
  static constexpr drivers::S8NhwcSpec kNhwc = Tiles::kNhwc;
  static uint64_t work_bytes(const ConvShape& g) { return Tiles::nhwc_work_bytes(g); }
  static void prepare(const ConvShape& g, const int8_t* w, const Epilogue&, void* work) {
    pack_rows4(g.kh * g.kw * g.c, w, g.m, static_cast<int8_t*>(work));
  }

  static void tile(int32_t k, int32_t, const int8_t* const* col, int32_t np, const int8_t*, int32_t m,
                   const int32_t* start, const Epilogue& e, int32_t at, void* work) {
    const int8_t* packed = static_cast<const int8_t*>(work);
    const int32_t row_bytes = drivers::round_up(k, 16) * 4;  // one group of 4 packed rows
    for (int32_t r = 0; r < m; r += 4, packed += row_bytes) {
      const int32_t nr = m - r < 4 ? m - r : 4;
      const mve_pred16_t live = vctp32q(uint32_t(nr));
      const int32x4_t st = vldrwq_z_s32(start + r, live);
      int32x4_t mult, shift;
      channel_requant(e, r, live, &mult, &shift);
      for (int32_t p = 0; p < np; p += 2) {
        // A missing second column (np odd) repeats the first: computed, never stored.
        const int8_t* c1 = p + 1 < np ? col[p + 1] : col[p];
        int32x4_t v0, v1;
        dot24(k, col[p], c1, packed, v0, v1);
        store_channels(e, vaddq_s32(v0, st), mult, shift, at + p * m + r, live);
        if (p + 1 < np) store_channels(e, vaddq_s32(v1, st), mult, shift, at + (p + 1) * m + r, live);
      }
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

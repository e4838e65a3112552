// s8_conv2d__mve: QConv with any kernel, stride, dilation, padding and group, as dot products of
// activation columns (one per output pixel, gathered four at a time by the driver,
// drivers/s8_conv2d.h: a "small im2col", padding filled with the zero point) against the weight
// rows, read in place. The column kernel, shared with the 1x1 kernel: 4 pixels x 2 channels per
// pass (2 x 2 per inner loop), 16 taps per VMLADAVA, the last partial vector under a VCTP
// predicate; the 4 pixels of a channel are adjacent in the output, so they are requantised as
// one vector.
#include "s8_kernels.h"

namespace mote {
namespace mve {

namespace {

// a[p][r] = dot(column p, weight row r) over k taps, 16 per VMLADAVA, the last partial vector
// under a VCTP predicate (never read past a row).
inline void dot22(int32_t k, const int8_t* c0, const int8_t* c1, const int8_t* w0, const int8_t* w1, int32_t& a00,
                  int32_t& a01, int32_t& a10, int32_t& a11) {
  for (int32_t i = 0; i < k; i += 16) {
    const mve_pred16_t live = vctp8q(uint32_t(k - i));
    const int8x16_t x0 = vldrbq_z_s8(c0 + i, live), x1 = vldrbq_z_s8(c1 + i, live);
    const int8x16_t v0 = vldrbq_z_s8(w0 + i, live), v1 = vldrbq_z_s8(w1 + i, live);
    a00 = vmladavaq_s8(a00, x0, v0);
    a01 = vmladavaq_s8(a01, x0, v1);
    a10 = vmladavaq_s8(a10, x1, v0);
    a11 = vmladavaq_s8(a11, x1, v1);
  }
}

inline int32_t dot11(int32_t k, const int8_t* c, const int8_t* w, int32_t acc) {
  for (int32_t i = 0; i < k; i += 16) {
    const mve_pred16_t live = vctp8q(uint32_t(k - i));
    acc = vmladavaq_s8(acc, vldrbq_z_s8(c + i, live), vldrbq_z_s8(w + i, live));
  }
  return acc;
}

// 4 pixels of channel ch (contiguous in the output) requantised together, the live ones stored.
inline void store4(const Epilogue& e, int32_t ch, int64_t at, int32x4_t acc, mve_pred16_t live) {
  if (e.mult) {
    const int32_t k = e.per_channel ? ch : 0;
    const int32x4_t q = requantize4(acc, vdupq_n_s32(e.mult[k]), vdupq_n_s32(e.shift[k]), e.out_zp, e.lo, e.hi);
    vstrbq_p_s32(static_cast<int8_t*>(e.y) + at, q, live);
  } else {
    vstrwq_p_s32(static_cast<int32_t*>(e.y) + at, acc, live);
  }
}

}  // namespace

void S8Kernel::columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                       const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0) {
  // Missing columns (np < 4) repeat column 0: computed, never stored.
  const int8_t* c[4] = {cols[0], np > 1 ? cols[1] : cols[0], np > 2 ? cols[2] : cols[0], np > 3 ? cols[3] : cols[0]};
  const mve_pred16_t live = vctp32q(uint32_t(np));
  int32_t r = 0;
  for (; r + 2 <= mg; r += 2) {
    const int8_t* w0 = w + int64_t(r) * k;
    const int8_t* w1 = w0 + k;
    int32_t a[2][4];
    a[0][0] = a[0][1] = a[0][2] = a[0][3] = start[r];
    a[1][0] = a[1][1] = a[1][2] = a[1][3] = start[r + 1];
    dot22(k, c[0], c[1], w0, w1, a[0][0], a[1][0], a[0][1], a[1][1]);
    if (np > 2) dot22(k, c[2], c[3], w0, w1, a[0][2], a[1][2], a[0][3], a[1][3]);
    const int32_t ch = m0 + r;
    const int64_t at = out_base + int64_t(ch) * plane + p0;
    store4(e, ch, at, vldrwq_s32(a[0]), live);
    store4(e, ch + 1, at + plane, vldrwq_s32(a[1]), live);
  }
  for (; r < mg; ++r) {
    const int8_t* w0 = w + int64_t(r) * k;
    int32_t a[4];
    for (int32_t p = 0; p < 4; ++p) a[p] = p < np ? dot11(k, c[p], w0, start[r]) : 0;
    const int32_t ch = m0 + r;
    store4(e, ch, out_base + int64_t(ch) * plane + p0, vldrwq_s32(a), live);
  }
}

// Every row of the window is kw adjacent bytes (or the zero point, outside the input): predicated
// vector moves, 16 bytes at a time. 32-bit offsets: a tensor fits the arena.
void S8Kernel::pack_rows(const int8_t* x, int64_t plane, int32_t iw, int32_t ih, int32_t r0, int32_t dh, int32_t kh,
                         int32_t kw, int32_t cg, int32_t zp, int8_t* col) {
  const int8x16_t fills = vdupq_n_s8(int8_t(zp));
  int8_t* t = col;
  const int8_t* xp = x;
  for (int32_t ci = 0; ci < cg; ++ci, xp += plane) {
    for (int32_t u = 0, r = r0; u < kh; ++u, r += dh, t += kw) {
      const bool inside = r >= 0 && r < ih;
      for (int32_t v = 0; v < kw; v += 16) {
        const mve_pred16_t live = vctp8q(uint32_t(kw - v));
        vstrbq_p_s8(t + v, inside ? vldrbq_z_s8(xp + r * iw + v, live) : fills, live);
      }
    }
  }
}

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_conv2d<S8Kernel>(a, g, e, in_zp);
}

}  // namespace mve
}  // namespace mote

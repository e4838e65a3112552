// s8_conv2d__arm_dsp: QConv with any kernel, stride, dilation, padding and group, as dot products
// of packed activation columns (one per output pixel, built in the op's scratch: a "small
// im2col" of two pixels at a time, tiles.h: columns_bytes) against the weight rows, which are
// read in place ([M, C/g, kH, kW] is already one contiguous row of taps per output channel).
// Also the SMLAD dot products the 1x1 kernel uses too.
#include "kernels.h"

namespace mote {
namespace arm_dsp {

namespace {

// The last (partial) group of 4 weights of a row, zero-extended: the packed column is zero there.
inline uint32_t tail_word(const int8_t* w, int32_t n) {
  uint32_t v = 0;
  for (int32_t j = 0; j < n; ++j) v |= uint32_t(uint8_t(w[j])) << (8 * j);
  return v;
}

}  // namespace

void dot_2x2(int32_t k, const int16_t* col0, const int16_t* col1, const int8_t* w0, const int8_t* w1, int32_t acc[2][2]) {
  int32_t a00 = acc[0][0], a01 = acc[0][1], a10 = acc[1][0], a11 = acc[1][1];
  // One weight pointer (row 1 at a register offset) and one column pointer (column 1 likewise)
  // keep the loop's 13 live values in registers.
  const int32_t w_step = int32_t(w1 - w0), c_step = int32_t(col1 - col0);
  const int8_t* w = w0;
  const int16_t* c = col0;
  const int8_t* const w_end = w0 + (k & ~3);
  while (w < w_end) {
    const uint32_t wa = load32(w), wb = load32(w + w_step);
    w += 4;
    const int32_t wa02 = __sxtb16(int32_t(wa)), wa13 = sxtb16_ror8(wa);
    const int32_t wb02 = __sxtb16(int32_t(wb)), wb13 = sxtb16_ror8(wb);
    int32_t xa = int32_t(load32(c)), xb = int32_t(load32(c + 2));
    a00 = __smlad(xa, wa02, a00);
    a00 = __smlad(xb, wa13, a00);
    a01 = __smlad(xa, wb02, a01);
    a01 = __smlad(xb, wb13, a01);
    xa = int32_t(load32(c + c_step));
    xb = int32_t(load32(c + c_step + 2));
    c += 4;
    a10 = __smlad(xa, wa02, a10);
    a10 = __smlad(xb, wa13, a10);
    a11 = __smlad(xa, wb02, a11);
    a11 = __smlad(xb, wb13, a11);
  }
  const int32_t rest = k & 3;
  if (rest) {
    const uint32_t wa = tail_word(w, rest), wb = tail_word(w + w_step, rest);
    const int32_t wa02 = __sxtb16(int32_t(wa)), wa13 = sxtb16_ror8(wa);
    const int32_t wb02 = __sxtb16(int32_t(wb)), wb13 = sxtb16_ror8(wb);
    const int32_t x0a = int32_t(load32(c)), x0b = int32_t(load32(c + 2));
    const int32_t x1a = int32_t(load32(c + c_step)), x1b = int32_t(load32(c + c_step + 2));
    a00 = __smlad(x0b, wa13, __smlad(x0a, wa02, a00));
    a01 = __smlad(x0b, wb13, __smlad(x0a, wb02, a01));
    a10 = __smlad(x1b, wa13, __smlad(x1a, wa02, a10));
    a11 = __smlad(x1b, wb13, __smlad(x1a, wb02, a11));
  }
  acc[0][0] = a00, acc[0][1] = a01, acc[1][0] = a10, acc[1][1] = a11;
}

int32_t dot_1x1(int32_t k, const int16_t* col, const int8_t* w, int32_t acc) {
  const int32_t full = k & ~3;
  int32_t i = 0;
  for (; i < full; i += 4) {
    const uint32_t wa = load32(w + i);
    acc = __smlad(int32_t(load32(col + i)), __sxtb16(int32_t(wa)), acc);
    acc = __smlad(int32_t(load32(col + i + 2)), sxtb16_ror8(wa), acc);
  }
  if (i < k) {
    const uint32_t wa = tail_word(w + i, k - i);
    acc = __smlad(int32_t(load32(col + i)), __sxtb16(int32_t(wa)), acc);
    acc = __smlad(int32_t(load32(col + i + 2)), sxtb16_ror8(wa), acc);
  }
  return acc;
}

void gemm_columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                  const Epilogue& e, int32_t out_base, int32_t plane, int32_t p0) {
  int32_t r = 0;
  if (np == 2) {
    for (; r + 2 <= mg; r += 2) {
      const int32_t ch = m0 + r;
      int32_t acc[2][2] = {{e.start(ch), e.start(ch + 1)}, {e.start(ch), e.start(ch + 1)}};
      dot_2x2(k, cols[0], cols[1], w + int32_t(r) * k, w + int32_t(r + 1) * k, acc);
      const int32_t at = out_base + int32_t(ch) * plane + p0;
      e.store(at, ch, acc[0][0]);
      e.store(at + 1, ch, acc[1][0]);
      e.store(at + plane, ch + 1, acc[0][1]);
      e.store(at + plane + 1, ch + 1, acc[1][1]);
    }
  }
  for (; r < mg; ++r) {
    const int32_t ch = m0 + r;
    for (int32_t p = 0; p < np; ++p) {
      e.store(out_base + int32_t(ch) * plane + p0 + p, ch, dot_1x1(k, cols[p], w + int32_t(r) * k, e.start(ch)));
    }
  }
}

namespace {

// The packed column of output pixel (oy, ox) over the group's channels at x: (x - zp), pad
// where the window lies in the padding (0; a folded op's, whose start holds - zp * sum w: zp
// 0 and pad its zero point); taps beyond k up to the next multiple of 4 are 0.
void pack_column(const ConvShape& g, const int8_t* x, int32_t cg, int32_t oy, int32_t ox, int32_t zp, int16_t pad,
                 int32_t k, int16_t* col) {
  // The shape in locals, read once (not through `g` inside the loops).
  const int32_t ih = g.ih, iw = g.iw, kh = g.kh, kw = g.kw, dh = g.dh, dw = g.dw;
  const int32_t plane = ih * iw;
  const int32_t c0 = ox * g.sw - g.pw, r0 = oy * g.sh - g.ph;
  const bool inside_w = c0 >= 0 && c0 + (kw - 1) * dw < iw;
  int16_t* t = col;
  const int8_t* xp = x;
  for (int32_t ci = 0; ci < cg; ++ci, xp += plane) {
    for (int32_t u = 0, r = r0; u < kh; ++u, r += dh) {
      if (r < 0 || r >= ih) {
        for (int32_t v = 0; v < kw; ++v) *t++ = pad;
        continue;
      }
      const int8_t* row = xp + r * iw + c0;
      if (inside_w) {
        for (int32_t v = 0; v < kw; ++v) *t++ = int16_t(int32_t(row[v * dw]) - zp);
      } else {
        for (int32_t v = 0; v < kw; ++v) {
          const int32_t c = c0 + v * dw;
          *t++ = c >= 0 && c < iw ? int16_t(int32_t(row[v * dw]) - zp) : pad;
        }
      }
    }
  }
  interleave_column(col, k);
}

}  // namespace

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const int32_t k = cg * g.kh * g.kw;
  // Two columns, word aligned (the dot products read them a word at a time).
  int16_t* const col0 = static_cast<int16_t*>(a.scratch);
  int16_t* cols[kColumnPixels] = {col0, col0 + int32_t(column_bytes(k) / 2)};
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t plane_in = int32_t(g.ih) * g.iw, plane = int32_t(g.oh) * g.ow;
  const int32_t pixels = g.oh * g.ow;
  const int32_t sub = e.sum_zp(in_zp);  // folded: x as it is, the padding in_zp
  const int16_t pad = int16_t(in_zp - sub);
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t gi = 0; gi < g.group; ++gi) {
      const int8_t* x = xd + (int32_t(b) * g.c + int32_t(gi) * cg) * plane_in;
      const int8_t* w = wd + int32_t(gi) * mg * k;
      const int32_t out_base = int32_t(b) * g.m * plane;
      for (int32_t p = 0; p < pixels; p += 2) {
        const int32_t np = pixels - p >= 2 ? 2 : 1;
        for (int32_t q = 0; q < np; ++q) pack_column(g, x, cg, (p + q) / g.ow, (p + q) % g.ow, sub, pad, k, cols[q]);
        gemm_columns(k, cols, np, w, mg, gi * mg, e, out_base, plane, p);
      }
    }
  }
  return Status::kOk;
}

}  // namespace arm_dsp
}  // namespace mote

// s8_conv2d__wasm_simd128: QConv with any kernel, stride, dilation, padding and group, as dot
// products of activation columns (one per output pixel, gathered kS8Cols at a time into a stack
// buffer, widened to int16: a "small im2col", padding filled with the zero point) against the
// weight rows, read in place ([M, C/g, kH, kW] is one contiguous row of taps per output
// channel). 4 pixels x 2 channels per pass, 8 taps a step (i16x8.load8x8_s for the weights,
// i32x4.dot_i16x8_s), then single taps.
// Also the shared pieces: the per-channel starts and the column dot products.
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

void s8_starts(int32_t k, const int8_t* w, int32_t mg, int32_t m0, int32_t zp, const Epilogue& e, int32_t* start) {
  for (int32_t r = 0; r < mg; ++r) {
    const int8_t* row = w + int64_t(r) * k;
    int32_t sum = 0;
    for (int32_t i = 0; i < k; ++i) sum += row[i];
    start[r] = e.start(m0 + r) - zp * sum;
  }
}

namespace {

// [sum of a, sum of b, sum of c, sum of d].
inline v128_t hsum4(v128_t a, v128_t b, v128_t c, v128_t d) {
  const v128_t ab = wasm_i32x4_add(wasm_i32x4_shuffle(a, b, 0, 1, 4, 5), wasm_i32x4_shuffle(a, b, 2, 3, 6, 7));
  const v128_t cd = wasm_i32x4_add(wasm_i32x4_shuffle(c, d, 0, 1, 4, 5), wasm_i32x4_shuffle(c, d, 2, 3, 6, 7));
  return wasm_i32x4_add(wasm_i32x4_shuffle(ab, cd, 0, 2, 4, 6), wasm_i32x4_shuffle(ab, cd, 1, 3, 5, 7));
}

inline v128_t dot(v128_t acc, v128_t x, v128_t w) { return wasm_i32x4_add(acc, wasm_i32x4_dot_i16x8(x, w)); }

}  // namespace

void s8_columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0) {
  // Fewer than kS8Cols pixels (the last block) or an odd last row repeat a column or row: the
  // same loop for every block, and only the real results are stored.
  const int16_t* c0 = cols[0];
  const int16_t* c1 = cols[np > 1 ? 1 : 0];
  const int16_t* c2 = cols[np > 2 ? 2 : 0];
  const int16_t* c3 = cols[np > 3 ? 3 : 0];
  for (int32_t r = 0; r < mg; r += 2) {
    const bool pair = r + 1 < mg;
    const int8_t* w0 = w + int64_t(r) * k;
    const int8_t* w1 = pair ? w0 + k : w0;
    v128_t a00 = wasm_i32x4_splat(0), a10 = a00, a20 = a00, a30 = a00;
    v128_t a01 = a00, a11 = a00, a21 = a00, a31 = a00;
    int32_t i = 0;
    for (; i + 8 <= k; i += 8) {
      const v128_t u0 = wasm_i16x8_load8x8(w0 + i), u1 = wasm_i16x8_load8x8(w1 + i);
      const v128_t x0 = wasm_v128_load(c0 + i), x1 = wasm_v128_load(c1 + i);
      const v128_t x2 = wasm_v128_load(c2 + i), x3 = wasm_v128_load(c3 + i);
      a00 = dot(a00, x0, u0);
      a01 = dot(a01, x0, u1);
      a10 = dot(a10, x1, u0);
      a11 = dot(a11, x1, u1);
      a20 = dot(a20, x2, u0);
      a21 = dot(a21, x2, u1);
      a30 = dot(a30, x3, u0);
      a31 = dot(a31, x3, u1);
    }
    // Lanes: the kS8Cols pixels, consecutive in the output plane.
    v128_t s0 = wasm_i32x4_add(hsum4(a00, a10, a20, a30), wasm_i32x4_splat(start[r]));
    v128_t s1 = wasm_i32x4_add(hsum4(a01, a11, a21, a31), wasm_i32x4_splat(pair ? start[r + 1] : 0));
    for (; i < k; ++i) {
      const v128_t x = wasm_i32x4_make(c0[i], c1[i], c2[i], c3[i]);
      s0 = wasm_i32x4_add(s0, wasm_i32x4_mul(x, wasm_i32x4_splat(w0[i])));
      s1 = wasm_i32x4_add(s1, wasm_i32x4_mul(x, wasm_i32x4_splat(w1[i])));
    }
    const int32_t ch = m0 + r;
    const int64_t at = out_base + int64_t(ch) * plane + p0;
    if (e.mult) {
      const Requant4 q0 = requant4_for(e, ch);
      store4(e, &q0, at, s0, np);
      if (pair) {
        const Requant4 q1 = requant4_for(e, ch + 1);
        store4(e, &q1, at + plane, s1, np);
      }
    } else {
      store4(e, nullptr, at, s0, np);
      if (pair) store4(e, nullptr, at + plane, s1, np);
    }
  }
}

namespace {

// The column of output pixel (oy, ox) over the group's channels at x, widened to int16, the zero
// point where the window lies in the padding.
void pack_column(const ConvShape& g, const int8_t* x, int32_t cg, int32_t oy, int32_t ox, int32_t zp, int16_t* col) {
  // The shape in locals: the stores below may alias anything as far as the compiler knows, so
  // fields read through `g` would be reloaded after every element.
  const int32_t ih = g.ih, iw = g.iw, kh = g.kh, kw = g.kw, dh = g.dh, dw = g.dw;
  const int64_t plane = int64_t(ih) * iw;
  const int32_t c0 = ox * g.sw - g.pw, r0 = oy * g.sh - g.ph;
  const bool inside_w = c0 >= 0 && c0 + (kw - 1) * dw < iw;
  const int16_t fill = int16_t(zp);
  int16_t* t = col;
  for (int32_t ci = 0; ci < cg; ++ci) {
    const int8_t* xp = x + ci * plane;
    for (int32_t u = 0; u < kh; ++u) {
      const int32_t r = r0 + u * dh;
      if (r < 0 || r >= ih) {
        for (int32_t v = 0; v < kw; ++v) *t++ = fill;
        continue;
      }
      const int8_t* row = xp + int64_t(r) * iw + c0;
      if (inside_w) {
        for (int32_t v = 0; v < kw; ++v) *t++ = row[v * dw];
      } else {
        for (int32_t v = 0; v < kw; ++v) {
          const int32_t c = c0 + v * dw;
          *t++ = c >= 0 && c < iw ? int16_t(row[v * dw]) : fill;
        }
      }
    }
  }
}

}  // namespace

Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int32_t cg = g.c / g.group, mg = g.m / g.group;
  const int32_t k = cg * g.kh * g.kw;
  if (k > kS8MaxTaps) return Status::kUnsupportedOp;
  int16_t buf[kS8Cols][kS8MaxTaps] __attribute__((aligned(16)));
  int32_t start[kS8MaxChannels];
  const int16_t* cols[kS8Cols] = {buf[0], buf[1], buf[2], buf[3]};
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  const int32_t pixels = g.oh * g.ow;
  // Output channels kS8MaxChannels at a time (the starts on the stack); more than that packs
  // the columns again for each chunk.
  for (int32_t gi = 0; gi < g.group; ++gi) {
    for (int32_t c0 = 0; c0 < mg; c0 += kS8MaxChannels) {
      const int32_t mc = mg - c0 < kS8MaxChannels ? mg - c0 : kS8MaxChannels;
      const int8_t* w = wd + (int64_t(gi) * mg + c0) * k;
      s8_starts(k, w, mc, gi * mg + c0, in_zp, e, start);
      for (int32_t b = 0; b < g.n; ++b) {
        const int8_t* x = xd + (int64_t(b) * g.c + int64_t(gi) * cg) * plane_in;
        const int64_t out_base = int64_t(b) * g.m * plane;
        for (int32_t p = 0; p < pixels; p += kS8Cols) {
          const int32_t np = pixels - p >= kS8Cols ? kS8Cols : pixels - p;
          for (int32_t q = 0; q < np; ++q) pack_column(g, x, cg, (p + q) / g.ow, (p + q) % g.ow, in_zp, buf[q]);
          s8_columns(k, cols, np, w, mc, gi * mg + c0, start, e, out_base, plane, p);
        }
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

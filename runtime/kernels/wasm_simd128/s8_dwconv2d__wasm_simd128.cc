// s8_dwconv2d__wasm_simd128: depthwise QConv (group == C == M). Where a run of output pixels has
// its whole window inside the input, lanes are 8 adjacent output pixels of one channel: for every
// tap, their 8 inputs widened to int16 (one i16x8.load8x8_s at stride 1; at stride 2 two 8-byte
// loads and a shuffle of the even bytes) times the tap's weight, widened into two int32 vectors
// (i32x4.extmul_*_i16x8_s); the zero point leaves the loop as - zp * sum w, and the 8 results
// are requantised together (Requant4). Other pixels (the border, rows with fewer than 8 inside
// outputs, other strides) take the reference's sum, skipping padded taps, and the scalar
// epilogue.
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

// Inputs px[0], px[SW], ..., px[7 * SW] as int16, reading nothing past px[7 * SW].
template <int SW>
inline v128_t load8_strided(const int8_t* px) {
  if (SW == 1) return wasm_i16x8_load8x8(px);
  // Bytes 0..7 and 7..14: the even ones of px[0..14] are lanes 0, 2, 4, 6 of the first and
  // 1, 3, 5, 7 of the second.
  const v128_t a = wasm_v128_load64_zero(px), b = wasm_v128_load64_zero(px + 7);
  return wasm_i16x8_extend_low_i8x16(wasm_i8x16_shuffle(a, b, 0, 2, 4, 6, 17, 19, 21, 23, 0, 0, 0, 0, 0, 0, 0, 0));
}

// One row's inside run [x_lo, x_hi) of output pixels, 8 at a time; returns where it stopped.
template <int SW>
int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi, int32_t inner,
                   const Epilogue& e, const Requant4* q, int64_t row_at) {
  int32_t ox = x_lo;
  // The last 8 of the inside run overlap the previous ones rather than go scalar (the
  // overlapped outputs are written twice, with the same values).
  for (; ox < x_hi && x_hi - x_lo >= 8; ox += 8) {
    if (ox + 8 > x_hi) ox = x_hi - 8;
    v128_t lo = wasm_i32x4_splat(inner), hi = lo;
    const int8_t* r0 = top + int64_t(ox) * SW;
    const int8_t* wt = w;
    for (int32_t u = 0; u < g.kh; ++u, r0 += int64_t(g.dh) * g.iw) {
      const int8_t* px = r0;
      for (int32_t v = 0; v < g.kw; ++v, px += g.dw) {
        const v128_t xv = load8_strided<SW>(px);
        const v128_t wv = wasm_i16x8_splat(*wt++);
        lo = wasm_i32x4_add(lo, wasm_i32x4_extmul_low_i16x8(xv, wv));
        hi = wasm_i32x4_add(hi, wasm_i32x4_extmul_high_i16x8(xv, wv));
      }
    }
    store4(e, q, row_at + ox, lo, 4);
    store4(e, q, row_at + ox + 4, hi, 4);
  }
  return ox > x_lo ? x_hi : x_lo;
}

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  const int8_t* xd = a.in[0].as<int8_t>();
  const int8_t* wd = a.in[1].as<int8_t>();
  const int32_t taps = g.kh * g.kw;
  const int64_t plane_in = int64_t(g.ih) * g.iw, plane = int64_t(g.oh) * g.ow;
  // Output columns whose window is inside horizontally: [x_lo, x_hi); rows likewise.
  const int32_t span_w = (g.kw - 1) * g.dw, span_h = (g.kh - 1) * g.dh;
  int32_t x_lo = (g.pw + g.sw - 1) / g.sw, x_hi = g.iw - span_w + g.pw <= 0 ? 0 : (g.iw - span_w + g.pw - 1) / g.sw + 1;
  int32_t y_lo = (g.ph + g.sh - 1) / g.sh, y_hi = g.ih - span_h + g.ph <= 0 ? 0 : (g.ih - span_h + g.ph - 1) / g.sh + 1;
  if (x_hi > g.ow) x_hi = g.ow;
  if (y_hi > g.oh) y_hi = g.oh;
  if (x_lo > x_hi) x_lo = x_hi;
  if (y_lo > y_hi) y_lo = y_hi;
  if (g.sw != 1 && g.sw != 2) x_hi = x_lo;  // the vector loads take strides 1 and 2
  for (int32_t b = 0; b < g.n; ++b) {
    for (int32_t ch = 0; ch < g.c; ++ch) {
      const int8_t* x = xd + (int64_t(b) * g.c + ch) * plane_in;
      const int8_t* w = wd + int64_t(ch) * taps;
      int32_t sum_w = 0;
      for (int32_t t = 0; t < taps; ++t) sum_w += w[t];
      const int32_t start = e.start(ch);
      const int32_t inner = start - in_zp * sum_w;
      const int64_t out_base = (int64_t(b) * g.m + ch) * plane;
      Requant4 requant;
      if (e.mult) requant = requant4_for(e, ch);
      const Requant4* q = e.mult ? &requant : nullptr;
      for (int32_t oy = 0; oy < g.oh; ++oy) {
        const int64_t row_at = out_base + int64_t(oy) * g.ow;
        int32_t ox = 0;
        if (oy >= y_lo && oy < y_hi) {
          for (; ox < x_lo; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
          // The input of output pixel 0 (it may lie in the padding; only inside pixels read it).
          const int8_t* top = x + int64_t(oy * g.sh - g.ph) * g.iw - g.pw;
          ox = g.sw == 1 ? inside_run<1>(g, top, w, x_lo, x_hi, inner, e, q, row_at)
                         : inside_run<2>(g, top, w, x_lo, x_hi, inner, e, q, row_at);
        }
        for (; ox < g.ow; ++ox) e.store(row_at + ox, ch, s8::border_pixel(g, x, w, oy, ox, in_zp, start));
      }
    }
  }
  return Status::kOk;
}

}  // namespace wasm_simd128
}  // namespace mote

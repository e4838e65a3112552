// s8_dwconv2d__wasm_simd128: depthwise QConv (group == C == M). Where a run of output pixels has
// its whole window inside the input, lanes are 8 adjacent output pixels of one channel: for every
// tap, their 8 inputs widened to int16 (one i16x8.load8x8_s at stride 1; at stride 2 two 8-byte
// loads and a shuffle of the even bytes) times the tap's weight, widened into two int32 vectors
// (i32x4.extmul_*_i16x8_s); the zero point leaves the loop as - zp * sum w, and the 8 results
// are requantised together (Requant4). Other pixels (the border, rows with fewer than 8 inside
// outputs, other strides) take the reference's sum in the driver (drivers/s8_dwconv2d.h),
// skipping padded taps, and the scalar epilogue.
#include "../drivers/s8_dwconv2d.h"
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
int32_t run8(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi, int32_t inner,
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

struct DwKernel {
  static constexpr bool kBanded = false;

  // One channel's vector requantisation (none for int32 output).
  struct Channel {
    Requant4 requant;
    bool requantised;
    Channel(const Epilogue& e, int32_t ch) : requant(), requantised(e.mult != nullptr) {
      if (requantised) requant = requant4_for(e, ch);
    }
    const Requant4* q() const { return requantised ? &requant : nullptr; }
  };

  static int32_t inside_run(const ConvShape& g, const int8_t* top, const int8_t* w, int32_t x_lo, int32_t x_hi,
                            int32_t inner, const Epilogue& e, const Channel& c, int64_t row_at) {
    if (g.sw == 1) return run8<1>(g, top, w, x_lo, x_hi, inner, e, c.q(), row_at);
    if (g.sw == 2) return run8<2>(g, top, w, x_lo, x_hi, inner, e, c.q(), row_at);
    return x_lo;  // the vector loads take strides 1 and 2
  }
};

}  // namespace

Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp) {
  return drivers::s8_dwconv2d<DwKernel>(a, g, e, in_zp);
}

}  // namespace wasm_simd128
}  // namespace mote

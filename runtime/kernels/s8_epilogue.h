// What the int8 kernel sets (NEON, Helium, Cortex-M DSP, x86) share: ref::requantize() in fewer
// instructions, and the epilogue that turns an int32 accumulator into the op's output (each set
// adds its own vector form of it). Bit for bit the reference
// (runtime/kernels/reference/quant.h); the kernel tests on every board check it.
#ifndef MOTE_KERNELS_S8_EPILOGUE_H
#define MOTE_KERNELS_S8_EPILOGUE_H

#include <stdint.h>

#include "conv_shape.h"
#include "mote/kernel.h"
#include "reference/quant.h"

namespace mote {
namespace s8 {

// ref::requantize() in fewer instructions, with the same result for every input it accepts
// (multiplier >= 0, shift in [-31, 30]): the saturating left shift compares against the limits
// instead of going through 64 bits; the doubling high multiply with ties toward +infinity is
// floor((a * b + 2^30) / 2^31) (the reference's truncating division with its nudge for negative
// products is the same floor), which cannot overflow while the multiplier is not INT32_MIN; the
// rounding right shift is the reference's, its mask in 32 bits.
inline int32_t requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  if (shift > 0) {
    const int32_t limit = INT32_MAX >> shift;
    acc = acc > limit ? INT32_MAX : (acc < -limit - 1 ? INT32_MIN : int32_t(uint32_t(acc) << shift));
  }
  const int32_t high = int32_t((int64_t(acc) * multiplier + (int64_t(1) << 30)) >> 31);
  if (shift >= 0) return high;
  const uint32_t mask = (uint32_t(1) << -shift) - 1u;  // exponent <= 31: fits 32 bits
  const uint32_t remainder = uint32_t(high) & mask;
  const uint32_t threshold = (mask >> 1) + (high < 0 ? 1u : 0u);
  return (high >> -shift) + (remainder > threshold ? 1 : 0);
}

// The epilogue of one op: bias, then requantisation and clamp (int8 out), or the raw int32
// accumulator (no multiplier: int32 out). Multipliers and shifts may be [1] (one for all).
// A folded op (the converter's start, input MOTE_QCONV_START) has it as `bias` and `folded`
// set: it holds bias - zp * sum w already, so a kernel starts each output channel from it and
// takes x * w over every tap (a tap in the padding holding the zero point), no weight sums.
struct Epilogue {
  const int32_t* bias;
  const int32_t* mult;
  const int32_t* shift;
  bool per_channel;
  bool folded;
  int32_t out_zp, lo, hi;
  void* y;

  int32_t start(int32_t ch) const { return bias ? bias[ch] : 0; }
  // The zero point whose - zp * sum w the starts still need: 0 when folded (the start holds it).
  int32_t sum_zp(int32_t zp) const { return folded ? 0 : zp; }
  int32_t mult_at(int32_t ch) const { return mult[per_channel ? ch : 0]; }
  int32_t shift_at(int32_t ch) const { return shift[per_channel ? ch : 0]; }
  void store(int64_t at, int32_t ch, int32_t acc) const {
    if (mult) {
      const int32_t v = requantize(acc, mult_at(ch), shift_at(ch)) + out_zp;
      static_cast<int8_t*>(y)[at] = int8_t(ref::clamp_i32(v, lo, hi));
    } else {
      static_cast<int32_t*>(y)[at] = acc;
    }
  }
};

// One depthwise output pixel whose window reaches into the padding, tap by tap (the kernels'
// vector loops take the interior): acc plus (x - zp) * w over the taps inside the input.
inline int32_t border_pixel(const ConvShape& g, const int8_t* x, const int8_t* w, int32_t oy, int32_t ox, int32_t zp,
                            int32_t acc) {
  for (int32_t u = 0; u < g.kh; ++u) {
    const int32_t r = oy * g.sh - g.ph + u * g.dh;
    if (r < 0 || r >= g.ih) continue;
    for (int32_t v = 0; v < g.kw; ++v) {
      const int32_t c = ox * g.sw - g.pw + v * g.dw;
      if (c < 0 || c >= g.iw) continue;
      acc += (int32_t(x[int64_t(r) * g.iw + c]) - zp) * int32_t(w[u * g.kw + v]);
    }
  }
  return acc;
}

// The epilogue of a QConv or QMatMul: bias at input 2, multipliers and shifts at 3 and 4.
inline Epilogue s8_epilogue(const OpArgs& a, int32_t out_zp, int32_t lo, int32_t hi) {
  auto present = [&](int32_t k) { return a.num_in > k && a.in[k].present(); };
  Epilogue e;
  e.folded = present(MOTE_QCONV_START);
  e.bias = e.folded ? a.in[MOTE_QCONV_START].as<int32_t>() : present(2) ? a.in[2].as<int32_t>() : nullptr;
  const bool requant = present(3);
  e.mult = requant ? a.in[3].as<int32_t>() : nullptr;
  e.shift = requant ? a.in[4].as<int32_t>() : nullptr;
  e.per_channel = requant && a.in[3].numel() != 1;
  e.out_zp = out_zp;
  e.lo = lo;
  e.hi = hi;
  e.y = a.out[0].data;
  return e;
}

}  // namespace s8
}  // namespace mote

#endif  // MOTE_KERNELS_S8_EPILOGUE_H

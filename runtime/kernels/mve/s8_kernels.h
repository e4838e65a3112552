// Helium int8 kernels (QConv 1x1, general and depthwise; QMatMul), next to the float set in
// kernels.h. Every integer they write must equal the reference's (kernels/reference/quant.cc);
// tests/qemu/kernels checks that on the board.
//
// The arithmetic: VMLADAVA.S8 multiplies 16 pairs of int8 lanes and adds all 16 products to a
// 32-bit accumulator (exact: nothing is held in 16 bits). It takes raw int8 activations, so the
// input zero point leaves the sum through sum (x - zp) * w = sum x * w - zp * sum w, with sum w
// per output channel computed once per call; taps in the padding are filled with the zero
// point itself, contributing (zp - zp) * w = 0 exactly as the reference skips them. Where lanes
// hold pixels instead (depthwise, QMatMul's columns), int8 values are widened to int32 lanes on
// load (VLDRB.S32) and multiplied by a scalar (VMLA.S32), 4 MACs an instruction.
// Requantisation is the reference's requantize() and clamp, per output value.
//
// Nothing takes scratch from the plan: buffers are on the stack (the M55 board has 32 KB).
#ifndef MOTE_KERNELS_MVE_S8_KERNELS_H
#define MOTE_KERNELS_MVE_S8_KERNELS_H

#include "../reference/quant.h"
#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace mve {

// requantize() and Epilogue: kernels/s8_epilogue.h, shared with the other Cortex-M int8 set.
using s8::Epilogue;
using s8::requantize;
// Four lanes of requantize() + out_zp + clamp, bit for bit (docs/quantization.md): the saturating
// left shift is VQSHL; VQRDMULH is (2ab + 2^31) >> 32, the reference's doubling high multiply with
// ties toward +infinity (it saturates only for INT32_MIN x INT32_MIN, and multipliers are >= 0);
// the rounding right shift VRSHL rounds ties up, so negative values first lose 1 (saturating)
// to round ties away from zero as rounding_divide_by_pot does.
inline int32x4_t requantize4(int32x4_t acc, int32x4_t mult, int32x4_t shift, int32_t out_zp, int32_t lo, int32_t hi) {
  const int32x4_t zero = vdupq_n_s32(0);
  const int32x4_t left = vmaxq_s32(shift, zero);
  const int32x4_t right = vminq_s32(shift, zero);  // -exponent
  int32x4_t v = vqrdmulhq_s32(vqshlq_s32(acc, left), mult);
  const int32x4_t fixup = vshrq_n_s32(vandq_s32(v, right), 31);
  v = vrshlq_s32(vqaddq_s32(v, fixup), right);
  v = vaddq_n_s32(v, out_zp);
  return vminq_s32(vmaxq_s32(v, vdupq_n_s32(lo)), vdupq_n_s32(hi));
}

using s8::s8_epilogue;

// Longest column (taps per output value) and most output channels per group the conv kernels take.
constexpr int32_t kS8MaxTaps = 1024;
constexpr int32_t kS8MaxChannels = 512;

// The columns of np (1 to 4) adjacent output pixels, k int8 taps each, against the mg weight rows
// of one group (row r: k int8 at w + r * k); start[r] is the channel's bias minus zp * sum w.
void s8_columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
// start[r] = e.start(m0 + r) - zp * sum of weight row r, for the mg rows of k taps at w.
void s8_starts(int32_t k, const int8_t* w, int32_t mg, int32_t m0, int32_t zp, const Epilogue& e, int32_t* start);

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul rows: Y[i, j] for A [rows, K] (a_zp) times B [K, N] (int8, zero point 0).
void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int64_t out_base);

}  // namespace mve
}  // namespace mote

#endif  // MOTE_KERNELS_MVE_S8_KERNELS_H

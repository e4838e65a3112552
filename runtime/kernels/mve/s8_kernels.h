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
// The loops around this vector code are the shared drivers (drivers/s8_conv2d.h,
// s8_dwconv2d.h, gemm.h); the columns, starts and bands live in the op's scratch.
#ifndef MOTE_KERNELS_MVE_S8_KERNELS_H
#define MOTE_KERNELS_MVE_S8_KERNELS_H

#include "../arm_requantize.h"
#include "../reference/quant.h"
#include "../s8_epilogue.h"
#include "kernels.h"

namespace mote {
namespace mve {

// requantize() and Epilogue: kernels/s8_epilogue.h, shared with the other Cortex-M int8 set.
using s8::Epilogue;
using s8::requantize;
// Four lanes of requantize() + out_zp + clamp (kernels/arm_requantize.h, shared with the NEON set),
// and one channel's multiplier and shift in vectors.
using arm_simd::ChannelRequant;
using arm_simd::requantize4;

using s8::s8_epilogue;

// The column kernels of the QConv drivers (drivers/s8_conv2d.h): int8 columns, 4 pixels a pass.
struct S8Kernel {
  using Col = int8_t;
  static constexpr drivers::S8ConvSpec kS8 = Tiles::kS8;
  // s8_conv2d__mve.cc: the columns against the weight rows (missing columns, np < 4, are
  // computed from column 0 and never stored), and the window rows of an inside pixel moved a
  // vector at a time.
  static void columns(int32_t k, const int8_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                      const int32_t* start, const Epilogue& e, int64_t out_base, int64_t plane, int32_t p0);
  static constexpr bool kRowCopy = true;
  static void pack_rows(const int8_t* x, int64_t plane, int32_t iw, int32_t ih, int32_t r0, int32_t dh, int32_t kh,
                        int32_t kw, int32_t cg, int32_t zp, int8_t* col);
  // s8_conv2d_1x1__mve.cc
  static void transpose(const int8_t* x, int64_t plane, int32_t p, int32_t np, int32_t cg, int8_t* buf, int32_t stride);
};

#include "../simd_s8_api.inc"

// Bytes moved 16 at a time (the last ones under a VCTP predicate): the NHWC kernels' staged
// columns and bands (drivers/s8_nhwc.h).
struct VectorBytes {
  static void copy(int8_t* d, const int8_t* s, int32_t n) {
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) vst1q_s8(d + i, vld1q_s8(s + i));
    if (i < n) {
      const mve_pred16_t live = vctp8q(uint32_t(n - i));
      vstrbq_p_s8(d + i, vldrbq_z_s8(s + i, live), live);
    }
  }
  static void fill(int8_t* d, int32_t v, int32_t n) {
    const int8x16_t value = vdupq_n_s8(int8_t(v));
    int32_t i = 0;
    for (; i + 16 <= n; i += 16) vst1q_s8(d + i, value);
    if (i < n) vstrbq_p_s8(d + i, value, vctp8q(uint32_t(n - i)));
  }
};

// NHWC QConv, group 1 and depthwise (drivers/s8_nhwc.h; s8_nhwc__mve.cc).
Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul with B [N, K] (MOTE_B_NK: a fully connected layer's weights, a row per output column):
// Y [rows, N] for A [rows, K] (a_zp).
Status s8_gemm_nk(const OpArgs& a, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B,
                  const Epilogue& e);

}  // namespace mve
}  // namespace mote

#endif  // MOTE_KERNELS_MVE_S8_KERNELS_H

// Arm DSP-extension kernels, int8 (MOTE_KERNEL_ISA=arm_dsp: ARMv7E-M, Cortex-M4 and Cortex-M7).
// dispatch.cc picks one by plain checks on the shapes; anything these do not cover runs on the
// reference kernels (kernels/reference/quant.cc), which are the specification: every integer
// these write must equal the reference's. tests/qemu/kernels checks that, on the boards.
//
// The arithmetic: SMLAD multiplies two pairs of signed 16-bit halves and adds both products to a
// 32-bit accumulator (two MACs per instruction; the accumulator wraps like the reference's int32
// sum, nothing saturates at 16 bits). Activations enter as (x - zero point), which fits int16
// (-255..255), so padding is a plain 0 and the zero point needs no correction term; weights are
// widened two at a time with SXTB16 (bytes 0 and 2, then bytes 1 and 3 after a rotate by 8), so
// activations are laid out in the same order: within every 4 taps, k0 k2 k1 k3.
// Requantisation is the reference's requantize() and clamp, per output value.
//
// Working memory (packed columns, the depthwise band) comes from the op's scratch in the arena
// plan, laid out as tiles.h says; frames stay small (tools/stack_report.sh holds every kernel
// frame to 512 bytes on the Cortex-M4). Nothing is declined for its size. Offsets are 32-bit
// (these cores address 4 GB; 64-bit index arithmetic would cost extra instructions in every
// loop).
#ifndef MOTE_KERNELS_ARM_DSP_KERNELS_H
#define MOTE_KERNELS_ARM_DSP_KERNELS_H

#include <arm_acle.h>
#include <stdint.h>

#include "../reference/common.h"
#include "../reference/quant.h"
#include "../conv_shape.h"
#include "../s8_epilogue.h"
#include "tiles.h"

#if !defined(__ARM_FEATURE_SIMD32)
#error "the arm_dsp kernels need the DSP extension (SMLAD, SXTB16: e.g. -mcpu=cortex-m4)"
#endif

namespace mote {
namespace arm_dsp {

// ConvShape and conv_shape(): kernels/conv_shape.h. requantize() and the epilogue:
// kernels/s8_epilogue.h, shared with the other Cortex-M int8 set.
using s8::requantize;

// The op's epilogue with the op's scratch beside it: the routing (simd_dispatch.h) hands
// s8_gemm no OpArgs, only the epilogue it built with s8_epilogue() (this one, in this set's
// namespace), and s8_gemm packs A's rows in the scratch.
struct Epilogue : s8::Epilogue {
  void* scratch;
};
inline Epilogue s8_epilogue(const OpArgs& a, int32_t out_zp, int32_t lo, int32_t hi) {
  Epilogue e;
  static_cast<s8::Epilogue&>(e) = s8::s8_epilogue(a, out_zp, lo, hi);
  e.scratch = a.scratch;
  return e;
}

inline uint32_t load32(const void* p) {  // unaligned word loads are fine on ARMv7E-M
  uint32_t v;
  __builtin_memcpy(&v, p, 4);  // inline: -ffreestanding makes plain memcpy a call
  return v;
}
inline void store32(void* p, uint32_t v) { __builtin_memcpy(p, &v, 4); }
inline uint32_t ror8(uint32_t v) { return (v >> 8) | (v << 24); }
// Bytes 1 and 3 sign-extended to halves: SXTB16 with its built-in rotate (GCC's __sxtb16 has no
// rotate operand, and would spend a separate ROR).
inline int32_t sxtb16_ror8(uint32_t v) {
  int32_t r;
  __asm__("sxtb16 %0, %1, ror #8" : "=r"(r) : "r"(v));
  return r;
}
// PKHBT / PKHTB: (lo's bottom half, hi's bottom half) and (lo's top half, hi's top half) as one
// word each (GCC builds these from plain masks and shifts in three instructions, not one).
inline int32_t pack_bottoms(int32_t lo, int32_t hi) {
  int32_t r;
  __asm__("pkhbt %0, %1, %2, lsl #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
inline int32_t pack_tops(int32_t lo, int32_t hi) {
  int32_t r;
  __asm__("pkhtb %0, %2, %1, asr #16" : "=r"(r) : "r"(lo), "r"(hi));
  return r;
}
// A column written in tap order, k int16 from col (word aligned), into the k0 k2 k1 k3 order the
// dot products read, zero-filled up to the next multiple of 4: two PKH per 4 taps, cheaper than
// storing each tap at its permuted place.
inline void interleave_column(int16_t* col, int32_t k) {
  for (int32_t i = k; i & 3; ++i) col[i] = 0;
  for (int32_t i = 0; i < k; i += 4) {
    const int32_t a = int32_t(load32(col + i)), b = int32_t(load32(col + i + 2));  // (x0, x1), (x2, x3)
    store32(col + i, uint32_t(pack_bottoms(a, b)));                                // (x0, x2)
    store32(col + i + 2, uint32_t(pack_tops(a, b)));                               // (x1, x3)
  }
}

// acc[p][r] += dot(column p, weight row r) for 2 columns (packed int16, kp = taps rounded up to
// 4, zero beyond k) and 2 weight rows of k int8 each.
void dot_2x2(int32_t k, const int16_t* col0, const int16_t* col1, const int8_t* w0, const int8_t* w1, int32_t acc[2][2]);
// One column against one weight row.
int32_t dot_1x1(int32_t k, const int16_t* col, const int8_t* w, int32_t acc);
// The columns of pixels [p0, p0 + np) (np <= 2) of one group against all of its mg weight rows.
void gemm_columns(int32_t k, const int16_t* const* cols, int32_t np, const int8_t* w, int32_t mg, int32_t m0,
                  const Epilogue& e, int32_t out_base, int32_t plane, int32_t p0);

Status s8_conv2d_1x1(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_conv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// NHWC QConv, group 1 and depthwise (drivers/s8_nhwc.h; s8_nhwc__arm_dsp.cc).
Status s8_conv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
Status s8_dwconv2d_nhwc(const OpArgs& a, const ConvShape& g, const Epilogue& e, int32_t in_zp);
// QMatMul with B [N, K] (MOTE_B_NK: a fully connected layer's weights, a row per output column):
// Y [rows, N] for A [rows, K] (a_zp), each row of A packed in the scratch (column_bytes(K)).
Status s8_gemm_nk(const OpArgs& a, int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B,
                  const Epilogue& e);
// QMatMul rows: Y[i, j] for A [rows, K] (a_zp) times B [K, N] (int8, zero point 0), A's row
// packed in e.scratch (gemm_pairs_bytes(K)).
void s8_gemm(int32_t rows, int32_t N, int32_t K, const int8_t* A, int32_t a_zp, const int8_t* B, const Epilogue& e,
             int32_t out_base);

}  // namespace arm_dsp
}  // namespace mote

#endif  // MOTE_KERNELS_ARM_DSP_KERNELS_H

// The Arm DSP kernel set (MOTE_KERNEL_ISA=arm_dsp: Cortex-M4, Cortex-M7): int8 QConv (1x1,
// general, depthwise) and QMatMul. One switch on the op code and plain checks on the shapes and
// parameters choose a variant; kUnsupportedOp, returned before anything is written, hands the op
// to the reference kernel. Parameters were verified at load (and by op_infer in the tests).
// A runtime built for given models (MOTE_OP_CONFIG) leaves out the families they do not use.
#include "kernels.h"

#ifdef MOTE_OP_CONFIG
#include MOTE_OP_CONFIG
#define MOTE_DSP_FAMILY(family) (MOTE_USE_FAMILY_##family != 0)
#else
#define MOTE_DSP_FAMILY(family) true
#endif

namespace mote {
namespace arm_dsp {
namespace {

// Weight zero points other than 0 (rare: the converter's weights are symmetric) stay with the
// reference; the kernels here multiply the weights as they are.
bool zero_points_zero(const OpArgs& a, int32_t k) {
  if (a.num_in <= k || !a.in[k].present()) return true;
  const TensorView& zp = a.in[k];
  if (!zp.data) return false;
  const int64_t n = zp.numel();
  for (int64_t i = 0; i < n; ++i) {
    if (zp.as<int32_t>()[i] != 0) return false;
  }
  return true;
}

Status qconv(const OpArgs& a) {
  if (!zero_points_zero(a, 5)) return Status::kUnsupportedOp;
  const mote_qconv_params& p = a.p<mote_qconv_params>();
  const ConvShape g = conv_shape(a);
  const Epilogue e = s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  if (g.group == g.c && g.m == g.c && g.group > 1) return s8_dwconv2d(a, g, e, p.in_zp);
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0) {
    const Status st = s8_conv2d_1x1(a, g, e, p.in_zp);
    if (st != Status::kUnsupportedOp) return st;  // too many channels for its buffer: the general one
  }
  return s8_conv2d(a, g, e, p.in_zp);
}

// QMatMul against one shared B (no batch, or batch dimensions all 1): all of A's rows in one
// product; or batch by batch when A and B carry the same batch dimensions. Other broadcasts go
// to the reference.
Status qmatmul(const OpArgs& a) {
  if (!zero_points_zero(a, 5)) return Status::kUnsupportedOp;
  const mote_qmatmul_params& p = a.p<mote_qmatmul_params>();
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const int32_t M = A.dims[A.rank - 2], K = A.dims[A.rank - 1], N = B.dims[B.rank - 1];
  if (K > kMaxGemmK) return Status::kUnsupportedOp;
  const Epilogue e = s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  int64_t b_batch = 1;
  for (int32_t d = 0; d < B.rank - 2; ++d) b_batch *= B.dims[d];
  if (b_batch == 1) {
    const int64_t rows = K ? A.numel() / K : int64_t(M);
    if (rows > 0x7FFFFFFF || a.out[0].numel() != rows * N) return Status::kUnsupportedOp;
    s8_gemm(int32_t(rows), N, K, A.as<int8_t>(), p.a_zp, B.as<int8_t>(), e, 0);
    return Status::kOk;
  }
  if (A.rank != B.rank) return Status::kUnsupportedOp;
  for (int32_t d = 0; d < A.rank - 2; ++d) {
    if (A.dims[d] != B.dims[d]) return Status::kUnsupportedOp;
  }
  for (int64_t b = 0; b < b_batch; ++b) {
    s8_gemm(M, N, K, A.as<int8_t>() + b * M * K, p.a_zp, B.as<int8_t>() + b * K * N, e, b * M * N);
  }
  return Status::kOk;
}

}  // namespace
}  // namespace arm_dsp

Status run_optimized(const OpArgs& a) {
  using namespace arm_dsp;
  switch (a.code) {
    case MOTE_OP_QCONV: return MOTE_DSP_FAMILY(qconv) ? qconv(a) : Status::kUnsupportedOp;
    case MOTE_OP_QMATMUL: return MOTE_DSP_FAMILY(qmatmul) ? qmatmul(a) : Status::kUnsupportedOp;
    default: return Status::kUnsupportedOp;
  }
}

}  // namespace mote

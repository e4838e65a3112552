// The routing shared by the Helium (mve), NEON, SIMD128, x86 and Arm DSP kernel sets: one switch on the op code
// and plain checks on the shapes choose a variant; kUnsupportedOp, returned before anything is
// written, hands the op to the reference kernel. Parameters were verified at load.
//
// Included once per kernel set (kernels/<isa>/dispatch.cc; once per x86 level), after that set's
// kernel declarations and with MOTE_SIMD_NS naming its namespace: the sets offer the same kernel
// functions (f32_conv2d_1x1, f32_conv2d, f32_dwconv2d, f32_gemm_nn/nt, the s8_* ones), so the
// decisions are written once. The entry point is mote::run_optimized unless MOTE_SIMD_ENTRY
// names another (the x86 levels each define one; kernels/x86/dispatch.cc picks among them). A
// runtime built for given models (MOTE_OP_CONFIG) leaves out the families they do not use.
// A set without float kernels defines MOTE_SIMD_NO_F32 (Arm DSP), one without int8 kernels
// MOTE_SIMD_NO_S8. The int8 shape decisions are simd_route.h's, which the sets' portable scratch
// functions share.
#ifndef MOTE_SIMD_NS
#error "define MOTE_SIMD_NS (the kernel set's namespace) before including simd_dispatch.h"
#endif

#include "simd_route.h"

#ifdef MOTE_OP_CONFIG
#include MOTE_OP_CONFIG
#define MOTE_SIMD_FAMILY(family) (MOTE_USE_FAMILY_##family != 0)
#else
#define MOTE_SIMD_FAMILY(family) true
#endif

namespace mote {
namespace MOTE_SIMD_NS {
namespace {

#ifndef MOTE_SIMD_NO_F32
Status conv(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32) return Status::kUnsupportedOp;
  const ConvShape g = conv_shape(a);
  // Every output channel reading its own input channel (one channel included) is depthwise.
  if (g.group == g.c && g.m == g.c) return f32_dwconv2d(a, g);
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0) {
    return f32_conv2d_1x1(a, g);
  }
  return f32_conv2d(a, g);
}

// Y = act(alpha * op(A) op(B) + beta * C): the product here, the epilogue as the reference has it.
Status gemm(const OpArgs& a) {
  const mote_gemm_params& p = a.p<mote_gemm_params>();
  if (p.trans_a) return Status::kUnsupportedOp;
  const TensorView& Y = a.out[0];
  const int32_t M = Y.dims[0], N = Y.dims[1], K = a.in[0].dims[1];
  const float* A = a.in[0].as<float>();
  const float* B = a.in[1].as<float>();
  float* y = Y.as<float>();
  const bool has_c = a.num_in == 3 && a.in[2].present();
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  if (p.trans_b) {
    f32_gemm_nt(M, N, K, A, K, B, K, y, N);
  } else {
    // The common Gemm (alpha 1, no C) takes its activation in the product's epilogue.
    const bool plain = p.alpha == 1.0f && !has_c;
    f32_gemm_nn(M, N, K, A, K, B, N, y, N, nullptr, plain ? p.act : none);
    if (plain) return Status::kOk;
  }
  int64_t cs[MOTE_MAX_RANK] = {0, 0};
  const float* c = nullptr;
  if (has_c) {
    ref::broadcast_strides(a.in[2], Y, cs);
    c = a.in[2].as<float>();
  }
  for (int32_t i = 0; i < M; ++i) {
    float* row = y + int64_t(i) * N;
    for (int32_t j = 0; j < N; ++j) {
      float v = p.alpha * row[j];
      if (c) v += p.beta * c[i * cs[0] + j * cs[1]];
      row[j] = ref::apply_act(p.act, v);
    }
  }
  return Status::kOk;
}

// MatMul against one shared matrix (B of rank <= 2: all of A's rows in one GEMM), or batch by
// batch when A and B carry the same batch dimensions. Other broadcasts go to the reference.
Status matmul(const OpArgs& a) {
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const int32_t M = A.rank > 1 ? A.dims[A.rank - 2] : 1;
  const int32_t K = A.dims[A.rank - 1];
  const int32_t N = B.rank > 1 ? B.dims[B.rank - 1] : 1;
  const mote_act& act = a.p<mote_matmul_params>().act;
  const float* pa = A.as<float>();
  const float* pb = B.as<float>();
  float* y = a.out[0].as<float>();
  if (B.rank <= 2) {
    const int64_t rows = A.numel() / (K ? K : 1);
    if (rows > 0x7FFFFFFF) return Status::kUnsupportedOp;
    f32_gemm_nn(int32_t(rows), N, K, pa, K, pb, N, y, N, nullptr, act);
    return Status::kOk;
  }
  if (A.rank != B.rank) return Status::kUnsupportedOp;
  int64_t batch = 1;
  for (int32_t d = 0; d < A.rank - 2; ++d) {
    if (A.dims[d] != B.dims[d]) return Status::kUnsupportedOp;
    batch *= A.dims[d];
  }
  for (int64_t b = 0; b < batch; ++b) {
    f32_gemm_nn(M, N, K, pa + b * M * K, K, pb + b * K * N, N, y + b * M * N, N, nullptr, act);
  }
  return Status::kOk;
}

#endif  // MOTE_SIMD_NO_F32

#ifndef MOTE_SIMD_NO_S8  // a set without int8 kernels yet leaves QConv/QMatMul to the reference
// Weight zero points other than 0 (rare: the converter's weights are symmetric) stay with the
// reference; the int8 kernels multiply the weights as they are.
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
  switch (qconv_kind(g)) {
    case QConvKind::kDepthwise: return s8_dwconv2d(a, g, e, p.in_zp);
    case QConvKind::kPointwise: {
      const Status st = s8_conv2d_1x1(a, g, e, p.in_zp);
      if (st != Status::kUnsupportedOp) return st;  // too many channels for its buffer: the general one
      break;
    }
    default: break;
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
  const QMatMulKind kind = qmatmul_kind(a);
  if (kind == QMatMulKind::kReference) return Status::kUnsupportedOp;
  const Epilogue e = s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  if (kind == QMatMulKind::kShared) {
    const int32_t rows = int32_t(K ? A.numel() / K : int64_t(M));
    s8_gemm(rows, N, K, A.as<int8_t>(), p.a_zp, B.as<int8_t>(), e, 0);
    return Status::kOk;
  }
  int64_t b_batch = 1;
  for (int32_t d = 0; d < B.rank - 2; ++d) b_batch *= B.dims[d];
  for (int64_t b = 0; b < b_batch; ++b) {
    s8_gemm(M, N, K, A.as<int8_t>() + b * M * K, p.a_zp, B.as<int8_t>() + b * K * N, e, b * M * N);
  }
  return Status::kOk;
}

#endif  // MOTE_SIMD_NO_S8

}  // namespace
}  // namespace MOTE_SIMD_NS

#ifndef MOTE_SIMD_ENTRY
#define MOTE_SIMD_ENTRY run_optimized
#endif

// A set may route further ops itself (element-wise and pooling ops): every op code the
// switch below does not take goes to MOTE_SIMD_EXTRA_ROUTES, a function of the set's namespace.
#ifdef MOTE_SIMD_EXTRA_ROUTES
namespace MOTE_SIMD_NS {
Status MOTE_SIMD_EXTRA_ROUTES(const OpArgs& a);
}
#endif

Status MOTE_SIMD_ENTRY(const OpArgs& a) {
  using namespace MOTE_SIMD_NS;
  switch (a.code) {
#ifndef MOTE_SIMD_NO_F32
    case MOTE_OP_CONV: return MOTE_SIMD_FAMILY(conv) ? conv(a) : Status::kUnsupportedOp;
    case MOTE_OP_GEMM: return MOTE_SIMD_FAMILY(gemm) ? gemm(a) : Status::kUnsupportedOp;
    case MOTE_OP_MATMUL: return MOTE_SIMD_FAMILY(matmul) ? matmul(a) : Status::kUnsupportedOp;
#endif
#ifndef MOTE_SIMD_NO_S8
    case MOTE_OP_QCONV: return MOTE_SIMD_FAMILY(qconv) ? qconv(a) : Status::kUnsupportedOp;
    case MOTE_OP_QMATMUL: return MOTE_SIMD_FAMILY(qmatmul) ? qmatmul(a) : Status::kUnsupportedOp;
#endif
#ifdef MOTE_SIMD_EXTRA_ROUTES
    default: return MOTE_SIMD_EXTRA_ROUTES(a);
#else
    default: return Status::kUnsupportedOp;
#endif
  }
}

}  // namespace mote

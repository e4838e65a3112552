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
// MOTE_SIMD_NO_S8. No set declines an op for its size: working memory is the op's scratch.
// The decisions themselves are kernels/simd_route.h, portable, so that the sets' scratch
// functions size the scratch of the kernel chosen here.
//
// A set whose f32_gemm_nn takes working memory defines MOTE_SIMD_SCRATCH and offers
// MOTE_SIMD_NS::Tiles::gemm_work_floats(M, N, K) (portable, kernels/<isa>/tiles.h): its
// f32_gemm_nn then takes a trailing `float* work` of that many floats, the op's scratch here
// (kernels/simd_conv2d.h places it after the im2col panel). Without it, f32_gemm_nn takes none.
#ifndef MOTE_SIMD_NS
#error "define MOTE_SIMD_NS (the kernel set's namespace) before including simd_dispatch.h"
#endif

#include "mote/op_config.h"

#include "simd_route.h"
// A set with element-wise and pooling kernels defines MOTE_SIMD_ELTWISE: every op code the
// entry's switch does not take goes through kernels/simd_eltwise_dispatch.h, which x86 shares.
#ifdef MOTE_SIMD_ELTWISE
#include "simd_eltwise_dispatch.h"
#endif
#ifdef MOTE_SIMD_SCRATCH
#include "drivers/conv_panel.h"
#endif

namespace mote {
namespace MOTE_SIMD_NS {
namespace {

#ifndef MOTE_SIMD_NO_F32
// C [M, N] = act(A [M, K] B [K, N]) through the set's f32_gemm_nn.
Status gemm_nn(const OpArgs& a, int32_t M, int32_t N, int32_t K, const float* A, const float* B, float* y,
               const mote_act& act) {
#ifdef MOTE_SIMD_SCRATCH
  if (!drivers::scratch_holds(a, drivers::gemm_work_layout<Tiles>(M, N, K))) return Status::kArenaTooSmall;
  f32_gemm_nn(M, N, K, A, K, B, N, y, N, nullptr, act, false, static_cast<float*>(a.scratch));
#else
  (void)a;
  f32_gemm_nn(M, N, K, A, K, B, N, y, N, nullptr, act);
#endif
  return Status::kOk;
}

Status conv(const OpArgs& a, const simd::Route& r) {
  switch (r.kernel) {
    case simd::Kernel::kConvDepthwise: return MOTE_KERNEL_ON(conv_depthwise) ? f32_dwconv2d(a, r.g) : Status::kUnsupportedOp;
    // (route_linked hands back the routes a build leaves out; these say so to the compiler too,
    // so that their kernels are not linked.)
    case simd::Kernel::kConvPointwise: return MOTE_KERNEL_ON(conv_pointwise) ? f32_conv2d_1x1(a, r.g) : Status::kUnsupportedOp;
    default: return MOTE_KERNEL_ON(conv_im2col) ? f32_conv2d(a, r.g) : Status::kUnsupportedOp;
  }
}

// Y = act(alpha * op(A) op(B) + beta * C): the product here, the epilogue as the reference has it.
Status gemm(const OpArgs& a, const simd::Route& r) {
  const mote_gemm_params& p = a.p<mote_gemm_params>();
  const TensorView& Y = a.out[0];
  const int32_t M = r.rows, N = r.N, K = r.K;
  const float* A = a.in[0].as<float>();
  const float* B = a.in[1].as<float>();
  float* y = Y.as<float>();
  const bool has_c = a.num_in == 3 && a.in[2].present();
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  if (r.kernel == simd::Kernel::kGemmNT) {
    if (!MOTE_KERNEL_ON(gemm_nt)) return Status::kUnsupportedOp;
    f32_gemm_nt(M, N, K, A, K, B, K, y, N);
  } else {
    if (!MOTE_KERNEL_ON(gemm_nn)) return Status::kUnsupportedOp;
    // The common Gemm (alpha 1, no C) takes its activation in the product's epilogue.
    const bool plain = p.alpha == 1.0f && !has_c;
    const Status st = gemm_nn(a, M, N, K, A, B, y, plain ? p.act : none);
    if (st != Status::kOk || plain) return st;
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

// MatMul against one shared matrix (all of A's rows in one GEMM), or batch by batch.
Status matmul(const OpArgs& a, const simd::Route& r) {
  const mote_act& act = a.p<mote_matmul_params>().act;
  const float* pa = a.in[0].as<float>();
  const float* pb = a.in[1].as<float>();
  float* y = a.out[0].as<float>();
  const int64_t M = r.rows, N = r.N, K = r.K;
  for (int64_t b = 0; b < r.calls; ++b) {
    const Status st = gemm_nn(a, r.rows, r.N, r.K, pa + b * M * K, pb + b * K * N, y + b * M * N, act);
    if (st != Status::kOk) return st;
  }
  return Status::kOk;
}

#endif  // MOTE_SIMD_NO_F32

#ifndef MOTE_SIMD_NO_S8  // a set without int8 kernels yet leaves QConv/QMatMul to the reference
Status qconv(const OpArgs& a, const simd::Route& r) {
  const mote_qconv_params& p = a.p<mote_qconv_params>();
  const Epilogue e = s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  // The depthwise kernels skip the padding taps (their border pixels): a folded start (which
  // `mote convert` writes for no depthwise QConv) stays with the reference.
  if (r.kernel == simd::Kernel::kQConvDepthwise) {
    return MOTE_KERNEL_ON(qconv_depthwise) && !e.folded ? s8_dwconv2d(a, r.g, e, p.in_zp) : Status::kUnsupportedOp;
  }
#ifdef MOTE_SIMD_NHWC
  if (r.kernel == simd::Kernel::kQConvNhwc) return s8_conv2d_nhwc(a, r.g, e, p.in_zp);
  if (r.kernel == simd::Kernel::kQConvNhwcDepthwise) {
    return MOTE_KERNEL_ON(qconv_depthwise) && !e.folded ? s8_dwconv2d_nhwc(a, r.g, e, p.in_zp) : Status::kUnsupportedOp;
  }
#endif
  if (r.kernel == simd::Kernel::kQConvPointwise) {
    const Status st = s8_conv2d_1x1(a, r.g, e, p.in_zp);
    if (st != Status::kUnsupportedOp) return st;  // a set's 1x1 kernel may decline: the general one
  }
  return s8_conv2d(a, r.g, e, p.in_zp);
}

// QMatMul against one shared B (no batch, or batch dimensions all 1): all of A's rows in one
// product; or batch by batch when A and B carry the same batch dimensions.
Status qmatmul(const OpArgs& a, const simd::Route& r) {
  const mote_qmatmul_params& p = a.p<mote_qmatmul_params>();
  const Epilogue e = s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  const int8_t* A = a.in[0].as<int8_t>();
  const int8_t* B = a.in[1].as<int8_t>();
  const int32_t a_zp = e.sum_zp(p.a_zp);  // A has no padding: folded, the products are a * b
#ifdef MOTE_SIMD_NHWC
  if (r.kernel == simd::Kernel::kQMatMulNk) return s8_gemm_nk(a, r.rows, r.N, r.K, A, a_zp, B, e);
#endif
  const int64_t M = r.rows, N = r.N, K = r.K;
  for (int64_t b = 0; b < r.calls; ++b) s8_gemm(r.rows, r.N, r.K, A + b * M * K, a_zp, B + b * K * N, e, b * M * N);
  return Status::kOk;
}

#endif  // MOTE_SIMD_NO_S8

}  // namespace
}  // namespace MOTE_SIMD_NS

#ifndef MOTE_SIMD_ENTRY
#define MOTE_SIMD_ENTRY run_optimized
#endif

Status MOTE_SIMD_ENTRY(const OpArgs& a) {
  using namespace MOTE_SIMD_NS;
#ifdef MOTE_SIMD_NO_F32
  constexpr bool kF32 = false;
#else
  constexpr bool kF32 = true;
#endif
#ifdef MOTE_SIMD_NO_S8
  constexpr bool kS8 = false;
#else
  constexpr bool kS8 = true;
#endif
#ifdef MOTE_SIMD_NHWC
  constexpr bool kNhwc = true;
#else
  constexpr bool kNhwc = false;
#endif
  simd::Route r = simd::route(a, simd::Features{kF32, kS8, kNhwc});
  if (!simd::route_linked(r)) r.kernel = simd::Kernel::kNone;  // left out of this build: handed back below
  switch (r.kernel) {
#ifndef MOTE_SIMD_NO_F32
    case simd::Kernel::kConvDepthwise:
    case simd::Kernel::kConvPointwise:
    case simd::Kernel::kConv: return MOTE_FAMILY_ON(conv) ? conv(a, r) : Status::kUnsupportedOp;
    case simd::Kernel::kGemmNN:
    case simd::Kernel::kGemmNT: return MOTE_FAMILY_ON(gemm) ? gemm(a, r) : Status::kUnsupportedOp;
    case simd::Kernel::kMatMul: return MOTE_FAMILY_ON(matmul) ? matmul(a, r) : Status::kUnsupportedOp;
#endif
#ifndef MOTE_SIMD_NO_S8
    case simd::Kernel::kQConvDepthwise:
    case simd::Kernel::kQConvPointwise:
    case simd::Kernel::kQConv:
    case simd::Kernel::kQConvNhwc:
    case simd::Kernel::kQConvNhwcDepthwise: return MOTE_FAMILY_ON(qconv) ? qconv(a, r) : Status::kUnsupportedOp;
    case simd::Kernel::kQMatMul:
    case simd::Kernel::kQMatMulNk: return MOTE_FAMILY_ON(qmatmul) ? qmatmul(a, r) : Status::kUnsupportedOp;
#endif
    default: break;
  }
  switch (a.code) {
    case MOTE_OP_CONV:
    case MOTE_OP_GEMM:
    case MOTE_OP_MATMUL:
    case MOTE_OP_QCONV:
    case MOTE_OP_QMATMUL: return Status::kUnsupportedOp;  // shapes the kernels do not take
#ifdef MOTE_SIMD_ELTWISE
    default: return eltwise_routes(a);
#else
    default: return Status::kUnsupportedOp;
#endif
  }
}

}  // namespace mote

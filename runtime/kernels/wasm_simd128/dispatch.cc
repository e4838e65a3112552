// The WebAssembly SIMD128 kernel set (MOTE_KERNEL_ISA=wasm_simd128): one switch on the op code
// and plain checks on the shapes choose a variant; kUnsupportedOp, returned before anything is
// written, hands the op to the reference kernel. Parameters were verified at load.
#include "kernels.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
namespace {

Status conv(const OpArgs& a) {
  if (a.in[0].dtype != MOTE_F32 || a.in[1].dtype != MOTE_F32) return Status::kUnsupportedOp;
  const ConvShape g = conv_shape(a);
  if (g.group == g.c && g.m == g.c) return f32_dwconv2d(a, g);
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0) {
    return f32_conv2d_1x1(a, g);
  }
  return f32_conv2d(a, g);
}

// Y = act(alpha * A B' + beta * C): the product here, the epilogue as the reference has it.
Status gemm(const OpArgs& a) {
  const mote_gemm_params& p = a.p<mote_gemm_params>();
  if (p.trans_a) return Status::kUnsupportedOp;
  const TensorView& Y = a.out[0];
  const int32_t M = Y.dims[0], N = Y.dims[1], K = a.in[0].dims[1];
  const float* A = a.in[0].as<float>();
  const float* B = a.in[1].as<float>();
  float* y = Y.as<float>();
  if (p.trans_b) {
    f32_gemm_nt(M, N, K, A, K, B, K, y, N);
  } else {
    f32_gemm_nn(M, N, K, A, K, B, N, y, N, nullptr, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f});
  }
  const bool has_c = a.num_in == 3 && a.in[2].present();
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
  const Epilogue e = s8::s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
  if (g.group == g.c && g.m == g.c && g.group > 1) return s8_dwconv2d(a, g, e, p.in_zp);
  if (g.kh == 1 && g.kw == 1 && g.sh == 1 && g.sw == 1 && g.oh == g.ih && g.ow == g.iw && g.ph == 0 && g.pw == 0) {
    return s8_conv2d_1x1(a, g, e, p.in_zp);
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
  const Epilogue e = s8::s8_epilogue(a, p.out_zp, p.act_min, p.act_max);
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
}  // namespace wasm_simd128

Status run_optimized(const OpArgs& a) {
  using namespace wasm_simd128;
  switch (a.code) {
    case MOTE_OP_CONV: return conv(a);
    case MOTE_OP_GEMM: return gemm(a);
    case MOTE_OP_MATMUL: return matmul(a);
    case MOTE_OP_QCONV: return qconv(a);
    case MOTE_OP_QMATMUL: return qmatmul(a);
    case MOTE_OP_MAX_POOL: return f32_maxpool2d(a);
    case MOTE_OP_GLOBAL_AVERAGE_POOL:
    case MOTE_OP_GLOBAL_MAX_POOL: return f32_global_pool(a);
    case MOTE_OP_ADD:
    case MOTE_OP_SUB:
    case MOTE_OP_MUL:
    case MOTE_OP_DIV:
    case MOTE_OP_MAX:
    case MOTE_OP_MIN:
    case MOTE_OP_PRELU: return f32_binary(a);
    case MOTE_OP_RELU:
    case MOTE_OP_LEAKY_RELU:
    case MOTE_OP_CLIP:
    case MOTE_OP_HARD_SIGMOID:
    case MOTE_OP_HARD_SWISH:
    case MOTE_OP_SIGMOID:
    case MOTE_OP_ABS:
    case MOTE_OP_NEG:
    case MOTE_OP_SQRT:
    case MOTE_OP_FLOOR:
    case MOTE_OP_CEIL: return f32_unary(a);
    default: return Status::kUnsupportedOp;
  }
}

}  // namespace mote

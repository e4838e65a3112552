// Reference kernels: Gemm and (batched, broadcasting) MatMul.
#include "common.h"
#include "mote/op_config.h"

namespace mote {
namespace ref {
namespace {

// C[m, n] = sum_k A[m, k] * B[k, n] with arbitrary element strides; C is overwritten. B is float
// or, for the int8-weight ops, int8 (each weight converted to float as it is read).
template <typename TB>
void matmul_f32(const float* A, idx_t a_rs, idx_t a_cs, const TB* B, idx_t b_rs, idx_t b_cs, float* C,
                int32_t M, int32_t N, int32_t K) {
  for (int32_t i = 0; i < M; ++i) {
    float* c = C + idx_t(i) * N;
    for (int32_t j = 0; j < N; ++j) c[j] = 0.0f;
    for (int32_t k = 0; k < K; ++k) {
      const float av = A[i * a_rs + k * a_cs];
      const TB* b = B + k * b_rs;
      if (b_cs == 1) {
        for (int32_t j = 0; j < N; ++j) c[j] += av * float(b[j]);
      } else {
        for (int32_t j = 0; j < N; ++j) c[j] += av * float(b[j * b_cs]);
      }
    }
  }
}

}  // namespace
}  // namespace ref

using namespace ref;

Status infer_gemm(const OpArgs& a, TensorView* out, uint32_t*) {
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_GEMM_W8;
  MOTE_TRY(check_op<mote_gemm_params>(a, 2, w8 ? 4 : 3));
  const mote_gemm_params& p = a.p<mote_gemm_params>();
  MOTE_TRY(check_act(a, p.act));
  MOTE_TRY(check_inputs(a, 0, 1, MOTE_F32, 2, 2));
  MOTE_TRY(check_inputs(a, 1, 1, w8 ? MOTE_I8 : MOTE_F32, 2, 2));
  if (w8 && p.trans_b) return fail(a.diag, Status::kBadParams, MOTE_T("GemmW8 takes B as [K, N]: trans_b must be 0"));
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const int32_t M = p.trans_a ? A.dims[1] : A.dims[0];
  const int32_t K = p.trans_a ? A.dims[0] : A.dims[1];
  const int32_t KB = p.trans_b ? B.dims[1] : B.dims[0];
  const int32_t N = p.trans_b ? B.dims[0] : B.dims[1];
  if (K != KB) return fail(a.diag, Status::kBadParams, MOTE_T("A %v and B %v do not multiply"), A.dims, 2, B.dims, 2);
  out->dtype = MOTE_F32;
  out->rank = 2;
  out->dims[0] = M;
  out->dims[1] = N;
  const int64_t columns[1] = {N};
  if (w8) MOTE_TRY(check_w8_scale(a, 3, 1, columns));
  if (a.num_in >= 3 && a.in[2].present()) {
    MOTE_TRY(check_inputs(a, 2, 1, MOTE_F32, 0, 2));
    // Unidirectional: each of C's axes, aligned right, is 1 or M (N).
    const TensorView& C = a.in[2];
    for (int32_t d = 0; d < C.rank; ++d) {
      const int32_t v = C.dims[d], want = out->dims[2 - C.rank + d];
      if (v != 1 && v != want) return fail(a.diag, Status::kBadParams, MOTE_T("C %v does not broadcast to [M, N] %v"), C.dims, C.rank, out->dims, 2);
    }
  }
  return Status::kOk;
}

Status run_gemm(const OpArgs& a) {
  const mote_gemm_params& p = a.p<mote_gemm_params>();
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const TensorView& Y = a.out[0];
  const int32_t M = Y.dims[0], N = Y.dims[1];
  const int32_t K = p.trans_a ? A.dims[0] : A.dims[1];
  const float* pa = A.as<float>();
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_GEMM_W8;  // B int8 [K, N], scaled per column after the sum
  const float* scale = w8 ? a.in[3].as<float>() : nullptr;
  float* y = Y.as<float>();
  // Element (i, k) of op(A) and (k, j) of op(B) through strides: one loop for both layouts
  // (GemmW8 has no trans_b).
  const idx_t a_rs = p.trans_a ? 1 : K, a_cs = p.trans_a ? M : 1;
  const idx_t b_rs = p.trans_b ? 1 : N, b_cs = p.trans_b ? K : 1;
  // C's strides over [M, N] (infer_gemm checked that it broadcasts): 0 along an axis it lacks or has as 1.
  idx_t cs[2] = {0, 0};
  const float* c = nullptr;
  if (a.num_in >= 3 && a.in[2].present()) {
    const TensorView& C = a.in[2];
    const int32_t cn = C.rank >= 1 ? C.dims[C.rank - 1] : 1, cm = C.rank == 2 ? C.dims[0] : 1;
    cs[0] = cm == 1 ? 0 : cn;
    cs[1] = cn == 1 ? 0 : 1;
    c = C.as<float>();
  }
  // Every output in one loop: output o is (o / N, o % N).
  for (idx_t o = 0; o < idx_t(M) * N; ++o) {
    const idx_t i = o / N, j = o % N;
    // The sum over k in order from 0.0f, as MatMul's rows sum it.
    float acc = 0.0f;
    for (int32_t k = 0; k < K; ++k) {
      const idx_t at = k * b_rs + j * b_cs;
      acc += pa[i * a_rs + k * a_cs] * (w8 ? float(B.as<int8_t>()[at]) : B.as<float>()[at]);
    }
    float v = p.alpha * (w8 ? acc * scale[j] : acc);
    if (c) v += p.beta * c[i * cs[0] + j * cs[1]];
    y[o] = apply_act(p.act, v);
  }
  return Status::kOk;
}

Status infer_matmul(const OpArgs& a, TensorView* out, uint32_t*) {
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_MATMUL_W8;
  MOTE_TRY(check_op<mote_matmul_params>(a, w8 ? 3 : 2, w8 ? 3 : 2));
  MOTE_TRY(check_act(a, a.p<mote_matmul_params>().act));
  MOTE_TRY(check_dtype(a, 0, MOTE_F32));
  MOTE_TRY(check_dtype(a, 1, w8 ? MOTE_I8 : MOTE_F32));
  MOTE_TRY(check_rank(a, 0, 1, MOTE_MAX_RANK));
  MOTE_TRY(check_rank(a, 1, w8 ? 2 : 1, w8 ? 2 : MOTE_MAX_RANK));
  if (w8) {  // MatMulW8: B int8 [K, N], one scale per column
    const int64_t columns[1] = {a.in[1].dims[1]};
    MOTE_TRY(check_w8_scale(a, 2, 1, columns));
  }
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const int32_t K = A.dims[A.rank - 1];
  const int32_t KB = B.rank == 1 ? B.dims[0] : B.dims[B.rank - 2];
  if (K != KB) {
    return Fail(a.diag, Status::kBadParams).s("A ").dims(A.dims, A.rank).s(" and B ").dims(B.dims, B.rank).s(" do not multiply");
  }
  TensorView ba{}, bb{};
  ba.rank = A.rank > 2 ? A.rank - 2 : 0;
  bb.rank = B.rank > 2 ? B.rank - 2 : 0;
  for (int32_t k = 0; k < ba.rank; ++k) ba.dims[k] = A.dims[k];
  for (int32_t k = 0; k < bb.rank; ++k) bb.dims[k] = B.dims[k];
  const TensorView* shapes[2] = {&ba, &bb};
  MOTE_TRY(broadcast_shapes(a, shapes, 2, out));
  if (A.rank > 1) out->dims[out->rank++] = A.dims[A.rank - 2];
  if (B.rank > 1) out->dims[out->rank++] = B.dims[B.rank - 1];
  out->dtype = MOTE_F32;
  return Status::kOk;
}

Status run_matmul(const OpArgs& a) {
  const TensorView& A = a.in[0];
  const TensorView& B = a.in[1];
  const TensorView& Y = a.out[0];
  const int32_t M = A.rank > 1 ? A.dims[A.rank - 2] : 1;
  const int32_t K = A.dims[A.rank - 1];
  const int32_t N = B.rank > 1 ? B.dims[B.rank - 1] : 1;
  // The batch dims: all but the matrix dims of each.
  const int32_t ra = A.rank > 2 ? A.rank - 2 : 0, rb = B.rank > 2 ? B.rank - 2 : 0;
  const int32_t ry = Y.rank - (A.rank > 1) - (B.rank > 1);
  const float* pa = A.as<float>();
  const bool w8 = MOTE_KERNEL_ON(int8_weights) && a.code == MOTE_OP_MATMUL_W8;  // B int8 [K, N], scaled per column after the sum
  const float* scale = w8 ? a.in[2].as<float>() : nullptr;
  float* y = Y.as<float>();
  const int64_t mk = int64_t(M) * K, kn = int64_t(K) * N, mn = int64_t(M) * N;
  const mote_act act = a.p<mote_matmul_params>().act;
  const int64_t batches = product(Y.dims, 0, ry);
  for (int64_t o = 0; o < batches; ++o) {
    float* c = y + o * mn;
    const float* a_o = pa + batch_matrix(Y.dims, ry, A.dims, ra, o) * mk;
    if (w8) {
      matmul_f32(a_o, K, 1, B.as<int8_t>(), N, 1, c, M, N, K);
      for (int64_t i = 0; i < mn; ++i) c[i] *= scale[i % N];
    } else {
      matmul_f32(a_o, K, 1, B.as<float>() + batch_matrix(Y.dims, ry, B.dims, rb, o) * kn, N, 1, c, M, N, K);
    }
    if (act.kind != MOTE_ACT_NONE) {
      for (int64_t i = 0; i < mn; ++i) c[i] = apply_act(act, c[i]);
    }
  }
  return Status::kOk;
}

}  // namespace mote

// Optimised float32 kernels against the reference kernels, on the board itself.
//
// For random Conv (plain, grouped, depthwise, 1x1, 1-D; strides, dilations, asymmetric padding,
// odd sizes, fused activations), Gemm (transposes, alpha/beta, every C broadcast) and MatMul
// (ranks 1-4, shared and batched B) cases, plus the kernel shapes of ANCHORS.md: the op's infer
// function checks the case, mote::run_optimized computes one output and the reference family
// function (runtime/src/families.h) another, both over outputs pre-filled with NaN.
//
// Tolerance: the optimised kernels sum the same products in another order (vector lanes, tiles,
// fused multiply-add), so each output must satisfy |opt - ref| <= 1e-5 * (1 + max|ref|) over
// the op's output. A case the optimised set declines (kUnsupportedOp) is still run, by the
// reference, and counted apart; the test fails if no case at all took an optimised kernel.
// Prints "N passed, M failed"; exits 1 on any failure.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "families.h"
#include "mote/kernel.h"

namespace mote {
Status run_optimized(const OpArgs& args);
}

namespace {

using mote::OpArgs;
using mote::Status;
using mote::TensorView;

constexpr int32_t kMaxFloats = 16 * 1024;
constexpr float kTolerance = 1e-5f;

float g_in[3][kMaxFloats] __attribute__((aligned(16)));
float g_opt[kMaxFloats] __attribute__((aligned(16)));
float g_ref[kMaxFloats] __attribute__((aligned(16)));
char g_diag_text[128];

uint32_t g_rng = 12345u;
uint32_t next() {
  g_rng = g_rng * 1664525u + 1013904223u;
  return g_rng >> 8;
}
int32_t pick(int32_t lo, int32_t hi) { return lo + int32_t(next() % uint32_t(hi - lo + 1)); }
float uniform() { return float(int32_t(next() & 0xFFFF) - 0x8000) / 32768.0f; }

int g_passed, g_failed, g_optimised, g_declined;

TensorView view(float* data, int32_t rank, const int32_t* dims) {
  TensorView v{data, MOTE_F32, rank, {0}};
  for (int32_t k = 0; k < rank; ++k) v.dims[k] = dims[k];
  return v;
}

mote_act random_act() {
  mote_act act{MOTE_ACT_NONE, 0.0f, 0.0f};
  switch (pick(0, 5)) {
    case 1: act.kind = MOTE_ACT_RELU; break;
    case 2: act = mote_act{MOTE_ACT_CLIP, -0.5f, 0.75f}; break;
    case 3: act = mote_act{MOTE_ACT_LEAKY_RELU, 0.1f, 0.0f}; break;
    default: break;
  }
  return act;
}

// Infers, runs both paths and compares. `what` names the case in failure messages.
void check(const char* what, int32_t code, const void* params, uint32_t params_size, TensorView* in, int32_t num_in,
           Status (*reference)(const OpArgs&)) {
  mote::Diag diag(g_diag_text, sizeof g_diag_text);
  OpArgs a{code, params, params_size, in, num_in, nullptr, 1, nullptr, 0, &diag};
  TensorView out{};
  uint32_t scratch = 0;
  if (mote::op_infer(a, &out, &scratch) != Status::kOk) return;  // not a valid case: drawn again
  const int64_t n = out.numel();
  if (n > kMaxFloats || scratch != 0) return;
  for (int32_t k = 0; k < num_in; ++k) {
    if (in[k].present() && in[k].numel() > kMaxFloats) return;
  }
  for (int64_t i = 0; i < n; ++i) g_opt[i] = g_ref[i] = __builtin_nanf("");
  TensorView yo = out, yr = out;
  yo.data = g_opt;
  yr.data = g_ref;
  a.out = &yr;
  if (reference(a) != Status::kOk) {
    printf("FAIL %s: the reference kernel failed\n", what);
    ++g_failed;
    return;
  }
  a.out = &yo;
  const Status st = mote::run_optimized(a);
  if (st == Status::kUnsupportedOp) {
    ++g_declined;
    ++g_passed;
    return;
  }
  if (st != Status::kOk) {
    printf("FAIL %s: the optimised kernel returned %d\n", what, int(st));
    ++g_failed;
    return;
  }
  ++g_optimised;
  float peak = 0.0f;
  for (int64_t i = 0; i < n; ++i) peak = fabsf(g_ref[i]) > peak ? fabsf(g_ref[i]) : peak;
  const float limit = kTolerance * (1.0f + peak);
  for (int64_t i = 0; i < n; ++i) {
    const float d = fabsf(g_opt[i] - g_ref[i]);
    if (!(d <= limit)) {
      printf("FAIL %s: output %ld: optimised %.9g, reference %.9g (limit %.3g)\n", what, long(i), double(g_opt[i]),
             double(g_ref[i]), double(limit));
      ++g_failed;
      return;
    }
  }
  ++g_passed;
}

void fill(float* p, int64_t n) {
  for (int64_t i = 0; i < n; ++i) p[i] = uniform();
}

// kind: 0 plain, 1 depthwise, 2 grouped, 3 1x1 stride 1 unpadded; rank1: a 1-D convolution.
void conv_case(int32_t n, int32_t c, int32_t m, int32_t ih, int32_t iw, int32_t kh, int32_t kw, int32_t sh, int32_t sw,
               int32_t dh, int32_t dw, const int32_t* pads, int32_t group, bool bias, bool rank1, mote_act act) {
  mote_conv_params p{};
  p.spatial_rank = rank1 ? 1 : 2;
  p.group = group;
  if (rank1) {
    p.kernel[0] = kw, p.stride[0] = sw, p.dilation[0] = dw, p.pad_begin[0] = pads[1], p.pad_end[0] = pads[3];
  } else {
    p.kernel[0] = kh, p.kernel[1] = kw, p.stride[0] = sh, p.stride[1] = sw, p.dilation[0] = dh, p.dilation[1] = dw;
    p.pad_begin[0] = pads[0], p.pad_begin[1] = pads[1], p.pad_end[0] = pads[2], p.pad_end[1] = pads[3];
  }
  p.act = act;
  const int32_t xd4[4] = {n, c, ih, iw}, xd3[3] = {n, c, iw};
  const int32_t wd4[4] = {m, c / group, kh, kw}, wd3[3] = {m, c / group, kw};
  const int32_t bd[1] = {m};
  TensorView in[3] = {rank1 ? view(g_in[0], 3, xd3) : view(g_in[0], 4, xd4),
                      rank1 ? view(g_in[1], 3, wd3) : view(g_in[1], 4, wd4), view(g_in[2], 1, bd)};
  if (in[0].numel() > kMaxFloats || in[1].numel() > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  fill(g_in[1], in[1].numel());
  fill(g_in[2], m);
  char what[128];
  snprintf(what, sizeof what, "Conv x[%ld,%ld,%ld,%ld] w[%ld,%ld,%ld,%ld] s%ld,%ld d%ld,%ld p%ld,%ld,%ld,%ld g%ld act%ld%s",
           long(n), long(c), long(ih), long(iw), long(m), long(c / group), long(kh), long(kw), long(sh), long(sw), long(dh),
           long(dw), long(pads[0]), long(pads[1]), long(pads[2]), long(pads[3]), long(group), long(act.kind),
           rank1 ? " 1-D" : "");
  check(what, MOTE_OP_CONV, &p, sizeof p, in, bias ? 3 : 2, mote::run_conv);
}

void random_conv() {
  const int32_t kind = pick(0, 3);
  int32_t group = 1, c = pick(1, 12), m = pick(1, 12);
  if (kind == 1) {
    c = m = group = pick(2, 12);
  } else if (kind == 2) {
    group = pick(2, 4);
    c = group * pick(1, 4);
    m = group * pick(1, 4);
  }
  const bool one = kind == 3;
  const int32_t kh = one ? 1 : pick(1, 5), kw = one ? 1 : pick(1, 5);
  const int32_t sh = one ? 1 : pick(1, 3), sw = one ? 1 : pick(1, 3);
  const int32_t dh = one || pick(0, 3) ? 1 : 2, dw = one || pick(0, 3) ? 1 : 2;
  int32_t pads[4] = {0, 0, 0, 0};
  if (!one) {
    for (int32_t& q : pads) q = pick(0, 2);
  }
  conv_case(pick(1, 2), c, m, pick(1, 19), pick(1, 19), kh, kw, sh, sw, dh, dw, pads, group, pick(0, 1) == 1,
            !one && pick(0, 7) == 0, random_act());
}

void gemm_case(int32_t M, int32_t N, int32_t K, bool ta, bool tb, float alpha, float beta, int32_t c_kind, mote_act act) {
  mote_gemm_params p{alpha, beta, ta, tb, act};
  const int32_t ad[2] = {ta ? K : M, ta ? M : K}, bd[2] = {tb ? N : K, tb ? K : N};
  int32_t cd[2] = {M, N};
  int32_t c_rank = 2;
  switch (c_kind) {
    case 1: cd[0] = N, c_rank = 1; break;   // [N]
    case 2: cd[0] = 1, c_rank = 1; break;   // [1]
    case 3: c_rank = 0; break;              // scalar
    case 4: cd[1] = 1; break;               // [M, 1]
    default: break;                          // [M, N]
  }
  TensorView in[3] = {view(g_in[0], 2, ad), view(g_in[1], 2, bd), view(g_in[2], c_rank, cd)};
  fill(g_in[0], in[0].numel());
  fill(g_in[1], in[1].numel());
  fill(g_in[2], in[2].numel());
  char what[96];
  snprintf(what, sizeof what, "Gemm M%ld N%ld K%ld ta%d tb%d alpha%g beta%g C%ld act%ld", long(M), long(N), long(K), ta, tb,
           double(alpha), double(beta), long(c_kind), long(act.kind));
  check(what, MOTE_OP_GEMM, &p, sizeof p, in, c_kind >= 0 ? 3 : 2, mote::run_gemm);
}

void random_gemm() {
  const bool plain = pick(0, 1);
  gemm_case(pick(1, 40), pick(1, 40), pick(1, 40), pick(0, 4) == 0, pick(0, 1), plain ? 1.0f : 0.5f,
            plain ? 1.0f : -1.5f, plain ? -1 : pick(0, 4), random_act());
}

void random_matmul() {
  const int32_t ra = pick(1, 4), rb = pick(1, 4);
  const int32_t M = pick(1, 12), K = pick(1, 24), N = pick(1, 12);
  int32_t ad[4], bd[4];
  const bool same_batch = pick(0, 2) != 0;
  for (int32_t k = 0; k < 4; ++k) ad[k] = bd[k] = pick(1, 3);
  if (!same_batch) bd[0] = 1;
  ad[ra - 1] = K;
  if (ra > 1) ad[ra - 2] = M;
  if (rb == 1) {
    bd[0] = K;
  } else {
    bd[rb - 1] = N;
    bd[rb - 2] = K;
  }
  if (ra > 2 && rb > 2 && same_batch) {
    for (int32_t k = 0; k < ra - 2 && k < rb - 2; ++k) bd[k] = ad[k];
  }
  mote_matmul_params p{random_act()};
  TensorView in[2] = {view(g_in[0], ra, ad), view(g_in[1], rb, bd)};
  if (in[0].numel() > kMaxFloats || in[1].numel() > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  fill(g_in[1], in[1].numel());
  char what[96];
  snprintf(what, sizeof what, "MatMul A rank %ld (M%ld K%ld) B rank %ld (N%ld)", long(ra), long(M), long(K), long(rb), long(N));
  check(what, MOTE_OP_MATMUL, &p, sizeof p, in, 2, mote::run_matmul);
}

}  // namespace

int main() {
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  const int32_t pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0};
  // The shapes of ANCHORS.md.
  conv_case(1, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 1, true, false, none);
  conv_case(1, 32, 32, 16, 16, 1, 1, 1, 1, 1, 1, pad0, 1, true, false, none);
  conv_case(1, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 32, true, false, none);
  gemm_case(1, 64, 256, false, false, 1.0f, 1.0f, 1, none);
  gemm_case(1, 64, 256, false, true, 1.0f, 1.0f, 1, none);
  const int checked = g_passed + g_failed;
  for (int k = 0; k < 200; ++k) random_conv();
  for (int k = 0; k < 100; ++k) random_gemm();
  for (int k = 0; k < 100; ++k) random_matmul();
  const int total = g_passed + g_failed;
  printf("kernels: %d cases (%d fixed, %d random that passed infer), %d on an optimised kernel, %d declined to the reference\n",
         total, checked, total - checked, g_optimised, g_declined);
  if (g_optimised == 0) {
    printf("FAIL no case ran on an optimised kernel\n");
    ++g_failed;
  }
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}

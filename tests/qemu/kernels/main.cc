// Optimised float32 and int8 kernels against the reference kernels, on the board itself.
//
// For random Conv (plain, grouped, depthwise, 1x1, 1-D; strides, dilations, asymmetric padding,
// odd sizes, fused activations), Gemm (transposes, alpha/beta, every C broadcast) and MatMul
// (ranks 1-4, shared and batched B) cases, plus the kernel shapes of docs/benchmarks.md: the op's infer
// function checks the case, mote::run_optimized computes one output and the reference family
// function (runtime/internal/mote/kernel.h) another, both over outputs pre-filled with NaN.
//
// Tolerance: the optimised kernels sum the same products in another order (vector lanes, tiles,
// fused multiply-add), so each output must satisfy |opt - ref| <= 1e-5 * (1 + max|ref|) over
// the op's output. A case the optimised set declines (kUnsupportedOp) is still run, by the
// reference, and counted apart; the test fails if no case at all took an optimised kernel.
//
// int8 (QConv: plain, grouped, depthwise, 1x1, 1-D, NCHW and NHWC; QMatMul: ranks 2-4, shared and batched B,
// and B [N, K]):
// random shapes with odd sizes, zero points at -128 and 127, multipliers near 2^31, at 2^30 and
// tiny, shifts -31..6, bias, int32 outputs (no multiplier), [1] and per-channel multipliers,
// clamps, weight zero points: outputs must be byte for byte EQUAL to the reference's.
// Float cases are left out where the set has no float kernels (MOTE_TEST_FLOAT=0: arm_dsp).
// Prints "N passed, M failed"; exits 1 on any failure.
//
// Built for the host too (tests/CMakeLists.txt, MOTE_TEST_HOST_X86): there it runs every case
// once per x86 level the CPU supports (kernels/x86/cpu.h), with larger buffers and a further set
// of larger random shapes and the layer shapes of the benchmark models (MOTE_TEST_LARGE), so
// register-tile edges and panel splits along k are crossed too.
//
// Scratch: each case gets exactly the scratch its plan would hold (the reference's and this set's
// kernel_set_scratch_bytes, the larger), followed by a canary that must survive. Last, every
// Conv and Gemm layer shape of the seven torchvision models (torchvision_layers.inc) runs float
// and int8, and there a case declined to the reference is a FAILURE: no kernel may give up for
// want of a buffer.
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "mote/kernel.h"
#include "mote/winograd.h"

#ifndef MOTE_TEST_FLOAT
#define MOTE_TEST_FLOAT 1
#endif

namespace mote {
Status run_optimized(const OpArgs& args);
}

namespace {

using mote::OpArgs;
using mote::Status;
using mote::TensorView;

#ifndef MOTE_TEST_MAX_FLOATS
#define MOTE_TEST_MAX_FLOATS (16 * 1024)
#endif
#ifndef MOTE_TEST_MAX_CHANNELS
#define MOTE_TEST_MAX_CHANNELS 256
#endif
constexpr int32_t kMaxFloats = MOTE_TEST_MAX_FLOATS;
constexpr float kTolerance = 1e-5f;

constexpr int32_t kMaxBytes = MOTE_TEST_MAX_FLOATS;
constexpr int32_t kMaxChannels = MOTE_TEST_MAX_CHANNELS;

// The float and the int8 cases share one pool (the M55's data memory is 512 KB).
union Pool {
  struct {
    float in[3][kMaxFloats];
    float opt[kMaxFloats];
    float ref[kMaxFloats];
  } f;
  struct {
    int8_t in[2][kMaxBytes];
    int32_t vec[4][kMaxChannels];  // bias, multiplier, shift, weight zero point
    int32_t opt[kMaxBytes];
    int32_t ref[kMaxBytes];
  } q;
};
Pool g_pool __attribute__((aligned(16)));
float (&g_in)[3][kMaxFloats] = g_pool.f.in;
float (&g_opt)[kMaxFloats] = g_pool.f.opt;
float (&g_ref)[kMaxFloats] = g_pool.f.ref;
char g_diag_text[128];

uint32_t g_rng = 12345u;
uint32_t next() {
  g_rng = g_rng * 1664525u + 1013904223u;
  return g_rng >> 8;
}
int32_t pick(int32_t lo, int32_t hi) { return lo + int32_t(next() % uint32_t(hi - lo + 1)); }
float uniform() { return float(int32_t(next() & 0xFFFF) - 0x8000) / 32768.0f; }

int g_passed, g_failed, g_optimised, g_declined;

// Scratch: every case gets exactly what the plan would give it, the larger of the reference's
// (infer) and this kernel set's (mote::kernel_set_scratch_bytes), then a canary that must stay.
#ifndef MOTE_TEST_MAX_SCRATCH
#define MOTE_TEST_MAX_SCRATCH (64 * 1024)
#endif
constexpr uint32_t kMaxScratch = MOTE_TEST_MAX_SCRATCH;
constexpr uint32_t kCanary = 64;
uint8_t g_scratch[kMaxScratch + kCanary] __attribute__((aligned(16)));
int g_scratch_skipped;  // random cases whose scratch outgrew the test's buffer
// While set (the torchvision layer shapes), a case the optimised set declines is a failure: the
// same blob must run the optimised kernels on every board, whatever the layer's size.
bool g_strict;

// Gives `a` its planned scratch (with `out` as its output); false if it does not fit here.
bool give_scratch(OpArgs& a, TensorView* out, uint32_t reference_scratch, const char* what) {
  a.out = out;
  uint32_t need = mote::kernel_set_scratch_bytes(a);
  if (reference_scratch > need) need = reference_scratch;
  if (need > kMaxScratch) {
    if (g_strict) {
      printf("FAIL %s: needs %lu scratch bytes, the test holds %lu\n", what, (unsigned long)need, (unsigned long)kMaxScratch);
      ++g_failed;
    } else {
      ++g_scratch_skipped;
    }
    return false;
  }
  a.scratch = g_scratch;
  a.scratch_bytes = need;
  memset(g_scratch, 0xEE, need);
  memset(g_scratch + need, 0xCD, kCanary);
  return true;
}

// The bytes past the op's scratch are untouched.
bool canary_intact(const OpArgs& a, const char* what) {
  for (uint32_t i = 0; i < kCanary; ++i) {
    if (g_scratch[a.scratch_bytes + i] != 0xCD) {
      printf("FAIL %s: wrote past its %lu scratch bytes\n", what, (unsigned long)a.scratch_bytes);
      ++g_failed;
      return false;
    }
  }
  return true;
}

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

// The reference into yr, then the optimised kernel into yo: true when both ran (there is a pair
// to compare); a failure or a declined case is counted here.
bool run_both(OpArgs& a, const char* what, Status (*reference)(const OpArgs&), TensorView* yr, TensorView* yo) {
  a.out = yr;
  if (reference(a) != Status::kOk) {
    printf("FAIL %s: the reference kernel failed\n", what);
    ++g_failed;
    return false;
  }
  a.out = yo;
  memset(g_scratch, 0xEE, a.scratch_bytes);
  const Status st = mote::run_optimized(a);
  if (!canary_intact(a, what)) return false;
  if (st == Status::kUnsupportedOp) {
    ++g_declined;
    if (g_strict) {
      printf("FAIL %s: declined to the reference\n", what);
      ++g_failed;
      return false;
    }
    ++g_passed;
    return false;
  }
  if (st != Status::kOk) {
    printf("FAIL %s: the optimised kernel returned %d\n", what, int(st));
    ++g_failed;
    return false;
  }
  ++g_optimised;
  return true;
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
  if (n > kMaxFloats) return;
  for (int32_t k = 0; k < num_in; ++k) {
    if (in[k].present() && in[k].numel() > kMaxFloats) return;
  }
  if (!give_scratch(a, &out, scratch, what)) return;
  for (int64_t i = 0; i < n; ++i) g_opt[i] = g_ref[i] = __builtin_nanf("");
  TensorView yo = out, yr = out;
  yo.data = g_opt;
  yr.data = g_ref;
  if (!run_both(a, what, reference, &yr, &yo)) return;
  float peak = 0.0f;
  for (int64_t i = 0; i < n; ++i) peak = fabsf(g_ref[i]) > peak ? fabsf(g_ref[i]) : peak;
  const float limit = kTolerance * (1.0f + peak);
  for (int64_t i = 0; i < n; ++i) {
    const float d = fabsf(g_opt[i] - g_ref[i]);
    if (g_ref[i] != g_ref[i] && g_opt[i] != g_opt[i]) continue;  // NaN where the reference has NaN
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
  char what[256];
  snprintf(what, sizeof what, "Conv x[%ld,%ld,%ld,%ld] w[%ld,%ld,%ld,%ld] s%ld,%ld d%ld,%ld p%ld,%ld,%ld,%ld g%ld act%ld%s",
           long(n), long(c), long(ih), long(iw), long(m), long(c / group), long(kh), long(kw), long(sh), long(sw), long(dh),
           long(dw), long(pads[0]), long(pads[1]), long(pads[2]), long(pads[3]), long(group), long(act.kind),
           rank1 ? " 1-D" : "");
  check(what, MOTE_OP_CONV, &p, sizeof p, in, bias ? 3 : 2, mote::run_conv);
}

// ConvW8: the conv_case shapes with int8 weights (every code) and a positive scale per output
// channel; x86 runs it on its float convolutions, block by block of dequantised weights.
void conv_w8_case(int32_t n, int32_t c, int32_t m, int32_t ih, int32_t iw, int32_t k, int32_t s, int32_t pad, int32_t group,
                  bool bias, mote_act act) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = group, p.act = act;
  for (int32_t d = 0; d < 2; ++d) p.kernel[d] = k, p.stride[d] = s, p.dilation[d] = 1, p.pad_begin[d] = p.pad_end[d] = pad;
  const int32_t xd[4] = {n, c, ih, iw}, bd[1] = {m};
  TensorView in[4] = {view(g_in[0], 4, xd), TensorView{g_in[1], MOTE_I8, 4, {m, c / group, k, k}}, view(g_in[2], 1, bd),
                      view(g_in[2] + m, 1, bd)};
  if (in[0].numel() > kMaxFloats || in[1].numel() > kMaxFloats || 2 * m > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  int8_t* q = reinterpret_cast<int8_t*>(g_in[1]);
  for (int64_t i = 0; i < in[1].numel(); ++i) q[i] = int8_t(pick(-128, 127));
  for (int32_t j = 0; j < m; ++j) g_in[2][j] = uniform(), g_in[2][m + j] = (1.0f + 7.0f * fabsf(uniform())) / 1024.0f;
  if (!bias) in[2] = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  char what[160];
  snprintf(what, sizeof what, "ConvW8 x[%ld,%ld,%ld,%ld] m%ld k%ld s%ld p%ld g%ld bias%d act%ld", long(n), long(c), long(ih),
           long(iw), long(m), long(k), long(s), long(pad), long(group), bias, long(act.kind));
  check(what, MOTE_OP_CONV_W8, &p, sizeof p, in, 4, mote::run_conv);
}

void random_conv_w8() {
  const bool dw = pick(0, 2) == 0;
  const int32_t c = pick(1, 40), m = dw ? c : pick(1, 90), k = pick(0, 1) ? 1 : 3;
  conv_w8_case(pick(1, 2), c, m, pick(1, 17), pick(1, 17), k, pick(1, 2), k == 3 ? pick(0, 1) : 0, dw ? c : 1, pick(0, 1) == 1,
               random_act());
}

// ConvWinograd: random transformed weights W [16, M, C] (F(2x2, 3x3)) or [36, M, C] (F(4x4, 3x3))
// (the kernels take any, not only the transform of a 3x3 kernel), every padding, odd maps
// (partial tiles), one and two images.
__attribute__((noinline)) void winograd_case(int32_t n, int32_t c, int32_t m, int32_t ih, int32_t iw, const int32_t* pads,
                                             bool bias, mote_act act, int32_t points = 16) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = 1, p.act = act;
  for (int32_t d = 0; d < 2; ++d) {
    p.kernel[d] = 3, p.stride[d] = 1, p.dilation[d] = 1, p.pad_begin[d] = pads[d], p.pad_end[d] = pads[2 + d];
  }
  const int32_t xd[4] = {n, c, ih, iw}, wd[3] = {points, m, c}, bd[1] = {m};
  TensorView in[3] = {view(g_in[0], 4, xd), view(g_in[1], 3, wd), view(g_in[2], 1, bd)};
  if (in[0].numel() > kMaxFloats || in[1].numel() > kMaxFloats || m > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  if (points == 36) {
    // F(4x4, 3x3) weights transformed from random 3x3 kernels: its output transform's
    // coefficients (up to 8 along each axis) make arbitrary W's sums 64 times larger than the
    // Conv's, beyond what a clipped output's tolerance measures.
    const int64_t mc = int64_t(m) * c;
    float* w = in[1].as<float>();
    for (int64_t k = 0; k < mc; ++k) {
      float g[9], u[36];
      fill(g, 9);
      mote::winograd::f4::weights(g, u);
      for (int64_t e = 0; e < 36; ++e) w[e * mc + k] = u[e];
    }
  } else {
    fill(g_in[1], in[1].numel());
  }
  fill(g_in[2], m);
  if (!bias) in[2] = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  char what[256];
  snprintf(what, sizeof what, "ConvWinograd%ld x[%ld,%ld,%ld,%ld] m%ld pads %ld,%ld,%ld,%ld bias%d act%ld", long(points), long(n),
           long(c), long(ih), long(iw), long(m), long(pads[0]), long(pads[1]), long(pads[2]), long(pads[3]), bias,
           long(act.kind));
  check(what, MOTE_OP_CONV_WINOGRAD, &p, sizeof p, in, 3, mote::run_conv);
}

void random_winograd(int32_t points = 16) {
  int32_t pads[4];
  for (int32_t& q : pads) q = pick(0, 2);
  const int32_t n = pick(1, 2), c = pick(1, 40), m = pick(1, 70), ih = pick(1, 40), iw = pick(1, 40);
  const bool bias = pick(0, 1) == 1;
  mote_act act = random_act();
  // F(4x4, 3x3) rounds in proportion to its sums before the activation (its input transform's
  // coefficients reach 25 per tile element): a clip to [-0.5, 0.75] would measure that against
  // an output peak ten times smaller than the sums. Its clip bounds only the negative side.
  if (points == 36 && act.kind == MOTE_ACT_CLIP) act = mote_act{MOTE_ACT_CLIP, -0.5f, 1000.0f};
  winograd_case(n, c, m, ih, iw, pads, bias, act, points);
}

// ConvExpandDepthwise: X [n, c, ih, iw], W1 [e, c, 1, 1], B1, W2 [e, 1, k, k], B2 (the vectors and
// W2 share one input buffer), bands of `band` output rows: every padding, stride 1 and 2, 3x3 and
// 5x5, odd maps, bands of one row to more than the output has.
void expand_dw_case(int32_t n, int32_t c, int32_t e, int32_t ih, int32_t iw, int32_t k, int32_t s, const int32_t* pads,
                    int32_t band, mote_act act1, mote_act act2, int32_t expand_op = 0) {
  mote_expand_dw_params p{};
  p.dw.spatial_rank = 2, p.dw.group = e, p.dw.act = act2;
  for (int32_t d = 0; d < 2; ++d) {
    p.dw.kernel[d] = k, p.dw.stride[d] = s, p.dw.dilation[d] = 1, p.dw.pad_begin[d] = pads[d], p.dw.pad_end[d] = pads[2 + d];
  }
  p.expand_act = act1;
  p.expand_op = expand_op;
  p.band_rows = band;
  const int32_t xd[4] = {n, c, ih, iw}, w1d[4] = {e, c, 1, 1}, bd[1] = {e}, w2d[4] = {e, 1, k, k};
  TensorView in[5] = {view(g_in[0], 4, xd), view(g_in[1], 4, w1d), view(g_in[2], 1, bd), view(g_in[2] + 2 * e, 4, w2d),
                      view(g_in[2] + e, 1, bd)};
  if (in[0].numel() > kMaxFloats || in[1].numel() > kMaxFloats || int64_t(e) * (2 + k * k) > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  fill(g_in[1], in[1].numel());
  fill(g_in[2], int64_t(e) * (2 + k * k));
  char what[256];
  snprintf(what, sizeof what, "ConvExpandDepthwise x[%ld,%ld,%ld,%ld] e%ld k%ld s%ld pads %ld,%ld,%ld,%ld band %ld acts %ld,%ld op %ld",
           long(n), long(c), long(ih), long(iw), long(e), long(k), long(s), long(pads[0]), long(pads[1]), long(pads[2]),
           long(pads[3]), long(band), long(act1.kind), long(act2.kind), long(expand_op));
  check(what, MOTE_OP_CONV_EXPAND_DW, &p, sizeof p, in, 5, mote::run_expand_dw);
}

void random_expand_dw() {
  const int32_t k = pick(0, 1) ? 5 : 3, s = pick(1, 2);
  int32_t pads[4];
  for (int32_t& q : pads) q = pick(0, k / 2 + 1);
  // Half the maps wide enough for the depthwise row bands at every level (14 outputs a row).
  const int32_t iw = pick(0, 1) ? pick(14 * s, 14 * s + 30) : pick(k, k + 15);
  const int32_t bands[5] = {1, 3, 4, 8, 200};
  const int32_t ops[3] = {0, MOTE_OP_SILU, MOTE_OP_HARD_SWISH};
  expand_dw_case(pick(1, 2), pick(1, 24), pick(1, 48), pick(k, k + 30), iw, k, s, pads, bands[pick(0, 4)], random_act(),
                 random_act(), ops[pick(0, 2)]);
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
  char what[192];
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

// GemmW8 (B int8 [K, N], C [N] or none, alpha/beta, activations) and MatMulW8 (A of rank 1 to 3
// against one B [K, N]): int8 weights over every code, a positive scale per column up to 1/128,
// so the dequantised weights lie in [-1, 1] as the float cases' do (the tolerance is relative to
// the output, which a fused Clip bounds).
void w8_case(bool matmul, int32_t M, int32_t N, int32_t K, float alpha, float beta, bool with_c, mote_act act) {
  int8_t* bq = reinterpret_cast<int8_t*>(g_in[1]);
  float* c = g_in[2];
  float* scale = g_in[2] + N;
  if (int64_t(K) * N > kMaxFloats || 2 * N > kMaxFloats || int64_t(M) * K > kMaxFloats) return;
  for (int64_t i = 0; i < int64_t(K) * N; ++i) bq[i] = int8_t(pick(-128, 127));
  for (int32_t j = 0; j < N; ++j) c[j] = uniform(), scale[j] = (1.0f + 7.0f * fabsf(uniform())) / 1024.0f;
  fill(g_in[0], int64_t(M) * K);
  const int32_t cd[1] = {N};
  TensorView b{bq, MOTE_I8, 2, {K, N}};
  char what[128];
  if (matmul) {
    const int32_t ra = M % 3 + 1;  // rank 1 (M = 1 row), 2 or 3 ([2, M / 2, K] when M is even)
    int32_t ad[3] = {M, K, 0};
    int32_t rank = ra == 1 ? 1 : 2;
    if (ra == 1) ad[0] = K, M = 1;
    if (ra == 3 && M % 2 == 0) ad[0] = 2, ad[1] = M / 2, ad[2] = K, rank = 3;
    mote_matmul_params p{act};
    TensorView in[3] = {view(g_in[0], rank, ad), b, view(scale, 1, cd)};
    snprintf(what, sizeof what, "MatMulW8 A rank %ld M%ld N%ld K%ld act%ld", long(rank), long(M), long(N), long(K), long(act.kind));
    check(what, MOTE_OP_MATMUL_W8, &p, sizeof p, in, 3, mote::run_matmul);
  } else {
    mote_gemm_params p{alpha, beta, 0, 0, act};
    const int32_t ad[2] = {M, K};
    TensorView none{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
    TensorView in[4] = {view(g_in[0], 2, ad), b, with_c ? view(c, 1, cd) : none, view(scale, 1, cd)};
    snprintf(what, sizeof what, "GemmW8 M%ld N%ld K%ld alpha%g beta%g C%d act%ld", long(M), long(N), long(K), double(alpha),
             double(beta), with_c, long(act.kind));
    check(what, MOTE_OP_GEMM_W8, &p, sizeof p, in, 4, mote::run_gemm);
  }
}

void random_w8() {
  const bool plain = pick(0, 1);
  w8_case(pick(0, 1) == 1, pick(1, 40), pick(1, 70), pick(1, 80), plain ? 1.0f : 0.5f, plain ? 1.0f : -1.5f, pick(0, 1) == 1,
          random_act());
}

// Element-wise and pooling cases: the ops models run at full tensor size (Sigmoid of SiLU,
// HardSwish, Clip, the broadcast Add/Mul of residuals and squeeze-and-excite), MaxPool with
// ceil-mode windows and the global pools. Sets without such kernels decline them.
void random_unary() {
  static const int32_t codes[] = {MOTE_OP_RELU, MOTE_OP_LEAKY_RELU, MOTE_OP_CLIP, MOTE_OP_HARD_SIGMOID,
                                  MOTE_OP_HARD_SWISH, MOTE_OP_SIGMOID, MOTE_OP_ABS, MOTE_OP_NEG,
                                  MOTE_OP_SQRT, MOTE_OP_FLOOR, MOTE_OP_CEIL, MOTE_OP_SILU};
  const int32_t code = codes[pick(0, 11)];
  mote_unary_params p{};
  p.alpha = code == MOTE_OP_CLIP ? -0.5f : (code == MOTE_OP_HARD_SIGMOID ? 0.2f : 0.1f);
  p.beta = code == MOTE_OP_CLIP ? 0.75f : 0.5f;
  const int32_t dims[3] = {pick(1, 3), pick(1, 40), pick(1, 40)};
  TensorView in[1] = {view(g_in[0], 3, dims)};
  const int64_t n = in[0].numel();
  for (int64_t i = 0; i < n; ++i) {
    g_in[0][i] = 12.0f * uniform();
    if (code == MOTE_OP_SQRT) g_in[0][i] = fabsf(g_in[0][i]);
    if (code == MOTE_OP_SILU && i % 5 == 0) g_in[0][i] *= 10.0f;  // past the exponential's range too
  }
  char what[192];
  snprintf(what, sizeof what, "%s [%ld,%ld,%ld]", mote::op_name(code), long(dims[0]), long(dims[1]), long(dims[2]));
  check(what, code, &p, sizeof p, in, 1, mote::run_unary);
}

void random_binary() {
  static const int32_t codes[] = {MOTE_OP_ADD, MOTE_OP_SUB, MOTE_OP_MUL, MOTE_OP_DIV, MOTE_OP_MAX, MOTE_OP_MIN, MOTE_OP_PRELU};
  const int32_t code = codes[pick(0, 6)];
  mote_binary_params p{};
  if (code != MOTE_OP_PRELU && code != MOTE_OP_MAX && code != MOTE_OP_MIN) p.act = random_act();
  const int32_t n = pick(1, 2), c = pick(1, 24), h = pick(1, 20), w = pick(1, 20);
  const int32_t xd[4] = {n, c, h, w};
  int32_t yd[4] = {n, c, h, w};
  switch (code == MOTE_OP_PRELU ? pick(1, 2) : pick(0, 3)) {
    case 1: yd[0] = 1, yd[2] = 1, yd[3] = 1; break;  // per channel
    case 2: yd[0] = yd[1] = yd[2] = yd[3] = 1; break;  // one value
    case 3: yd[1] = 1; break;                         // across channels
    default: break;                                   // same shape
  }
  TensorView in[2] = {view(g_in[0], 4, xd), view(g_in[1], 4, yd)};
  if (in[0].numel() > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  fill(g_in[1], in[1].numel());
  if (code == MOTE_OP_DIV) {  // no divisor near 0, whichever input divides
    for (int k = 0; k < 2; ++k) {
      for (int64_t i = 0; i < in[k].numel(); ++i) g_in[k][i] = g_in[k][i] >= 0.0f ? g_in[k][i] + 0.25f : g_in[k][i] - 0.25f;
    }
  }
  const bool swap = code != MOTE_OP_PRELU && pick(0, 1);  // the broadcast input first, too
  if (swap) {
    TensorView t = in[0];
    in[0] = in[1];
    in[1] = t;
  }
  char what[192];
  snprintf(what, sizeof what, "%s [%ld,%ld,%ld,%ld] and [%ld,%ld,%ld,%ld]%s act%ld", mote::op_name(code), long(xd[0]),
           long(xd[1]), long(xd[2]), long(xd[3]), long(yd[0]), long(yd[1]), long(yd[2]), long(yd[3]),
           swap ? " swapped" : "", long(p.act.kind));
  check(what, code, &p, sizeof p, in, 2, mote::run_binary);
}

void random_pool() {
  const bool global = pick(0, 3) == 0;
  const int32_t n = pick(1, 2), c = pick(1, 8), h = pick(1, 30), w = pick(1, 30);
  const int32_t xd[4] = {n, c, h, w};
  TensorView in[1] = {view(g_in[0], 4, xd)};
  fill(g_in[0], in[0].numel());
  if (pick(0, 9) == 0) g_in[0][pick(0, int32_t(in[0].numel()) - 1)] = __builtin_nanf("");
  char what[192];
  mote_pool_params p{};
  if (global) {
    const int32_t code = pick(0, 1) ? MOTE_OP_GLOBAL_AVERAGE_POOL : MOTE_OP_GLOBAL_MAX_POOL;
    snprintf(what, sizeof what, "%s [%ld,%ld,%ld,%ld]", mote::op_name(code), long(n), long(c), long(h), long(w));
    check(what, code, &p, sizeof p, in, 1, mote::run_global_pool);
    return;
  }
  p.spatial_rank = 2;
  for (int d = 0; d < 2; ++d) {
    p.kernel[d] = pick(1, 3);
    p.stride[d] = pick(1, 2);
    p.dilation[d] = 1;
    p.pad_begin[d] = pick(0, p.kernel[d] - 1);
    p.pad_end[d] = pick(0, p.kernel[d] - 1);
  }
  p.ceil_mode = pick(0, 1);
  snprintf(what, sizeof what, "MaxPool [%ld,%ld,%ld,%ld] k%ld,%ld s%ld,%ld p%ld,%ld,%ld,%ld ceil%ld", long(n), long(c), long(h),
           long(w), long(p.kernel[0]), long(p.kernel[1]), long(p.stride[0]), long(p.stride[1]), long(p.pad_begin[0]),
           long(p.pad_begin[1]), long(p.pad_end[0]), long(p.pad_end[1]), long(p.ceil_mode));
  check(what, MOTE_OP_MAX_POOL, &p, sizeof p, in, 1, mote::run_pool);
}

// A ReduceMean case: [n,c,h,w] of ranks 1 to 4 (runs from 1 to 2,500 values), mostly over the
// trailing axes (the spatial mean, which the optimised kernels take), else any, kept or not.
struct ReduceCase {
  int32_t rank;
  int32_t d[4];
  mote_reduce_params p;
  char what[128];
};

ReduceCase draw_reduce(const char* name) {
  ReduceCase r{};
  r.rank = pick(1, 4);
  for (int32_t i = 0; i < r.rank; ++i) r.d[i] = i + 2 >= r.rank ? pick(1, 50) : pick(1, 12);
  const int32_t first = pick(0, r.rank - 1);
  r.p.axes_mask = pick(0, 3) ? ((1u << r.rank) - 1u) & ~((1u << first) - 1u) : uint32_t(pick(1, (1 << r.rank) - 1));
  r.p.keepdims = pick(0, 1);
  snprintf(r.what, sizeof r.what, "%s rank %ld [%ld,...] axes 0x%lx keep %ld", name, long(r.rank), long(r.d[0]),
           long(r.p.axes_mask), long(r.p.keepdims));
  return r;
}

// float ReduceMean (MnasNet's spatial mean); the axes the optimised kernels do not take are
// declined to the reference.
void random_reduce_mean() {
  ReduceCase r = draw_reduce("ReduceMean");
  TensorView in[1] = {view(g_in[0], r.rank, r.d)};
  if (in[0].numel() > kMaxFloats) return;  // a board's buffers hold fewer values than the host's
  fill(g_in[0], in[0].numel());
  check(r.what, MOTE_OP_REDUCE_MEAN, &r.p, sizeof r.p, in, 1, mote::run_reduce);
}

// ---- int8 ------------------------------------------------------------------------------------

int8_t (&g_q)[2][kMaxBytes] = g_pool.q.in;
int32_t (&g_vec)[4][kMaxChannels] = g_pool.q.vec;
int32_t (&g_qopt)[kMaxBytes] = g_pool.q.opt;
int32_t (&g_qref)[kMaxBytes] = g_pool.q.ref;
int g_q_optimised;

int32_t pick_zp() {
  switch (pick(0, 3)) {
    case 0: return -128;
    case 1: return 127;
    case 2: return 0;
    default: return pick(-128, 127);
  }
}

int32_t pick_mult() {
  switch (pick(0, 4)) {
    case 0: return MOTE_MAX_MULTIPLIER;               // the largest allowed
    case 1: return 0x40000000;                        // the smallest normalised
    case 2: return pick(0, 1000);                     // tiny (and 0)
    default: return 0x40000000 + int32_t(next() & 0x3FFFFFFF) % (MOTE_MAX_MULTIPLIER - 0x40000000 + 1);
  }
}

int32_t pick_bias() {
  switch (pick(0, 3)) {
    case 0: return 0;
    case 1: return pick(-(1 << 27), 1 << 27);
    default: return pick(-40000, 40000);
  }
}

// Per-channel vectors: bias, multipliers/shifts (count 1 or `channels`), weight zero points.
struct QVecs {
  bool bias, requant, wzp;
  int32_t count;  // of multipliers/shifts/zero points
};

QVecs fill_vectors(int32_t channels) {
  QVecs v;
  v.bias = pick(0, 3) != 0;
  v.requant = pick(0, 7) != 0;
  v.count = pick(0, 4) == 0 ? 1 : channels;
  // Weight zero points: mostly absent, sometimes present and all 0, rarely not 0.
  const int32_t z = pick(0, 9);
  v.wzp = z >= 7;
  const int32_t shift_kind = pick(0, 2);
  for (int32_t k = 0; k < channels; ++k) {
    g_vec[0][k] = pick_bias();
    g_vec[1][k] = pick_mult();
    g_vec[2][k] = shift_kind == 0 ? pick(-31, 6) : (shift_kind == 1 ? pick(-12, -4) : pick(-31, -20));
    g_vec[3][k] = z == 9 ? pick(-3, 3) : 0;
  }
  return v;
}

void fill_i8(int8_t* p, int64_t n) {
  const int32_t kind = pick(0, 5);
  for (int64_t i = 0; i < n; ++i) {
    // Now and then all extremes, to push the sums to their largest magnitudes.
    p[i] = kind == 0 ? int8_t(pick(0, 1) ? 127 : -128) : int8_t(next() & 0xFF);
  }
}

// Infers, runs both paths over outputs pre-filled with different bytes and compares EXACTLY.
void check_q(const char* what, int32_t code, const void* params, uint32_t params_size, TensorView* in, int32_t num_in,
             Status (*reference)(const OpArgs&)) {
  mote::Diag diag(g_diag_text, sizeof g_diag_text);
  OpArgs a{code, params, params_size, in, num_in, nullptr, 1, nullptr, 0, &diag};
  TensorView out{};
  uint32_t scratch = 0;
  if (mote::op_infer(a, &out, &scratch) != Status::kOk) {
    return;  // not a valid case: drawn again
  }
  const int64_t n = out.numel();
  const int64_t bytes = n * (out.dtype == MOTE_I32 ? 4 : 1);
  if (bytes > int64_t(sizeof g_qopt)) return;
  if (!give_scratch(a, &out, scratch, what)) return;
  memset(g_qopt, 0x5A, size_t(bytes));
  memset(g_qref, 0xA5, size_t(bytes));
  TensorView yo = out, yr = out;
  yo.data = g_qopt;
  yr.data = g_qref;
  if (!run_both(a, what, reference, &yr, &yo)) return;
  ++g_q_optimised;
  const uint8_t* po = reinterpret_cast<const uint8_t*>(g_qopt);
  const uint8_t* pr = reinterpret_cast<const uint8_t*>(g_qref);
  for (int64_t i = 0; i < bytes; ++i) {
    if (po[i] != pr[i]) {
      const int64_t e = out.dtype == MOTE_I32 ? i / 4 : i;
      const long vo = out.dtype == MOTE_I32 ? long(g_qopt[e]) : long(reinterpret_cast<const int8_t*>(g_qopt)[e]);
      const long vr = out.dtype == MOTE_I32 ? long(g_qref[e]) : long(reinterpret_cast<const int8_t*>(g_qref)[e]);
      printf("FAIL %s: output %ld: optimised %ld, reference %ld\n", what, long(e), vo, vr);
      ++g_failed;
      return;
    }
  }
  ++g_passed;
}

// A null `data` is an absent optional input.
TensorView qview(void* data, int32_t dtype, int32_t rank, const int32_t* dims) {
  TensorView v{data, data ? dtype : int32_t(MOTE_DTYPE_UNDEFINED), rank, {0}};
  for (int32_t k = 0; k < rank; ++k) v.dims[k] = dims[k];
  return v;
}

void act_range(bool requant, int32_t out_zp, int32_t* lo, int32_t* hi) {
  *lo = -128, *hi = 127;
  if (!requant) {
    *lo = INT32_MIN, *hi = INT32_MAX;
    return;
  }
  switch (pick(0, 3)) {
    case 1: *lo = out_zp; break;  // Relu
    case 2: *lo = pick(-128, 0), *hi = pick(0, 127); break;
    default: break;
  }
}

// A fused LeakyRelu's multipliers and shifts for negative accumulators (QConv/QMatMul inputs 6
// and 7): the optimised sets hand such ops to the reference, or must match it.
int32_t g_neg[2][kMaxChannels];

int32_t negative_side(bool negative, const QVecs& v) {
  if (!negative || !v.requant) return 6;
  for (int32_t k = 0; k < v.count; ++k) g_neg[0][k] = pick_mult(), g_neg[1][k] = pick(-14, -2);
  return 8;
}

// The folded form of a QConv/QMatMul case (input MOTE_QCONV_START, as `mote convert` writes it):
// start[c] = bias[c] - zp * sum of channel c's weights (at w[c * ch_stride + k * k_stride]),
// in place of the bias and without weight zero points. The reference's folded result must be
// the unfolded one's bit for bit, and the optimised set's must match it.
int32_t g_start[kMaxChannels];

void check_folded(const char* what, int32_t code, const void* params, uint32_t params_size, const TensorView* in,
                  int32_t num_in, Status (*reference)(const OpArgs&), int32_t zp, int64_t channels, int64_t depth,
                  int64_t ch_stride, int64_t k_stride) {
  if (in[5].present() || num_in > 8) return;  // weight zero points: not folded
  const int8_t* w = static_cast<const int8_t*>(in[1].data);
  const int32_t* bias = in[2].present() ? static_cast<const int32_t*>(in[2].data) : nullptr;
  for (int64_t c = 0; c < channels; ++c) {
    int64_t sum = 0;
    for (int64_t k = 0; k < depth; ++k) sum += w[c * ch_stride + k * k_stride];
    const int64_t start = (bias ? int64_t(bias[c]) : 0) - int64_t(zp) * sum;
    if (start < INT32_MIN || start > INT32_MAX) return;  // kept unfolded by the converter
    g_start[c] = int32_t(start);
  }
  TensorView f[9];
  for (int32_t k = 0; k < 9; ++k) f[k] = k < num_in ? in[k] : TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  f[2] = TensorView{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  const int32_t sd[1] = {int32_t(channels)};
  f[MOTE_QCONV_START] = qview(g_start, MOTE_I32, 1, sd);
  char folded[400];
  snprintf(folded, sizeof folded, "%s folded", what);
  // The two references, unfolded into the optimised buffer and folded into the reference's.
  mote::Diag diag(g_diag_text, sizeof g_diag_text);
  TensorView u[8];
  for (int32_t k = 0; k < 8; ++k) u[k] = in[k];
  OpArgs a{code, params, params_size, u, num_in, nullptr, 1, nullptr, 0, &diag};
  OpArgs b{code, params, params_size, f, 9, nullptr, 1, nullptr, 0, &diag};
  TensorView out{}, out_f{};
  uint32_t scratch = 0;
  if (mote::op_infer(a, &out, &scratch) != Status::kOk) return;
  if (mote::op_infer(b, &out_f, &scratch) != Status::kOk) return;  // past the verifier's bound: kept unfolded
  const int64_t bytes = out.numel() * (out.dtype == MOTE_I32 ? 4 : 1);
  if (bytes > int64_t(sizeof g_qopt)) return;
  TensorView yu = out, yf = out_f;
  yu.data = g_qopt;
  yf.data = g_qref;
  a.out = &yu;
  b.out = &yf;
  if (reference(a) != Status::kOk || reference(b) != Status::kOk) {
    printf("FAIL %s: the reference kernel failed\n", folded);
    ++g_failed;
    return;
  }
  if (memcmp(g_qopt, g_qref, size_t(bytes)) != 0) {
    printf("FAIL %s: the folded reference differs from the unfolded one\n", folded);
    ++g_failed;
    return;
  }
  check_q(folded, code, params, params_size, f, 9, reference);
}

void qconv_case(int32_t n, int32_t c, int32_t m, int32_t ih, int32_t iw, int32_t kh, int32_t kw, int32_t sh, int32_t sw,
                int32_t dh, int32_t dw, const int32_t* pads, int32_t group, bool rank1, bool random_vectors = true,
                bool negative = false, int32_t layout = MOTE_LAYOUT_NCHW) {
  if (m > kMaxChannels) return;
  mote_qconv_params p{};
  p.layout = layout;
  const bool nhwc = layout == MOTE_LAYOUT_NHWC;
  mote_conv_params& cp = p.conv;
  cp.spatial_rank = rank1 ? 1 : 2;
  cp.group = group;
  if (rank1) {
    cp.kernel[0] = kw, cp.stride[0] = sw, cp.dilation[0] = dw, cp.pad_begin[0] = pads[1], cp.pad_end[0] = pads[3];
  } else {
    cp.kernel[0] = kh, cp.kernel[1] = kw, cp.stride[0] = sh, cp.stride[1] = sw, cp.dilation[0] = dh, cp.dilation[1] = dw;
    cp.pad_begin[0] = pads[0], cp.pad_begin[1] = pads[1], cp.pad_end[0] = pads[2], cp.pad_end[1] = pads[3];
  }
  QVecs v = fill_vectors(m);
  if (!random_vectors) v = QVecs{true, true, false, m};
  p.in_zp = pick_zp();
  p.out_zp = pick_zp();
  act_range(v.requant, p.out_zp, &p.act_min, &p.act_max);
  // NHWC: X [n, ih, iw, c], W [m, kh, kw, c/group] (1-D: without the rows).
  const int32_t xd4[4] = {n, nhwc ? ih : c, nhwc ? iw : ih, nhwc ? c : iw};
  const int32_t xd3[3] = {n, nhwc ? iw : c, nhwc ? c : iw};
  const int32_t wd4[4] = {m, nhwc ? kh : c / group, nhwc ? kw : kh, nhwc ? c / group : kw};
  const int32_t wd3[3] = {m, nhwc ? kw : c / group, nhwc ? c / group : kw};
  const int32_t vd[1] = {m}, sd[1] = {v.count};
  const int32_t num_in = negative_side(negative, v);
  TensorView in[8] = {rank1 ? qview(g_q[0], MOTE_I8, 3, xd3) : qview(g_q[0], MOTE_I8, 4, xd4),
                      rank1 ? qview(g_q[1], MOTE_I8, 3, wd3) : qview(g_q[1], MOTE_I8, 4, wd4),
                      qview(v.bias ? g_vec[0] : nullptr, MOTE_I32, 1, vd),
                      qview(v.requant ? g_vec[1] : nullptr, MOTE_I32, 1, sd),
                      qview(v.requant ? g_vec[2] : nullptr, MOTE_I32, 1, sd),
                      qview(v.wzp ? g_vec[3] : nullptr, MOTE_I32, 1, sd),
                      qview(g_neg[0], MOTE_I32, 1, sd),
                      qview(g_neg[1], MOTE_I32, 1, sd)};
  if (in[0].numel() > kMaxBytes || in[1].numel() > kMaxBytes) return;
  fill_i8(g_q[0], in[0].numel());
  fill_i8(g_q[1], in[1].numel());
  char what[384];
  snprintf(what, sizeof what,
           "QConv x[%ld,%ld,%ld,%ld] w[%ld,%ld,%ld,%ld] s%ld,%ld d%ld,%ld p%ld,%ld,%ld,%ld g%ld zp%ld,%ld b%d rq%d/%ld wzp%d%s%s%s",
           long(n), long(c), long(ih), long(iw), long(m), long(c / group), long(kh), long(kw), long(sh), long(sw), long(dh),
           long(dw), long(pads[0]), long(pads[1]), long(pads[2]), long(pads[3]), long(group), long(p.in_zp),
           long(p.out_zp), v.bias, v.requant, long(v.count), v.wzp, rank1 ? " 1-D" : "", num_in == 8 ? " leaky" : "",
           nhwc ? " NHWC" : "");
  check_q(what, MOTE_OP_QCONV, &p, sizeof p, in, num_in, mote::run_qconv);
  // The converter folds no depthwise QConv (its kernels skip the padding taps).
  const int64_t taps = in[1].numel() / m;
  if (!(group > 1 && c == group)) check_folded(what, MOTE_OP_QCONV, &p, sizeof p, in, num_in, mote::run_qconv, p.in_zp, m, taps, taps, 1);
}

void random_qconv(int32_t layout = MOTE_LAYOUT_NCHW) {
  const int32_t kind = pick(0, 3);
  int32_t group = 1, c = pick(1, 24), m = pick(1, 24);
  if (kind == 1) {
    c = m = group = pick(2, 24);
  } else if (kind == 2) {
    group = pick(2, 4);
    c = group * pick(1, 5);
    m = group * pick(1, 5);
  }
  const bool one = kind == 3;
  const int32_t kh = one ? 1 : pick(1, 5), kw = one ? 1 : pick(1, 5);
  const int32_t sh = one ? 1 : pick(1, 3), sw = one ? 1 : pick(1, 3);
  const int32_t dh = one || pick(0, 3) ? 1 : 2, dw = one || pick(0, 3) ? 1 : 2;
  int32_t pads[4] = {0, 0, 0, 0};
  if (!one) {
    for (int32_t& q : pads) q = pick(0, 2);
  }
  qconv_case(pick(1, 2), c, m, pick(1, 17), pick(1, 17), kh, kw, sh, sw, dh, dw, pads, group, !one && pick(0, 7) == 0, true,
             pick(0, 4) == 0, layout);
}

// b_layout MOTE_B_NK: B is [N, K] (bd = {N, K}, rank 2).
void qmatmul_case(int32_t ra, int32_t rb, const int32_t* ad, const int32_t* bd, bool random_vectors = true, bool negative = false,
                  int32_t b_layout = MOTE_B_KN) {
  const int32_t N = b_layout == MOTE_B_NK ? bd[0] : bd[rb - 1];
  if (N > kMaxChannels) return;
  QVecs v = fill_vectors(N);
  if (!random_vectors) v = QVecs{true, true, false, N};
  mote_qmatmul_params p{};
  p.b_layout = b_layout;
  p.a_zp = pick_zp();
  p.out_zp = pick_zp();
  act_range(v.requant, p.out_zp, &p.act_min, &p.act_max);
  const int32_t vd[1] = {N}, sd[1] = {v.count};
  const int32_t num_in = negative_side(negative, v);
  TensorView in[8] = {qview(g_q[0], MOTE_I8, ra, ad),
                      qview(g_q[1], MOTE_I8, rb, bd),
                      qview(v.bias ? g_vec[0] : nullptr, MOTE_I32, 1, vd),
                      qview(v.requant ? g_vec[1] : nullptr, MOTE_I32, 1, sd),
                      qview(v.requant ? g_vec[2] : nullptr, MOTE_I32, 1, sd),
                      qview(v.wzp ? g_vec[3] : nullptr, MOTE_I32, 1, sd),
                      qview(g_neg[0], MOTE_I32, 1, sd),
                      qview(g_neg[1], MOTE_I32, 1, sd)};
  if (in[0].numel() > kMaxBytes || in[1].numel() > kMaxBytes) return;
  fill_i8(g_q[0], in[0].numel());
  fill_i8(g_q[1], in[1].numel());
  char what[160];
  snprintf(what, sizeof what, "QMatMul A rank %ld (M%ld K%ld) B rank %ld (N%ld) zp%ld,%ld b%d rq%d/%ld wzp%d%s%s", long(ra),
           long(ad[ra - 2]), long(ad[ra - 1]), long(rb), long(N), long(p.a_zp), long(p.out_zp), v.bias, v.requant,
           long(v.count), v.wzp, num_in == 8 ? " leaky" : "", b_layout == MOTE_B_NK ? " B[N,K]" : "");
  check_q(what, MOTE_OP_QMATMUL, &p, sizeof p, in, num_in, mote::run_qmatmul);
  if (rb == 2) {  // one B (a constant one's form): B [K, N] or [N, K]
    const bool nk = b_layout == MOTE_B_NK;
    const int32_t K = nk ? bd[1] : bd[0];
    check_folded(what, MOTE_OP_QMATMUL, &p, sizeof p, in, num_in, mote::run_qmatmul, p.a_zp, N, K, nk ? K : 1, nk ? 1 : N);
  }
}

void random_qmatmul() {
  const int32_t ra = pick(2, 4), rb = pick(2, 4);
  const int32_t M = pick(1, 12), K = pick(1, 70), N = pick(1, 40);
  int32_t ad[4], bd[4];
  const bool same_batch = pick(0, 2) != 0;
  for (int32_t k = 0; k < 4; ++k) ad[k] = bd[k] = pick(1, 3);
  if (!same_batch) bd[0] = 1;
  ad[ra - 1] = K;
  ad[ra - 2] = M;
  bd[rb - 1] = N;
  bd[rb - 2] = K;
  if (ra > 2 && rb > 2 && same_batch) {
    for (int32_t k = 0; k < ra - 2 && k < rb - 2; ++k) bd[k] = ad[k];
  }
  qmatmul_case(ra, rb, ad, bd, true, pick(0, 4) == 0);
}

// A fully connected layer's form for the Cortex-M boards: B [N, K] (MOTE_B_NK), A of rank 2-4.
void random_qmatmul_nk() {
  const int32_t ra = pick(2, 4);
  int32_t ad[4];
  for (int32_t k = 0; k < 4; ++k) ad[k] = pick(1, 3);
  ad[ra - 2] = pick(1, 6);
  ad[ra - 1] = pick(1, 300);
  const int32_t bd[2] = {pick(1, 70), ad[ra - 1]};
  qmatmul_case(ra, 2, ad, bd, true, pick(0, 4) == 0, MOTE_B_NK);
}

// int8 MaxPool (the reference's int8 pooling; kernels that take it must match byte for byte):
// 1-D and 2-D, kernels to 4, strides to 3, dilations to 2, padding up to past the kernel (windows
// wholly in the padding give 0), ceil_mode.
void qmaxpool_case(int32_t n, int32_t c, int32_t h, int32_t w, bool rank1, const int32_t* kernel, const int32_t* stride,
                   const int32_t* dilation, const int32_t* pads, bool ceil_mode) {
  mote_pool_params p{};
  p.spatial_rank = rank1 ? 1 : 2;
  const int32_t first = rank1 ? 1 : 0;  // 1-D: the last axis only
  for (int32_t d = first; d < 2; ++d) {
    p.kernel[d - first] = kernel[d], p.stride[d - first] = stride[d], p.dilation[d - first] = dilation[d];
    p.pad_begin[d - first] = pads[d], p.pad_end[d - first] = pads[2 + d];
  }
  p.ceil_mode = ceil_mode;
  const int32_t xd4[4] = {n, c, h, w}, xd3[3] = {n, c, w};
  TensorView in[1] = {rank1 ? qview(g_q[0], MOTE_I8, 3, xd3) : qview(g_q[0], MOTE_I8, 4, xd4)};
  if (in[0].numel() > kMaxBytes) return;
  fill_i8(g_q[0], in[0].numel());
  char what[192];
  snprintf(what, sizeof what, "int8 MaxPool [%ld,%ld,%ld,%ld] k%ld,%ld s%ld,%ld d%ld,%ld p%ld,%ld,%ld,%ld ceil%ld%s", long(n),
           long(c), long(h), long(w), long(kernel[0]), long(kernel[1]), long(stride[0]), long(stride[1]),
           long(dilation[0]), long(dilation[1]), long(pads[0]), long(pads[1]), long(pads[2]), long(pads[3]),
           long(ceil_mode), rank1 ? " 1-D" : "");
  check_q(what, MOTE_OP_MAX_POOL, &p, sizeof p, in, 1, mote::run_pool);
}

void random_qmaxpool() {
  int32_t kernel[2], stride[2], dilation[2], pads[4];
  for (int32_t d = 0; d < 2; ++d) {
    kernel[d] = pick(1, 4);
    stride[d] = pick(1, 3);
    dilation[d] = pick(0, 3) == 0 ? 2 : 1;
    const int32_t most = pick(0, 5) == 0 ? kernel[d] + 1 : kernel[d] - 1;
    pads[d] = pick(0, most);
    pads[2 + d] = pick(0, most);
  }
  qmaxpool_case(pick(1, 2), pick(1, 8), pick(1, 30), pick(1, 70), pick(0, 5) == 0, kernel, stride, dilation, pads,
                pick(0, 1) == 1);
}

// QAdd/QSub/QMul/QMax/QMin of [n,c,h,w] with the other operand full, per channel ([c,1,1] or
// [1,c,1,1]), per row ([n,c,h,1]) or a scalar, either way round.
void random_qbinary() {
  static const int32_t codes[5] = {MOTE_OP_QADD, MOTE_OP_QSUB, MOTE_OP_QMUL, MOTE_OP_QMAX, MOTE_OP_QMIN};
  const int32_t code = codes[pick(0, 4)];
  const int32_t d[4] = {pick(1, 2), pick(1, 40), pick(1, 12), pick(1, 23)};
  int32_t bd[4] = {d[0], d[1], d[2], d[3]};
  int32_t brank = 4;
  switch (pick(0, 4)) {
    case 0: break;
    case 1: bd[0] = d[1], bd[1] = bd[2] = 1, brank = 3; break;
    case 2: bd[0] = 1, bd[2] = bd[3] = 1; break;
    case 3: bd[3] = 1; break;
    default: brank = 0; break;
  }
  mote_qbinary_params p{};
  p.a_zp = pick_zp(), p.b_zp = pick_zp(), p.out_zp = pick_zp();
  p.a_mult = pick_mult(), p.b_mult = pick_mult(), p.out_mult = pick_mult();
  const bool add = code == MOTE_OP_QADD || code == MOTE_OP_QSUB;
  p.a_shift = add ? pick(-3, 0) : pick(-31, 6), p.b_shift = add ? pick(-3, 0) : pick(-31, 6);
  p.out_shift = pick(-31, 6);
  p.left_shift = add ? 20 : 0;
  act_range(true, p.out_zp, &p.act_min, &p.act_max);
  const bool swap = pick(0, 1) == 1;
  TensorView full = qview(g_q[0], MOTE_I8, 4, d), part = qview(g_q[1], MOTE_I8, brank, bd);
  if (full.numel() > kMaxBytes) return;
  fill_i8(g_q[0], full.numel());
  fill_i8(g_q[1], part.numel());
  TensorView in[2] = {swap ? part : full, swap ? full : part};
  char what[160];
  snprintf(what, sizeof what, "int8 %s [%ld,%ld,%ld,%ld] with rank %ld [%ld,%ld,%ld,%ld]%s", mote::op_name(code), long(d[0]),
           long(d[1]), long(d[2]), long(d[3]), long(brank), long(bd[0]), long(bd[1]), long(bd[2]), long(bd[3]),
           swap ? " first" : "");
  check_q(what, code, &p, sizeof p, in, 2, mote::run_qbinary);
}

// QAdd/QSub of two full int8 tensors of 1,024 to 15,000 values (the AVX-512 VBMI form: whole
// steps of 64 through each input's residue table, the rest per vector), every int8 value in
// both inputs, random zero points, multipliers, input shifts and output requantisations.
void random_qadd_full() {
  const int32_t code = pick(0, 1) ? MOTE_OP_QADD : MOTE_OP_QSUB;
  const int32_t d[4] = {1, pick(1, 24), pick(8, 25), pick(8, 25)};
  mote_qbinary_params p{};
  p.a_zp = pick_zp(), p.b_zp = pick_zp(), p.out_zp = pick_zp();
  p.a_mult = pick_mult(), p.b_mult = pick_mult(), p.out_mult = pick_mult();
  p.a_shift = pick(-3, 0), p.b_shift = pick(-3, 0);
  p.out_shift = pick(-31, 0);
  p.left_shift = 20;
  act_range(true, p.out_zp, &p.act_min, &p.act_max);
  TensorView in[2] = {qview(g_q[0], MOTE_I8, 4, d), qview(g_q[1], MOTE_I8, 4, d)};
  const int64_t n = in[0].numel();
  if (n < 1024 || n > kMaxBytes) return;
  fill_i8(g_q[0], n);
  fill_i8(g_q[1], n);
  for (int32_t k = 0; k < 256; ++k) g_q[0][k] = int8_t(k - 128), g_q[1][(k * 7) % 256] = int8_t(k - 128);
  char what[256];
  snprintf(what, sizeof what, "int8 %s [%ld,%ld,%ld,%ld] zp %ld,%ld,%ld mult %ld,%ld shift %ld,%ld out %ld/%ld",
           mote::op_name(code), long(d[0]), long(d[1]), long(d[2]), long(d[3]), long(p.a_zp), long(p.b_zp),
           long(p.out_zp), long(p.a_mult), long(p.b_mult), long(p.a_shift), long(p.b_shift), long(p.out_mult),
           long(p.out_shift));
  check_q(what, code, &p, sizeof p, in, 2, mote::run_qbinary);
}

// Lut of a random int8 tensor (1 to 5,000 values) through a random 256-entry table.
void random_qlut() {
  const int32_t d[2] = {pick(1, 4), pick(1, 1250)};
  const int32_t td[1] = {256};
  TensorView in[2] = {qview(g_q[0], MOTE_I8, 2, d), qview(g_q[1], MOTE_I8, 1, td)};
  fill_i8(g_q[0], in[0].numel());
  for (int32_t k = 0; k < 256; ++k) g_q[1][k] = int8_t(next() & 0xFF);
  char what[96];
  snprintf(what, sizeof what, "int8 Lut [%ld,%ld]", long(d[0]), long(d[1]));
  mote_quantize_params p{};
  check_q(what, MOTE_OP_LUT, &p, sizeof p, in, 2, mote::run_quantize);
}

// QuantizeLinear of a random float tensor (1 to 5,000 values) to int8 with one scale: quotients
// across and beyond the int8 range, at and next to half-integers (ties), zeros, tiny and huge
// values, infinities, NaN and random bit patterns; scales from 1e-30 to 1e30.
void random_quantize() {
  static float scale[1];
  static int8_t zp[1];
  const int32_t d[2] = {pick(1, 4), pick(1, 1250)}, one[1] = {1};
  const float scales[] = {1.0f / 64, 0.0173f, 0.02f, 1e-3f, 3.7f, 1e-30f, 1e30f, 0.75f};
  const float s = scales[pick(0, 7)] * (pick(0, 1) ? 1.0f : 1.0f + float(next() & 0xFFFF) / 65536.0f);
  scale[0] = s;
  zp[0] = int8_t(pick_zp());
  float* x = g_in[2];
  const int64_t n = int64_t(d[0]) * d[1];
  for (int64_t i = 0; i < n; ++i) {
    switch (pick(0, 7)) {
      case 0: x[i] = (float(pick(-140, 140)) + 0.5f) * s; break;  // a tie, or next to one
      case 1: x[i] = float(pick(-300, 300)) * s + uniform() * s * 1e-6f; break;
      case 2: x[i] = 0.0f; break;
      case 3: {
        const uint32_t bits = (next() << 8) ^ next();  // any float (NaN, infinity, subnormal)
        memcpy(&x[i], &bits, 4);
        break;
      }
      case 4: x[i] = uniform() * 1e-38f; break;
      case 5: x[i] = uniform() * 3e38f; break;
      default: x[i] = uniform() * 200.0f * s; break;
    }
  }
  TensorView in[3] = {qview(x, MOTE_F32, 2, d), qview(scale, MOTE_F32, 1, one), qview(zp, MOTE_I8, 1, one)};
  mote_quantize_params p{};
  p.out_dtype = MOTE_I8;
  char what[96];
  snprintf(what, sizeof what, "QuantizeLinear [%ld,%ld] scale %g zp %ld", long(d[0]), long(d[1]), double(s), long(zp[0]));
  check_q(what, MOTE_OP_QUANTIZE, &p, sizeof p, in, 3, mote::run_quantize);
}

// Requantize of a random int8 tensor (1 to 5,000 values): zero points at the extremes,
// multipliers near 2^31, at 2^30 and tiny, left and right shifts.
void random_qrequantize() {
  const int32_t d[2] = {pick(1, 4), pick(1, 1250)};
  TensorView in[1] = {qview(g_q[0], MOTE_I8, 2, d)};
  fill_i8(g_q[0], in[0].numel());
  mote_quantize_params p{};
  p.in_zp = pick_zp(), p.out_zp = pick_zp(), p.mult = pick_mult(), p.shift = pick(-31, 6);
  char what[128];
  snprintf(what, sizeof what, "int8 Requantize [%ld,%ld] zp%ld,%ld m%ld s%ld", long(d[0]), long(d[1]), long(p.in_zp),
           long(p.out_zp), long(p.mult), long(p.shift));
  check_q(what, MOTE_OP_REQUANTIZE, &p, sizeof p, in, 1, mote::run_quantize);
}

// int8 ReduceMean of [n,c,h,w] (ranks 1 to 4) over random axes, kept or not: the trailing axes
// (the spatial mean) on the optimised kernels, the others declined to the reference; runs from
// 1 to 2,500 values.
void random_qreduce_mean() {
  ReduceCase r = draw_reduce("int8 ReduceMean");
  TensorView in[1] = {qview(g_q[0], MOTE_I8, r.rank, r.d)};
  if (in[0].numel() > kMaxBytes) return;
  fill_i8(g_q[0], in[0].numel());
  check_q(r.what, MOTE_OP_REDUCE_MEAN, &r.p, sizeof r.p, in, 1, mote::run_reduce);
}

// int8 GlobalAveragePool / GlobalMaxPool of [n,c,h,w], planes from 1 to 2,500 values, often
// all at one extreme (the sums' largest magnitudes and the rounding of exact halves).
void random_qglobal_pool() {
  const int32_t code = pick(0, 3) ? MOTE_OP_GLOBAL_AVERAGE_POOL : MOTE_OP_GLOBAL_MAX_POOL;
  const int32_t d[4] = {pick(1, 2), pick(1, 24), pick(1, 50), pick(1, 50)};
  TensorView in[1] = {qview(g_q[0], MOTE_I8, 4, d)};
  if (in[0].numel() > kMaxBytes) return;
  fill_i8(g_q[0], in[0].numel());
  char what[128];
  snprintf(what, sizeof what, "int8 %s [%ld,%ld,%ld,%ld]", mote::op_name(code), long(d[0]), long(d[1]), long(d[2]), long(d[3]));
  mote_pool_params p{};
  check_q(what, code, &p, sizeof p, in, 1, mote::run_global_pool);
}

}  // namespace

#ifdef MOTE_TEST_LARGE
// A random conv of the larger set: plain, depthwise or 1x1; channels to 64, maps to 40x40.
struct LargeConv {
  int32_t c, m, group, h, w, kh, kw, sh, sw;
  int32_t pads[4];
};

LargeConv large_conv() {
  LargeConv v;
  const int32_t kind = pick(0, 3);
  v.group = 1, v.c = pick(1, 64), v.m = pick(1, 64);
  if (kind == 1) v.c = v.m = v.group = pick(2, 64);
  const bool one = kind == 3;
  v.kh = one ? 1 : pick(1, 5), v.kw = one ? 1 : pick(1, 5);
  v.sh = one ? 1 : pick(1, 2), v.sw = one ? 1 : pick(1, 2);
  for (int32_t& q : v.pads) q = one ? 0 : pick(0, 2);
  v.h = pick(1, 40), v.w = pick(1, 40);
  return v;
}

// A 1x1 or 3x3 QConv with more output channels than one block of a long k's partial sums holds
// (320 at AVX-512): its weights outgrow the shared int8 buffers, so they have their own.
int8_t g_long_w[400 * 2304];

void many_rows_qconv_case(int32_t c, int32_t m, int32_t h, int32_t w, int32_t k) {
  mote_qconv_params p{};
  mote_conv_params& cp = p.conv;
  const int32_t pad = k / 2;
  cp.spatial_rank = 2, cp.group = 1;
  for (int32_t d = 0; d < 2; ++d) {
    cp.kernel[d] = k, cp.stride[d] = 1, cp.dilation[d] = 1, cp.pad_begin[d] = pad, cp.pad_end[d] = pad;
  }
  const QVecs v = fill_vectors(m);
  p.in_zp = pick_zp();
  p.out_zp = pick_zp();
  act_range(v.requant, p.out_zp, &p.act_min, &p.act_max);
  const int32_t xd[4] = {1, c, h, w}, wd[4] = {m, c, k, k}, vd[1] = {m}, sd[1] = {v.count};
  TensorView in[6] = {qview(g_q[0], MOTE_I8, 4, xd),
                      qview(g_long_w, MOTE_I8, 4, wd),
                      qview(v.bias ? g_vec[0] : nullptr, MOTE_I32, 1, vd),
                      qview(v.requant ? g_vec[1] : nullptr, MOTE_I32, 1, sd),
                      qview(v.requant ? g_vec[2] : nullptr, MOTE_I32, 1, sd),
                      qview(v.wzp ? g_vec[3] : nullptr, MOTE_I32, 1, sd)};
  if (m > kMaxChannels || in[0].numel() > kMaxBytes || in[1].numel() > int64_t(sizeof g_long_w)) return;
  fill_i8(g_q[0], in[0].numel());
  fill_i8(g_long_w, in[1].numel());
  char what[160];
  snprintf(what, sizeof what, "QConv x[1,%ld,%ld,%ld] w[%ld,%ld,%ld,%ld] zp%ld,%ld b%d rq%d/%ld wzp%d (many rows)", long(c),
           long(h), long(w), long(m), long(c), long(k), long(k), long(p.in_zp), long(p.out_zp), v.bias, v.requant,
           long(v.count), v.wzp);
  check_q(what, MOTE_OP_QCONV, &p, sizeof p, in, 6, mote::run_qconv);
}

// QMatMul with rows of A past one block of partial sums (A in g_long_w).
void many_rows_qmatmul_case(int32_t M, int32_t K, int32_t N) {
  const QVecs v = fill_vectors(N);
  mote_qmatmul_params p{};
  p.a_zp = pick_zp();
  p.out_zp = pick_zp();
  act_range(v.requant, p.out_zp, &p.act_min, &p.act_max);
  const int32_t ad[2] = {M, K}, bd[2] = {K, N}, vd[1] = {N}, sd[1] = {v.count};
  TensorView in[6] = {qview(g_long_w, MOTE_I8, 2, ad),
                      qview(g_q[1], MOTE_I8, 2, bd),
                      qview(v.bias ? g_vec[0] : nullptr, MOTE_I32, 1, vd),
                      qview(v.requant ? g_vec[1] : nullptr, MOTE_I32, 1, sd),
                      qview(v.requant ? g_vec[2] : nullptr, MOTE_I32, 1, sd),
                      qview(v.wzp ? g_vec[3] : nullptr, MOTE_I32, 1, sd)};
  if (N > kMaxChannels || in[0].numel() > int64_t(sizeof g_long_w) || in[1].numel() > kMaxBytes) return;
  fill_i8(g_long_w, in[0].numel());
  fill_i8(g_q[1], in[1].numel());
  char what[128];
  snprintf(what, sizeof what, "QMatMul A [%ld,%ld] B [%ld,%ld] zp%ld,%ld b%d rq%d/%ld wzp%d (many rows)", long(M), long(K),
           long(K), long(N), long(p.a_zp), long(p.out_zp), v.bias, v.requant, long(v.count), v.wzp);
  check_q(what, MOTE_OP_QMATMUL, &p, sizeof p, in, 6, mote::run_qmatmul);
}

// int8 products with k longer than one panel of a register tile (~2048 at AVX2 and AVX-512, 4096
// at SSE4.1), which the kernels split along k: ResNet's 3x3 convs over 256 and 512 channels (output
// channels cut to fit the buffers), 3x3/1x1/1-D/grouped convs with odd k (k around the panel's
// edge, k not a multiple of the block), output channels past a block of partial sums, and
// QMatMul with long k.
void long_k_cases() {
  const int32_t pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0};
  qconv_case(1, 512, 40, 7, 7, 3, 3, 1, 1, 1, 1, pad1, 1, false);    // layer4 3x3, k = 4608
  qconv_case(1, 256, 64, 14, 14, 3, 3, 1, 1, 1, 1, pad1, 1, false);  // layer3 3x3, k = 2304
  qconv_case(1, 256, 56, 14, 14, 3, 3, 2, 2, 1, 1, pad1, 1, false);  // layer4 3x3/2 from 256
  qconv_case(1, 2305, 24, 6, 5, 1, 1, 1, 1, 1, 1, pad0, 1, false);   // 1x1, k = 2305
  qconv_case(1, 4099, 9, 3, 4, 1, 1, 1, 1, 1, 1, pad0, 1, false);    // 1x1, k past SSE4.1's panel
  qconv_case(1, 229, 210, 7, 7, 3, 3, 1, 1, 1, 1, pad1, 1, false);   // k = 2061
  many_rows_qconv_case(256, 400, 7, 7, 3);                           // layer4 3x3 from 256, k = 2304
  many_rows_qconv_case(2103, 397, 5, 3, 1);                          // 1x1, k = 2103
  many_rows_qconv_case(233, 393, 6, 9, 3);                           // k = 2097
  many_rows_qmatmul_case(395, 2101, 37);
  const int32_t edges[8] = {2047, 2048, 2049, 2050, 2051, 2052, 4096, 4097};
  for (int32_t k : edges) {
    qconv_case(1, k, pick(1, 20), pick(1, 9), pick(1, 9), 1, 1, 1, 1, 1, 1, pad0, 1, false);
  }
  for (int k = 0; k < 40; ++k) {
    const int32_t kind = pick(0, 3);  // 3x3, 1x1, grouped, 1-D
    const int32_t kh = kind == 1 || kind == 3 ? 1 : pick(1, 3) * 2 - 1, kw = kind == 1 ? 1 : pick(1, 3) * 2 - 1;
    const int32_t group = kind == 2 ? pick(2, 3) : 1;
    const int32_t cg = (pick(2049, 6000) + kh * kw - 1) / (kh * kw);
    const int32_t kk = cg * kh * kw;
    const int32_t most = kMaxBytes / (kk * group) < 48 ? kMaxBytes / (kk * group) : 48;
    const int32_t mg = pick(1, most < 1 ? 1 : most);
    int32_t pads[4] = {0, 0, 0, 0};
    if (kind != 1) {
      for (int32_t& q : pads) q = pick(0, 2);
    }
    const int32_t s = kind == 1 ? 1 : pick(1, 2);
    const int32_t h = pick(1, 12), w = pick(1, 12);
    if (int64_t(cg) * group * h * w > kMaxBytes) continue;
    qconv_case(pick(1, 2), cg * group, mg * group, h, w, kh, kw, s, s, 1, pick(1, 2), pads, group, kind == 3);
  }
  for (int k = 0; k < 20; ++k) {
    const int32_t K = pick(2049, 6000);
    const int32_t ad[2] = {pick(1, kMaxBytes / K < 220 ? kMaxBytes / K : 220), K};
    const int32_t bd[2] = {K, pick(1, kMaxBytes / K < 100 ? kMaxBytes / K : 100)};
    qmatmul_case(2, 2, ad, bd, true);
  }
}

// float MaxPool on larger maps: the pools after SqueezeNet's and ResNet's stems (3x3 stride 2,
// ceil mode or padding 1; channels cut to fit), and random 3-wide windows at stride 2 (the
// separable AVX-512 form: several vectors a row, row tails, ceil-mode windows past the edge,
// padding) with a NaN in some of them (a row holding one is redone tap by tap).
void maxpool_case(int32_t c, int32_t h, int32_t w, int32_t kh, int32_t sh, int32_t pad, bool ceil_mode, int32_t nans) {
  const int32_t xd[4] = {1, c, h, w};
  TensorView in[1] = {view(g_in[0], 4, xd)};
  if (in[0].numel() > kMaxFloats) return;
  fill(g_in[0], in[0].numel());
  for (int32_t i = 0; i < nans; ++i) g_in[0][pick(0, int32_t(in[0].numel()) - 1)] = __builtin_nanf("");
  mote_pool_params p{};
  p.spatial_rank = 2;
  p.kernel[0] = kh, p.kernel[1] = 3;
  p.stride[0] = sh, p.stride[1] = 2;
  p.dilation[0] = p.dilation[1] = 1;
  p.pad_begin[0] = p.pad_begin[1] = p.pad_end[0] = p.pad_end[1] = pad;
  p.ceil_mode = ceil_mode;
  char what[192];
  snprintf(what, sizeof what, "MaxPool [1,%ld,%ld,%ld] k%ld,3 s%ld,2 p%ld ceil%d nan%ld", long(c), long(h), long(w), long(kh),
           long(sh), long(pad), int(ceil_mode), long(nans));
  check(what, MOTE_OP_MAX_POOL, &p, sizeof p, in, 1, mote::run_pool);
}

void large_maxpool_cases() {
  maxpool_case(40, 111, 111, 3, 2, 0, true, 0);
  maxpool_case(40, 112, 112, 3, 2, 1, false, 0);
  maxpool_case(8, 27, 27, 3, 2, 0, true, 3);
  for (int k = 0; k < 30; ++k) {
    maxpool_case(pick(1, 8), pick(1, 60), pick(1, 150), pick(1, 3), pick(1, 2), pick(0, 1), pick(0, 1) == 1,
                 pick(0, 2) == 0 ? pick(1, 4) : 0);
  }
}

// int8 MaxPool on larger maps: the ResNet stem's (channels cut to fit) and random shapes with
// maps to 120x300, kernels to 5, strides to 4, dilations to 3.
void large_qmaxpool_cases() {
  const int32_t k3[2] = {3, 3}, s2[2] = {2, 2}, d1[2] = {1, 1}, pad1[4] = {1, 1, 1, 1};
  qmaxpool_case(1, 32, 112, 112, false, k3, s2, d1, pad1, false);
  for (int k = 0; k < 30; ++k) {
    int32_t kernel[2], stride[2], dilation[2], pads[4];
    for (int32_t d = 0; d < 2; ++d) {
      kernel[d] = pick(1, 5);
      stride[d] = pick(1, 4);
      dilation[d] = pick(0, 3) == 0 ? pick(2, 3) : 1;
      pads[d] = pick(0, kernel[d]);
      pads[2 + d] = pick(0, kernel[d]);
    }
    qmaxpool_case(1, pick(1, 16), pick(1, 120), pick(1, 300), false, kernel, stride, dilation, pads, pick(0, 1) == 1);
  }
}

// Depthwise QConv on the shapes of the x86 direct kernels (rows of at most 8 input columns:
// 5x5, 7x7, dilated 3-tap rows) and past them: maps of 1 to 40 (rows of at most 8 outputs take
// the channels in pairs, an odd count leaves one alone; 17 to 32 outputs two vectors a strip;
// more, several strips with a tail), vertical strides 1 to 3, dilations, uneven padding.
void random_qdwconv() {
  const int32_t c = pick(1, 33), kh = pick(1, 7), kw = pick(1, 8);
  const int32_t sh = pick(1, 3), sw = pick(1, 2);
  const int32_t dh = pick(0, 3) ? 1 : pick(2, 3), dw = pick(0, 3) ? 1 : pick(2, 3);
  int32_t pads[4];
  pads[0] = pick(0, kh), pads[1] = pick(0, kw), pads[2] = pick(0, kh), pads[3] = pick(0, kw);
  const int32_t ih = pick(0, 1) ? pick(1, 9) : pick(1, 40), iw = pick(0, 1) ? pick(1, 9) : pick(1, 40);
  qconv_case(pick(1, 2), c, c, ih, iw, kh, kw, sh, sw, dh, dw, pads, c, false, true, false);
}

// Larger random shapes (channels to 64, maps to 40x40, products to 300) and the layer shapes of
// the benchmark models: tiles, panels and bands split in every way the small cases cannot.
void large_cases() {
  const int32_t pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0}, pad2[4] = {2, 2, 2, 2};
  const mote_act relu{MOTE_ACT_RELU, 0.0f, 0.0f}, clip6{MOTE_ACT_CLIP, 0.0f, 6.0f};
  if (MOTE_TEST_FLOAT) {
    conv_case(1, 3, 32, 64, 64, 3, 3, 2, 2, 1, 1, pad1, 1, true, false, clip6);      // stem
    {  // 7x7 stem, odd output rows (the row blocks' tail) and rows of padding on both sides
      const int32_t pad3[4] = {3, 2, 2, 3};
      conv_case(2, 3, 24, 41, 37, 7, 7, 2, 2, 1, 1, pad3, 1, true, false, relu);
    }
    conv_case(1, 32, 32, 56, 56, 3, 3, 1, 1, 1, 1, pad1, 32, true, false, clip6);    // depthwise s1
    conv_case(1, 96, 96, 56, 56, 3, 3, 2, 2, 1, 1, pad1, 96, true, false, clip6);    // depthwise s2
    conv_case(1, 144, 24, 28, 28, 1, 1, 1, 1, 1, 1, pad0, 1, true, false, relu);     // 1x1 project
    conv_case(1, 320, 100, 7, 7, 1, 1, 1, 1, 1, 1, pad0, 1, true, false, clip6);     // 1x1, long k
    conv_case(1, 64, 64, 14, 14, 3, 3, 1, 1, 1, 1, pad1, 1, true, false, relu);      // 3x3, k = 576
    conv_case(1, 24, 40, 15, 15, 5, 5, 2, 2, 1, 1, pad1, 1, true, false, relu);        // 5x5 s2
    conv_case(1, 40, 40, 15, 15, 5, 5, 2, 2, 1, 1, pad1, 40, true, false, relu);     // depthwise 5x5
    // Depthwise row bands (AVX2/AVX-512: maps 7/8 of a vector wide or more; a last band short of
    // rows) and channel pairs (AVX-512: maps 7-8 wide; an odd last channel).
    conv_case(2, 6, 6, 21, 21, 3, 3, 1, 1, 1, 1, pad1, 6, true, false, relu);        // rows, 3x3 s1
    conv_case(1, 8, 8, 30, 30, 5, 5, 2, 2, 1, 1, pad2, 8, true, false, clip6);       // rows, 5x5 s2
    conv_case(1, 33, 33, 7, 7, 5, 5, 1, 1, 1, 1, pad2, 33, true, false, clip6);      // pairs, 5x5 s1
    conv_case(1, 5, 5, 8, 8, 3, 3, 1, 1, 1, 1, pad1, 5, false, false, relu);         // pairs, 8 wide
    conv_case(1, 15, 15, 14, 14, 3, 3, 2, 2, 1, 1, pad1, 15, true, false, relu);     // pairs, 3x3 s2
    conv_case(1, 9, 9, 13, 13, 5, 5, 2, 2, 1, 1, pad2, 9, true, false, clip6);       // pairs, 5x5 s2
    {  // Row bands with inner vectors (every tap inside the rows, whole bands of rows inside the
       // map) beside edge vectors and edge bands: every activation, odd sizes, uneven padding.
      const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f}, leaky{MOTE_ACT_LEAKY_RELU, 0.1f, 0.0f};
      const int32_t pad_u[4] = {0, 1, 2, 0}, pad_v[4] = {2, 1, 1, 2};
      conv_case(1, 4, 4, 50, 67, 3, 3, 1, 1, 1, 1, pad1, 4, true, false, none);         // rows, 3x3 s1
      conv_case(1, 3, 3, 43, 83, 3, 3, 1, 1, 1, 1, pad_u, 3, true, false, leaky);       // rows, 3x3 s1
      conv_case(1, 6, 6, 70, 101, 3, 3, 2, 2, 1, 1, pad1, 6, false, false, clip6);      // rows, 3x3 s2
      conv_case(2, 3, 3, 41, 99, 3, 3, 2, 2, 1, 1, pad_u, 3, true, false, leaky);       // rows, 3x3 s2
      conv_case(1, 7, 7, 37, 45, 5, 5, 1, 1, 1, 1, pad2, 7, true, false, leaky);        // rows, 5x5 s1
      conv_case(1, 3, 3, 29, 80, 5, 5, 1, 1, 1, 1, pad_v, 3, true, false, relu);        // rows, 5x5 s1
      conv_case(2, 5, 5, 75, 77, 5, 5, 2, 2, 1, 1, pad2, 5, true, false, none);         // rows, 5x5 s2
      conv_case(1, 3, 3, 46, 130, 5, 5, 2, 2, 1, 1, pad_v, 3, true, false, clip6);      // rows, 5x5 s2
      {  // Stride 2: taps kx and kx + 1 from the same two loads; no padding on the left or the
         // right, an odd row width (the odd tap's last column the row's last), 3x3 and 5x5.
        const int32_t pad_l0[4] = {2, 0, 1, 2}, pad_r0[4] = {1, 2, 2, 0};
        conv_case(1, 4, 4, 33, 47, 5, 5, 2, 2, 1, 1, pad_l0, 4, true, false, leaky);    // rows, 5x5 s2
        conv_case(1, 3, 3, 31, 63, 5, 5, 2, 2, 1, 1, pad_r0, 3, true, false, none);     // rows, 5x5 s2
        conv_case(1, 5, 5, 35, 97, 3, 3, 2, 2, 1, 1, pad_r0, 5, false, false, relu);    // rows, 3x3 s2
        conv_case(1, 2, 2, 29, 33, 3, 3, 2, 2, 1, 1, pad_l0, 2, true, false, clip6);    // rows, 3x3 s2
        // Stride 1 (AVX-512): taps 1 .. K - 1 shifted from the row's first two vectors.
        conv_case(1, 3, 3, 26, 47, 5, 5, 1, 1, 1, 1, pad_l0, 3, true, false, leaky);    // rows, 5x5 s1
        conv_case(1, 4, 4, 23, 49, 5, 5, 1, 1, 1, 1, pad_r0, 4, false, false, clip6);   // rows, 5x5 s1
        conv_case(2, 3, 3, 19, 48, 3, 3, 1, 1, 1, 1, pad_r0, 3, true, false, none);     // rows, 3x3 s1
        conv_case(1, 5, 5, 17, 33, 3, 3, 1, 1, 1, 1, pad_l0, 5, true, false, relu);     // rows, 3x3 s1
      }
      // Maps of one or two vectors (14x14, 28x28: every band reaches into the padding or past
      // the last row, or none does), padding up to the kernel's width.
      const int32_t pad_w[4] = {3, 2, 1, 4}, pad_x[4] = {1, 0, 2, 2};
      conv_case(1, 5, 5, 14, 14, 5, 5, 1, 1, 1, 1, pad2, 5, true, false, relu);         // rows, 5x5 s1
      conv_case(1, 3, 3, 14, 15, 5, 5, 1, 1, 1, 1, pad_w, 3, true, false, leaky);       // rows, 5x5 s1
      conv_case(1, 4, 4, 28, 28, 3, 3, 1, 1, 1, 1, pad1, 4, false, false, none);        // rows, 3x3 s1
      conv_case(2, 3, 3, 56, 57, 3, 3, 2, 2, 1, 1, pad_x, 3, true, false, clip6);       // rows, 3x3 s2
      conv_case(1, 3, 3, 59, 56, 5, 5, 2, 2, 1, 1, pad_w, 3, true, false, relu);        // rows, 5x5 s2
    }
    gemm_case(1, 1000, 1280, false, true, 1.0f, 1.0f, 1, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f});
    w8_case(false, 1, 400, 1280, 1.0f, 1.0f, true, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f});  // a classifier head, int8
    conv_w8_case(1, 512, 512, 7, 7, 3, 1, 1, 1, true, mote_act{MOTE_ACT_RELU, 0.0f, 0.0f});    // blocks of 32 channels
    conv_w8_case(1, 320, 1280, 7, 7, 1, 1, 0, 1, true, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f});   // 1x1, blocks of 51
    conv_w8_case(1, 960, 960, 7, 7, 3, 1, 1, 960, true, mote_act{MOTE_ACT_CLIP, 0.0f, 6.0f});  // depthwise
    for (int k = 0; k < 20; ++k) w8_case(pick(0, 1) == 1, pick(1, 300), pick(1, 300), pick(1, 300), 1.0f, 1.0f, pick(0, 1), random_act());
    for (int k = 0; k < 60; ++k) {
      const LargeConv v = large_conv();
      conv_case(1, v.c, v.m, v.h, v.w, v.kh, v.kw, v.sh, v.sw, 1, 1, v.pads, v.group, pick(0, 1) == 1, false, random_act());
    }
    for (int k = 0; k < 40; ++k) {
      const bool plain = pick(0, 1);
      gemm_case(pick(1, 300), pick(1, 300), pick(1, 300), false, pick(0, 1), plain ? 1.0f : 0.5f, plain ? 1.0f : -1.5f,
                plain ? -1 : pick(0, 4), random_act());
    }
  }
  qconv_case(1, 3, 32, 64, 64, 3, 3, 2, 2, 1, 1, pad1, 1, false);
  qconv_case(1, 32, 32, 56, 56, 3, 3, 1, 1, 1, 1, pad1, 32, false);
  qconv_case(1, 96, 96, 56, 56, 3, 3, 2, 2, 1, 1, pad1, 96, false);
  qconv_case(1, 144, 24, 28, 28, 1, 1, 1, 1, 1, 1, pad0, 1, false);
  qconv_case(1, 320, 100, 7, 7, 1, 1, 1, 1, 1, 1, pad0, 1, false);
  qconv_case(1, 64, 64, 14, 14, 3, 3, 1, 1, 1, 1, pad1, 1, false);
  const int32_t fc_a[2] = {1, 1280}, fc_b[2] = {1280, 1000};
  qmatmul_case(2, 2, fc_a, fc_b, true);
  for (int k = 0; k < 60; ++k) {
    const LargeConv v = large_conv();
    qconv_case(1, v.c, v.m, v.h, v.w, v.kh, v.kw, v.sh, v.sw, 1, 1, v.pads, v.group, false);
  }
  for (int k = 0; k < 300; ++k) random_qdwconv();
  // QMatMul of a few rows (a classifier): blocks of 64 columns and their tail, k tails.
  const int32_t few_n[] = {1, 15, 16, 17, 63, 64, 65, 130, 1000}, few_k[] = {1, 3, 4, 7, 64, 129, 1280};
  for (int32_t rows = 1; rows <= 4; ++rows) {
    for (const int32_t n : few_n) {
      const int32_t ad[2] = {rows, few_k[pick(0, 6)]}, bd[2] = {ad[1], n};
      qmatmul_case(2, 2, ad, bd, true);
    }
  }
  // The 5x5 depthwise layers of MnasNet, EfficientNet and MobileNetV3: 7x7 maps (channels in
  // pairs, an odd count), 14x14 (one vector), 28x28 (two), stride 2 from 56 and 28
  // (channels, height, width, stride).
  const int32_t dw5[][4] = {{575, 7, 7, 1}, {96, 14, 14, 2}, {40, 14, 14, 1},
                            {24, 28, 28, 1}, {24, 56, 56, 2}, {17, 57, 61, 2}};
  for (const auto& d : dw5) qconv_case(1, d[0], d[0], d[1], d[2], 5, 5, d[3], d[3], 1, 1, pad2, d[0], false);
  // 1x1 QConvs on one pixel (a squeeze-excite block's two on the pooled vector): blocks of 16
  // output channels and their tail, k in steps of 64 and its tail, batches and groups.
  const int32_t se[][4] = {{576, 144, 1, 1}, {144, 576, 1, 1}, {16, 8, 1, 1}, {8, 16, 2, 1},   {64, 17, 1, 1},
                           {65, 9, 2, 1},    {1, 1, 1, 1},     {130, 34, 1, 2}, {24, 40, 2, 4}, {200, 250, 1, 1}};
  for (const auto& d : se) {
    qconv_case(d[2], d[0], d[1], 1, 1, 1, 1, 1, 1, 1, 1, pad0, d[3], false);
    qconv_case(d[2], d[0], d[1], 1, 1, 1, 1, 1, 1, 1, 1, pad0, d[3], false, false);
  }
  for (int k = 0; k < 40; ++k) {
    const int32_t ad[2] = {pick(1, 300), pick(1, 300)};
    const int32_t bd[2] = {ad[1], pick(1, 300)};
    qmatmul_case(2, 2, ad, bd, true);
  }
  // Panels of 16 n + 1 pixels (a 7x7 map, 17 = 1 x 17, 33 = 3 x 11): the last column as a
  // matrix-vector product (AVX-512), k in 64s and a tail, channels in 16s and a tail, a 3x3.
  const int32_t col[][4] = {{320, 1000, 7, 7}, {70, 37, 7, 7}, {130, 16, 1, 17}, {8, 24, 3, 11}, {576, 100, 7, 7}};
  for (const auto& d : col) {
    qconv_case(1, d[0], d[1], d[2], d[3], 1, 1, 1, 1, 1, 1, pad0, 1, false);
    qconv_case(2, d[0], d[1], d[2], d[3], 1, 1, 1, 1, 1, 1, pad0, 1, false, false, true);
  }
  qconv_case(1, 19, 23, 7, 7, 3, 3, 1, 1, 1, 1, pad1, 1, false);
  // Stems: 3 taps a row at horizontal stride 2 over few channels (groups of (channel, kernel
  // row), AVX-512): rows of 16 outputs and their tails, panels that end inside a row, padding
  // of 0 to 2 on each side, odd widths, kernel heights 1 to 5, vertical strides and dilations.
  qconv_case(2, 3, 16, 224, 224, 3, 3, 2, 2, 1, 1, pad1, 1, false);
  for (int k = 0; k < 40; ++k) {
    int32_t pads[4];
    for (int32_t& q : pads) q = pick(0, 2);
    qconv_case(pick(1, 2), pick(1, 5), pick(1, 40), pick(3, 90), pick(3, 90), pick(1, 5), 3, pick(1, 3), 2,
               pick(1, 2), 1, pads, 1, false, pick(0, 3) != 0, pick(0, 4) == 0);
  }
  long_k_cases();
  large_maxpool_cases();
  large_qmaxpool_cases();
}
#endif

// The layer shapes of the seven torchvision models (torchvision_layers.inc, gen_layers.py), float
// and int8, each required to run on the optimised kernels with exactly its planned scratch. A
// layer whose tensors do not fit this test's buffers is cut to fit: its maps first, then its
// output channels, last its input channels (counted apart: "cut to fit").
int g_layers, g_layers_full;

int32_t out_extent(int32_t in, int32_t k, int32_t s, int32_t d, int32_t pb, int32_t pe) {
  const int32_t span = (k - 1) * d + 1;
  return in + pb + pe < span ? 0 : (in + pb + pe - span) / s + 1;
}

void conv_layer(int32_t c, int32_t h, int32_t w, int32_t m, int32_t kh, int32_t kw, int32_t sh, int32_t sw, int32_t dh,
                int32_t dw, int32_t pt, int32_t pl, int32_t pb, int32_t pr, int32_t group) {
  const bool depthwise = group == c && group == m && group > 1;
  const int32_t pads[4] = {pt, pl, pb, pr};
  bool cut = false;
  for (;;) {
    const int64_t oh = out_extent(h, kh, sh, dh, pt, pb), ow = out_extent(w, kw, sw, dw, pl, pr);
    const int64_t in_n = int64_t(c) * h * w, w_n = int64_t(m) * (c / group) * kh * kw, out_n = int64_t(m) * oh * ow;
    const int64_t most = in_n > w_n ? (in_n > out_n ? in_n : out_n) : (w_n > out_n ? w_n : out_n);
    if (most <= kMaxBytes && m <= kMaxChannels) break;
    cut = true;
    const int32_t min_h = (kh - 1) * dh + 1, min_w = (kw - 1) * dw + 1;
    if ((in_n > kMaxBytes || out_n > kMaxBytes) && (h > min_h || w > min_w)) {
      if (h >= w && h > min_h) {
        h = h / 2 > min_h ? h / 2 : min_h;
      } else {
        w = w / 2 > min_w ? w / 2 : min_w;
      }
    } else if (depthwise && c > 2) {
      c = m = group = c / 2;
    } else if (!depthwise && m > group) {
      m = (m / 2 + group - 1) / group * group;
    } else if (!depthwise && c > group) {
      c = (c / 2 + group - 1) / group * group;
    } else {
      return;  // cannot be cut further: not run (the count below shows it)
    }
  }
  ++g_layers;
  if (!cut) ++g_layers_full;
  const mote_act relu{MOTE_ACT_RELU, 0.0f, 0.0f};
  if (MOTE_TEST_FLOAT) conv_case(1, c, m, h, w, kh, kw, sh, sw, dh, dw, pads, group, true, false, relu);
  qconv_case(1, c, m, h, w, kh, kw, sh, sw, dh, dw, pads, group, false, false);
}

void gemm_layer(int32_t M, int32_t N, int32_t K, int32_t trans_b) {
  bool cut = false;
  while (int64_t(N) * K > kMaxBytes || N > kMaxChannels) {
    N = N / 2;
    cut = true;
  }
  ++g_layers;
  if (!cut) ++g_layers_full;
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  if (MOTE_TEST_FLOAT) gemm_case(M, N, K, false, trans_b != 0, 1.0f, 1.0f, 1, none);
  const int32_t ad[2] = {M, K}, bd[2] = {K, N};
  qmatmul_case(2, 2, ad, bd, false);
}

void layer_cases() {
  g_strict = true;
  const int failed = g_failed;
#define MOTE_CONV_LAYER(c, h, w, m, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group, model) \
  conv_layer(c, h, w, m, kh, kw, sh, sw, dh, dw, pt, pl, pb, pr, group);
#define MOTE_GEMM_LAYER(M, N, K, tb, model) gemm_layer(M, N, K, tb);
#include "torchvision_layers.inc"
#undef MOTE_CONV_LAYER
#undef MOTE_GEMM_LAYER
  g_strict = false;
  printf("torchvision layers: %d of %d distinct shapes at full size (the rest cut to fit), %d failed\n", g_layers_full,
         g_layers, g_failed - failed);
}

int run_cases() {
  g_rng = 12345u;
  g_passed = g_failed = g_optimised = g_declined = g_q_optimised = 0;
  g_scratch_skipped = g_layers = g_layers_full = 0;
  const int32_t pad1[4] = {1, 1, 1, 1}, pad0[4] = {0, 0, 0, 0};
  const mote_act none{MOTE_ACT_NONE, 0.0f, 0.0f};
  if (MOTE_TEST_FLOAT) {
    // The shapes of docs/benchmarks.md.
    conv_case(1, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 1, true, false, none);
    conv_case(1, 32, 32, 16, 16, 1, 1, 1, 1, 1, 1, pad0, 1, true, false, none);
    conv_case(1, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 32, true, false, none);
    gemm_case(1, 64, 256, false, false, 1.0f, 1.0f, 1, none);
    gemm_case(1, 64, 256, false, true, 1.0f, 1.0f, 1, none);
    const mote_act relu{MOTE_ACT_RELU, 0.0f, 0.0f};
    winograd_case(1, 64, 64, 56, 56, pad1, true, relu);     // ResNet-18 layer1: blocks of tiles across tile rows
    const mote_act relu6{MOTE_ACT_CLIP, 0.0f, 6.0f};
    expand_dw_case(1, 16, 96, 112, 112, 3, 2, pad1, 4, relu6, none);   // MobileNetV2 block 2: rows form, stride 2
    expand_dw_case(1, 24, 144, 56, 56, 3, 1, pad1, 12, relu6, none);   // block 3: rows kept between bands
    expand_dw_case(1, 16, 48, 112, 112, 3, 2, pad1, 8, relu, relu);    // MnasNet 0.5
    const int32_t pad2[4] = {2, 2, 2, 2};
    expand_dw_case(1, 24, 72, 56, 56, 5, 2, pad2, 4, relu, relu);      // 5x5 stride 2
    expand_dw_case(1, 40, 240, 28, 28, 5, 1, pad2, 8, none, none, MOTE_OP_SILU);  // EfficientNet-B0: SiLU, 5x5
    expand_dw_case(1, 16, 64, 56, 56, 3, 2, pad1, 4, none, relu, MOTE_OP_HARD_SWISH);
    expand_dw_case(1, 8, 24, 9, 11, 3, 1, pad1, 4, relu, none);        // narrow: the bands form
    winograd_case(1, 128, 128, 28, 28, pad1, true, none);   // layer2: several blocks
    winograd_case(1, 128, 96, 7, 7, pad1, false, relu);     // a 7x7 map: partial tiles, one block
    winograd_case(1, 16, 64, 55, 55, pad1, true, relu);     // SqueezeNet's first expand 3x3
    // F(4x4, 3x3): the same shapes, and maps of every size modulo 4 and channel tails.
    winograd_case(1, 64, 64, 56, 56, pad1, true, relu, 36);
    winograd_case(1, 128, 128, 28, 28, pad1, true, none, 36);
    winograd_case(1, 256, 256, 14, 14, pad1, true, relu, 36);
    winograd_case(1, 128, 96, 7, 7, pad1, false, relu, 36);
    winograd_case(1, 16, 64, 55, 55, pad1, true, relu, 36);
    winograd_case(1, 48, 192, 13, 13, pad1, true, relu, 36);
    for (int32_t s = 1; s <= 9; ++s) winograd_case(2, 3 + s, 17 + s, s + 4, 2 * s + 1, pad1, s % 2 == 1, relu, 36);
  }
  // The int8 shapes of docs/benchmarks.md (NCHW here), with bias and per-channel requantisation.
  qconv_case(1, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 1, false, false);
  qconv_case(1, 32, 32, 16, 16, 1, 1, 1, 1, 1, 1, pad0, 1, false, false);
  qconv_case(1, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 32, false, false);
  const int32_t fc_a[2] = {1, 256}, fc_b[2] = {256, 64};
  qmatmul_case(2, 2, fc_a, fc_b, false);
  // The same convolutions in NHWC (the layout `mote convert` picks for the Cortex-M boards).
  qconv_case(1, 16, 16, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 1, false, false, false, MOTE_LAYOUT_NHWC);
  qconv_case(1, 32, 32, 16, 16, 1, 1, 1, 1, 1, 1, pad0, 1, false, false, false, MOTE_LAYOUT_NHWC);
  qconv_case(1, 32, 32, 16, 16, 3, 3, 1, 1, 1, 1, pad1, 32, false, false, false, MOTE_LAYOUT_NHWC);
  for (int32_t pass = 0; pass < 2; ++pass) {  // NHWC edges (fixed vectors, then random): odd channel
    const bool rv = pass == 1;
    // and pixel counts, taps not a multiple of 8; depthwise on the band with an odd width, no or
    // uneven padding, two images, and C not a multiple of 4.
    const int32_t pad_uneven[4] = {0, 1, 2, 1};
    qconv_case(1, 3, 5, 7, 5, 3, 3, 1, 1, 1, 1, pad1, 1, false, rv, false, MOTE_LAYOUT_NHWC);
    qconv_case(2, 12, 12, 5, 7, 3, 3, 1, 1, 1, 1, pad1, 12, false, rv, false, MOTE_LAYOUT_NHWC);
    qconv_case(1, 8, 8, 6, 9, 3, 3, 1, 1, 1, 1, pad0, 8, false, rv, false, MOTE_LAYOUT_NHWC);
    qconv_case(1, 8, 8, 6, 6, 3, 3, 1, 1, 1, 1, pad_uneven, 8, false, rv, false, MOTE_LAYOUT_NHWC);
    qconv_case(1, 6, 6, 5, 5, 3, 3, 1, 1, 1, 1, pad1, 6, false, rv, false, MOTE_LAYOUT_NHWC);
  }
  const int32_t fc_nk[2] = {64, 256};
  qmatmul_case(2, 2, fc_a, fc_nk, false, false, MOTE_B_NK);
  const int checked = g_passed + g_failed;
  if (MOTE_TEST_FLOAT) {
    for (int k = 0; k < 200; ++k) random_conv();
    for (int k = 0; k < 100; ++k) random_gemm();
    for (int k = 0; k < 100; ++k) random_matmul();
    for (int k = 0; k < 100; ++k) random_w8();
    for (int k = 0; k < 100; ++k) random_conv_w8();
    for (int k = 0; k < 100; ++k) random_winograd();
    for (int k = 0; k < 100; ++k) random_expand_dw();
    for (int k = 0; k < 150; ++k) random_unary();
    for (int k = 0; k < 150; ++k) random_binary();
    for (int k = 0; k < 100; ++k) random_pool();
    for (int k = 0; k < 40; ++k) random_reduce_mean();
    for (int k = 0; k < 60; ++k) random_winograd(36);  // F(4x4, 3x3)
  }
  for (int k = 0; k < 300; ++k) random_qconv();
  for (int k = 0; k < 150; ++k) random_qconv(MOTE_LAYOUT_NHWC);
  for (int k = 0; k < 60; ++k) random_qmatmul_nk();
  for (int k = 0; k < 150; ++k) random_qmatmul();
  // Depthwise 3x3, stride 1 (the kernels' banded path): odd sizes, every padding.
  for (int k = 0; k < 30; ++k) {
    int32_t pads[4];
    for (int32_t& q : pads) q = pick(0, 2);
    const int32_t c = pick(1, 12);
    qconv_case(pick(1, 2), c, c, pick(1, 13), pick(1, 21), 3, 3, 1, 1, 1, 1, pads, c, false);
  }
  // The same in NHWC with C a multiple of 4 (the band pass over all channels; requantised in the
  // pass or, for shifts, clamps and biases outside its domain, after it).
  for (int k = 0; k < 60; ++k) {
    int32_t pads[4];
    for (int32_t& q : pads) q = pick(0, 2);
    const int32_t c = 4 * pick(1, 10);
    qconv_case(pick(1, 2), c, c, pick(1, 11), pick(1, 17), 3, 3, 1, 1, 1, 1, pads, c, false, true, false,
               MOTE_LAYOUT_NHWC);
  }
  for (int k = 0; k < 150; ++k) random_qmaxpool();
  for (int k = 0; k < 150; ++k) random_qbinary();
  for (int k = 0; k < 80; ++k) random_qadd_full();
  for (int k = 0; k < 60; ++k) random_qglobal_pool();
  for (int k = 0; k < 40; ++k) random_qlut();
  for (int k = 0; k < 60; ++k) random_qrequantize();
  for (int k = 0; k < 60; ++k) random_quantize();
  for (int k = 0; k < 60; ++k) random_qreduce_mean();
#ifdef MOTE_TEST_LARGE
  large_cases();
#endif
  layer_cases();
  const int total = g_passed + g_failed;
  printf("kernels: %d cases (%d fixed, %d random that passed infer), %d on an optimised kernel (%d int8), %d declined to the reference\n",
         total, checked, total - checked, g_optimised, g_q_optimised, g_declined);
  if (g_scratch_skipped) printf("%d random cases skipped: scratch past this test's %lu bytes\n", g_scratch_skipped, (unsigned long)kMaxScratch);
  if (g_optimised == 0) {
    printf("FAIL no case ran on an optimised kernel\n");
    ++g_failed;
  }
  printf("%d passed, %d failed\n", g_passed, g_failed);
  return g_failed ? 1 : 0;
}

#ifdef MOTE_TEST_HOST_X86
#include "runtime/kernels/x86/cpu.h"

int main() {
  using namespace mote::x86;
  int failed = 0, ran = 0;
  for (int32_t l = kSse41; l < kLevelCount; ++l) {
    const Level level = Level(l);
    if (!force(level)) {
      printf("== %s: not supported by this CPU, skipped\n", level_name(level));
      continue;
    }
    printf("== %s\n", level_name(level));
    failed |= run_cases();
    ++ran;
  }
  if (ran == 0) {
    printf("FAIL no x86 level is supported here\n");
    return 1;
  }
  return failed;
}
#else
int main() { return run_cases(); }
#endif

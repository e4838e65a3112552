// Every WebAssembly SIMD128 kernel (runtime/kernels/wasm_simd128) against the reference kernel,
// which is the specification, on random shapes including odd and tiny ones, every fused
// activation, bias on and off, broadcasts and in-place use: Conv (1x1, general, depthwise),
// ConvWinograd, Gemm, MatMul, MaxPool, the global pools, and the element-wise ops; and the int8 QConv (1x1,
// general, depthwise), QMatMul, QAdd/QSub/QMul/QMax/QMin, QuantizeLinear, MaxPool and
// GlobalAveragePool, which must match exactly: zero points at the extremes, per-channel and
// per-tensor multipliers, shifts of both signs, fused ranges, int32 output, broadcasts.
//
// Built by wasm/build.sh (em++ -msimd128, against the SIMD build's library) into
// kernels_test.js, run with Node: `node kernels_test.js [SEED]`. A test harness, so it uses
// the normal C++ library and heap.
//
// Float tolerance: |simd - ref| <= 1e-4 * (1 + |ref|) per element (they sum in another order; wasm
// has no fused multiply-add here either), NaN only where the reference has NaN. Every case the
// dispatcher should take must be taken: a kUnsupportedOp there is a failure, as is a case it
// should hand back and does not. Each case gets exactly the scratch a plan would hold for it
// (the reference's or this set's kernel_set_scratch_bytes, the larger) and a canary after it.
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <algorithm>
#include <string>
#include <vector>

#include "runtime/kernels/reference/common.h"
#include "runtime/kernels/reference/quant.h"
#include "runtime/kernels/wasm_simd128/s8_kernels.h"
#include "mote/winograd.h"

namespace mote {
Status run_optimized(const OpArgs& args);
}

using namespace mote;

namespace {

struct Rng {
  uint64_t s;
  uint32_t next() {
    s = s * 6364136223846793005ull + 1442695040888963407ull;
    return uint32_t(s >> 33);
  }
  int32_t range(int32_t lo, int32_t hi) { return lo + int32_t(next() % uint32_t(hi - lo + 1)); }  // [lo, hi]
  float uniform(float lo, float hi) { return lo + (hi - lo) * float(next() >> 8) / 16777216.0f; }
  bool coin() { return next() & 1; }
};

struct Tensor {
  int32_t dtype = MOTE_F32;
  std::vector<int32_t> dims;
  std::vector<float> data;
  bool present = true;
  int64_t numel() const {
    int64_t n = 1;
    for (int32_t d : dims) n *= d;
    return n;
  }
};

Tensor random_tensor(Rng& rng, std::vector<int32_t> dims, float lo = -1.0f, float hi = 1.0f) {
  Tensor t;
  t.dims = dims;
  t.data.resize(size_t(t.numel()));
  for (float& v : t.data) v = rng.uniform(lo, hi);
  return t;
}

TensorView view(const Tensor& t, float* data) {
  TensorView v{};
  v.data = data;
  v.dtype = t.present ? t.dtype : MOTE_DTYPE_UNDEFINED;
  v.rank = int32_t(t.dims.size());
  for (size_t k = 0; k < t.dims.size(); ++k) v.dims[k] = t.dims[k];
  return v;
}

Status run_reference(const OpArgs& a) {
  switch (a.code) {
    case MOTE_OP_CONV:
    case MOTE_OP_CONV_WINOGRAD: return run_conv(a);
    case MOTE_OP_GEMM: return run_gemm(a);
    case MOTE_OP_MATMUL: return run_matmul(a);
    case MOTE_OP_MAX_POOL: return run_pool(a);
    case MOTE_OP_GLOBAL_AVERAGE_POOL:
    case MOTE_OP_GLOBAL_MAX_POOL: return run_global_pool(a);
    case MOTE_OP_REDUCE_MEAN: return run_reduce(a);
    case MOTE_OP_ADD:
    case MOTE_OP_SUB:
    case MOTE_OP_MUL:
    case MOTE_OP_DIV:
    case MOTE_OP_MAX:
    case MOTE_OP_MIN:
    case MOTE_OP_PRELU: return run_binary(a);
    default: return run_unary(a);
  }
}

int g_passed = 0, g_failed = 0;
int g_verbose_failures = 0;

void fail(const std::string& name, const char* why) {
  ++g_failed;
  if (g_verbose_failures++ < 40) printf("FAIL %s: %s\n", name.c_str(), why);
}

std::string dims_str(const std::vector<int32_t>& d) {
  std::string s = "[";
  for (size_t k = 0; k < d.size(); ++k) s += (k ? "," : "") + std::to_string(d[k]);
  return s + "]";
}

enum class Expect { kOptimized, kFallback };

// The scratch a case gets: exactly what a plan would hold for it, the larger of the reference's
// (infer) and this set's (kernel_set_scratch_bytes), 16-byte aligned, then a canary that must
// survive the optimised kernel.
struct Scratch {
  static constexpr uint32_t kCanary = 64;
  std::vector<uint8_t> bytes;
  uint8_t* at = nullptr;
  uint32_t size = 0;

  Scratch(const OpArgs& planned, uint32_t reference_bytes) {
    size = std::max(reference_bytes, kernel_set_scratch_bytes(planned));
    bytes.assign(size_t(size) + kCanary + 16, 0);
    at = bytes.data() + (16 - uintptr_t(bytes.data()) % 16) % 16;
  }
  void give(OpArgs& a) {
    memset(at, 0xEE, size);
    memset(at + size, 0xCD, kCanary);
    a.scratch = at;
    a.scratch_bytes = size;
  }
  bool canary_intact() const {
    for (uint32_t i = 0; i < kCanary; ++i) {
      if (at[size + i] != 0xCD) return false;
    }
    return true;
  }
};

// Runs one op both ways. in_place: the output starts where input 0 does.
void check(const std::string& name, int32_t code, const void* params, uint32_t params_size, std::vector<Tensor> ins,
           Expect expect, bool in_place = false) {
  char diag_buf[256];
  Diag diag(diag_buf, sizeof diag_buf);
  std::vector<TensorView> in_views;
  for (const Tensor& t : ins) in_views.push_back(view(t, nullptr));
  TensorView inferred[1];
  uint32_t scratch = 0;
  OpArgs probe{code, params, params_size, in_views.data(), int32_t(in_views.size()), nullptr, 1, nullptr, 0, &diag};
  if (op_infer(probe, inferred, &scratch) != Status::kOk) {
    fail(name, (std::string("the case itself is invalid: ") + diag.text()).c_str());
    return;
  }
  probe.out = inferred;
  Scratch work(probe, scratch);
  const TensorView& shape = inferred[0];
  int64_t out_n = 1;
  for (int32_t k = 0; k < shape.rank; ++k) out_n *= shape.dims[k];

  // Two copies of everything: each run gets its own inputs (in place overwrites input 0).
  std::vector<float> results[2];
  Status status[2];
  for (int which = 0; which < 2; ++which) {
    std::vector<std::vector<float>> bufs;
    for (const Tensor& t : ins) bufs.push_back(t.data);
    std::vector<TensorView> views;
    for (size_t k = 0; k < ins.size(); ++k) views.push_back(view(ins[k], ins[k].present ? bufs[k].data() : nullptr));
    std::vector<float> out(size_t(out_n) + 8, 12345.0f);  // a sentinel past the end catches overruns
    TensorView ov = shape;
    ov.data = in_place ? bufs[0].data() : out.data();
    OpArgs a{code, params, params_size, views.data(), int32_t(views.size()), &ov, 1, nullptr, 0, &diag};
    work.give(a);
    status[which] = which == 0 ? run_reference(a) : run_optimized(a);
    if (!work.canary_intact()) return fail(name, which ? "SIMD128 wrote past its scratch" : "reference wrote past its scratch");
    if (in_place) {
      for (int64_t i = 0; i < out_n; ++i) out[size_t(i)] = bufs[0][size_t(i)];
    }
    results[which] = out;
  }
  if (status[0] != Status::kOk) {
    fail(name, "the reference kernel failed");
    return;
  }
  if (expect == Expect::kFallback) {
    if (status[1] != Status::kUnsupportedOp) return fail(name, "the SIMD128 set took a case it should hand back");
    ++g_passed;
    return;
  }
  if (status[1] == Status::kUnsupportedOp) return fail(name, "no SIMD128 kernel took it (kUnsupportedOp)");
  if (status[1] != Status::kOk) return fail(name, "the SIMD128 kernel failed");
  double worst = 0.0;
  int64_t worst_at = -1;
  for (int64_t i = 0; i < out_n; ++i) {
    const float r = results[0][size_t(i)], o = results[1][size_t(i)];
    if (isnan(r) || isnan(o)) {
      if (isnan(r) != isnan(o)) {
        worst = INFINITY;
        worst_at = i;
        break;
      }
      continue;
    }
    const double excess = fabs(double(o) - double(r)) / (1e-4 * (1.0 + fabs(double(r))));
    if (excess > worst) {
      worst = excess;
      worst_at = i;
    }
  }
  for (int k = 0; k < 8; ++k) {
    if (results[1][size_t(out_n + k)] != 12345.0f && !in_place) return fail(name, "wrote past the end of the output");
  }
  if (worst > 1.0) {
    char msg[200];
    snprintf(msg, sizeof msg, "element %lld: simd %.8g, reference %.8g (%.1fx the tolerance)", (long long)worst_at,
             double(results[1][size_t(worst_at)]), double(results[0][size_t(worst_at)]), worst);
    return fail(name, msg);
  }
  ++g_passed;
}

mote_act random_act(Rng& rng) {
  mote_act act{};
  act.kind = rng.range(0, 3);
  if (act.kind == MOTE_ACT_CLIP) {
    act.alpha = rng.uniform(-1.0f, 0.0f);
    act.beta = rng.uniform(0.0f, 1.5f);
  } else if (act.kind == MOTE_ACT_LEAKY_RELU) {
    act.alpha = rng.uniform(0.0f, 0.3f);
  }
  return act;
}

// ---- Conv ------------------------------------------------------------------------------------

struct ConvCase {
  int32_t n = 1, c = 1, h = 1, w = 1, m = 1, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t pt = 0, pl = 0, pb = 0, pr = 0, group = 1;
  bool bias = true, one_d = false;
  mote_act act{};
  bool specials = false;  // a NaN, +inf and -inf in the input's middle planes (n = 1, 2-D)
};

void conv_case(Rng& rng, const ConvCase& cc, const char* tag) {
  mote_conv_params p{};
  p.spatial_rank = cc.one_d ? 1 : 2;
  p.group = cc.group;
  if (cc.one_d) {
    p.kernel[0] = cc.kw, p.stride[0] = cc.sw, p.dilation[0] = cc.dw, p.pad_begin[0] = cc.pl, p.pad_end[0] = cc.pr;
  } else {
    p.kernel[0] = cc.kh, p.kernel[1] = cc.kw, p.stride[0] = cc.sh, p.stride[1] = cc.sw;
    p.dilation[0] = cc.dh, p.dilation[1] = cc.dw;
    p.pad_begin[0] = cc.pt, p.pad_begin[1] = cc.pl, p.pad_end[0] = cc.pb, p.pad_end[1] = cc.pr;
  }
  p.act = cc.act;
  std::vector<Tensor> ins;
  if (cc.one_d) {
    ins.push_back(random_tensor(rng, {cc.n, cc.c, cc.w}));
    ins.push_back(random_tensor(rng, {cc.m, cc.c / cc.group, cc.kw}));
  } else {
    ins.push_back(random_tensor(rng, {cc.n, cc.c, cc.h, cc.w}));
    ins.push_back(random_tensor(rng, {cc.m, cc.c / cc.group, cc.kh, cc.kw}));
    if (cc.specials) {
      const int32_t plane = cc.h * cc.w;
      ins[0].data[size_t(plane + (cc.h / 2) * cc.w + cc.w / 2)] = NAN;
      ins[0].data[size_t(2 * plane + cc.w + 1)] = INFINITY;
      ins[0].data[size_t(2 * plane + plane - 2)] = -INFINITY;
      ins[0].data[size_t(plane + cc.w - 1)] = NAN;  // a row's last column: the right edge's masks
    }
  }
  if (cc.bias) ins.push_back(random_tensor(rng, {cc.m}));
  char name[256];
  snprintf(name, sizeof name, "Conv %s x%s w%s k%dx%d s%dx%d d%dx%d pad %d,%d,%d,%d group %d act %d%s", tag,
           dims_str(ins[0].dims).c_str(), dims_str(ins[1].dims).c_str(), cc.kh, cc.kw, cc.sh, cc.sw, cc.dh, cc.dw,
           cc.pt, cc.pl, cc.pb, cc.pr, cc.group, cc.act.kind, cc.bias ? " bias" : "");
  check(name, MOTE_OP_CONV, &p, sizeof p, ins, Expect::kOptimized);
}

void conv_tests(Rng& rng) {
  // The shapes of real models first: MobileNet's pointwise and depthwise layers, a stem.
  const mote_act relu6{MOTE_ACT_CLIP, 0.0f, 6.0f};
  {
    ConvCase c;
    c.c = 32, c.h = c.w = 28, c.m = 48, c.act = relu6;
    conv_case(rng, c, "pointwise");
    c.c = 24, c.h = c.w = 7, c.m = 13, c.act = mote_act{};
    conv_case(rng, c, "pointwise-odd");
    c.c = 5, c.h = 9, c.w = 11, c.m = 7, c.n = 2, c.group = 1;
    conv_case(rng, c, "pointwise-batch");
    c.c = 8, c.m = 12, c.group = 4, c.n = 1;
    conv_case(rng, c, "pointwise-grouped");
    c.c = 1030, c.h = c.w = 3, c.m = 5, c.group = 1;  // deeper than the GEMM's k blocks
    conv_case(rng, c, "pointwise-deep");
    // 49 columns (packed B, several k blocks, 2 rows left over) and 64 (in place, 2 k blocks).
    c.c = 300, c.h = c.w = 7, c.m = 22, c.act = relu6;
    conv_case(rng, c, "pointwise-7x7-deep");
    c.c = 300, c.h = c.w = 8, c.m = 12, c.bias = false;
    conv_case(rng, c, "pointwise-8x8-deep");
    // Weights in one k block (K <= 256 in place, <= 128 with B packed), whose tiles sweep the
    // rows 8 ahead of them, B packed (N % 4 != 0) or in place: 1-3 columns past the vectors, K
    // odd, rows not a multiple of 4 and too few to sweep ahead; and packed in even k blocks:
    // 232 x 232 on 7x7 (shufflenet_v2: 2 x 116), K = 256 (2 x 128) and 257 (3 blocks).
    const int32_t ahead[][4] = {{37, 5, 5, 21}, {6, 3, 3, 7}, {13, 1, 7, 15}, {232, 7, 7, 232},
                                {256, 7, 7, 30}, {257, 7, 7, 30}, {101, 4, 4, 26}, {40, 14, 14, 17}};
    for (const auto& s : ahead) {
      c.c = s[0], c.h = s[1], c.w = s[2], c.m = s[3], c.bias = s[3] % 2 == 1, c.act = s[0] % 2 ? relu6 : mote_act{};
      conv_case(rng, c, "pointwise-ahead");
    }
  }
  // Depthwise 3x3 read in place (the planes between the first and the last): every stride,
  // padding and size around the 4-column vectors, tiny planes included.
  for (int t = 0; t < 80; ++t) {
    ConvCase c;
    c.n = rng.range(1, 2);
    c.c = c.m = c.group = rng.range(3, 5);
    c.kh = c.kw = 3;
    c.sh = rng.range(1, 2), c.sw = rng.range(1, 2);
    c.pt = rng.range(0, 1), c.pb = rng.range(0, 1), c.pl = rng.range(0, 1), c.pr = rng.range(0, 1);
    c.h = rng.range(3 - c.pt - c.pb, 20);
    c.w = rng.range(3 - c.pl - c.pr, 30);
    c.bias = rng.coin();
    c.act = random_act(rng);
    conv_case(rng, c, "depthwise3x3-inplace");
  }
  // NaN and infinities in planes read in place, every activation kind (none, Relu and Clip
  // share one body, whose clamp keeps a NaN): NaN where the reference has NaN.
  for (int s = 1; s <= 2; ++s) {
    for (int kind = 0; kind < 4; ++kind) {
      ConvCase c;
      c.c = c.m = c.group = 4, c.h = c.w = 14, c.kh = c.kw = 3, c.sh = c.sw = s;
      c.pt = c.pl = c.pb = c.pr = 1, c.specials = true;
      c.act = mote_act{kind, kind == MOTE_ACT_CLIP ? -0.5f : 0.1f, 1.0f};
      conv_case(rng, c, "depthwise3x3-specials");
    }
  }
  // The same through the GEMM and Conv epilogue (apply()): a pointwise Conv, a 3x3 and a stride-2
  // 3x3 (the im2col and direct forms), every activation kind.
  for (int form = 0; form < 3; ++form) {
    for (int kind = 0; kind < 4; ++kind) {
      ConvCase c;
      c.c = 4, c.m = 6, c.h = c.w = 9, c.specials = true;
      if (form > 0) c.kh = c.kw = 3, c.pt = c.pl = c.pb = c.pr = 1, c.sh = c.sw = form;
      c.act = mote_act{kind, kind == MOTE_ACT_CLIP ? -0.5f : 0.1f, 1.0f};
      conv_case(rng, c, "conv-specials");
    }
  }
  for (int s = 1; s <= 2; ++s) {  // MobileNet's sizes
    for (int32_t size : {112, 56, 14, 7}) {
      ConvCase c;
      c.c = c.m = c.group = 4, c.h = c.w = size, c.kh = c.kw = 3, c.sh = c.sw = s;
      c.pt = c.pl = c.pb = c.pr = 1, c.act = relu6;
      conv_case(rng, c, "depthwise3x3-mobilenet");
    }
  }
  for (int s = 1; s <= 2; ++s) {
    ConvCase c;
    c.c = c.m = c.group = 16, c.h = 15, c.w = 17, c.kh = c.kw = 3, c.sh = c.sw = s;
    c.pt = c.pl = c.pb = c.pr = 1, c.act = relu6;
    conv_case(rng, c, "depthwise3x3");
    c.kh = c.kw = 5, c.pt = c.pl = c.pb = c.pr = 2;
    conv_case(rng, c, "depthwise5x5");
  }
  // 5x5 (EfficientNet, MnasNet, MobileNetV3): their map sizes, rows of 8 outputs and the 1..7
  // left over, at both strides, with and without bias and activation.
  for (int s = 1; s <= 2; ++s) {
    for (int32_t size : {112, 28, 14, 7, 5, 13, 22}) {
      ConvCase c;
      c.c = c.m = c.group = 3, c.h = c.w = size, c.kh = c.kw = 5, c.sh = c.sw = s;
      c.pt = c.pl = c.pb = c.pr = 2;
      c.bias = rng.coin();
      c.act = random_act(rng);
      conv_case(rng, c, "depthwise5x5-models");
    }
  }
  // Planes taller than one band of the depthwise kernel's stack buffer, and one too wide for it.
  for (int s = 1; s <= 2; ++s) {
    ConvCase c;
    c.c = c.m = c.group = 2, c.h = 41, c.w = 601, c.kh = c.kw = 3, c.sh = c.sw = s;
    c.pt = c.pl = c.pb = c.pr = 1;
    conv_case(rng, c, "depthwise-bands");
    c.kh = c.kw = 5, c.pt = c.pl = c.pb = c.pr = 2, c.sh = 1;
    conv_case(rng, c, "depthwise-bands-5x5");
  }
  {
    ConvCase c;
    c.c = c.m = c.group = 1, c.h = 3, c.w = 3000, c.kh = c.kw = 3, c.pt = c.pl = c.pb = c.pr = 1;
    std::vector<Tensor> ins = {random_tensor(rng, {1, 1, 3, 3000}), random_tensor(rng, {1, 1, 3, 3})};
    mote_conv_params p{};
    p.spatial_rank = 2, p.group = 1, p.kernel[0] = p.kernel[1] = 3, p.stride[0] = p.stride[1] = 1;
    p.dilation[0] = p.dilation[1] = 1, p.pad_begin[0] = p.pad_begin[1] = p.pad_end[0] = p.pad_end[1] = 1;
    check("Conv depthwise 3000 wide (one band row of 3002 floats)", MOTE_OP_CONV, &p, sizeof p, ins,
          Expect::kOptimized);
  }
  {
    ConvCase c;
    c.c = 40, c.h = 9, c.w = 10, c.m = 9, c.kh = c.kw = 3, c.pt = c.pl = c.pb = c.pr = 1;
    conv_case(rng, c, "3x3-deep");  // k = 360: three panels deep
    c.c = 3, c.h = c.w = 33, c.m = 16, c.kh = c.kw = 3, c.sh = c.sw = 2, c.pt = c.pl = c.pb = c.pr = 1, c.act = relu6;
    conv_case(rng, c, "stem");
  }
  {
    // The stems' direct form (3x3 at stride 2 over at most 4 channels, M % 4 == 0): blocks of 64
    // output columns and their tails, the padding of MobileNet (1 all round), of SqueezeNet
    // (none), only at the end (the even/odd rows' last columns), batches, and the shapes it
    // hands to the general form (M % 4 != 0, 5 channels).
    const mote_act relu{MOTE_ACT_RELU, 0.0f, 0.0f};
    const struct {
      int32_t n, c, h, w, m, pt, pl, pb, pr;
      bool bias;
      mote_act act;
      const char* tag;
    } stems[] = {
        {1, 3, 9, 151, 8, 1, 1, 1, 1, true, relu6, "stem-wide"},          // ow 76: 64 + 12
        {1, 3, 7, 135, 12, 0, 0, 0, 0, false, relu, "stem-squeezenet"},  // ow 67: 64 + 3
        {1, 3, 12, 20, 4, 0, 0, 1, 1, true, {}, "stem-pad-end"},         // ow 10
        {2, 1, 11, 17, 16, 1, 1, 1, 1, true, relu, "stem-c1-batch"},     // ow 9
        {1, 2, 6, 9, 4, 1, 0, 0, 1, true, relu6, "stem-c2"},              // ow 4
        {1, 4, 8, 130, 4, 1, 1, 1, 1, false, {}, "stem-c4"},              // ow 65: 64 + 1
        {1, 3, 5, 8, 4, 1, 1, 1, 1, true, {}, "stem-tiny"},               // ow 4
        {1, 3, 9, 23, 6, 1, 1, 1, 1, true, relu, "stem-m6-general"},      // M % 4 != 0
        {1, 5, 9, 23, 8, 1, 1, 1, 1, true, relu, "stem-c5-general"},      // 5 channels
    };
    for (const auto& t : stems) {
      ConvCase c;
      c.n = t.n, c.c = t.c, c.h = t.h, c.w = t.w, c.m = t.m, c.kh = c.kw = 3, c.sh = c.sw = 2;
      c.pt = t.pt, c.pl = t.pl, c.pb = t.pb, c.pr = t.pr, c.bias = t.bias, c.act = t.act;
      conv_case(rng, c, t.tag);
    }
  }
  {
    ConvCase c;
    c.kh = c.kw = 3, c.pt = c.pl = c.pb = c.pr = 1, c.act = relu6;
    c.c = 16, c.h = c.w = 14, c.m = 20, c.sh = c.sw = 1;
    conv_case(rng, c, "3x3");
    c.c = 4, c.h = c.w = 23, c.m = 8, c.kh = c.kw = 7, c.sh = c.sw = 2, c.pt = c.pl = c.pb = c.pr = 3;
    conv_case(rng, c, "7x7s2");
    c.c = 8, c.h = c.w = 10, c.m = 6, c.kh = c.kw = 1, c.sh = c.sw = 2, c.pt = c.pl = c.pb = c.pr = 0;
    conv_case(rng, c, "1x1s2");
  }
  // Random: any kernel, stride, dilation, asymmetric padding, groups, 1-D.
  for (int t = 0; t < 300; ++t) {
    ConvCase c;
    c.one_d = rng.range(0, 9) == 0;
    c.n = rng.range(1, 2);
    const int kind = rng.range(0, 3);  // 0 general, 1 depthwise, 2 grouped, 3 1x1
    c.group = 1;
    c.c = rng.range(1, 12);
    c.m = rng.range(1, 13);
    if (kind == 1) {
      c.m = c.group = c.c;
    } else if (kind == 2) {
      const int32_t g = rng.range(1, 4);
      c.group = g, c.c = g * rng.range(1, 4), c.m = g * rng.range(1, 5);
    }
    c.kh = c.one_d ? 1 : rng.range(1, 5);
    c.kw = rng.range(1, 5);
    if (kind == 3) c.kh = c.kw = 1;
    c.sh = c.one_d ? 1 : rng.range(1, 3);
    c.sw = rng.range(1, 3);
    c.dh = c.one_d ? 1 : (rng.range(0, 3) == 0 ? 2 : 1);
    c.dw = rng.range(0, 3) == 0 ? 2 : 1;
    if (kind == 3 && rng.coin()) c.sh = c.sw = 1, c.dh = c.dw = 1;
    c.pt = c.one_d ? 0 : rng.range(0, 2);
    c.pb = c.one_d ? 0 : rng.range(0, 2);
    c.pl = rng.range(0, 2);
    c.pr = rng.range(0, 2);
    if (kind == 3 && rng.coin()) c.pt = c.pb = c.pl = c.pr = 0;
    const int32_t span_h = (c.kh - 1) * c.dh + 1, span_w = (c.kw - 1) * c.dw + 1;
    c.h = c.one_d ? 1 : rng.range(span_h > c.pt + c.pb ? span_h - c.pt - c.pb : 1, 24);
    c.w = rng.range(span_w > c.pl + c.pr ? span_w - c.pl - c.pr : 1, 40);
    c.bias = rng.range(0, 3) != 0;
    c.act = random_act(rng);
    conv_case(rng, c, "random");
  }
}

// ---- ConvWinograd ----------------------------------------------------------------------------
// W [16, M, C] random (the kernels take any transformed weights, not only G g G^T): the SIMD128
// kernel's blocks of tiles (f32_winograd.h), runs of tiles cut by the blocks and the map's edge,
// odd maps (the last tile row and column cut), every padding, M % 4 != 0 (the GEMM's last rows),
// a last block of a column count that is not a multiple of 4 (the GEMM's packed B).

void winograd_case(Rng& rng, int32_t n, int32_t c, int32_t m, int32_t h, int32_t w, const int32_t* pads, bool bias,
                   mote_act act, const char* tag, int32_t points = 16) {
  mote_conv_params p{};
  p.spatial_rank = 2;
  p.group = 1;
  p.kernel[0] = p.kernel[1] = 3;
  p.stride[0] = p.stride[1] = 1;
  p.dilation[0] = p.dilation[1] = 1;
  p.pad_begin[0] = pads[0], p.pad_begin[1] = pads[1], p.pad_end[0] = pads[2], p.pad_end[1] = pads[3];
  p.act = act;
  std::vector<Tensor> ins;
  ins.push_back(random_tensor(rng, {n, c, h, w}));
  if (points == 36) {
    // F(4x4, 3x3): U = G g G^T of random 3x3 kernels. Random U would make outputs that cancel
    // out of intermediates 64 times larger (A^T's 8 twice), where the GEMM's last M % 4 rows,
    // summed 4 channels at a time, differ from the reference by more than the tolerance.
    Tensor w = random_tensor(rng, {points, m, c});
    for (int32_t o = 0; o < m; ++o) {
      for (int32_t ch = 0; ch < c; ++ch) {
        float g[9], u[36];
        for (float& v : g) v = rng.uniform(-1.0f, 1.0f);
        mote::winograd::f4::weights(g, u);
        for (int k = 0; k < 36; ++k) w.data[(size_t(k) * m + o) * c + ch] = u[k];
      }
    }
    ins.push_back(w);
  } else {
    ins.push_back(random_tensor(rng, {points, m, c}));
  }
  if (bias) ins.push_back(random_tensor(rng, {m}));
  char name[256];
  snprintf(name, sizeof name, "ConvWinograd F(%d) %s x%s m%d pad %d,%d,%d,%d act %d%s", points == 36 ? 4 : 2, tag,
           dims_str(ins[0].dims).c_str(), m, pads[0], pads[1], pads[2], pads[3], act.kind, bias ? " bias" : "");
  check(name, MOTE_OP_CONV_WINOGRAD, &p, sizeof p, ins, Expect::kOptimized);
}

void winograd_tests(Rng& rng) {
  const int32_t pad1[4] = {1, 1, 1, 1};
  const mote_act relu{MOTE_ACT_RELU, 0.0f, 0.0f}, none{};
  winograd_case(rng, 1, 64, 64, 56, 56, pad1, true, relu, "resnet18-layer1");    // 13 blocks across tile rows
  winograd_case(rng, 1, 64, 64, 25, 25, pad1, true, none, "partial-last-block");  // blocks of 60, the last 49
  winograd_case(rng, 1, 16, 64, 55, 55, pad1, true, relu, "squeezenet-expand");   // odd map
  winograd_case(rng, 1, 256, 256, 14, 14, pad1, false, relu, "resnet18-layer3");  // one block of 49
  // 60 random maps up to max_h x max_w, every padding, for the form with `points` products.
  auto random_cases = [&](int32_t max_h, int32_t max_w, int32_t points) {
    for (int t = 0; t < 60; ++t) {
      int32_t pads[4];
      for (int32_t& v : pads) v = rng.range(0, 2);
      const int32_t h = rng.range(pads[0] + pads[2] >= 2 ? 1 : 3 - pads[0] - pads[2], max_h);
      const int32_t w = rng.range(pads[1] + pads[3] >= 2 ? 1 : 3 - pads[1] - pads[3], max_w);
      winograd_case(rng, rng.range(1, 2), rng.range(1, 24), rng.range(1, 13), h, w, pads, rng.range(0, 3) != 0,
                    random_act(rng), "random", points);
    }
  };
  random_cases(20, 30, 16);
  // F(4x4, 3x3) (W [36, M, C]): SqueezeNet's expand layers (55x55: runs of 14 tiles cut by
  // blocks of 44; 13x13: 16 tiles, the last tile row and column 1 output wide), then random maps
  // (tile rows cut 1..3 outputs short, runs of 1..3 tiles at the block's edge, tiny maps).
  winograd_case(rng, 1, 16, 64, 55, 55, pad1, true, relu, "squeezenet-fire2", 36);
  winograd_case(rng, 1, 32, 128, 27, 27, pad1, true, relu, "squeezenet-fire4", 36);
  winograd_case(rng, 1, 64, 256, 13, 13, pad1, true, relu, "squeezenet-fire8", 36);
  winograd_case(rng, 1, 64, 64, 56, 56, pad1, false, none, "resnet18-layer1", 36);
  random_cases(26, 40, 36);
}

// ---- Gemm / MatMul ---------------------------------------------------------------------------

void gemm_tests(Rng& rng) {
  for (int t = 0; t < 150; ++t) {
    mote_gemm_params p{};
    const int32_t M = t < 20 ? 1 : rng.range(1, 9), N = rng.range(1, 300 / (t % 3 + 1)), K = rng.range(1, 200);
    p.trans_a = t % 25 == 24;
    p.trans_b = rng.coin();
    p.alpha = rng.coin() ? 1.0f : rng.uniform(-2.0f, 2.0f);
    p.beta = rng.coin() ? 1.0f : rng.uniform(-2.0f, 2.0f);
    p.act = random_act(rng);
    std::vector<Tensor> ins;
    ins.push_back(random_tensor(rng, p.trans_a ? std::vector<int32_t>{K, M} : std::vector<int32_t>{M, K}));
    ins.push_back(random_tensor(rng, p.trans_b ? std::vector<int32_t>{N, K} : std::vector<int32_t>{K, N}));
    const int c_kind = rng.range(0, 4);
    if (c_kind == 1) ins.push_back(random_tensor(rng, {N}));
    if (c_kind == 2) ins.push_back(random_tensor(rng, {M, N}));
    if (c_kind == 3) ins.push_back(random_tensor(rng, {M, 1}));
    if (c_kind == 4) ins.push_back(random_tensor(rng, {1}));
    char name[160];
    snprintf(name, sizeof name, "Gemm M%d N%d K%d transA %d transB %d alpha %g beta %g C%d act %d", M, N, K, p.trans_a,
             p.trans_b, double(p.alpha), double(p.beta), c_kind, p.act.kind);
    check(name, MOTE_OP_GEMM, &p, sizeof p, ins, p.trans_a ? Expect::kFallback : Expect::kOptimized);
  }
  // NaN and infinities through the fused activation (the tiles' epilogue, apply()), every kind:
  // NaN where the reference has NaN (Relu and Clip keep it), infinities clamped as there.
  for (int kind = 0; kind < 4; ++kind) {
    for (int32_t N : {13, 1}) {
      mote_gemm_params p{};
      p.alpha = 1.0f, p.beta = 1.0f;
      p.act = mote_act{kind, kind == MOTE_ACT_CLIP ? -0.5f : 0.1f, 1.0f};
      const int32_t M = 5, K = 9;
      std::vector<Tensor> ins;
      ins.push_back(random_tensor(rng, {M, K}));
      ins.push_back(random_tensor(rng, {K, N}));
      ins.push_back(random_tensor(rng, {N}));
      ins[0].data[size_t(1 * K + 4)] = NAN;
      ins[0].data[size_t(0 * K + 2)] = INFINITY;
      ins[0].data[size_t(3 * K + 7)] = -INFINITY;
      ins[2].data[0] = NAN;  // a column of NaN from the bias
      char name[160];
      snprintf(name, sizeof name, "Gemm specials M%d N%d K%d act %d", M, N, K, kind);
      check(name, MOTE_OP_GEMM, &p, sizeof p, ins, Expect::kOptimized);
    }
  }
  for (int t = 0; t < 120; ++t) {
    mote_matmul_params p{};
    p.act = random_act(rng);
    const int32_t M = rng.range(1, 11), N = rng.range(1, 40), K = rng.range(1, 70);
    const int kind = rng.range(0, 4);
    std::vector<int32_t> ad, bd;
    Expect expect = Expect::kOptimized;
    switch (kind) {
      case 0: ad = {M, K}, bd = {K, N}; break;                                  // plain
      case 1: ad = {2, 3, M, K}, bd = {K, N}; break;                            // shared weights
      case 2: ad = {3, M, K}, bd = {3, K, N}; break;                            // same batch
      case 3: ad = {K}, bd = {K, N}; break;                                     // vector x matrix
      default: ad = {2, 1, M, K}, bd = {3, K, N}, expect = Expect::kFallback;  // broadcast batch
    }
    char name[160];
    snprintf(name, sizeof name, "MatMul A%s B%s act %d", dims_str(ad).c_str(), dims_str(bd).c_str(), p.act.kind);
    check(name, MOTE_OP_MATMUL, &p, sizeof p, {random_tensor(rng, ad), random_tensor(rng, bd)}, expect);
  }
}

// ---- pooling ---------------------------------------------------------------------------------


// A ReduceMean case: 2 to 4 dims (a long last one where `long_axis`, of long_lo..long_hi), the
// axes from a random first one to the last (trailing), or every fifth case with a leading axis
// or a gap too, which the SIMD128 kernels hand back unless that makes them all.
struct ReduceCase {
  std::vector<int32_t> dims;
  mote_reduce_params p;
  bool trailing;
};

ReduceCase reduce_case(Rng& rng, int t, bool long_axis, int32_t long_lo, int32_t long_hi) {
  ReduceCase c;
  c.dims = {rng.range(1, 3), rng.range(1, 12)};
  for (int32_t k = rng.range(0, 2); k > 0; --k) c.dims.push_back(rng.range(1, 13));
  if (long_axis) c.dims.push_back(rng.range(long_lo, long_hi));
  const int32_t rank = int32_t(c.dims.size());
  const int32_t first = rng.range(0, rank - 1);
  c.p = mote_reduce_params{};
  c.p.axes_mask = ((1u << rank) - 1u) - ((1u << first) - 1u);
  c.p.keepdims = rng.coin();
  const bool other = t % 5 == 4 && rank >= 2;  // a leading axis too, or a gap: not trailing
  if (other) c.p.axes_mask = first > 0 ? c.p.axes_mask | 1u : 1u;
  c.trailing = !other || c.p.axes_mask == (1u << rank) - 1u;
  return c;
}

void pool_tests(Rng& rng) {
  for (int t = 0; t < 150; ++t) {
    mote_pool_params p{};
    const bool one_d = rng.range(0, 7) == 0;
    p.spatial_rank = one_d ? 1 : 2;
    p.ceil_mode = rng.coin();
    int32_t in[2];
    bool fallback = false;
    for (int32_t d = 0; d < p.spatial_rank; ++d) {
      p.kernel[d] = t < 10 ? 3 : rng.range(1, 4);
      p.stride[d] = t < 10 ? 2 : rng.range(1, 3);
      p.dilation[d] = t % 20 == 19 ? 2 : 1;
      const int32_t span = (p.kernel[d] - 1) * p.dilation[d] + 1;
      p.pad_begin[d] = rng.range(0, p.kernel[d] - 1);
      p.pad_end[d] = rng.range(0, p.kernel[d] - 1);
      if (t % 30 == 29) p.pad_begin[d] = p.kernel[d];  // windows may lie wholly in the padding
      // Dilated windows and wide padding are left to the reference.
      if (p.dilation[d] != 1 || p.pad_begin[d] >= p.kernel[d]) fallback = true;
      in[d] = rng.range(span > p.pad_begin[d] + p.pad_end[d] ? span - p.pad_begin[d] - p.pad_end[d] : 1, 40);
    }
    std::vector<int32_t> dims = {rng.range(1, 2), rng.range(1, 6)};
    for (int32_t d = 0; d < p.spatial_rank; ++d) dims.push_back(in[d]);
    char name[200];
    snprintf(name, sizeof name, "MaxPool %s k%d,%d s%d,%d d%d,%d pad %d,%d,%d,%d ceil %d", dims_str(dims).c_str(),
             p.kernel[0], p.kernel[1], p.stride[0], p.stride[1], p.dilation[0], p.dilation[1], p.pad_begin[0],
             p.pad_begin[1], p.pad_end[0], p.pad_end[1], p.ceil_mode);
    Tensor x = random_tensor(rng, dims, -3.0f, 3.0f);
    if (t % 5 == 4) {  // a NaN in a window gives NaN (the kernel tracks NaNs apart from its pmax)
      for (int k = 0; k < 3; ++k) x.data[size_t(rng.range(0, int32_t(x.numel()) - 1))] = NAN;
    }
    check(name, MOTE_OP_MAX_POOL, &p, sizeof p, {x}, fallback ? Expect::kFallback : Expect::kOptimized);
  }
  // 3x3 at stride 2 as the networks have it (read in place, H rows then columns): SqueezeNet's
  // ceil-mode pools without padding (111, 55, 27 wide), the ResNet/ShuffleNet stem's padding 1
  // (112 wide), odd and even widths whose last outputs fall to the edge path or not, and NaNs:
  // in the interior, at a row's last column, at the first, at the last column a window reads
  // (a row whose outputs after the in-place ones are a whole vector); infinities too.
  {
    const struct {
      int32_t c, h, w, pad, pad_end, ceil;
      int nans;  // 0 none, 1 interior, 2 last column of a row, 3 first column, 4 +-inf only,
                 // 5 the last column the last window of row 0 reads (ceil 0)
    } pools[] = {
        {3, 23, 111, 0, 0, 1, 0}, {2, 55, 55, 0, 0, 1, 1}, {4, 27, 27, 0, 0, 1, 2}, {2, 30, 112, 1, 1, 0, 0},
        {2, 17, 112, 1, 1, 0, 3}, {1, 9, 44, 0, 1, 1, 0},  {2, 12, 26, 1, 0, 1, 4}, {1, 7, 15, 1, 1, 0, 2},
        {1, 5, 7, 0, 0, 0, 0},     {1, 3, 19, 1, 0, 0, 5},  {2, 5, 17, 0, 0, 0, 5},
    };
    for (const auto& t : pools) {
      mote_pool_params p{};
      p.spatial_rank = 2;
      p.ceil_mode = t.ceil;
      for (int d = 0; d < 2; ++d) {
        p.kernel[d] = 3, p.stride[d] = 2, p.dilation[d] = 1, p.pad_begin[d] = t.pad, p.pad_end[d] = t.pad_end;
      }
      const std::vector<int32_t> dims = {1, t.c, t.h, t.w};
      Tensor x = random_tensor(rng, dims, -3.0f, 3.0f);
      const int32_t plane = t.h * t.w;
      if (t.nans == 1) x.data[size_t(plane + (t.h / 2) * t.w + t.w / 2)] = NAN;
      if (t.nans == 2) x.data[size_t(plane * (t.c - 1) + 2 * t.w - 1)] = NAN;
      if (t.nans == 3) x.data[size_t(t.w)] = NAN;
      if (t.nans == 4) x.data[size_t(3 * t.w + 5)] = INFINITY, x.data[size_t(5 * t.w + 9)] = -INFINITY;
      if (t.nans == 5) x.data[size_t(2 * ((t.w + t.pad + t.pad_end - 3) / 2) - t.pad + 2)] = NAN;
      char name[160];
      snprintf(name, sizeof name, "MaxPool 3x3s2 %s pad %d,%d ceil %d nans %d", dims_str(dims).c_str(), t.pad,
               t.pad_end, t.ceil, t.nans);
      check(name, MOTE_OP_MAX_POOL, &p, sizeof p, {x}, Expect::kOptimized);
    }
  }
  for (int t = 0; t < 40; ++t) {
    const int32_t code = t % 2 ? MOTE_OP_GLOBAL_MAX_POOL : MOTE_OP_GLOBAL_AVERAGE_POOL;
    std::vector<int32_t> dims = {rng.range(1, 2), rng.range(1, 20), rng.range(1, 15)};
    if (rng.coin()) dims.push_back(rng.range(1, 15));
    char name[120];
    snprintf(name, sizeof name, "%s %s", op_name(code), dims_str(dims).c_str());
    check(name, code, nullptr, 0, {random_tensor(rng, dims, -3.0f, 3.0f)}, Expect::kOptimized);
  }
  // ReduceMean: over trailing axes as the global pools (long rows past the 16-float steps too);
  // any other set of axes goes back to the reference.
  for (int t = 0; t < 40; ++t) {
    const ReduceCase c = reduce_case(rng, t, t % 8 == 0, 40, 90);
    char name[120];
    snprintf(name, sizeof name, "ReduceMean %s axes 0x%x keepdims %d", dims_str(c.dims).c_str(), c.p.axes_mask,
             c.p.keepdims);
    check(name, MOTE_OP_REDUCE_MEAN, &c.p, sizeof c.p, {random_tensor(rng, c.dims, -3.0f, 3.0f)},
          c.trailing ? Expect::kOptimized : Expect::kFallback);
  }
}

// ---- element-wise ----------------------------------------------------------------------------

const int32_t kBinaryOps[] = {MOTE_OP_ADD, MOTE_OP_SUB, MOTE_OP_MUL, MOTE_OP_DIV,
                              MOTE_OP_MAX, MOTE_OP_MIN, MOTE_OP_PRELU};

void binary_tests(Rng& rng) {
  for (int t = 0; t < 400; ++t) {
    const int32_t code = kBinaryOps[t % 7];
    mote_binary_params p{};
    if (code == MOTE_OP_ADD || code == MOTE_OP_SUB || code == MOTE_OP_MUL || code == MOTE_OP_DIV) p.act = random_act(rng);
    const int32_t rank = rng.range(1, 4);
    std::vector<int32_t> out;
    for (int32_t k = 0; k < rank; ++k) out.push_back(rng.range(1, k == rank - 1 ? 37 : 6));
    // Each input: the full shape, some dimensions set to 1, fewer leading dimensions, or a scalar.
    auto derive = [&](bool full) {
      std::vector<int32_t> d = out;
      if (full) return d;
      switch (rng.range(0, 4)) {
        case 0: return d;
        case 1: return std::vector<int32_t>{1};
        case 2:
          for (int32_t& v : d) v = rng.coin() ? v : 1;
          return d;
        case 3:  // per channel, [1, C, 1, 1]-like
          for (size_t k = 0; k < d.size(); ++k) d[k] = k == 1 ? d[k] : 1;
          return d;
        default: d.erase(d.begin(), d.begin() + rng.range(0, rank - 1)); return d;
      }
    };
    const bool x_full = code == MOTE_OP_PRELU || rng.coin();
    std::vector<int32_t> xd = derive(x_full), yd = derive(!x_full ? true : false);
    if (code == MOTE_OP_PRELU) xd = out;
    const bool in_place = xd == out && rng.range(0, 3) == 0;
    const bool divisor_safe = code == MOTE_OP_DIV;
    Tensor x = random_tensor(rng, xd, -2.0f, 2.0f);
    Tensor y = random_tensor(rng, yd, divisor_safe ? 0.5f : -2.0f, 2.0f);
    char name[200];
    snprintf(name, sizeof name, "%s %s %s act %d%s", op_name(code), dims_str(xd).c_str(), dims_str(yd).c_str(),
             p.act.kind, in_place ? " in place" : "");
    // Both operands repeating along the innermost dimension is left to the reference.
    TensorView xv = view(x, nullptr), yv = view(y, nullptr), ov{};
    ov.rank = rank;
    for (int32_t k = 0; k < rank; ++k) ov.dims[k] = out[size_t(k)];
    int64_t xs[MOTE_MAX_RANK], ys[MOTE_MAX_RANK];
    ref::broadcast_strides(xv, ov, xs);
    ref::broadcast_strides(yv, ov, ys);
    int32_t d = rank - 1;
    while (d >= 0 && out[size_t(d)] == 1) --d;
    const Expect expect = d >= 0 && xs[d] == 0 && ys[d] == 0 ? Expect::kFallback : Expect::kOptimized;
    check(name, code, &p, sizeof p, {x, y}, expect, in_place);
  }
  // Rows longer than the chunks a fused activation goes over (1024 floats), with a tail of 1-3:
  // every activation kind, each input full or one value, in place too.
  for (int t = 0; t < 32; ++t) {
    const int32_t code = kBinaryOps[t % 4];  // Add, Sub, Mul, Div: the ones with an activation
    mote_binary_params p{};
    p.act = mote_act{(t / 4) % 4, (t / 4) % 4 == MOTE_ACT_CLIP ? -0.5f : 0.1f, 1.0f};
    const std::vector<int32_t> out{2, 1024 * rng.range(1, 3) + rng.range(1, 3)};
    const int form = (t / 16) % 2 ? rng.range(1, 2) : 0;  // 0: both full; 1: y one value; 2: x one value
    const std::vector<int32_t> xd = form == 2 ? std::vector<int32_t>{1} : out, yd = form == 1 ? std::vector<int32_t>{1} : out;
    Tensor x = random_tensor(rng, xd, -2.0f, 2.0f);
    Tensor y = random_tensor(rng, yd, code == MOTE_OP_DIV ? 0.5f : -2.0f, 2.0f);
    const bool in_place = form != 2 && rng.coin();
    char name[200];
    snprintf(name, sizeof name, "%s long rows %s %s act %d%s", op_name(code), dims_str(xd).c_str(), dims_str(yd).c_str(),
             p.act.kind, in_place ? " in place" : "");
    check(name, code, &p, sizeof p, {x, y}, Expect::kOptimized, in_place);
  }
  // NaN and infinities through the fused activation (act_vec), every kind, in the vector body
  // and the tail: NaN where the reference has NaN (Relu and Clip keep it).
  for (int32_t code : {MOTE_OP_ADD, MOTE_OP_MUL}) {
    for (int kind = 0; kind < 4; ++kind) {
      mote_binary_params p{};
      p.act = mote_act{kind, kind == MOTE_ACT_CLIP ? -0.5f : 0.1f, 1.0f};
      const std::vector<int32_t> d{2, 3, 11};
      Tensor x = random_tensor(rng, d, -2.0f, 2.0f), y = random_tensor(rng, d, -2.0f, 2.0f);
      x.data[1] = NAN, x.data[12] = INFINITY, x.data[20] = -INFINITY, x.data[65] = NAN;
      y.data[30] = NAN, y.data[40] = -INFINITY, y.data[64] = INFINITY;
      char name[200];
      snprintf(name, sizeof name, "%s specials %s act %d", op_name(code), dims_str(d).c_str(), kind);
      check(name, code, &p, sizeof p, {x, y}, Expect::kOptimized, false);
    }
  }
}

const int32_t kUnaryOps[] = {MOTE_OP_RELU, MOTE_OP_LEAKY_RELU, MOTE_OP_CLIP, MOTE_OP_HARD_SIGMOID, MOTE_OP_HARD_SWISH,
                             MOTE_OP_SIGMOID, MOTE_OP_SILU, MOTE_OP_ABS, MOTE_OP_NEG, MOTE_OP_SQRT, MOTE_OP_FLOOR,
                             MOTE_OP_CEIL};

void unary_tests(Rng& rng) {
  const int count = int(sizeof kUnaryOps / sizeof kUnaryOps[0]);
  for (int t = 0; t < 22 * count; ++t) {
    const int32_t code = kUnaryOps[t % count];
    mote_unary_params p{};
    p.alpha = code == MOTE_OP_HARD_SIGMOID ? 0.2f : rng.uniform(-1.0f, 0.3f);
    p.beta = code == MOTE_OP_HARD_SIGMOID ? 0.5f : rng.uniform(0.3f, 2.0f);
    const float range = (code == MOTE_OP_SIGMOID || code == MOTE_OP_SILU) && t % 3 == 0 ? 100.0f : 8.0f;
    const bool in_place = rng.coin();
    Tensor x = random_tensor(rng, {rng.range(1, 3), rng.range(1, 45)}, -range, range);
    char name[120];
    snprintf(name, sizeof name, "%s %s range %g%s", op_name(code), dims_str(x.dims).c_str(), double(range),
             in_place ? " in place" : "");
    check(name, code, &p, sizeof p, {x}, Expect::kOptimized, in_place);
  }
  // Int8 tensors stay with the reference.
  Tensor q = random_tensor(rng, {4});
  q.dtype = MOTE_I8;
  q.dims = {16};  // 16 int8 values in 4 floats' worth of bytes
  mote_unary_params p{};
  check("Relu int8", MOTE_OP_RELU, &p, sizeof p, {q}, Expect::kFallback);
}


// ---- int8: QConv, QMatMul --------------------------------------------------------------------
//
// Integers: the SIMD128 result must equal the reference's byte for byte.

struct QTensor {
  int32_t dtype = MOTE_I8;
  std::vector<int32_t> dims;
  std::vector<uint8_t> bytes;
  bool present = true;
};

QTensor q_int8(Rng& rng, std::vector<int32_t> dims) {
  QTensor t;
  t.dims = dims;
  int64_t n = 1;
  for (int32_t d : dims) n *= d;
  t.bytes.resize(size_t(n));
  // Mostly uniform, with runs of the extremes that make the largest products.
  const int mode = rng.range(0, 3);
  for (uint8_t& b : t.bytes) b = mode == 0 ? uint8_t(rng.coin() ? 0x80 : 0x7F) : uint8_t(rng.next());
  return t;
}

QTensor q_int32(std::vector<int32_t> values) {
  QTensor t;
  t.dtype = MOTE_I32;
  t.dims = {int32_t(values.size())};
  t.bytes.resize(values.size() * 4);
  memcpy(t.bytes.data(), values.data(), t.bytes.size());
  return t;
}

QTensor q_absent() {
  QTensor t;
  t.present = false;
  return t;
}

TensorView q_view(const QTensor& t, void* data) {
  TensorView v{};
  v.data = data;
  v.dtype = t.present ? t.dtype : MOTE_DTYPE_UNDEFINED;
  v.rank = int32_t(t.dims.size());
  for (size_t k = 0; k < t.dims.size(); ++k) v.dims[k] = t.dims[k];
  return v;
}

Status run_q_reference(const OpArgs& a) {
  switch (a.code) {
    case MOTE_OP_QCONV: return run_qconv(a);
    case MOTE_OP_QMATMUL: return run_qmatmul(a);
    case MOTE_OP_QUANTIZE:
    case MOTE_OP_REQUANTIZE:
    case MOTE_OP_LUT: return run_quantize(a);
    case MOTE_OP_MAX_POOL: return run_pool(a);
    case MOTE_OP_GLOBAL_AVERAGE_POOL:
    case MOTE_OP_GLOBAL_MAX_POOL: return run_global_pool(a);
    case MOTE_OP_REDUCE_MEAN: return run_reduce(a);
    default: return run_qbinary(a);
  }
}

void check_q(const std::string& name, int32_t code, const void* params, uint32_t params_size, std::vector<QTensor> ins,
             Expect expect, std::vector<uint8_t>* reference = nullptr) {
  char diag_buf[256];
  Diag diag(diag_buf, sizeof diag_buf);
  std::vector<std::vector<uint8_t>> bufs;
  for (const QTensor& t : ins) bufs.push_back(t.bytes);
  std::vector<TensorView> views;
  for (size_t k = 0; k < ins.size(); ++k) views.push_back(q_view(ins[k], ins[k].present ? bufs[k].data() : nullptr));
  TensorView inferred[1];
  uint32_t scratch = 0;
  OpArgs probe{code, params, params_size, views.data(), int32_t(views.size()), nullptr, 1, nullptr, 0, &diag};
  if (op_infer(probe, inferred, &scratch) != Status::kOk) {
    fail(name, (std::string("the case itself is invalid: ") + diag.text()).c_str());
    return;
  }
  probe.out = inferred;
  Scratch work(probe, scratch);
  int64_t out_n = 1;
  for (int32_t k = 0; k < inferred[0].rank; ++k) out_n *= inferred[0].dims[k];
  const size_t out_bytes = size_t(out_n) * dtype_size(inferred[0].dtype);
  std::vector<uint8_t> results[2];
  Status status[2];
  for (int which = 0; which < 2; ++which) {
    std::vector<uint8_t> out(out_bytes + 32, 0xA5);  // a sentinel past the end catches overruns
    TensorView ov = inferred[0];
    ov.data = out.data();
    OpArgs a{code, params, params_size, views.data(), int32_t(views.size()), &ov, 1, nullptr, 0, &diag};
    work.give(a);
    status[which] = which == 0 ? run_q_reference(a) : run_optimized(a);
    if (!work.canary_intact()) return fail(name, which ? "SIMD128 wrote past its scratch" : "reference wrote past its scratch");
    results[which] = out;
  }
  for (size_t k = 0; k < ins.size(); ++k) {
    if (bufs[k] != ins[k].bytes) return fail(name, "an input was modified");
  }
  if (status[0] != Status::kOk) return fail(name, "the reference kernel failed");
  if (reference) reference->assign(results[0].begin(), results[0].begin() + ptrdiff_t(out_bytes));
  if (expect == Expect::kFallback) {
    if (status[1] != Status::kUnsupportedOp) return fail(name, "the SIMD128 set took a case it should hand back");
    ++g_passed;
    return;
  }
  if (status[1] == Status::kUnsupportedOp) return fail(name, "no SIMD128 kernel took it (kUnsupportedOp)");
  if (status[1] != Status::kOk) return fail(name, "the SIMD128 kernel failed");
  for (size_t i = out_bytes; i < out_bytes + 32; ++i) {
    if (results[1][i] != 0xA5) return fail(name, "wrote past the end of the output");
  }
  for (size_t i = 0; i < out_bytes; ++i) {
    if (results[0][i] != results[1][i]) {
      const size_t elem = dtype_size(inferred[0].dtype);
      const size_t at = i / elem * elem;
      int32_t r = 0, o = 0;
      if (elem == 4) {
        memcpy(&r, &results[0][at], 4);
        memcpy(&o, &results[1][at], 4);
      } else {
        r = int8_t(results[0][at]);
        o = int8_t(results[1][at]);
      }
      char msg[160];
      snprintf(msg, sizeof msg, "element %zu: simd %d, reference %d", at / elem, o, r);
      return fail(name, msg);
    }
  }
  ++g_passed;
}

// The requantisation inputs of `channels` outputs: per channel or one for all, multipliers
// anywhere in [0, 2^31) (mostly the converter's [2^30, 2^31)), shifts of both signs including the
// extremes, or none at all (int32 output).
struct QEpilogue {
  bool requant = true;
  bool per_channel = true;
  bool bias = true;
  int32_t out_zp = 0, act_min = -128, act_max = 127;
};

QEpilogue random_qepilogue(Rng& rng) {
  QEpilogue q;
  q.requant = rng.range(0, 4) != 0;
  q.per_channel = rng.coin();
  q.bias = rng.range(0, 3) != 0;
  const int32_t zps[] = {-128, 127, 0, -5, 17};
  q.out_zp = rng.coin() ? zps[rng.range(0, 4)] : rng.range(-128, 127);
  if (q.requant) {
    switch (rng.range(0, 3)) {
      case 0: break;
      case 1: q.act_min = q.out_zp, q.act_max = 127; break;  // Relu
      case 2: q.act_min = rng.range(-128, 0), q.act_max = rng.range(0, 127); break;
      default: q.act_min = q.act_max = rng.range(-128, 127); break;  // a single value
    }
  } else {
    q.act_min = INT32_MIN, q.act_max = INT32_MAX;
  }
  return q;
}

void add_epilogue(Rng& rng, const QEpilogue& q, int32_t channels, std::vector<QTensor>* ins) {
  if (q.bias) {
    std::vector<int32_t> bias(static_cast<size_t>(channels));
    for (int32_t& b : bias) b = rng.range(-40000, 40000);
    ins->push_back(q_int32(bias));
  } else {
    ins->push_back(q_absent());
  }
  if (!q.requant) return;
  const int32_t n = q.per_channel ? channels : 1;
  std::vector<int32_t> mult(static_cast<size_t>(n)), shift(static_cast<size_t>(n));
  for (int32_t k = 0; k < n; ++k) {
    const int kind = rng.range(0, 9);
    mult[size_t(k)] = kind == 0 ? rng.range(0, 0x3FFFFFFF) : int32_t(0x40000000u + (rng.next() & 0x3FFFFFFFu));
    if (kind == 1 || mult[size_t(k)] > MOTE_MAX_MULTIPLIER) mult[size_t(k)] = MOTE_MAX_MULTIPLIER;  // the largest allowed
    shift[size_t(k)] = kind == 2 ? -31 : kind == 3 ? 30 : kind == 4 ? rng.range(1, 8) : rng.range(-16, 0);
  }
  ins->push_back(q_int32(mult));
  ins->push_back(q_int32(shift));
}

// The folded form of a QConv/QMatMul case (input MOTE_QCONV_START, as `mote convert` writes it):
// start[c] = bias[c] - zp * sum of channel c's weights (at w[c * ch_stride + k * k_stride]), in
// place of the bias. The reference's folded result must be the unfolded one's (`unfolded`) bit
// for bit, and the SIMD128 set's must match it.
void check_folded(const std::string& name, int32_t code, const void* params, uint32_t params_size, std::vector<QTensor> ins,
                  const std::vector<uint8_t>& unfolded, int32_t zp, int64_t channels, int64_t depth, int64_t ch_stride,
                  int64_t k_stride) {
  if (unfolded.empty() || (ins.size() > 5 && ins[5].present)) return;  // no reference result, or weight zero points
  const int8_t* w = reinterpret_cast<const int8_t*>(ins[1].bytes.data());
  const int32_t* bias = ins[2].present ? reinterpret_cast<const int32_t*>(ins[2].bytes.data()) : nullptr;
  std::vector<int32_t> start(static_cast<size_t>(channels));
  for (int64_t c = 0; c < channels; ++c) {
    int64_t sum = 0;
    for (int64_t k = 0; k < depth; ++k) sum += w[c * ch_stride + k * k_stride];
    const int64_t v = (bias ? int64_t(bias[c]) : 0) - int64_t(zp) * sum;
    if (v < INT32_MIN || v > INT32_MAX) return;  // kept unfolded by the converter
    start[size_t(c)] = int32_t(v);
  }
  ins.resize(MOTE_QCONV_START + 1, q_absent());
  ins[2] = q_absent();
  ins[MOTE_QCONV_START] = q_int32(start);
  std::vector<uint8_t> folded;
  check_q(name + " folded", code, params, params_size, ins, Expect::kOptimized, &folded);
  if (folded != unfolded) fail(name + " folded", "the folded reference differs from the unfolded one");
}

struct QConvCase {
  int32_t n = 1, c = 1, h = 1, w = 1, m = 1, kh = 1, kw = 1, sh = 1, sw = 1, dh = 1, dw = 1;
  int32_t pt = 0, pl = 0, pb = 0, pr = 0, group = 1, in_zp = 0;
  bool one_d = false;
  int32_t weight_zp = 0;  // nonzero: a case for the reference
};

void qconv_case(Rng& rng, const QConvCase& cc, const char* tag) {
  mote_qconv_params p{};
  mote_conv_params& c = p.conv;
  c.spatial_rank = cc.one_d ? 1 : 2;
  c.group = cc.group;
  if (cc.one_d) {
    c.kernel[0] = cc.kw, c.stride[0] = cc.sw, c.dilation[0] = cc.dw, c.pad_begin[0] = cc.pl, c.pad_end[0] = cc.pr;
  } else {
    c.kernel[0] = cc.kh, c.kernel[1] = cc.kw, c.stride[0] = cc.sh, c.stride[1] = cc.sw;
    c.dilation[0] = cc.dh, c.dilation[1] = cc.dw;
    c.pad_begin[0] = cc.pt, c.pad_begin[1] = cc.pl, c.pad_end[0] = cc.pb, c.pad_end[1] = cc.pr;
  }
  const QEpilogue q = random_qepilogue(rng);
  p.in_zp = cc.in_zp;
  p.out_zp = q.out_zp;
  p.act_min = q.act_min;
  p.act_max = q.act_max;
  std::vector<int32_t> xd = cc.one_d ? std::vector<int32_t>{cc.n, cc.c, cc.w} : std::vector<int32_t>{cc.n, cc.c, cc.h, cc.w};
  std::vector<int32_t> wd = cc.one_d ? std::vector<int32_t>{cc.m, cc.c / cc.group, cc.kw}
                                     : std::vector<int32_t>{cc.m, cc.c / cc.group, cc.kh, cc.kw};
  std::vector<QTensor> ins = {q_int8(rng, xd), q_int8(rng, wd)};
  add_epilogue(rng, q, cc.m, &ins);
  if (cc.weight_zp) {
    if (!q.requant) ins.push_back(q_absent()), ins.push_back(q_absent());
    ins.push_back(q_int32({cc.weight_zp}));
  }
  char name[300];
  snprintf(name, sizeof name,
           "QConv %s %s x%s w%s k%dx%d s%dx%d d%dx%d pad %d,%d,%d,%d g%d in_zp %d out_zp %d act [%d,%d] %s%s%s", tag,
           cc.one_d ? "1-D" : "2-D", dims_str(xd).c_str(), dims_str(wd).c_str(), cc.kh, cc.kw, cc.sh, cc.sw, cc.dh,
           cc.dw, cc.pt, cc.pl, cc.pb, cc.pr, cc.group, cc.in_zp, q.out_zp, q.act_min, q.act_max,
           q.requant ? (q.per_channel ? "per-channel" : "per-tensor") : "int32 out", q.bias ? "" : " no bias",
           cc.weight_zp ? " weight zp" : "");
  std::vector<uint8_t> unfolded;
  check_q(name, MOTE_OP_QCONV, &p, sizeof p, ins, cc.weight_zp ? Expect::kFallback : Expect::kOptimized, &unfolded);
  // The converter folds no depthwise QConv (its kernels skip the padding taps).
  const int64_t taps = int64_t(cc.c / cc.group) * (cc.one_d ? 1 : cc.kh) * cc.kw;
  if (!(cc.group > 1 && cc.c == cc.group)) {
    check_folded(name, MOTE_OP_QCONV, &p, sizeof p, ins, unfolded, p.in_zp, cc.m, taps, taps, 1);
  }
}

int32_t random_zp(Rng& rng) {
  const int32_t zps[] = {-128, 127, 0};
  return rng.coin() ? zps[rng.range(0, 2)] : rng.range(-128, 127);
}

void qconv_tests(Rng& rng) {
  // 1x1 (the GEMM path): odd channel and pixel counts, pixel counts around the 4-column blocks.
  for (int t = 0; t < 40; ++t) {
    QConvCase cc;
    cc.n = rng.range(1, 2), cc.c = rng.range(1, 40), cc.m = rng.range(1, 37);
    cc.h = rng.range(1, 9), cc.w = rng.range(1, 11);
    if (t % 4 == 0) cc.c = 4 * rng.range(1, 12), cc.h = 4, cc.w = 4;  // whole vectors everywhere
    cc.in_zp = random_zp(rng);
    if (t % 7 == 3) cc.group = 1 + rng.range(0, 2), cc.c = cc.group * rng.range(1, 9), cc.m = cc.group * rng.range(1, 9);
    qconv_case(rng, cc, "1x1");
  }
  // Planes of one pixel (the squeeze-excite convolutions: one column against 4 rows a pass), wide
  // and narrow columns (taps past the last 8 one by one), 1..3 rows in the last pass, a batch.
  for (int t = 0; t < 10; ++t) {
    QConvCase cc;
    const int32_t widths[] = {8, 16, 576, 37, 3, 120, 72, 1, 240, 96};
    cc.c = widths[t], cc.m = rng.range(1, 150), cc.n = t % 4 == 3 ? 2 : 1;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "1x1 one pixel");
  }
  // Planes of 1024 pixels and more: lanes are pixels (4 channels x 8 pixels a block).
  for (int t = 0; t < 12; ++t) {
    QConvCase cc;
    cc.c = rng.range(1, 40), cc.m = rng.range(1, 11), cc.h = 32, cc.w = rng.range(32, 40);
    cc.in_zp = random_zp(rng);
    if (t % 4 == 3) cc.group = 2, cc.c = 2 * rng.range(1, 9), cc.m = 2 * rng.range(1, 5), cc.n = 2;
    qconv_case(rng, cc, "1x1 planar");
  }
  // The mobile networks' narrow expansions (16 and 24 channels in), an odd count and one
  // channel, on planes whose last 8 pixels overlap the ones before; 1..4 rows in the last block.
  for (int32_t c : {16, 24, 17, 1}) {
    QConvCase cc;
    cc.c = c, cc.m = 4 + c % 4, cc.h = 33, cc.w = 35;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "1x1 planar narrow");
  }
  // Planes of 512..1023 pixels at any width, and of 128..511 where the input or the output has
  // at most 80 channels (either side past it: the columns): odd pair counts, groups.
  for (int t = 0; t < 10; ++t) {
    QConvCase cc;
    const bool narrow = t % 2 == 0;
    cc.h = narrow ? rng.range(12, 22) : rng.range(23, 31), cc.w = narrow ? rng.range(11, 23) : rng.range(23, 32);
    cc.c = rng.range(1, narrow ? 100 : 120), cc.m = rng.range(1, narrow ? 90 : 24);
    if (narrow && t % 4 == 0) cc.c = rng.range(78, 84), cc.m = rng.range(78, 84);  // around the bound
    cc.in_zp = random_zp(rng);
    if (t % 5 == 4) cc.group = 2, cc.c = 2 * rng.range(1, 40), cc.m = 2 * rng.range(1, 9);
    qconv_case(rng, cc, narrow ? "1x1 planar 128+" : "1x1 planar 512+");
  }
  // General: kernels, strides, dilations, padding, groups, 1-D.
  for (int t = 0; t < 60; ++t) {
    QConvCase cc;
    cc.n = rng.range(1, 2);
    cc.group = t % 5 == 0 ? rng.range(2, 3) : 1;
    cc.c = cc.group * rng.range(1, 9), cc.m = cc.group * rng.range(1, 9);
    cc.kh = rng.range(1, 5), cc.kw = rng.range(1, 5);
    cc.sh = rng.range(1, 3), cc.sw = rng.range(1, 3), cc.dh = rng.range(1, 2), cc.dw = rng.range(1, 2);
    cc.pt = rng.range(0, 2), cc.pl = rng.range(0, 2), cc.pb = rng.range(0, 2), cc.pr = rng.range(0, 2);
    cc.h = (cc.kh - 1) * cc.dh + 1 + rng.range(0, 9) - cc.pt - cc.pb;
    cc.w = (cc.kw - 1) * cc.dw + 1 + rng.range(0, 12) - cc.pl - cc.pr;
    if (cc.h < 1) cc.h = 1;
    if (cc.w < 1) cc.w = 1;
    if (cc.h + cc.pt + cc.pb < (cc.kh - 1) * cc.dh + 1) cc.pb += (cc.kh - 1) * cc.dh + 1 - cc.h - cc.pt - cc.pb;
    if (cc.w + cc.pl + cc.pr < (cc.kw - 1) * cc.dw + 1) cc.pr += (cc.kw - 1) * cc.dw + 1 - cc.w - cc.pl - cc.pr;
    cc.in_zp = random_zp(rng);
    cc.one_d = t % 9 == 4;
    if (cc.one_d) cc.kh = cc.sh = cc.dh = 1, cc.pt = cc.pb = 0, cc.h = 1;
    qconv_case(rng, cc, "general");
  }
  // Rows of 16 bytes and more (4 columns of one row gathered with vectors where their windows
  // lie inside the row, the rest tap by tap): ResNet's 3x3 at strides 1 and 2 and its 7x7 stride
  // 2 stem, 5 wide, a window of 1 column, dilated rows, groups, padding of 0..3 on each side,
  // rows whose count of outputs is and is not a multiple of 4, taps per output k a multiple of 8
  // or not (the column's last window row stored exactly).
  for (int t = 0; t < 24; ++t) {
    QConvCase cc;
    const int32_t shapes[][3] = {{3, 3, 1}, {3, 3, 2}, {7, 7, 2}, {5, 5, 1}, {1, 3, 1}, {3, 1, 2}, {2, 7, 3}, {3, 4, 1}};
    const int32_t* s = shapes[t % 8];
    cc.kh = s[0], cc.kw = s[1], cc.sh = cc.sw = s[2];
    cc.dh = t % 5 == 2 ? 2 : 1;
    cc.group = t % 6 == 5 ? 2 : 1;
    cc.c = cc.group * rng.range(1, 9), cc.m = cc.group * rng.range(1, 9);
    if (t % 4 == 1) cc.c = cc.group * 8;  // k a multiple of 8 for the 3x3 rows, the column's stride
    cc.pt = rng.range(0, 3), cc.pl = rng.range(0, 3), cc.pb = rng.range(0, 3), cc.pr = rng.range(0, 3);
    cc.h = (cc.kh - 1) * cc.dh + 1 + rng.range(0, 8);
    cc.w = rng.range(16, 44);
    cc.n = t % 7 == 3 ? 2 : 1;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "wide rows");
  }
  // Few taps per output (a network's first layer, lanes = output pixels): 1 or 3 channels,
  // 3x3 (one 5 wide, lopsided padding), strides 2 and 1, rows of 8 outputs and more (the last 8
  // overlapping the ones before), 1..9 output channels (the last group of 4 short), a batch;
  // then stride 2 and 3 wide with an even count of kernel rows (channels x height: 6, 12), whose
  // rows the kernel takes two at a time without an odd last one, and no padding.
  for (int t = 0; t < 14; ++t) {
    QConvCase cc;
    cc.c = t % 4 == 3 ? 1 : 3, cc.m = rng.range(1, 9), cc.kh = cc.kw = 3;
    cc.sh = cc.sw = t % 2 ? 1 : 2;
    cc.pt = cc.pl = cc.pb = cc.pr = 1;
    if (t == 5) cc.pl = 0, cc.pr = 2, cc.kw = 5;
    if (t >= 8) {
      cc.sh = cc.sw = 2;
      cc.c = t % 3 == 0 ? 3 : t % 3 == 1 ? 2 : 4, cc.kh = cc.c == 3 ? 2 : 3;
      if (t % 2) cc.pt = cc.pl = cc.pb = cc.pr = 0;
    }
    cc.h = rng.range(3, 20), cc.w = rng.range(16, 40);
    cc.n = t == 6 ? 2 : 1;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "few taps");
  }
  // Depthwise: the 3x3 stride 1 and 2 of the mobile networks, wide rows (the 8-pixel vectors),
  // narrow ones (border only), dilation, other strides, a channel multiplier (not depthwise).
  for (int t = 0; t < 60; ++t) {
    QConvCase cc;
    cc.n = rng.range(1, 2);
    cc.c = cc.m = cc.group = rng.range(2, 12);
    const bool mobile = t % 2 == 0;
    cc.kh = mobile ? 3 : rng.range(1, 5), cc.kw = mobile ? 3 : rng.range(1, 5);
    cc.sh = mobile ? rng.range(1, 2) : rng.range(1, 3), cc.sw = mobile ? cc.sh : rng.range(1, 3);
    cc.dh = mobile ? 1 : rng.range(1, 2), cc.dw = mobile ? 1 : rng.range(1, 2);
    cc.pt = cc.pl = cc.pb = cc.pr = mobile ? 1 : rng.range(0, 2);
    if (!mobile) cc.pb = rng.range(0, 2), cc.pr = rng.range(0, 2);
    cc.h = rng.range(1, 12) + (cc.kh - 1) * cc.dh, cc.w = rng.range(1, 40) + (cc.kw - 1) * cc.dw;
    cc.in_zp = random_zp(rng);
    if (t % 10 == 7) cc.m = 2 * cc.c;  // channel multiplier 2: the general kernel
    qconv_case(rng, cc, cc.m == cc.c ? "depthwise" : "multiplier 2");
  }
  // The banded depthwise (undilated, stride 1 or 2 across, at most 16 kernel rows): the 3x3 and
  // 5x5 of the mobile networks on 7x7 to 30-wide planes, rows of fewer than 8 outputs,
  // asymmetric and lopsided padding (windows wholly in it), a vertical stride of 3, and 17 rows
  // or 70 taps (past the ring: the inside-run path).
  for (int t = 0; t < 40; ++t) {
    QConvCase cc;
    cc.n = rng.range(1, 2);
    cc.c = cc.m = cc.group = rng.range(1, 6);
    const int32_t k = t % 3 == 0 ? 5 : t % 3 == 1 ? 3 : rng.range(1, 7);
    cc.kh = t == 39 ? 17 : t == 38 ? 10 : k, cc.kw = t == 38 ? 7 : t % 5 == 4 ? rng.range(1, 7) : k;
    cc.sw = rng.range(1, 2), cc.sh = t % 7 == 3 ? 3 : cc.sw;
    cc.pt = rng.range(0, cc.kh), cc.pb = rng.range(0, cc.kh), cc.pl = rng.range(0, cc.kw), cc.pr = rng.range(0, cc.kw);
    if (t % 4 == 0) cc.pt = cc.pb = cc.kh / 2, cc.pl = cc.pr = cc.kw / 2;
    cc.h = drivers::max_i32(1, cc.kh - cc.pt - cc.pb) + rng.range(0, 8);
    cc.w = drivers::max_i32(1, cc.kw - cc.pl - cc.pr) + (t % 2 ? rng.range(0, 9) : rng.range(5, 30));
    if (t % 6 == 1) cc.h = cc.w = 7, cc.kh = cc.kw = 3, cc.pt = cc.pl = cc.pb = cc.pr = 1;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "depthwise band");
  }
  // Stride 2, 3x3 and 5x5, on rows whose band stride is one byte past the row (outputs 15 and
  // 14): the last vector's even-byte loads read the band row's last byte.
  for (int t = 0; t < 4; ++t) {
    QConvCase cc;
    cc.c = cc.m = cc.group = 3;
    cc.kh = cc.kw = t < 2 ? 3 : 5;
    cc.sh = cc.sw = 2;
    cc.pt = cc.pl = cc.pb = cc.pr = cc.kh / 2;
    cc.w = t < 2 ? 29 + t : 27 + (t - 2), cc.h = 9;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "depthwise band stride 2");
  }
  // Stride 1, rows of 8k + 1..4 outputs (k >= 1, the 28-wide rows): the band row's last block
  // of 4; 3x3 and the general band row's kernels (2x2, 4x3, 1x5), and 8k + 5..7 next to them.
  for (int t = 0; t < 12; ++t) {
    QConvCase cc;
    cc.c = cc.m = cc.group = t % 3 + 1;
    const int32_t widths[] = {9, 12, 28, 20, 17, 36, 28, 29, 11, 13, 25, 15};
    cc.kh = t < 8 ? 3 : t == 8 ? 2 : t == 9 ? 4 : t == 10 ? 1 : 3;
    cc.kw = t < 8 ? 3 : t == 8 ? 2 : t == 9 ? 3 : t == 10 ? 5 : 3;
    cc.pt = cc.pb = cc.kh / 2, cc.pl = cc.pr = cc.kw / 2;
    cc.w = widths[t] + (cc.kw - 1) - 2 * (cc.kw / 2), cc.h = 3 + t % 4;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "depthwise band 4-output tail");
  }
  // The same tails through row_vectors: 3x3 at stride 2, 5x5 at strides 1 and 2 (the last block
  // of 4 reads up to the band row's last byte, one past at stride 2).
  for (int t = 0; t < 12; ++t) {
    QConvCase cc;
    cc.c = cc.m = cc.group = t % 2 + 2;
    const int32_t ows[] = {28, 12, 9, 20, 17, 14};
    const int32_t ow = ows[t % 6];
    cc.kh = cc.kw = t < 4 ? 3 : 5;
    cc.sh = cc.sw = t < 8 ? 2 : 1;
    cc.pt = cc.pb = cc.pl = cc.pr = cc.kh / 2;
    cc.w = (ow - 1) * cc.sw + cc.kw - 2 * cc.pl + (cc.sw == 2 && t % 2 ? 1 : 0), cc.h = 4 + t % 3;
    cc.in_zp = random_zp(rng);
    qconv_case(rng, cc, "depthwise band 4-output tail, rows");
  }
  // Many output channels: their starts in the scratch.
  QConvCase wide;
  wide.c = 8, wide.m = 1030, wide.h = 3, wide.w = 5, wide.in_zp = -128;
  qconv_case(rng, wide, "1x1");
  wide.kh = wide.kw = 3, wide.pt = wide.pl = wide.pb = wide.pr = 1, wide.in_zp = 127;
  qconv_case(rng, wide, "general");
  // Weight zero points other than 0 stay with the reference.
  QConvCase cc;
  cc.c = 3, cc.m = 4, cc.h = 5, cc.w = 5, cc.kh = cc.kw = 3, cc.weight_zp = 3;
  qconv_case(rng, cc, "general");
  // Long columns: 6300 int16 taps each, in the scratch.
  QConvCase big;
  big.c = 700, big.m = 2, big.h = 3, big.w = 3, big.kh = big.kw = 3;
  mote_qconv_params p{};
  p.conv.spatial_rank = 2, p.conv.group = 1;
  p.conv.kernel[0] = p.conv.kernel[1] = 3;
  p.conv.stride[0] = p.conv.stride[1] = p.conv.dilation[0] = p.conv.dilation[1] = 1;
  p.act_min = INT32_MIN, p.act_max = INT32_MAX;
  check_q("QConv general 6300 taps per column", MOTE_OP_QCONV, &p, sizeof p,
          {q_int8(rng, {1, 700, 3, 3}), q_int8(rng, {2, 700, 3, 3})}, Expect::kOptimized);
}


// The vector requantisation (Requant4) against ref::requantize + zero point + clamp, lane by
// lane, on edge and random accumulators, multipliers and shifts.
void requant4_tests(Rng& rng) {
  const int32_t edges[] = {0, 1, -1, 2, -2, 127, -128, 1 << 20, -(1 << 20), INT32_MAX, INT32_MIN, INT32_MAX - 1,
                           INT32_MIN + 1, (1 << 30) - 1, -(1 << 30), 0x12345678, -0x12345678};
  const int n_edges = int(sizeof edges / sizeof edges[0]);
  int bad = 0;
  int64_t cases = 0;
  for (int t = 0; t < 20000; ++t) {
    int32_t mult = t % 7 == 0 ? int32_t(rng.next() >> 1) : int32_t(0x40000000u + (rng.next() & 0x3FFFFFFFu));
    if (mult > MOTE_MAX_MULTIPLIER) mult = MOTE_MAX_MULTIPLIER;  // the verifier's cap
    if (t % 97 == 0) mult = t % 2 ? 0 : MOTE_MAX_MULTIPLIER;
    const int32_t shift = t < 62 * 4 ? -31 + t % 62 : rng.range(-31, 30);
    const int32_t zp = rng.range(-128, 127);
    int32_t lo = rng.range(-128, 127), hi = rng.range(-128, 127);
    if (lo > hi) std::swap(lo, hi);
    s8::Epilogue e{};
    e.mult = &mult;
    e.shift = &shift;
    e.out_zp = zp, e.lo = lo, e.hi = hi;
    const wasm_simd128::Requant4 q = wasm_simd128::requant4_for(e, 0);
    int32_t acc[4];
    for (int32_t& a : acc) {
      const int kind = rng.range(0, 3);
      a = kind == 0 ? edges[rng.range(0, n_edges - 1)] : kind == 1 ? int32_t(rng.next()) : rng.range(-70000, 70000);
    }
    int32_t got[4], bounded[4];
    wasm_v128_store(got, wasm_simd128::requant4(q, wasm_v128_load(acc)));
    // The bounded form (a convolution of one tap: |acc| < 2^30 - 32640), where the shift allows it.
    const wasm_simd128::Requant4 qf = wasm_simd128::requant4_for(e, 0, 1);
    for (int k = 0; k < 4; ++k) {
      const int64_t a = acc[k] < 0 ? -int64_t(acc[k]) : acc[k];
      bounded[k] = a < (1 << 30) - 32640 ? acc[k] : acc[k] % ((1 << 30) - 32640);
    }
    int32_t got_fast[4];
    wasm_v128_store(got_fast, wasm_simd128::requant4(qf, wasm_v128_load(bounded)));
    if (qf.fast != (shift < 0)) fail("Requant4", "the bounded form is not taken where it should be, or taken where not");
    for (int k = 0; k < 4; ++k) {
      ++cases;
      const int32_t want_fast = ref::clamp_i32(ref::requantize(bounded[k], mult, shift) + zp, lo, hi);
      if (got_fast[k] != want_fast && bad++ < 5) {
        char msg[160];
        snprintf(msg, sizeof msg, "bounded acc %d mult %d shift %d: got %d, want %d", bounded[k], mult, shift, got_fast[k],
                 want_fast);
        fail("Requant4", msg);
      }
      const int32_t want = ref::clamp_i32(ref::requantize(acc[k], mult, shift) + zp, lo, hi);
      if (got[k] != want && bad++ < 5) {
        char msg[160];
        snprintf(msg, sizeof msg, "acc %d mult %d shift %d: %d, reference %d", acc[k], mult, shift, got[k], want);
        fail("Requant4", msg);
      }
    }
  }
  if (!bad) ++g_passed;
  printf("Requant4: %lld lanes against ref::requantize, %d differ\n", (long long)cases, bad);
}

void qmatmul_tests(Rng& rng) {
  for (int t = 0; t < 70; ++t) {
    mote_qmatmul_params p{};
    const QEpilogue q = random_qepilogue(rng);
    p.a_zp = random_zp(rng);
    p.out_zp = q.out_zp;
    p.act_min = q.act_min;
    p.act_max = q.act_max;
    const int32_t M = rng.range(1, 9), K = t % 5 == 0 ? rng.range(200, 700) : rng.range(1, 70), N = rng.range(1, 45);
    std::vector<int32_t> ad = {M, K}, bd = {K, N};
    const int shape = t % 4;
    if (shape == 1) ad.insert(ad.begin(), rng.range(1, 3));  // batched A, one shared B
    if (shape == 2) {                                         // batch against batch
      const int32_t batch = rng.range(2, 3);
      ad.insert(ad.begin(), batch);
      bd.insert(bd.begin(), batch);
    }
    if (shape == 3) bd.insert(bd.begin(), 1);  // B's batch dimensions all 1
    std::vector<QTensor> ins = {q_int8(rng, ad), q_int8(rng, bd)};
    add_epilogue(rng, q, N, &ins);
    char name[240];
    snprintf(name, sizeof name, "QMatMul %s x %s a_zp %d out_zp %d act [%d,%d] %s%s", dims_str(ad).c_str(),
             dims_str(bd).c_str(), p.a_zp, q.out_zp, q.act_min, q.act_max,
             q.requant ? (q.per_channel ? "per-channel" : "per-tensor") : "int32 out", q.bias ? "" : " no bias");
    std::vector<uint8_t> unfolded;
    check_q(name, MOTE_OP_QMATMUL, &p, sizeof p, ins, Expect::kOptimized, &unfolded);
    if (shape == 0 || shape == 1) check_folded(name, MOTE_OP_QMATMUL, &p, sizeof p, ins, unfolded, p.a_zp, N, K, 1, N);
  }
  // A B zero point other than 0, and a batch broadcast the kernels leave alone.
  mote_qmatmul_params p{};
  p.act_min = INT32_MIN, p.act_max = INT32_MAX;
  check_q("QMatMul B zero point", MOTE_OP_QMATMUL, &p, sizeof p,
          {q_int8(rng, {3, 5}), q_int8(rng, {5, 9}), q_absent(), q_absent(), q_absent(), q_int32({1})}, Expect::kFallback);
  check_q("QMatMul [1,3,5] x [2,5,4]", MOTE_OP_QMATMUL, &p, sizeof p, {q_int8(rng, {1, 3, 5}), q_int8(rng, {2, 5, 4})},
          Expect::kFallback);
}

// int8 element-wise ops and pools (s8_eltwise__wasm_simd128.cc) against the reference, bit for
// bit: QAdd/QSub/QMul/QMax/QMin on full operands and with one broadcast in runs (per channel, per
// row, scalar; either side), lengths around the 16-value vectors; QuantizeLinear per tensor with
// NaN, infinities and halves; int8 GlobalAveragePool; int8 MaxPool at strides 1 and 2, with
// padding, dilation and windows wholly in the padding; and the cases left to the reference.
QTensor q_f32(Rng& rng, std::vector<int32_t> dims, float scale) {
  QTensor t;
  t.dtype = MOTE_F32;
  t.dims = dims;
  int64_t n = 1;
  for (int32_t d : dims) n *= d;
  std::vector<float> v(static_cast<size_t>(n));
  const float specials[] = {NAN, INFINITY, -INFINITY, 0.5f, -0.5f, 1.5f, -2.5f, 3e9f, -3e9f, 0.0f};
  for (float& f : v) {
    const int kind = rng.range(0, 9);
    f = kind == 0 ? specials[rng.range(0, 9)] * (rng.coin() ? 1.0f : scale) : kind == 1 ? scale * float(rng.range(-300, 300)) / 2.0f
                                                                                        : rng.uniform(-200.0f, 200.0f) * scale;
  }
  t.bytes.resize(v.size() * 4);
  memcpy(t.bytes.data(), v.data(), t.bytes.size());
  return t;
}

void s8_eltwise_tests(Rng& rng) {
  const int32_t codes[] = {MOTE_OP_QADD, MOTE_OP_QSUB, MOTE_OP_QMUL, MOTE_OP_QMAX, MOTE_OP_QMIN};
  const char* names[] = {"QAdd", "QSub", "QMul", "QMax", "QMin"};
  for (int t = 0; t < 190; ++t) {
    const int op = t < 150 ? t % 5 : t % 3;
    mote_qbinary_params p{};
    p.a_zp = random_zp(rng), p.b_zp = random_zp(rng), p.out_zp = random_zp(rng);
    auto mult = [&] {
      if (rng.range(0, 9) == 0) return rng.coin() ? 0 : int32_t(MOTE_MAX_MULTIPLIER);
      return int32_t(0x40000000 + int32_t(rng.next() % uint32_t(MOTE_MAX_MULTIPLIER - 0x40000000 + 1)));
    };
    p.a_mult = mult(), p.b_mult = mult(), p.out_mult = mult();
    p.a_shift = rng.range(-31, 2), p.b_shift = rng.range(-31, 2), p.out_shift = rng.range(-20, 4);
    if (codes[op] == MOTE_OP_QADD || codes[op] == MOTE_OP_QSUB) p.left_shift = rng.range(0, 20);
    p.act_min = -128, p.act_max = 127;
    if (rng.range(0, 2) == 0) p.act_min = rng.range(-128, 0), p.act_max = rng.range(p.act_min, 127);
    // t >= 150 (QAdd, QSub, QMul against one value): runs of 2048 or more outputs against one
    // value (the table), around that length, up to 90x60 planes and 5000-long rows.
    const bool long_runs = t >= 150;
    const int32_t c = long_runs ? rng.range(1, 4) : rng.range(1, 40);
    int32_t h = long_runs ? rng.range(1, 90) : rng.range(1, 9), w = long_runs ? rng.range(1, 60) : rng.range(1, 19);
    if (long_runs && t % 4 == 0) h = 32, w = 64 - (t / 4) % 2;  // 2048 and 2016
    if (long_runs && t % 4 == 1) h = rng.range(1, 3), w = rng.range(1500, 5000);
    std::vector<int32_t> full = {rng.range(1, 2), c, h, w}, other = full;
    const int shape = long_runs ? (t % 4 == 1 ? 3 : rng.range(1, 4)) : rng.range(0, 4);
    if (shape == 1) other = {full[0], c, 1, 1};             // per channel
    if (shape == 2) other = {1};                            // scalar
    if (shape == 3) other = {full[0], c, h, 1};             // per row
    if (shape == 4) other = {c, 1, 1}, full[0] = 1;         // per channel, fewer dims
    const bool swap = rng.coin();
    std::vector<QTensor> ins = {q_int8(rng, swap ? other : full), q_int8(rng, swap ? full : other)};
    char name[240];
    snprintf(name, sizeof name, "%s %s x %s zp %d,%d,%d mult %d,%d,%d shift %d,%d,%d left %d act [%d,%d]", names[op],
             dims_str(ins[0].dims).c_str(), dims_str(ins[1].dims).c_str(), p.a_zp, p.b_zp, p.out_zp, p.a_mult, p.b_mult,
             p.out_mult, p.a_shift, p.b_shift, p.out_shift, p.left_shift, p.act_min, p.act_max);
    check_q(name, codes[op], &p, sizeof p, ins, Expect::kOptimized);
  }
  {  // a broadcast that is not in runs, and QDiv: the reference
    mote_qbinary_params p{};
    p.a_mult = p.b_mult = p.out_mult = 1 << 30, p.a_shift = p.b_shift = p.out_shift = -1;
    p.act_min = -128, p.act_max = 127;
    check_q("QAdd [1,3,4,5] x [1,1,4,5]", MOTE_OP_QADD, &p, sizeof p, {q_int8(rng, {1, 3, 4, 5}), q_int8(rng, {1, 1, 4, 5})},
            Expect::kFallback);
  }
  // QuantizeLinear, per tensor (a zero point or none), and per channel (the reference).
  for (int t = 0; t < 30; ++t) {
    mote_quantize_params p{};
    p.axis = 1, p.out_dtype = MOTE_I8;
    const float scale = t % 7 == 0 ? 1e-30f : rng.uniform(0.001f, 0.5f);
    std::vector<int32_t> dims = {1, rng.range(1, 5), rng.range(1, 9), rng.range(1, 13)};
    std::vector<QTensor> ins = {q_f32(rng, dims, scale)};
    QTensor s;
    s.dtype = MOTE_F32, s.dims = {1}, s.bytes.resize(4);
    memcpy(s.bytes.data(), &scale, 4);
    ins.push_back(s);
    if (t % 3 != 0) {
      QTensor z = q_int8(rng, {1});
      ins.push_back(z);
    }
    check_q("QuantizeLinear " + dims_str(dims) + " scale " + std::to_string(scale), MOTE_OP_QUANTIZE, &p, sizeof p, ins,
            Expect::kOptimized);
  }
  // QuantizeLinear at the kernel's edges: quotients around its +-256 clamp and the int8 bounds,
  // ties, and values past 2^22 (where v + 1.5 * 2^23 would no longer be exact), the zero points
  // at the extremes.
  for (int t = 0; t < 6; ++t) {
    mote_quantize_params p{};
    p.axis = 1, p.out_dtype = MOTE_I8;
    const float scale = t < 2 ? 1.0f : t < 4 ? 0.5f : 3.0f;
    const float edges[] = {255.5f, 256.0f, 256.5f, 257.5f, 383.5f, 384.5f, 127.5f, 128.5f, 126.5f, 0.5f, 1.5f, 2.5f,
                           4194303.5f, 4194304.0f, 8388608.0f, 12582912.0f, 16777216.0f, 1e-45f, -0.0f, 255.49998f,
                           -255.5f, -256.0f, -256.5f, -257.5f, -383.5f, -384.5f, -127.5f, -128.5f, -129.5f, -0.5f,
                           -1.5f, -2.5f, -4194303.5f, -4194304.0f, -8388608.0f, -12582912.0f, -16777216.0f, -1e-45f,
                           -255.49998f, 2e9f, -2e9f, 3.4e38f};
    const int32_t count = int32_t(sizeof edges / sizeof edges[0]);
    QTensor in;
    in.dtype = MOTE_F32, in.dims = {1, 1, 1, count};
    std::vector<float> v(edges, edges + count);
    for (float& f : v) f *= scale;
    in.bytes.resize(v.size() * 4);
    memcpy(in.bytes.data(), v.data(), in.bytes.size());
    QTensor s;
    s.dtype = MOTE_F32, s.dims = {1}, s.bytes.resize(4);
    memcpy(s.bytes.data(), &scale, 4);
    QTensor z;
    z.dtype = MOTE_I8, z.dims = {1}, z.bytes = {uint8_t(t % 2 == 0 ? 127 : 0x80)};
    check_q("QuantizeLinear edges scale " + std::to_string(scale) + " zp " + std::to_string(t % 2 == 0 ? 127 : -128),
            MOTE_OP_QUANTIZE, &p, sizeof p, {in, s, z}, Expect::kOptimized);
  }
  {
    mote_quantize_params p{};
    p.axis = 1, p.out_dtype = MOTE_I8;
    const float sc[3] = {0.1f, 0.2f, 0.3f};
    QTensor s;
    s.dtype = MOTE_F32, s.dims = {3}, s.bytes.resize(12);
    memcpy(s.bytes.data(), sc, 12);
    check_q("QuantizeLinear per channel", MOTE_OP_QUANTIZE, &p, sizeof p, {q_f32(rng, {1, 3, 4, 4}, 0.1f), s},
            Expect::kFallback);
  }
  // Requantize int8 -> int8: lengths around the 16-value steps, zero points at the extremes,
  // multipliers and shifts as the converter writes them and at the limits the verifier allows.
  for (int t = 0; t < 40; ++t) {
    mote_quantize_params p{};
    p.axis = 1, p.out_dtype = MOTE_I8;
    const int32_t zps[] = {-128, 127, 0, -5, 17};
    p.in_zp = t % 3 == 0 ? zps[t % 5] : rng.range(-128, 127);
    p.out_zp = t % 4 == 0 ? zps[(t / 4) % 5] : rng.range(-128, 127);
    p.mult = t % 9 == 0 ? MOTE_MAX_MULTIPLIER : t % 9 == 1 ? rng.range(0, 0x3FFFFFFF)
                                                           : int32_t(0x40000000u + (rng.next() & 0x3FFFFFFFu));
    if (p.mult > MOTE_MAX_MULTIPLIER) p.mult = MOTE_MAX_MULTIPLIER;
    p.shift = t % 7 == 0 ? -31 : t % 7 == 1 ? 30 : t % 7 == 2 ? rng.range(1, 4) : rng.range(-8, 0);
    std::vector<int32_t> dims = {1, rng.range(1, 5), rng.range(1, 9), rng.range(1, 13)};
    if (t % 10 == 5) dims = {1, 58, 28, 28};
    char name[96];
    snprintf(name, sizeof name, "Requantize %s mult %d shift %d zp %d -> %d", dims_str(dims).c_str(), p.mult, p.shift,
             p.in_zp, p.out_zp);
    check_q(name, MOTE_OP_REQUANTIZE, &p, sizeof p, {q_int8(rng, dims)}, Expect::kOptimized);
  }
  // Lut: lengths around the unrolled steps, a random table.
  for (int t = 0; t < 24; ++t) {
    std::vector<int32_t> dims = {1, rng.range(1, 5), rng.range(1, 9), rng.range(1, 13)};
    if (t % 6 == 0) dims = {1, 16, 112, 112};
    if (t % 6 == 1) dims = {rng.range(1, 17)};
    QTensor table = q_int8(rng, {256});
    mote_quantize_params p{};
    check_q("Lut " + dims_str(dims), MOTE_OP_LUT, &p, sizeof p, {q_int8(rng, dims), table}, Expect::kOptimized);
  }
  // GlobalAveragePool of int8 (planes around the 16-byte steps; GlobalMaxPool stays).
  for (int t = 0; t < 30; ++t) {
    std::vector<int32_t> dims = {rng.range(1, 2), rng.range(1, 9), rng.range(1, 12), rng.range(1, 21)};
    if (t % 5 == 0) dims = {1, 3, 64, 64};
    check_q("int8 GlobalAveragePool " + dims_str(dims), MOTE_OP_GLOBAL_AVERAGE_POOL, nullptr, 0, {q_int8(rng, dims)},
            Expect::kOptimized);
  }
  check_q("int8 GlobalMaxPool", MOTE_OP_GLOBAL_MAX_POOL, nullptr, 0, {q_int8(rng, {1, 3, 5, 5})}, Expect::kFallback);
  // int8 ReduceMean over trailing axes (the runs of the global average, keepdims or not; runs
  // around the 16-byte steps); a leading axis or a gap goes back to the reference.
  for (int t = 0; t < 30; ++t) {
    const ReduceCase c = reduce_case(rng, t, t % 6 == 0, 16, 70);
    char name[120];
    snprintf(name, sizeof name, "int8 ReduceMean %s axes 0x%x keepdims %d", dims_str(c.dims).c_str(), c.p.axes_mask,
             c.p.keepdims);
    check_q(name, MOTE_OP_REDUCE_MEAN, &c.p, sizeof c.p, {q_int8(rng, c.dims)},
            c.trailing ? Expect::kOptimized : Expect::kFallback);
  }
  // int8 MaxPool: the stems' 3x3 stride 2 (with and without padding, ceil mode), stride 1,
  // dilation, windows wholly in the padding, 1-D; stride 3 stays with the reference.
  for (int t = 0; t < 60; ++t) {
    mote_pool_params p{};
    const bool one_d = t % 10 == 9;
    p.spatial_rank = one_d ? 1 : 2;
    const int32_t k = t % 2 ? 3 : rng.range(1, 5);
    const int32_t stride = t % 13 == 5 ? 3 : rng.range(1, 2);
    for (int d = 0; d < p.spatial_rank; ++d) {
      p.kernel[d] = d == 0 && !one_d ? k : (t % 4 == 1 ? rng.range(1, 4) : k);
      p.stride[d] = stride;
      p.dilation[d] = t % 6 == 2 ? 2 : 1;
      p.pad_begin[d] = rng.range(0, p.kernel[d] + 1);
      p.pad_end[d] = rng.range(0, p.kernel[d] + 1);
    }
    p.ceil_mode = rng.coin();
    const int32_t w = rng.range(1, 60), h = rng.range(1, 12);
    std::vector<int32_t> dims = one_d ? std::vector<int32_t>{1, rng.range(1, 4), w} : std::vector<int32_t>{1, rng.range(1, 4), h, w};
    // The window must fit the padded input.
    bool fits = true;
    for (int d = 0; d < p.spatial_rank; ++d) {
      const int32_t size = dims[size_t(2 + d)] + p.pad_begin[d] + p.pad_end[d];
      if (size < (p.kernel[d] - 1) * p.dilation[d] + 1) fits = false;
    }
    if (!fits) continue;
    char name[200];
    snprintf(name, sizeof name, "int8 MaxPool %s k%dx%d s%d d%d pad %d,%d,%d,%d ceil %d", dims_str(dims).c_str(), p.kernel[0],
             p.kernel[one_d ? 0 : 1], stride, p.dilation[0], p.pad_begin[0], p.pad_begin[one_d ? 0 : 1], p.pad_end[0],
             p.pad_end[one_d ? 0 : 1], p.ceil_mode);
    check_q(name, MOTE_OP_MAX_POOL, &p, sizeof p, {q_int8(rng, dims)}, stride == 3 ? Expect::kFallback : Expect::kOptimized);
  }
  // Rows of 8 to 15 outputs whose window lies inside (8 a vector, the last 8 overlapping):
  // SqueezeNet's 27x27 3x3 stride 2 in ceil mode, and widths around those counts at strides 1
  // and 2, padded or not, a dilated window.
  for (int t = 0; t < 12; ++t) {
    mote_pool_params p{};
    p.spatial_rank = 2;
    const int32_t stride = t % 2 ? 1 : 2, k = t % 3 ? 3 : 2;
    for (int d = 0; d < 2; ++d) {
      p.kernel[d] = k, p.stride[d] = stride, p.dilation[d] = t == 5 ? 2 : 1;
      p.pad_begin[d] = t % 4 == 3 ? 1 : 0, p.pad_end[d] = t % 4 == 3 ? 1 : 0;
    }
    p.ceil_mode = t % 4 == 0 ? 1 : 0;
    const int32_t inside = 8 + rng.range(0, 7);  // outputs whose window lies inside a row
    const int32_t w = t == 0 ? 27 : (inside - 1) * stride + (k - 1) * p.dilation[1] + 1 + rng.range(0, stride - 1);
    const std::vector<int32_t> dims{1, rng.range(1, 3), rng.range(5, 9), w};
    char name[200];
    snprintf(name, sizeof name, "int8 MaxPool rows of 8-15 %s k%d s%d d%d pad %d ceil %d", dims_str(dims).c_str(), k, stride,
             p.dilation[0], p.pad_begin[0], p.ceil_mode);
    check_q(name, MOTE_OP_MAX_POOL, &p, sizeof p, {q_int8(rng, dims)}, Expect::kOptimized);
  }
}

}  // namespace

int main(int argc, char** argv) {
  Rng rng{argc > 1 ? strtoull(argv[1], nullptr, 10) : 20240521ull};
  conv_tests(rng);
  winograd_tests(rng);
  gemm_tests(rng);
  pool_tests(rng);
  binary_tests(rng);
  unary_tests(rng);
  requant4_tests(rng);
  qconv_tests(rng);
  qmatmul_tests(rng);
  s8_eltwise_tests(rng);
  printf("SIMD128 kernels against the reference: float within 1e-4 * (1 + |ref|), int8 exactly\n");
  printf("kernels: %d passed, %d failed\n", g_passed, g_failed);
  return g_failed == 0 ? 0 : 1;
}

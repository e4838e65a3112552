// The x86 kernel suite (google-benchmark): the float32 and int8 kernels of every x86 level this
// CPU supports, and the reference kernels, on the layer shapes that dominate the benchmark
// models (MobileNetV2 1x1 and depthwise convolutions, a ResNet 3x3, the classifier), reporting
// GFLOP/s (float: 2 per multiply-add) or GOP/s (int8) per kernel; "w8/" the float Gemm with int8
// weights (GemmW8) beside the same shapes' float Gemm; "wino/" ResNet-18's and SqueezeNet's 3x3
// stride-1 convolutions as ConvWinograd F(2x2, 3x3), "wino4/" as F(4x4, 3x3) (GFLOP/s counted
// as the 3x3 Conv's, so the figures compare with the "f32/" ones of the same shapes). Beside
// them, "peak/<level>" measures the machine's own peak: independent fused multiply-adds on
// registers, nothing else.
//
//   build/bin/mote_x86_kernel_bench [--benchmark_filter=avx512] [--benchmark_min_time=0.2]
//
// Each case goes through mote::op_run as a session would, with the level forced
// (kernels/x86/cpu.h) and the scratch a plan would give it, so the figures include the routing
// and the epilogues.
#include <benchmark/benchmark.h>
#include <immintrin.h>

#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mote/kernel.h"
#include "runtime/kernels/x86/cpu.h"

namespace {

using mote::x86::Level;

struct ConvCase {
  const char* name;
  int32_t c, m, h, w, k, stride, group;
};

// MobileNetV2's heaviest layers, ResNet-18 3x3s (the int8 ones of 256 and 512 channels split k),
// its 7x7 stem and a stride-2 3x3, and MobileNetV2's first (stem) convolution.
const ConvCase kConvs[] = {
    {"stem3x3s2_3x32_224", 3, 32, 224, 224, 3, 2, 1},
    {"stem7x7s2_3x64_224", 3, 64, 224, 224, 7, 2, 1},
    {"conv3x3s2_64x128_56", 64, 128, 56, 56, 3, 2, 1},
    {"pw_16x96_112", 16, 96, 112, 112, 1, 1, 1},
    {"pw_96x24_56", 96, 24, 56, 56, 1, 1, 1},
    {"pw_144x24_56", 144, 24, 56, 56, 1, 1, 1},
    {"pw_24x144_56", 24, 144, 56, 56, 1, 1, 1},
    {"pw_192x64_14", 192, 64, 14, 14, 1, 1, 1},
    {"pw_576x160_7", 576, 160, 7, 7, 1, 1, 1},
    {"pw_960x320_7", 960, 320, 7, 7, 1, 1, 1},
    {"pw_320x1280_7", 320, 1280, 7, 7, 1, 1, 1},
    {"pw_512x1000_13", 512, 1000, 13, 13, 1, 1, 1},  // SqueezeNet's classifier
    {"dw3x3s1_32_112", 32, 32, 112, 112, 3, 1, 32},
    {"dw3x3s2_96_112", 96, 96, 112, 112, 3, 2, 96},
    {"dw3x3s1_144_56", 144, 144, 56, 56, 3, 1, 144},
    {"dw3x3s1_576_14", 576, 576, 14, 14, 3, 1, 576},
    {"dw3x3s1_960_7", 960, 960, 7, 7, 3, 1, 960},
    {"dw5x5s1_576_7", 576, 576, 7, 7, 5, 1, 576},
    {"dw5x5s2_240_28", 240, 240, 28, 28, 5, 2, 240},
    {"dw5x5s1_240_14", 240, 240, 14, 14, 5, 1, 240},
    {"dw5x5s2_72_56", 72, 72, 56, 56, 5, 2, 72},
    {"dw5x5s1_240_28", 240, 240, 28, 28, 5, 1, 240},
    {"dw3x3s2_24_112", 24, 24, 112, 112, 3, 2, 24},  // MnasNet 0.5's stride-2 depthwise layers
    {"dw5x5s2_48_56", 48, 48, 56, 56, 5, 2, 48},
    {"dw5x5s2_144_28", 144, 144, 28, 28, 5, 2, 144},
    {"dw5x5s2_288_14", 288, 288, 14, 14, 5, 2, 288},
    {"conv3x3_64x64_56", 64, 64, 56, 56, 3, 1, 1},
    {"conv3x3_256x256_14", 256, 256, 14, 14, 3, 1, 1},
    {"conv3x3_512x512_7", 512, 512, 7, 7, 3, 1, 1},
};

// 3x3 stride-1 convolutions of ResNet-18 and SqueezeNet 1.1 (its expand 3x3s), as Conv and
// as ConvWinograd.
const ConvCase kWinograd[] = {
    {"conv3x3_64x64_56", 64, 64, 56, 56, 3, 1, 1},     {"conv3x3_128x128_28", 128, 128, 28, 28, 3, 1, 1},
    {"conv3x3_256x256_14", 256, 256, 14, 14, 3, 1, 1}, {"conv3x3_512x512_7", 512, 512, 7, 7, 3, 1, 1},
    {"conv3x3_16x64_55", 16, 64, 55, 55, 3, 1, 1},     {"conv3x3_32x128_27", 32, 128, 27, 27, 3, 1, 1},
    {"conv3x3_48x192_13", 48, 192, 13, 13, 3, 1, 1},   {"conv3x3_64x256_13", 64, 256, 13, 13, 3, 1, 1},
};

struct Buffers {
  std::vector<uint8_t> x, w, b, mult, shift, y, scratch;
};

// The scratch the plan would give the op: the larger of the reference's and the kernel set's.
bool give_scratch(mote::OpArgs& a, Buffers& b) {
  mote::TensorView inferred[1];
  uint32_t bytes = 0;
  if (mote::op_infer(a, inferred, &bytes) != mote::Status::kOk) return false;
  const uint32_t kernel = mote::kernel_set_scratch_bytes(a);
  if (kernel > bytes) bytes = kernel;
  b.scratch.assign(size_t(bytes) + 16, 0);
  // A 16-byte aligned start, as in the arena.
  const uintptr_t at = reinterpret_cast<uintptr_t>(b.scratch.data());
  a.scratch = b.scratch.data() + ((16 - at % 16) % 16);
  a.scratch_bytes = bytes;
  return true;
}

// Runs the op for as long as the benchmark times it; false (the benchmark skipped with the
// error) when a run fails.
bool time_op(benchmark::State& state, const mote::OpArgs& a, const char* text) {
  for (auto _ : state) {
    if (mote::op_run(a) != mote::Status::kOk) {
      state.SkipWithError(text);
      return false;
    }
    benchmark::ClobberMemory();
  }
  return true;
}

int64_t conv_macs(const ConvCase& c) {
  const int64_t oh = (c.h + 2 * (c.k / 2) - c.k) / c.stride + 1, ow = (c.w + 2 * (c.k / 2) - c.k) / c.stride + 1;
  return int64_t(c.m) * oh * ow * (c.c / c.group) * c.k * c.k;
}

void fill(std::vector<uint8_t>& v, size_t bytes, bool floats, std::mt19937& rng) {
  v.resize(bytes);
  if (floats) {
    std::uniform_real_distribution<float> d(-1.0f, 1.0f);
    for (size_t i = 0; i + 4 <= bytes; i += 4) {
      const float f = d(rng);
      std::memcpy(&v[i], &f, 4);
    }
  } else {
    for (auto& b : v) b = uint8_t(rng());
  }
}

// winograd: 0 (Conv), 16 (ConvWinograd F(2x2, 3x3)) or 36 (F(4x4, 3x3)).
void run_conv(benchmark::State& state, Level level, const ConvCase& cc, bool int8, int winograd) {
  if (!mote::x86::force(level)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  std::mt19937 rng(7);
  const int32_t pad = cc.k / 2;
  const int32_t oh = (cc.h + 2 * pad - cc.k) / cc.stride + 1, ow = (cc.w + 2 * pad - cc.k) / cc.stride + 1;
  const int32_t es = int8 ? 1 : 4;
  Buffers b;
  fill(b.x, size_t(cc.c) * cc.h * cc.w * es, !int8, rng);
  fill(b.w, size_t(cc.m) * (cc.c / cc.group) * (winograd ? winograd : cc.k * cc.k) * es, !int8, rng);
  fill(b.b, size_t(cc.m) * 4, !int8, rng);
  if (int8) {
    for (size_t i = 0; i < b.b.size(); i += 4) {
      const int32_t v = int32_t(rng() % 2001) - 1000;
      std::memcpy(&b.b[i], &v, 4);
    }
  }
  b.mult.resize(size_t(cc.m) * 4);
  b.shift.resize(size_t(cc.m) * 4);
  for (int32_t i = 0; i < cc.m; ++i) {
    const int32_t mult = 0x40000000 + int32_t(rng() & 0x3FFFFFFF), shift = -8;
    std::memcpy(&b.mult[size_t(i) * 4], &mult, 4);
    std::memcpy(&b.shift[size_t(i) * 4], &shift, 4);
  }
  b.y.assign(size_t(cc.m) * oh * ow * es, 0);
  const int32_t dt = int8 ? MOTE_I8 : MOTE_F32;
  mote::TensorView in[5] = {
      {b.x.data(), dt, 4, {1, cc.c, cc.h, cc.w}},
      winograd ? mote::TensorView{b.w.data(), dt, 3, {winograd, cc.m, cc.c}} : mote::TensorView{b.w.data(), dt, 4, {cc.m, cc.c / cc.group, cc.k, cc.k}},
      {b.b.data(), int8 ? MOTE_I32 : MOTE_F32, 1, {cc.m}},
      {b.mult.data(), MOTE_I32, 1, {cc.m}},
      {b.shift.data(), MOTE_I32, 1, {cc.m}},
  };
  mote::TensorView out{b.y.data(), dt, 4, {1, cc.m, oh, ow}};
  mote_qconv_params qp{};
  mote_conv_params& p = qp.conv;
  p.spatial_rank = 2;
  p.group = cc.group;
  for (int d = 0; d < 2; ++d) {
    p.kernel[d] = cc.k, p.stride[d] = cc.stride, p.dilation[d] = 1, p.pad_begin[d] = pad, p.pad_end[d] = pad;
  }
  p.act = mote_act{MOTE_ACT_CLIP, 0.0f, 6.0f};
  qp.in_zp = -3;
  qp.out_zp = 5;
  qp.act_min = -128;
  qp.act_max = 127;
  char text[128];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs a{int8 ? MOTE_OP_QCONV : winograd ? MOTE_OP_CONV_WINOGRAD : MOTE_OP_CONV,
                 int8 ? static_cast<const void*>(&qp) : static_cast<const void*>(&p),
                 uint32_t(int8 ? sizeof qp : sizeof p),
                 in,
                 int8 ? 5 : 3,
                 &out,
                 1,
                 nullptr,
                 0,
                 &diag};
  if (!give_scratch(a, b)) {
    state.SkipWithError(text);
    return;
  }
  if (!time_op(state, a, text)) return;
  const double ops = 2.0 * double(conv_macs(cc));
  state.counters[int8 ? "GOP/s" : "GFLOP/s"] = benchmark::Counter(ops * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// The classifier of MobileNetV2: [1, 1280] x [1000, 1280]^T.
void run_fc(benchmark::State& state, Level level) {
  if (!mote::x86::force(level)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  std::mt19937 rng(9);
  const int32_t K = 1280, N = 1000;
  Buffers b;
  fill(b.x, size_t(K) * 4, true, rng);
  fill(b.w, size_t(N) * K * 4, true, rng);
  fill(b.b, size_t(N) * 4, true, rng);
  b.y.assign(size_t(N) * 4, 0);
  mote::TensorView in[3] = {{b.x.data(), MOTE_F32, 2, {1, K}}, {b.w.data(), MOTE_F32, 2, {N, K}}, {b.b.data(), MOTE_F32, 1, {N}}};
  mote::TensorView out{b.y.data(), MOTE_F32, 2, {1, N}};
  mote_gemm_params p{1.0f, 1.0f, 0, 1, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f}};
  char text[128];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs a{MOTE_OP_GEMM, &p, uint32_t(sizeof p), in, 3, &out, 1, nullptr, 0, &diag};
  if (!give_scratch(a, b)) {
    state.SkipWithError(text);
    return;
  }
  if (!time_op(state, a, text)) return;
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * K * N * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// A Gemm [M, K] x [K, N] with float weights, or with int8 weights (GemmW8, --quantize
// int8-weights: a float scale per column): the same shape both ways, so the two compare.
struct GemmShape {
  const char* name;
  int32_t M, K, N;
};
const GemmShape kGemms[] = {{"1x1280x1000", 1, 1280, 1000}, {"16x1024x1024", 16, 1024, 1024}, {"196x512x512", 196, 512, 512}};

void run_gemm(benchmark::State& state, Level level, const GemmShape& g, bool w8) {
  if (!mote::x86::force(level)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  std::mt19937 rng(13);
  Buffers b;
  fill(b.x, size_t(g.M) * g.K * 4, true, rng);
  fill(b.w, size_t(g.K) * g.N * (w8 ? 1 : 4), !w8, rng);
  fill(b.b, size_t(g.N) * 4, true, rng);
  fill(b.mult, size_t(g.N) * 4, true, rng);  // the scales of GemmW8
  b.y.assign(size_t(g.M) * g.N * 4, 0);
  mote::TensorView in[4] = {{b.x.data(), MOTE_F32, 2, {g.M, g.K}},
                            {b.w.data(), w8 ? MOTE_I8 : MOTE_F32, 2, {g.K, g.N}},
                            {b.b.data(), MOTE_F32, 1, {g.N}},
                            {b.mult.data(), MOTE_F32, 1, {g.N}}};
  mote::TensorView out{b.y.data(), MOTE_F32, 2, {g.M, g.N}};
  mote_gemm_params p{1.0f, 1.0f, 0, 0, mote_act{MOTE_ACT_RELU, 0.0f, 0.0f}};
  char text[128];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs a{w8 ? MOTE_OP_GEMM_W8 : MOTE_OP_GEMM, &p, uint32_t(sizeof p), in, w8 ? 4 : 3, &out, 1, nullptr, 0, &diag};
  if (!give_scratch(a, b)) {
    state.SkipWithError(text);
    return;
  }
  if (!time_op(state, a, text)) return;
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * g.M * g.K * g.N * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// ResNet-18's MaxPool: [1, 64, 112, 112], 3x3, stride 2, padding 1.
void run_pool(benchmark::State& state, Level level, bool int8) {
  if (!mote::x86::force(level)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  std::mt19937 rng(11);
  const int32_t c = 64, h = 112, o = 56, es = int8 ? 1 : 4;
  Buffers b;
  fill(b.x, size_t(c) * h * h * es, !int8, rng);
  b.y.assign(size_t(c) * o * o * es, 0);
  const int32_t dt = int8 ? MOTE_I8 : MOTE_F32;
  mote::TensorView in[1] = {{b.x.data(), dt, 4, {1, c, h, h}}};
  mote::TensorView out{b.y.data(), dt, 4, {1, c, o, o}};
  mote_pool_params p{};
  p.spatial_rank = 2;
  for (int d = 0; d < 2; ++d) p.kernel[d] = 3, p.stride[d] = 2, p.dilation[d] = 1, p.pad_begin[d] = p.pad_end[d] = 1;
  char text[128];
  mote::Diag diag(text, sizeof text);
  mote::OpArgs a{MOTE_OP_MAX_POOL, &p, uint32_t(sizeof p), in, 1, &out, 1, nullptr, 0, &diag};
  if (!give_scratch(a, b)) {
    state.SkipWithError(text);
    return;
  }
  if (!time_op(state, a, text)) return;
  state.counters["Gelem/s"] = benchmark::Counter(double(c) * o * o * 9 * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

// The machine's float peak at a level: 12 independent chains of multiply-adds in registers
// (enough to cover the latency of two pipelines), no memory traffic.
#define MOTE_PEAK_LOOP(TYPE, SET, FMA, STORE)            \
  TYPE acc[12];                                          \
  for (auto& v : acc) v = SET(1.0f);                     \
  const TYPE a = SET(0.999999f), b = SET(1e-7f);         \
  for (int64_t i = 0; i < n; ++i) {                      \
    for (auto& v : acc) v = FMA(v, a, b);                \
  }                                                      \
  for (int k = 1; k < 12; ++k) acc[0] = FMA(acc[0], a, acc[k]); \
  float out[16];                                         \
  STORE(out, acc[0]);                                    \
  return out[0];

__attribute__((target("sse4.1"), noipa)) float peak_sse(int64_t n) {
#define MOTE_SSE_FMA(x, y, z) _mm_add_ps(_mm_mul_ps(x, y), z)
  MOTE_PEAK_LOOP(__m128, _mm_set1_ps, MOTE_SSE_FMA, _mm_storeu_ps)
}
__attribute__((target("avx2,fma"), noipa)) float peak_avx2(int64_t n) {
  MOTE_PEAK_LOOP(__m256, _mm256_set1_ps, _mm256_fmadd_ps, _mm256_storeu_ps)
}
__attribute__((target("avx512f"), noipa)) float peak_avx512(int64_t n) {
  MOTE_PEAK_LOOP(__m512, _mm512_set1_ps, _mm512_fmadd_ps, _mm512_storeu_ps)
}

void run_peak(benchmark::State& state, Level level) {
  if (!mote::x86::supported(level)) {
    state.SkipWithError("level not supported by this CPU");
    return;
  }
  const int64_t n = 1 << 16;
  // SSE4.1 has no fused multiply-add: a multiply and an add, counted as 2 operations too.
  const int lanes = level == mote::x86::kAvx512 ? 16 : level == mote::x86::kAvx2 ? 8 : 4;
  for (auto _ : state) {
    float r = level == mote::x86::kAvx512 ? peak_avx512(n) : level == mote::x86::kAvx2 ? peak_avx2(n) : peak_sse(n);
    benchmark::DoNotOptimize(r);
  }
  state.counters["GFLOP/s"] = benchmark::Counter(2.0 * lanes * 12 * double(n) * 1e-9, benchmark::Counter::kIsIterationInvariantRate);
}

int register_all() {
  const Level levels[] = {mote::x86::kReference, mote::x86::kSse41, mote::x86::kAvx2, mote::x86::kAvx512};
  for (Level level : levels) {
    const std::string lv = mote::x86::level_name(level);
    if (level != mote::x86::kReference) benchmark::RegisterBenchmark(("peak/" + lv).c_str(), run_peak, level);
    for (const ConvCase& c : kConvs) {
      benchmark::RegisterBenchmark(("f32/" + lv + "/" + c.name).c_str(), run_conv, level, c, false, 0);
    }
    for (const ConvCase& c : kWinograd) {
      benchmark::RegisterBenchmark(("wino/" + lv + "/" + c.name).c_str(), run_conv, level, c, false, 16);
      benchmark::RegisterBenchmark(("wino4/" + lv + "/" + c.name).c_str(), run_conv, level, c, false, 36);
      benchmark::RegisterBenchmark(("f32/" + lv + "/" + c.name).c_str(), run_conv, level, c, false, 0);
    }
    benchmark::RegisterBenchmark(("f32/" + lv + "/fc_1280x1000").c_str(), run_fc, level);
    for (const GemmShape& g : kGemms) {
      benchmark::RegisterBenchmark(("f32/" + lv + "/gemm_" + g.name).c_str(), run_gemm, level, g, false);
      benchmark::RegisterBenchmark(("w8/" + lv + "/gemm_" + g.name).c_str(), run_gemm, level, g, true);
    }
    benchmark::RegisterBenchmark(("f32/" + lv + "/maxpool3x3s2_64_112").c_str(), run_pool, level, false);
    benchmark::RegisterBenchmark(("s8/" + lv + "/maxpool3x3s2_64_112").c_str(), run_pool, level, true);
    for (const ConvCase& c : kConvs) {
      benchmark::RegisterBenchmark(("s8/" + lv + "/" + c.name).c_str(), run_conv, level, c, true, 0);
    }
  }
  return 0;
}

const int registered = register_all();

}  // namespace

BENCHMARK_MAIN();

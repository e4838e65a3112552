// Reference kernels for Conv, ConvTranspose, Gemm, MatMul, pooling, normalisation, softmax and
// the element-wise families, checked against plain formula loops written here, on random and
// edge shapes (1x1, odd sizes, groups, dilation, stride > kernel, padding on one side).
#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "kernel_test_util.h"

using mote_test::Buf;
using mote_test::make;
using mote_test::run_op;
using mote_test::values;

namespace {

std::vector<float> random_floats(std::mt19937& rng, size_t n) {
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  std::vector<float> v(n);
  for (float& x : v) x = d(rng);
  return v;
}

Buf tensor(std::mt19937& rng, std::initializer_list<int32_t> dims) {
  Buf b = make(MOTE_F32, dims);
  auto v = random_floats(rng, size_t(b.view.numel()));
  std::memcpy(b.bytes.data(), v.data(), v.size() * 4);
  return b;
}

float at(const Buf& b, int64_t i) { return reinterpret_cast<const float*>(b.bytes.data())[i]; }

}  // namespace

TEST(ConvKernel, MatchesDirectFormulaOnRandomShapes) {
  std::mt19937 rng(7);
  for (int trial = 0; trial < 60; ++trial) {
    const int n = 1 + rng() % 2, group = 1 + rng() % 3, cg = 1 + rng() % 3, mg = 1 + rng() % 3;
    const int c = cg * group, m = mg * group;
    const int kh = 1 + rng() % 3, kw = 1 + rng() % 4, sh = 1 + rng() % 3, sw = 1 + rng() % 2;
    const int dh = 1 + rng() % 2, dw = 1 + rng() % 2;
    const int pt = rng() % 3, pl = rng() % 2, pb = rng() % 2, pr = rng() % 3;
    const int ih = (kh - 1) * dh + 1 + rng() % 6, iw = (kw - 1) * dw + 1 + rng() % 7;
    Buf x = tensor(rng, {n, c, ih, iw});
    Buf w = tensor(rng, {m, cg, kh, kw});
    Buf b = tensor(rng, {m});
    mote_conv_params p{};
    p.spatial_rank = 2;
    p.group = group;
    p.kernel[0] = kh, p.kernel[1] = kw, p.stride[0] = sh, p.stride[1] = sw, p.dilation[0] = dh, p.dilation[1] = dw;
    p.pad_begin[0] = pt, p.pad_begin[1] = pl, p.pad_end[0] = pb, p.pad_end[1] = pr;
    p.act = {trial % 2 ? MOTE_ACT_RELU : MOTE_ACT_NONE, 0, 0};
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_CONV, p, {&x, &w, &b}, &out), mote::Status::kOk);
    const int oh = (ih + pt + pb - ((kh - 1) * dh + 1)) / sh + 1, ow = (iw + pl + pr - ((kw - 1) * dw + 1)) / sw + 1;
    ASSERT_EQ(out[0].view.dims[2], oh);
    ASSERT_EQ(out[0].view.dims[3], ow);
    for (int in = 0; in < n; ++in)
      for (int om = 0; om < m; ++om)
        for (int y = 0; y < oh; ++y)
          for (int xx = 0; xx < ow; ++xx) {
            double acc = at(b, om);
            const int g = om / mg;
            for (int ci = 0; ci < cg; ++ci)
              for (int u = 0; u < kh; ++u)
                for (int v = 0; v < kw; ++v) {
                  const int r = y * sh - pt + u * dh, col = xx * sw - pl + v * dw;
                  if (r < 0 || r >= ih || col < 0 || col >= iw) continue;
                  acc += double(at(x, ((int64_t(in) * c + g * cg + ci) * ih + r) * iw + col)) *
                         at(w, ((int64_t(om) * cg + ci) * kh + u) * kw + v);
                }
            if (p.act.kind == MOTE_ACT_RELU) acc = std::max(acc, 0.0);
            ASSERT_NEAR(at(out[0], ((int64_t(in) * m + om) * oh + y) * ow + xx), acc, 1e-5) << "trial " << trial;
          }
  }
}

TEST(ConvKernel, OneDimensionalAndRejectsBadWeights) {
  std::mt19937 rng(3);
  Buf x = tensor(rng, {1, 2, 9});
  Buf w = tensor(rng, {3, 2, 3});
  mote_conv_params p{};
  p.spatial_rank = 1;
  p.group = 1;
  p.kernel[0] = 3, p.stride[0] = 2, p.dilation[0] = 1;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_CONV, p, {&x, &w}, &out), mote::Status::kOk);
  ASSERT_EQ(out[0].view.dims[2], 4);
  for (int m = 0; m < 3; ++m)
    for (int o = 0; o < 4; ++o) {
      double acc = 0;
      for (int c = 0; c < 2; ++c)
        for (int k = 0; k < 3; ++k) acc += double(at(x, c * 9 + o * 2 + k)) * at(w, (m * 2 + c) * 3 + k);
      EXPECT_NEAR(at(out[0], m * 4 + o), acc, 1e-5);
    }
  Buf bad = tensor(rng, {3, 3, 3});  // 3 input channels, X has 2
  EXPECT_EQ(run_op(MOTE_OP_CONV, p, {&x, &bad}, &out), mote::Status::kBadParams);
  p.stride[0] = 0;
  EXPECT_EQ(run_op(MOTE_OP_CONV, p, {&x, &w}, &out), mote::Status::kBadParams);
}

TEST(ConvTransposeKernel, MatchesScatterFormula) {
  std::mt19937 rng(11);
  for (int trial = 0; trial < 30; ++trial) {
    const int group = 1 + rng() % 2, cg = 1 + rng() % 2, mg = 1 + rng() % 3, c = cg * group, m = mg * group;
    const int k = 1 + rng() % 3, s = 1 + rng() % 3, d = 1 + rng() % 2, pad = rng() % 2, op = rng() % s;
    const int ih = 1 + rng() % 4, iw = 1 + rng() % 5;
    Buf x = tensor(rng, {1, c, ih, iw});
    Buf w = tensor(rng, {c, mg, k, k});
    mote_conv_params p{};
    p.spatial_rank = 2;
    p.group = group;
    for (int a = 0; a < 2; ++a) p.kernel[a] = k, p.stride[a] = s, p.dilation[a] = d, p.pad_begin[a] = pad, p.pad_end[a] = pad,
                               p.output_padding[a] = op;
    std::vector<Buf> out;
    mote::Status st = run_op(MOTE_OP_CONV_TRANSPOSE, p, {&x, &w}, &out);
    const int oh = s * (ih - 1) + op + (k - 1) * d + 1 - 2 * pad, ow = s * (iw - 1) + op + (k - 1) * d + 1 - 2 * pad;
    if (oh < 1 || ow < 1) {
      EXPECT_EQ(st, mote::Status::kBadParams);
      continue;
    }
    ASSERT_EQ(st, mote::Status::kOk);
    std::vector<double> want(size_t(m * oh * ow), 0.0);
    for (int ci = 0; ci < c; ++ci)
      for (int ml = 0; ml < mg; ++ml)
        for (int y = 0; y < ih; ++y)
          for (int xx = 0; xx < iw; ++xx)
            for (int u = 0; u < k; ++u)
              for (int v = 0; v < k; ++v) {
                const int r = y * s - pad + u * d, col = xx * s - pad + v * d;
                if (r < 0 || r >= oh || col < 0 || col >= ow) continue;
                const int mo = (ci / cg) * mg + ml;
                want[size_t((mo * oh + r) * ow + col)] += double(at(x, (ci * ih + y) * iw + xx)) * at(w, ((ci * mg + ml) * k + u) * k + v);
              }
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(at(out[0], int64_t(i)), want[i], 1e-5);
  }
}

TEST(GemmKernel, AllTransposesAlphaBetaAndBroadcastBias) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 40; ++trial) {
    const int M = 1 + rng() % 7, N = 1 + rng() % 9, K = 1 + rng() % 11;
    const int ta = rng() % 2, tb = rng() % 2;
    Buf A = ta ? tensor(rng, {K, M}) : tensor(rng, {M, K});
    Buf B = tb ? tensor(rng, {N, K}) : tensor(rng, {K, N});
    const int bias_kind = rng() % 4;  // scalar, [N], [M,1], [M,N]
    Buf C = bias_kind == 0 ? tensor(rng, {1}) : bias_kind == 1 ? tensor(rng, {N}) : bias_kind == 2 ? tensor(rng, {M, 1}) : tensor(rng, {M, N});
    mote_gemm_params p{0.5f + trial % 3, trial % 2 ? 0.25f : 1.0f, ta, tb, {MOTE_ACT_NONE, 0, 0}};
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_GEMM, p, {&A, &B, &C}, &out), mote::Status::kOk);
    for (int i = 0; i < M; ++i)
      for (int j = 0; j < N; ++j) {
        double acc = 0;
        for (int k = 0; k < K; ++k) acc += double(at(A, ta ? k * M + i : i * K + k)) * at(B, tb ? j * K + k : k * N + j);
        const float c = bias_kind == 0 ? at(C, 0) : bias_kind == 1 ? at(C, j) : bias_kind == 2 ? at(C, i) : at(C, i * N + j);
        ASSERT_NEAR(at(out[0], i * N + j), p.alpha * acc + p.beta * c, 1e-5);
      }
  }
  Buf A = tensor(rng, {2, 3}), B = tensor(rng, {4, 5});
  mote_gemm_params p{1, 1, 0, 0, {0, 0, 0}};
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_GEMM, p, {&A, &B}, &out), mote::Status::kBadParams);
  // C broadcasts one way only: each of its axes, aligned right, is 1 or M (N).
  Buf A2 = tensor(rng, {2, 3}), B2 = tensor(rng, {3, 4});
  const auto with_c = [&](Buf C) { return run_op(MOTE_OP_GEMM, p, {&A2, &B2, &C}, &out); };
  EXPECT_EQ(with_c(tensor(rng, {1, 4})), mote::Status::kOk);
  EXPECT_EQ(with_c(tensor(rng, {2, 1})), mote::Status::kOk);
  EXPECT_EQ(with_c(tensor(rng, {1, 1})), mote::Status::kOk);
  EXPECT_EQ(with_c(tensor(rng, {2, 4})), mote::Status::kOk);
  EXPECT_EQ(with_c(tensor(rng, {5})), mote::Status::kBadParams);
  EXPECT_EQ(with_c(tensor(rng, {2})), mote::Status::kBadParams);
  EXPECT_EQ(with_c(tensor(rng, {3, 4})), mote::Status::kBadParams);
  EXPECT_EQ(with_c(tensor(rng, {2, 3})), mote::Status::kBadParams);
  EXPECT_EQ(with_c(tensor(rng, {4, 4})), mote::Status::kBadParams);
}

TEST(MatMulKernel, BroadcastsBatchesAndPromotesVectors) {
  std::mt19937 rng(9);
  Buf a = tensor(rng, {2, 1, 3, 4});
  Buf b = tensor(rng, {3, 4, 5});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_MATMUL, mote_matmul_params{{0, 0, 0}}, {&a, &b}, &out), mote::Status::kOk);
  ASSERT_EQ(out[0].view.rank, 4);
  EXPECT_EQ(out[0].view.dims[0], 2);
  EXPECT_EQ(out[0].view.dims[1], 3);
  for (int i = 0; i < 2; ++i)
    for (int j = 0; j < 3; ++j)
      for (int r = 0; r < 3; ++r)
        for (int c = 0; c < 5; ++c) {
          double acc = 0;
          for (int k = 0; k < 4; ++k) acc += double(at(a, (i * 3 + r) * 4 + k)) * at(b, (j * 4 + k) * 5 + c);
          ASSERT_NEAR(at(out[0], ((i * 3 + j) * 3 + r) * 5 + c), acc, 1e-5);
        }
  Buf v = tensor(rng, {4});
  ASSERT_EQ(run_op(MOTE_OP_MATMUL, mote_matmul_params{{0, 0, 0}}, {&v, &b}, &out), mote::Status::kOk);
  EXPECT_EQ(out[0].view.rank, 2);  // [3, 5]: the promoted 1 is removed again
  ASSERT_EQ(run_op(MOTE_OP_MATMUL, mote_matmul_params{{0, 0, 0}}, {&v, &v}, &out), mote::Status::kOk);
  EXPECT_EQ(out[0].view.rank, 0);
}

TEST(PoolKernel, MaxAndAverageWithPaddingAndCeilMode) {
  // 1x1x3x3 input 1..9, 2x2 window, stride 2, ceil mode: the last windows hang over the edge.
  std::vector<float> in = {1, 2, 3, 4, 5, 6, 7, 8, 9};
  Buf x = mote_test::make_t<float>(MOTE_F32, {1, 1, 3, 3}, in);
  mote_pool_params p{};
  p.spatial_rank = 2;
  p.kernel[0] = p.kernel[1] = 2;
  p.stride[0] = p.stride[1] = 2;
  p.dilation[0] = p.dilation[1] = 1;
  p.ceil_mode = 1;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_MAX_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{5, 6, 8, 9}));
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{3, 4.5f, 7.5f, 9}));
  // Padding 1 all round, count_include_pad: corners average over 4 cells of which 1 is real.
  p.ceil_mode = 0;
  p.pad_begin[0] = p.pad_begin[1] = p.pad_end[0] = p.pad_end[1] = 1;
  p.count_include_pad = 1;
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{0.25f, 1.25f, 2.75f, 7.0f}));
  ASSERT_EQ(run_op(MOTE_OP_GLOBAL_AVERAGE_POOL, int32_t(0), {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{5}));
}

TEST(SoftmaxKernel, SumsToOneAlongTheAxisAndHandlesLargeValues) {
  std::vector<float> in = {1000, 1001, 1002, -5, 0, 5};
  Buf x = mote_test::make_t<float>(MOTE_F32, {2, 3}, in);
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SOFTMAX, mote_softmax_params{-1, 0}, {&x}, &out), mote::Status::kOk);
  auto y = values<float>(out[0]);
  EXPECT_NEAR(y[0] + y[1] + y[2], 1.0f, 1e-6f);
  EXPECT_NEAR(y[2], 1.0 / (1.0 + std::exp(-1.0) + std::exp(-2.0)), 1e-6);
  ASSERT_EQ(run_op(MOTE_OP_LOG_SOFTMAX, mote_softmax_params{0, 0}, {&x}, &out), mote::Status::kOk);
  EXPECT_NEAR(values<float>(out[0])[3], -1005.0f, 1e-3f);
  EXPECT_EQ(run_op(MOTE_OP_SOFTMAX, mote_softmax_params{2, 0}, {&x}, &out), mote::Status::kBadParams);
}

TEST(NormKernel, BatchLayerAndInstanceNorm) {
  std::mt19937 rng(13);
  Buf x = tensor(rng, {2, 3, 4});
  std::vector<float> s = {1, 2, 3}, b = {0.5f, 0, -1}, mean = {0.1f, 0.2f, 0.3f}, var = {1, 4, 0.25f};
  Buf S = mote_test::make_t<float>(MOTE_F32, {3}, s), B = mote_test::make_t<float>(MOTE_F32, {3}, b);
  Buf M = mote_test::make_t<float>(MOTE_F32, {3}, mean), V = mote_test::make_t<float>(MOTE_F32, {3}, var);
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_BATCH_NORM, mote_norm_params{0.0f, 1, 0}, {&x, &S, &B, &M, &V}, &out), mote::Status::kOk);
  for (int i = 0; i < 24; ++i) {
    const int c = (i / 4) % 3;
    EXPECT_NEAR(at(out[0], i), (at(x, i) - mean[c]) / std::sqrt(var[c]) * s[c] + b[c], 1e-5);
  }
  ASSERT_EQ(run_op(MOTE_OP_INSTANCE_NORM, mote_norm_params{1e-5f, 1, 0}, {&x, &S, &B}, &out), mote::Status::kOk);
  for (int plane = 0; plane < 6; ++plane) {
    double sum = 0;
    for (int i = 0; i < 4; ++i) sum += at(out[0], plane * 4 + i);
    EXPECT_NEAR(sum / 4, b[plane % 3], 1e-5);
  }
  std::vector<float> ones(4, 1.0f);
  Buf LS = mote_test::make_t<float>(MOTE_F32, {4}, ones);
  ASSERT_EQ(run_op(MOTE_OP_LAYER_NORM, mote_norm_params{1e-5f, -1, 0}, {&x, &LS}, &out, 3), mote::Status::kOk);
  EXPECT_EQ(out[1].view.dims[2], 1);  // Mean keeps the reduced axis as 1
  for (int row = 0; row < 6; ++row) {
    double sum = 0, sq = 0;
    for (int i = 0; i < 4; ++i) sum += at(out[0], row * 4 + i), sq += at(out[0], row * 4 + i) * at(out[0], row * 4 + i);
    EXPECT_NEAR(sum, 0.0, 1e-5);
    EXPECT_NEAR(sq / 4, 1.0, 1e-3);
  }
  Buf wrong = tensor(rng, {2});
  EXPECT_EQ(run_op(MOTE_OP_BATCH_NORM, mote_norm_params{0.0f, 1, 0}, {&x, &wrong, &B, &M, &V}, &out), mote::Status::kBadParams);
}

TEST(ElementwiseKernels, BroadcastingDtypesAndEdgeCases) {
  std::vector<float> a = {1, 2, 3, 4, 5, 6};
  std::vector<float> b = {10, 20, 30};
  Buf A = mote_test::make_t<float>(MOTE_F32, {2, 3}, a), B = mote_test::make_t<float>(MOTE_F32, {3}, b);
  std::vector<Buf> out;
  mote_binary_params bp{{0, 0, 0}, 0};
  ASSERT_EQ(run_op(MOTE_OP_ADD, bp, {&A, &B}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{11, 22, 33, 14, 25, 36}));
  ASSERT_EQ(run_op(MOTE_OP_SUB, bp, {&B, &A}, &out), mote::Status::kOk);  // broadcast on the left
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{9, 18, 27, 6, 15, 24}));
  std::vector<float> col = {1, 2};
  Buf Col = mote_test::make_t<float>(MOTE_F32, {2, 1}, col);
  ASSERT_EQ(run_op(MOTE_OP_MUL, bp, {&Col, &B}, &out), mote::Status::kOk);  // both sides broadcast
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{10, 20, 30, 20, 40, 60}));
  ASSERT_EQ(run_op(MOTE_OP_LESS, bp, {&A, &B}, &out), mote::Status::kOk);
  EXPECT_EQ(out[0].view.dtype, MOTE_BOOL);
  std::vector<int64_t> i1 = {7, -7, 7, -7}, i2 = {2, 2, -2, -2};
  Buf I1 = mote_test::make_t<int64_t>(MOTE_I64, {4}, i1), I2 = mote_test::make_t<int64_t>(MOTE_I64, {4}, i2);
  ASSERT_EQ(run_op(MOTE_OP_MOD, bp, {&I1, &I2}, &out), mote::Status::kOk);  // Python-style sign
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{1, 1, -1, -1}));
  ASSERT_EQ(run_op(MOTE_OP_DIV, bp, {&I1, &I2}, &out), mote::Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{3, -3, -3, 3}));
  std::vector<int64_t> zero = {0, 0, 0, 0};
  Buf Z = mote_test::make_t<int64_t>(MOTE_I64, {4}, zero);
  EXPECT_EQ(run_op(MOTE_OP_DIV, bp, {&I1, &Z}, &out), mote::Status::kOk);  // no trap on integer /0
  EXPECT_EQ(run_op(MOTE_OP_ADD, bp, {&A, &I1}, &out), mote::Status::kBadParams);  // dtype mismatch
  std::vector<float> four = {1, 2, 3, 4};
  Buf F4 = mote_test::make_t<float>(MOTE_F32, {4}, four);
  EXPECT_EQ(run_op(MOTE_OP_ADD, bp, {&A, &F4}, &out), mote::Status::kBadParams);  // does not broadcast
  Buf E = make(MOTE_F32, {0, 3});  // empty tensors flow through
  ASSERT_EQ(run_op(MOTE_OP_ADD, bp, {&E, &B}, &out), mote::Status::kOk);
  EXPECT_EQ(out[0].view.numel(), 0);

  std::vector<float> u = {-2.5f, -0.5f, 0.5f, 1.5f, 2.5f, NAN};
  Buf U = mote_test::make_t<float>(MOTE_F32, {6}, u);
  ASSERT_EQ(run_op(MOTE_OP_ROUND, mote_unary_params{0, 0, 0}, {&U}, &out), mote::Status::kOk);
  auto r = values<float>(out[0]);
  EXPECT_EQ(std::vector<float>(r.begin(), r.begin() + 5), (std::vector<float>{-2, -0.0f, 0, 2, 2}));  // ties to even
  EXPECT_TRUE(std::isnan(r[5]));
  ASSERT_EQ(run_op(MOTE_OP_CLIP, mote_unary_params{-1, 1, 0}, {&U}, &out), mote::Status::kOk);
  EXPECT_EQ(values<float>(out[0])[0], -1.0f);
  ASSERT_EQ(run_op(MOTE_OP_HARD_SWISH, mote_unary_params{0, 0, 0}, {&U}, &out), mote::Status::kOk);
  EXPECT_NEAR(values<float>(out[0])[3], 1.5 * (1.5 / 6 + 0.5), 1e-6);
  ASSERT_EQ(run_op(MOTE_OP_CAST, mote_cast_params{MOTE_I32}, {&U}, &out), mote::Status::kOk);  // NaN -> 0, no UB
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{-2, 0, 0, 1, 2, 0}));
  EXPECT_EQ(run_op(MOTE_OP_SIGMOID, mote_unary_params{0, 0, 0}, {&I1}, &out), mote::Status::kBadParams);
}

// Conv, ConvTranspose, MaxPool and AveragePool over three spatial axes (NCDHW): the reference
// kernels (which every kernel set hands 3-D shapes to) against a formula loop written here and
// hand-computed windows. The ONNX tests (node/test_*_3d*, pytorch-converted/test_*3d*) run in
// the conformance suite.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "kernel_test_util.h"

using mote_test::Buf;
using mote_test::make;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

namespace {

Buf random_tensor(std::mt19937& rng, std::initializer_list<int32_t> dims) {
  Buf b = make(MOTE_F32, dims);
  std::uniform_real_distribution<float> d(-1.0f, 1.0f);
  float* p = reinterpret_cast<float*>(b.bytes.data());
  for (int64_t i = 0; i < b.view.numel(); ++i) p[i] = d(rng);
  return b;
}

float f(const Buf& b, int64_t i) { return reinterpret_cast<const float*>(b.bytes.data())[i]; }

}  // namespace

TEST(Spatial3d, ConvMatchesTheFormula) {
  std::mt19937 rng(5);
  for (int trial = 0; trial < 20; ++trial) {
    const int group = 1 + rng() % 2, cg = 1 + rng() % 2, mg = 1 + rng() % 2, c = cg * group, m = mg * group;
    int k[3], s[3], dl[3], pb[3], pe[3], in[3], out[3];
    mote_conv_params p{};
    p.spatial_rank = 3;
    p.group = group;
    for (int a = 0; a < 3; ++a) {
      k[a] = 1 + rng() % 3, s[a] = 1 + rng() % 2, dl[a] = 1 + rng() % 2, pb[a] = rng() % 2, pe[a] = rng() % 2;
      in[a] = (k[a] - 1) * dl[a] + 1 + rng() % 3;
      out[a] = (in[a] + pb[a] + pe[a] - (k[a] - 1) * dl[a] - 1) / s[a] + 1;
      p.kernel[a] = k[a], p.stride[a] = s[a], p.dilation[a] = dl[a], p.pad_begin[a] = pb[a], p.pad_end[a] = pe[a];
    }
    Buf x = random_tensor(rng, {1, c, in[0], in[1], in[2]});
    Buf w = random_tensor(rng, {m, cg, k[0], k[1], k[2]});
    Buf b = random_tensor(rng, {m});
    std::vector<Buf> y;
    ASSERT_EQ(run_op(MOTE_OP_CONV, p, {&x, &w, &b}, &y), mote::Status::kOk);
    for (int a = 0; a < 3; ++a) ASSERT_EQ(y[0].view.dims[2 + a], out[a]);
    int64_t at = 0;
    for (int om = 0; om < m; ++om)
      for (int od = 0; od < out[0]; ++od)
        for (int oh = 0; oh < out[1]; ++oh)
          for (int ow = 0; ow < out[2]; ++ow, ++at) {
            double acc = f(b, om);
            for (int ci = 0; ci < cg; ++ci)
              for (int u = 0; u < k[0]; ++u)
                for (int v = 0; v < k[1]; ++v)
                  for (int t = 0; t < k[2]; ++t) {
                    const int zd = od * s[0] - pb[0] + u * dl[0], zh = oh * s[1] - pb[1] + v * dl[1], zw = ow * s[2] - pb[2] + t * dl[2];
                    if (zd < 0 || zd >= in[0] || zh < 0 || zh >= in[1] || zw < 0 || zw >= in[2]) continue;
                    const int64_t xi = ((int64_t(om / mg * cg + ci) * in[0] + zd) * in[1] + zh) * in[2] + zw;
                    acc += double(f(x, xi)) * f(w, (((int64_t(om) * cg + ci) * k[0] + u) * k[1] + v) * k[2] + t);
                  }
            ASSERT_NEAR(f(y[0], at), acc, 1e-5) << "trial " << trial;
          }
  }
}

TEST(Spatial3d, ConvTransposeScattersAlongDepth) {
  // x [1, 1, 2, 1, 2], w [1, 1, 2, 1, 1] = {3, 4}, stride 2 along depth: depth 4, each input
  // value times 3 then 4.
  Buf x = make_t(MOTE_F32, {1, 1, 2, 1, 2}, std::vector<float>{1, 2, 5, 6});
  Buf w = make_t(MOTE_F32, {1, 1, 2, 1, 1}, std::vector<float>{3, 4});
  mote_conv_params p{};
  p.spatial_rank = 3;
  p.group = 1;
  for (int a = 0; a < 3; ++a) p.kernel[a] = 1, p.stride[a] = 1, p.dilation[a] = 1;
  p.kernel[0] = 2, p.stride[0] = 2;
  std::vector<Buf> y;
  ASSERT_EQ(run_op(MOTE_OP_CONV_TRANSPOSE, p, {&x, &w}, &y), mote::Status::kOk);
  ASSERT_EQ(y[0].view.dims[2], 4);
  EXPECT_EQ(values<float>(y[0]), (std::vector<float>{3, 6, 4, 8, 15, 18, 20, 24}));
}

TEST(Spatial3d, PoolsOverCubesWithPaddingAndIndices) {
  // x [1, 1, 2, 2, 2] = 1..8; a 2x2x2 window.
  std::vector<float> v(8);
  for (int i = 0; i < 8; ++i) v[size_t(i)] = float(i + 1);
  Buf x = make_t(MOTE_F32, {1, 1, 2, 2, 2}, v);
  mote_pool_params p{};
  p.spatial_rank = 3;
  for (int a = 0; a < 3; ++a) p.kernel[a] = 2, p.stride[a] = 1, p.dilation[a] = 1;
  std::vector<Buf> y;
  ASSERT_EQ(run_op(MOTE_OP_MAX_POOL, p, {&x}, &y), mote::Status::kOk);
  EXPECT_EQ(values<float>(y[0]), std::vector<float>{8});
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &y), mote::Status::kOk);
  EXPECT_EQ(values<float>(y[0]), std::vector<float>{4.5f});
  // One voxel of padding in front of the depth axis: the first window sees the front plane
  // (1..4) only; counted with the padding it averages over 8, without over 4.
  p.pad_begin[0] = 1;
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &y), mote::Status::kOk);
  EXPECT_EQ(values<float>(y[0]), (std::vector<float>{2.5f, 4.5f}));
  p.count_include_pad = 1;
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &y), mote::Status::kOk);
  EXPECT_EQ(values<float>(y[0]), (std::vector<float>{1.25f, 4.5f}));
  // Indices: the maximum 8 sits at d 1, h 1, w 1 (row-major 7); then 4 at d 0, h 1, w 1: 3
  // row-major, 0 + 1 * 2 + 1 * 4 = 6 column-major.
  for (int32_t order : {0, 1}) {
    mote_max_pool_indices_params q{p, order};
    q.pool.count_include_pad = 0;
    q.pool.pad_begin[0] = 1;
    ASSERT_EQ(run_op(MOTE_OP_MAX_POOL_INDICES, q, {&x}, &y, 2), mote::Status::kOk);
    EXPECT_EQ(values<float>(y[0]), (std::vector<float>{4, 8}));
    EXPECT_EQ(values<int64_t>(y[1]), (std::vector<int64_t>{order ? 6 : 3, 7}));
  }
  p.spatial_rank = 4;
  EXPECT_EQ(run_op(MOTE_OP_MAX_POOL, p, {&x}, &y), mote::Status::kBadParams);
}

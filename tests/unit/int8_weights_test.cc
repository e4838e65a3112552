// The int8-weight ops (ConvW8, ConvTransposeW8, GemmW8, MatMulW8, RNNW8, GRUW8, LSTMW8) against
// their float ops run on the dequantised weights (scale[c] * q): the same sums of the same
// products, the scale applied once per output channel instead of per weight, so the results
// agree to float rounding (|w8 - float| <= 1e-5 * (1 + max |float|)). Their verifier checks
// (weight dtype, scale shape and dtype) and the converter's --quantize int8-weights on one-node
// models (weights a quarter of the float size, outputs close to the float model's).
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "mote/converter.h"
#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote::Status;
using namespace mote_test;

struct Weights {
  std::vector<int8_t> q;
  std::vector<float> scale;
  std::vector<float> dequantised;
};

// Random int8 weights over all codes (-128 included) with a random scale per channel;
// channel_of(i) is element i's output channel.
template <typename ChannelOf>
Weights random_weights(std::mt19937& rng, int64_t n, int64_t channels, ChannelOf channel_of) {
  Weights w;
  std::uniform_int_distribution<int> code(-128, 127);
  std::uniform_real_distribution<float> sc(0.001f, 0.05f);
  for (int64_t c = 0; c < channels; ++c) w.scale.push_back(sc(rng));
  for (int64_t i = 0; i < n; ++i) {
    w.q.push_back(int8_t(code(rng)));
    w.dequantised.push_back(w.scale[size_t(channel_of(i))] * float(w.q.back()));
  }
  return w;
}

std::vector<float> random_floats(std::mt19937& rng, int64_t n) {
  std::uniform_real_distribution<float> u(-2.0f, 2.0f);
  std::vector<float> v(static_cast<size_t>(n));
  for (auto& x : v) x = u(rng);
  return v;
}

void expect_close(const std::vector<float>& got, const std::vector<float>& want, const std::string& what) {
  ASSERT_EQ(got.size(), want.size()) << what;
  float most = 0;
  for (float v : want) most = std::max(most, std::fabs(v));
  for (size_t i = 0; i < want.size(); ++i) {
    ASSERT_NEAR(got[i], want[i], 1e-5f * (1 + most)) << what << " element " << i;
  }
}

mote_conv_params conv_params(int32_t k, int32_t stride, int32_t pad, int32_t group, mote_act act) {
  mote_conv_params p{};
  p.spatial_rank = 2, p.group = group;
  for (int d = 0; d < 2; ++d) {
    p.kernel[d] = k, p.stride[d] = stride, p.dilation[d] = 1, p.pad_begin[d] = pad, p.pad_end[d] = pad;
  }
  p.act = act;
  return p;
}

TEST(Int8Weights, ConvMatchesFloatOnDequantisedWeights) {
  std::mt19937 rng(7);
  struct Case {
    int32_t c, m, group, k, stride, pad;
    bool bias;
    mote_act act;
  };
  const Case cases[] = {{3, 8, 1, 3, 1, 1, true, {MOTE_ACT_NONE, 0, 0}},
                        {8, 8, 8, 3, 2, 1, false, {MOTE_ACT_RELU, 0, 0}},
                        {6, 4, 2, 1, 1, 0, true, {MOTE_ACT_CLIP, -0.5f, 0.5f}}};
  for (const Case& cs : cases) {
    const int32_t cg = cs.c / cs.group, per = cg * cs.k * cs.k;
    Weights w = random_weights(rng, int64_t(cs.m) * per, cs.m, [per](int64_t i) { return i / per; });
    Buf x = make_t<float>(MOTE_F32, {1, cs.c, 7, 6}, random_floats(rng, cs.c * 42));
    Buf wq = make_t<int8_t>(MOTE_I8, {cs.m, cg, cs.k, cs.k}, w.q);
    Buf wf = make_t<float>(MOTE_F32, {cs.m, cg, cs.k, cs.k}, w.dequantised);
    Buf b = make_t<float>(MOTE_F32, {cs.m}, random_floats(rng, cs.m));
    Buf s = make_t<float>(MOTE_F32, {cs.m}, w.scale);
    const mote_conv_params p = conv_params(cs.k, cs.stride, cs.pad, cs.group, cs.act);
    std::vector<Buf> got, want;
    ASSERT_EQ(run_op(MOTE_OP_CONV_W8, p, {&x, &wq, cs.bias ? &b : nullptr, &s}, &got), Status::kOk);
    ASSERT_EQ(run_op(MOTE_OP_CONV, p, {&x, &wf, cs.bias ? &b : nullptr}, &want), Status::kOk);
    expect_close(values<float>(got[0]), values<float>(want[0]), "ConvW8 c" + std::to_string(cs.c));
  }
}

TEST(Int8Weights, ConvTransposeScalesPerOutputChannel) {
  std::mt19937 rng(8);
  const int32_t c = 4, group = 2, mg = 3, k = 3, taps = k * k, cg = c / group;
  // W [C, M/group, k, k]: output channel (c / cg) * mg + j for W[c, j].
  Weights w = random_weights(rng, int64_t(c) * mg * taps, mg * group,
                             [=](int64_t i) { return (i / (mg * taps)) / cg * mg + (i / taps) % mg; });
  Buf x = make_t<float>(MOTE_F32, {1, c, 4, 5}, random_floats(rng, c * 20));
  Buf wq = make_t<int8_t>(MOTE_I8, {c, mg, k, k}, w.q);
  Buf wf = make_t<float>(MOTE_F32, {c, mg, k, k}, w.dequantised);
  Buf b = make_t<float>(MOTE_F32, {mg * group}, random_floats(rng, mg * group));
  Buf s = make_t<float>(MOTE_F32, {mg * group}, w.scale);
  const mote_conv_params p = conv_params(k, 2, 1, group, {MOTE_ACT_LEAKY_RELU, 0.1f, 0});
  std::vector<Buf> got, want;
  ASSERT_EQ(run_op(MOTE_OP_CONV_TRANSPOSE_W8, p, {&x, &wq, &b, &s}, &got), Status::kOk);
  ASSERT_EQ(run_op(MOTE_OP_CONV_TRANSPOSE, p, {&x, &wf, &b}, &want), Status::kOk);
  expect_close(values<float>(got[0]), values<float>(want[0]), "ConvTransposeW8");
}

TEST(Int8Weights, GemmAndMatMulMatchFloatOnDequantisedWeights) {
  std::mt19937 rng(9);
  for (int32_t trans_a = 0; trans_a < 2; ++trans_a) {
    const int32_t M = 5, K = 37, N = 19;
    Weights w = random_weights(rng, int64_t(K) * N, N, [=](int64_t i) { return i % N; });
    Buf a = trans_a ? make_t<float>(MOTE_F32, {K, M}, random_floats(rng, M * K)) : make_t<float>(MOTE_F32, {M, K}, random_floats(rng, M * K));
    Buf bq = make_t<int8_t>(MOTE_I8, {K, N}, w.q);
    Buf bf = make_t<float>(MOTE_F32, {K, N}, w.dequantised);
    Buf c = make_t<float>(MOTE_F32, {N}, random_floats(rng, N));
    Buf s = make_t<float>(MOTE_F32, {N}, w.scale);
    const mote_gemm_params p{0.5f, 2.0f, trans_a, 0, {MOTE_ACT_RELU, 0, 0}};
    std::vector<Buf> got, want;
    ASSERT_EQ(run_op(MOTE_OP_GEMM_W8, p, {&a, &bq, &c, &s}, &got), Status::kOk);
    ASSERT_EQ(run_op(MOTE_OP_GEMM, p, {&a, &bf, &c}, &want), Status::kOk);
    expect_close(values<float>(got[0]), values<float>(want[0]), "GemmW8 trans_a " + std::to_string(trans_a));
    // B as [N, K] (trans_b) is the converter's job: the op refuses it.
    const mote_gemm_params pt{0.5f, 2.0f, trans_a, 1, {MOTE_ACT_RELU, 0, 0}};
    Buf bt = make_t<int8_t>(MOTE_I8, {N, K}, w.q);
    EXPECT_EQ(run_op(MOTE_OP_GEMM_W8, pt, {&a, &bt, &c, &s}, &got), Status::kBadParams);
    ASSERT_EQ(run_op(MOTE_OP_GEMM_W8, p, {&a, &bq, nullptr, &s}, &got), Status::kOk);  // no C
    ASSERT_EQ(run_op(MOTE_OP_GEMM, p, {&a, &bf}, &want), Status::kOk);
    expect_close(values<float>(got[0]), values<float>(want[0]), "GemmW8 without C");
  }
  const int32_t K = 24, N = 33;
  Weights w = random_weights(rng, int64_t(K) * N, N, [=](int64_t i) { return i % N; });
  Buf a = make_t<float>(MOTE_F32, {2, 3, K}, random_floats(rng, 6 * K));
  Buf bq = make_t<int8_t>(MOTE_I8, {K, N}, w.q);
  Buf bf = make_t<float>(MOTE_F32, {K, N}, w.dequantised);
  Buf s = make_t<float>(MOTE_F32, {N}, w.scale);
  const mote_matmul_params p{{MOTE_ACT_NONE, 0, 0}};
  std::vector<Buf> got, want;
  ASSERT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&a, &bq, &s}, &got), Status::kOk);
  ASSERT_EQ(run_op(MOTE_OP_MATMUL, p, {&a, &bf}, &want), Status::kOk);
  EXPECT_EQ(got[0].view.rank, 3);
  expect_close(values<float>(got[0]), values<float>(want[0]), "MatMulW8");
}

TEST(Int8Weights, RecurrentOpsMatchFloatOnDequantisedWeights) {
  std::mt19937 rng(10);
  const int32_t seq = 4, batch = 2, input = 5, hidden = 3;
  for (int32_t code : {MOTE_OP_RNN, MOTE_OP_GRU, MOTE_OP_LSTM}) {
    for (int32_t direction : {0, 2}) {
      const int32_t G = code == MOTE_OP_LSTM ? 4 : code == MOTE_OP_GRU ? 3 : 1, dirs = direction == 2 ? 2 : 1;
      const int32_t rows = dirs * G * hidden;
      Weights w = random_weights(rng, int64_t(rows) * input, rows, [=](int64_t i) { return i / input; });
      Weights r = random_weights(rng, int64_t(rows) * hidden, rows, [=](int64_t i) { return i / hidden; });
      Buf x = make_t<float>(MOTE_F32, {seq, batch, input}, random_floats(rng, seq * batch * input));
      Buf wq = make_t<int8_t>(MOTE_I8, {dirs, G * hidden, input}, w.q);
      Buf wf = make_t<float>(MOTE_F32, {dirs, G * hidden, input}, w.dequantised);
      Buf rq = make_t<int8_t>(MOTE_I8, {dirs, G * hidden, hidden}, r.q);
      Buf rf = make_t<float>(MOTE_F32, {dirs, G * hidden, hidden}, r.dequantised);
      Buf b = make_t<float>(MOTE_F32, {dirs, 2 * G * hidden}, random_floats(rng, 2 * rows));
      Buf h0 = make_t<float>(MOTE_F32, {dirs, batch, hidden}, random_floats(rng, dirs * batch * hidden));
      Buf ws = make_t<float>(MOTE_F32, {dirs, G * hidden}, w.scale);
      Buf rs = make_t<float>(MOTE_F32, {dirs, G * hidden}, r.scale);
      mote_recurrent_params p{};
      p.hidden_size = hidden, p.direction = direction, p.linear_before_reset = 1;
      p.outputs = MOTE_RNN_OUT_Y | MOTE_RNN_OUT_Y_H;
      for (int d = 0; d < 2; ++d) {
        p.act[3 * d] = {code == MOTE_OP_RNN ? MOTE_RNN_TANH : MOTE_RNN_SIGMOID, 0, 0};
        p.act[3 * d + 1] = {MOTE_RNN_TANH, 0, 0};
        p.act[3 * d + 2] = {MOTE_RNN_TANH, 0, 0};
      }
      const int32_t w8 = code == MOTE_OP_LSTM ? MOTE_OP_LSTM_W8 : code == MOTE_OP_GRU ? MOTE_OP_GRU_W8 : MOTE_OP_RNN_W8;
      std::vector<Buf> got, want;
      ASSERT_EQ(run_op(w8, p, {&x, &wq, &rq, &b, nullptr, &h0, nullptr, nullptr, &ws, &rs}, &got, 2), Status::kOk);
      ASSERT_EQ(run_op(code, p, {&x, &wf, &rf, &b, nullptr, &h0}, &want, 2), Status::kOk);
      const std::string what = std::string(mote::op_name(w8)) + " direction " + std::to_string(direction);
      expect_close(values<float>(got[0]), values<float>(want[0]), what + " Y");
      expect_close(values<float>(got[1]), values<float>(want[1]), what + " Y_h");
    }
  }
}

TEST(Int8Weights, VerifierRefusesWrongWeightOrScaleTypes) {
  Buf x = make_t<float>(MOTE_F32, {3, 8}, std::vector<float>(24, 1.0f));
  Buf bq = make_t<int8_t>(MOTE_I8, {8, 4}, std::vector<int8_t>(32, 1));
  Buf bf = make_t<float>(MOTE_F32, {8, 4}, std::vector<float>(32, 1.0f));
  Buf s4 = make_t<float>(MOTE_F32, {4}, std::vector<float>(4, 1.0f));
  Buf s8 = make_t<float>(MOTE_F32, {8}, std::vector<float>(8, 1.0f));
  Buf s2d = make_t<float>(MOTE_F32, {1, 4}, std::vector<float>(4, 1.0f));
  Buf si = make_t<int32_t>(MOTE_I32, {4}, std::vector<int32_t>(4, 1));
  const mote_matmul_params p{{MOTE_ACT_NONE, 0, 0}};
  std::vector<Buf> out;
  char err[192];
  EXPECT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&x, &bq, &s4}, &out), Status::kOk);
  EXPECT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&x, &bf, &s4}, &out, 1, err), Status::kBadParams);
  EXPECT_NE(std::string(err).find("expected int8"), std::string::npos) << err;
  for (Buf* bad : {&s8, &s2d}) {
    EXPECT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&x, &bq, bad}, &out, 1, err), Status::kBadParams);
    EXPECT_NE(std::string(err).find("expected [4]"), std::string::npos) << err;
  }
  EXPECT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&x, &bq, &si}, &out, 1, err), Status::kBadParams);
  EXPECT_NE(std::string(err).find("expected float32"), std::string::npos) << err;
  EXPECT_EQ(run_op(MOTE_OP_MATMUL_W8, p, {&x, &bq}, &out, 1, err), Status::kBadParams);  // no scale
  // The float ops still refuse int8 weights.
  EXPECT_EQ(run_op(MOTE_OP_MATMUL, p, {&x, &bq}, &out, 1, err), Status::kBadParams);
  // A GRU's W8 form has no initial_c or P.
  mote_recurrent_params rp{};
  rp.hidden_size = 1, rp.outputs = MOTE_RNN_OUT_Y_H;
  rp.act[0] = {MOTE_RNN_SIGMOID, 0, 0}, rp.act[1] = {MOTE_RNN_TANH, 0, 0};
  Buf rx = make_t<float>(MOTE_F32, {1, 1, 2}, std::vector<float>(2, 1.0f));
  Buf rw = make_t<int8_t>(MOTE_I8, {1, 3, 2}, std::vector<int8_t>(6, 1));
  Buf rr = make_t<int8_t>(MOTE_I8, {1, 3, 1}, std::vector<int8_t>(3, 1));
  Buf rs = make_t<float>(MOTE_F32, {1, 3}, std::vector<float>(3, 1.0f));
  Buf h = make_t<float>(MOTE_F32, {1, 1, 1}, std::vector<float>(1, 0.0f));
  EXPECT_EQ(run_op(MOTE_OP_GRU_W8, rp, {&rx, &rw, &rr, nullptr, nullptr, nullptr, nullptr, nullptr, &rs, &rs}, &out), Status::kOk);
  EXPECT_EQ(run_op(MOTE_OP_GRU_W8, rp, {&rx, &rw, &rr, nullptr, nullptr, nullptr, &h, nullptr, &rs, &rs}, &out, 1, err),
            Status::kBadParams);
  Buf rs_short = make_t<float>(MOTE_F32, {1, 2}, std::vector<float>(2, 1.0f));
  EXPECT_EQ(run_op(MOTE_OP_GRU_W8, rp, {&rx, &rw, &rr, nullptr, nullptr, nullptr, nullptr, nullptr, &rs, &rs_short}, &out, 1, err),
            Status::kBadParams);
  EXPECT_NE(std::string(err).find("weight scale (input 9)"), std::string::npos) << err;
}

// The converter: a one-node Gemm (trans_b) with --quantize int8-weights becomes GemmW8 with B as
// int8 [K, N] and its scales; its output stays within the weights' rounding of the float model's.
TEST(Int8Weights, ConverterQuantisesGemmWeights) {
  const int64_t K = 64, N = 16;
  std::mt19937 rng(11);
  const std::vector<float> b = random_floats(rng, K * N), c = random_floats(rng, N);
  OneNode m("Gemm", 13);
  m.input("a", onnx::TensorProto::FLOAT, {2, K})
      .initializer("b", onnx::TensorProto::FLOAT, {N, K}, b)
      .initializer("c", onnx::TensorProto::FLOAT, {N}, c)
      .output("y", onnx::TensorProto::FLOAT, {2, N})
      .attr("transB", 1);
  mote::ConvertOptions fopt, wopt;
  wopt.quantize_int8_weights = true;
  const mote::ConvertResult f = mote::convert_bytes(m.bytes(), "gemm.onnx", fopt);
  const mote::ConvertResult w = mote::convert_bytes(m.bytes(), "gemm.onnx", wopt);
  // K * N int8 + N float scales + N float bias, against K * N + N floats.
  EXPECT_EQ(w.weight_bytes, uint64_t(K * N + 2 * N * 4));
  EXPECT_EQ(f.weight_bytes, uint64_t((K * N + N) * 4));
  bool noted = false;
  for (const std::string& note : w.notes) noted = noted || note.find("GemmW8 x1") != std::string::npos;
  EXPECT_TRUE(noted);
  const std::vector<float> a = random_floats(rng, 2 * K);
  const auto of = run_blob(f.blob, {raw(a)}), ow = run_blob(w.blob, {raw(a)});
  ASSERT_EQ(of.size(), 1u);
  ASSERT_EQ(ow.size(), 1u);
  const std::vector<float> yf = typed<float>(of[0]), yw = typed<float>(ow[0]);
  ASSERT_EQ(yf.size(), yw.size());
  // Each weight is off by at most half a step (max|B row| / 254); the sum over K of |a| * that.
  float most = 0;
  for (float v : b) most = std::max(most, std::fabs(v));
  for (size_t i = 0; i < yf.size(); ++i) EXPECT_NEAR(yw[i], yf[i], K * 2.0f * most / 254.0f) << i;
}

}  // namespace

// Layouts (blob 1.4): an NHWC QConv and a QMatMul with B [N, K] compute what their NCHW / [K, N]
// forms compute, the verifier refuses layout fields it does not know, records from before 1.4
// still load, and a model converted for the Cortex-M boards (NHWC chains, transposes at the
// edges) gives every output byte of the same model converted for the reference kernels.
#include <gtest/gtest.h>

#include <cstring>
#include <random>
#include <vector>

#include "kernel_test_util.h"
#include "mote/blob_format.h"
#include "mote/converter.h"
#include "mote/mote.h"

using mote_test::Buf;
using mote_test::make;
using mote_test::run_op;

namespace {

std::mt19937 g_rng(7);
int32_t pick(int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(g_rng); }

Buf random_i8(std::initializer_list<int32_t> dims) {
  Buf b = make(MOTE_I8, dims);
  for (int64_t i = 0; i < b.view.numel(); ++i) b.bytes[size_t(i)] = uint8_t(pick(-128, 127));
  return b;
}

Buf vec_i32(const std::vector<int32_t>& v) { return mote_test::make_t<int32_t>(MOTE_I32, {int32_t(v.size())}, v); }

// Y[n, ...] of an NCHW tensor [n, c, h, w] as NHWC bytes.
std::vector<int8_t> to_nhwc(const Buf& b) {
  const int32_t n = b.view.dims[0], c = b.view.dims[1], h = b.view.dims[2], w = b.view.dims[3];
  std::vector<int8_t> out(size_t(n) * c * h * w);
  for (int32_t i = 0; i < n; ++i)
    for (int32_t k = 0; k < c; ++k)
      for (int32_t y = 0; y < h; ++y)
        for (int32_t x = 0; x < w; ++x)
          out[size_t(((i * h + y) * w + x) * c + k)] = int8_t(b.bytes[size_t(((i * c + k) * h + y) * w + x)]);
  return out;
}

mote_qconv_params qconv_params(int32_t group, int32_t k, int32_t s, int32_t pad, int32_t layout) {
  mote_qconv_params p{};
  p.conv.spatial_rank = 2;
  p.conv.group = group;
  for (int d = 0; d < 2; ++d) {
    p.conv.kernel[d] = k, p.conv.stride[d] = s, p.conv.dilation[d] = 1, p.conv.pad_begin[d] = pad, p.conv.pad_end[d] = pad;
  }
  p.in_zp = pick(-128, 127);
  p.out_zp = pick(-128, 127);
  p.act_min = -128;
  p.act_max = 127;
  p.layout = layout;
  return p;
}

}  // namespace

TEST(LayoutNhwc, QConvMatchesNchwOnRandomShapes) {
  for (int trial = 0; trial < 60; ++trial) {
    const bool depthwise = trial % 3 == 0;
    const int32_t c = pick(1, 12), group = depthwise ? c : 1, m = depthwise ? c : pick(1, 12);
    const int32_t k = pick(1, 3), s = pick(1, 2), pad = pick(0, 1);
    const int32_t h = k + pick(0, 6), w = k + pick(0, 6), n = pick(1, 2);
    Buf x = random_i8({n, c, h, w});
    Buf wt = random_i8({m, c / group, k, k});
    std::vector<int32_t> bias(static_cast<size_t>(m)), mult(static_cast<size_t>(m)), shift(static_cast<size_t>(m));
    for (int32_t i = 0; i < m; ++i) bias[size_t(i)] = pick(-5000, 5000), mult[size_t(i)] = pick(1 << 30, MOTE_MAX_MULTIPLIER), shift[size_t(i)] = pick(-12, 2);
    Buf B = vec_i32(bias), M = vec_i32(mult), S = vec_i32(shift);
    mote_qconv_params p = qconv_params(group, k, s, pad, MOTE_LAYOUT_NCHW);
    std::vector<Buf> ref;
    ASSERT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &wt, &B, &M, &S}, &ref), mote::Status::kOk);
    // The same op in NHWC: X, W and Y channels last.
    Buf xn = make(MOTE_I8, {n, h, w, c}, to_nhwc(x).data());
    Buf wn = make(MOTE_I8, {m, k, k, c / group}, to_nhwc(wt).data());
    p.layout = MOTE_LAYOUT_NHWC;
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_QCONV, p, {&xn, &wn, &B, &M, &S}, &out), mote::Status::kOk);
    ASSERT_EQ(out[0].view.rank, 4);
    EXPECT_EQ(out[0].view.dims[3], m);
    const std::vector<int8_t> want = to_nhwc(ref[0]);
    ASSERT_EQ(std::memcmp(out[0].bytes.data(), want.data(), want.size()), 0) << "trial " << trial;
  }
}

TEST(LayoutNhwc, QMatMulWithBStoredNkMatchesKn) {
  for (int trial = 0; trial < 40; ++trial) {
    const int32_t rows = pick(1, 4), K = pick(1, 70), N = pick(1, 20);
    Buf a = random_i8({rows, K});
    Buf b = random_i8({K, N});
    Buf bt = make(MOTE_I8, {N, K});
    for (int32_t i = 0; i < K; ++i)
      for (int32_t j = 0; j < N; ++j) bt.bytes[size_t(j * K + i)] = b.bytes[size_t(i * N + j)];
    std::vector<int32_t> bias(static_cast<size_t>(N)), mult(static_cast<size_t>(N)), shift(static_cast<size_t>(N));
    for (int32_t j = 0; j < N; ++j) bias[size_t(j)] = pick(-5000, 5000), mult[size_t(j)] = pick(1 << 30, MOTE_MAX_MULTIPLIER), shift[size_t(j)] = pick(-12, 0);
    Buf Bi = vec_i32(bias), M = vec_i32(mult), S = vec_i32(shift);
    mote_qmatmul_params p{pick(-128, 127), pick(-128, 127), -128, 127, MOTE_B_KN};
    std::vector<Buf> ref, out;
    ASSERT_EQ(run_op(MOTE_OP_QMATMUL, p, {&a, &b, &Bi, &M, &S}, &ref), mote::Status::kOk);
    p.b_layout = MOTE_B_NK;
    ASSERT_EQ(run_op(MOTE_OP_QMATMUL, p, {&a, &bt, &Bi, &M, &S}, &out), mote::Status::kOk);
    ASSERT_EQ(std::memcmp(out[0].bytes.data(), ref[0].bytes.data(), size_t(rows) * N), 0) << "trial " << trial;
  }
}

TEST(LayoutNhwc, VerifierRefusesUnknownLayoutsAndShapesThatDisagree) {
  Buf x = random_i8({1, 5, 5, 4});
  Buf w = random_i8({3, 3, 3, 4});
  mote_qconv_params p = qconv_params(1, 3, 1, 1, 2);
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &w}, &out, 1, err), mote::Status::kBadParams);
  EXPECT_NE(std::strstr(err, "layout"), nullptr) << err;
  // NCHW reading of NHWC weights: the channels disagree.
  p.layout = MOTE_LAYOUT_NCHW;
  EXPECT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &w}, &out), mote::Status::kBadParams);
  p.layout = MOTE_LAYOUT_NHWC;
  EXPECT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &w}, &out), mote::Status::kOk);
  // B [N, K] is rank 2 only, and its K must be A's.
  Buf a = random_i8({2, 6});
  Buf b3 = random_i8({1, 4, 6});
  Buf b2 = random_i8({4, 5});
  mote_qmatmul_params q{0, 0, INT32_MIN, INT32_MAX, MOTE_B_NK};
  EXPECT_EQ(run_op(MOTE_OP_QMATMUL, q, {&a, &b3}, &out), mote::Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_QMATMUL, q, {&a, &b2}, &out), mote::Status::kBadParams);
  q.b_layout = 7;
  EXPECT_EQ(run_op(MOTE_OP_QMATMUL, q, {&a, &b2}, &out), mote::Status::kBadParams);
}

TEST(LayoutNhwc, RecordsFromBeforeTheLayoutFieldAreNchw) {
  // A blob 1.3 QConv record: the same fields, 4 bytes shorter, no layout.
  struct Old {
    mote_conv_params conv;
    int32_t in_zp, out_zp, act_min, act_max;
  };
  static_assert(sizeof(Old) + 4 == sizeof(mote_qconv_params), "the 1.3 record is 4 bytes shorter");
  Buf x = random_i8({1, 4, 5, 5});
  Buf w = random_i8({3, 4, 3, 3});
  const mote_qconv_params p = qconv_params(1, 3, 1, 1, MOTE_LAYOUT_NCHW);
  Old old{p.conv, p.in_zp, p.out_zp, INT32_MIN, INT32_MAX};
  mote_qconv_params pn = p;
  pn.act_min = INT32_MIN, pn.act_max = INT32_MAX;
  std::vector<Buf> a, b;
  ASSERT_EQ(run_op(MOTE_OP_QCONV, old, {&x, &w}, &a), mote::Status::kOk);
  ASSERT_EQ(run_op(MOTE_OP_QCONV, pn, {&x, &w}, &b), mote::Status::kOk);
  EXPECT_EQ(a[0].view.dims[1], 3);
  EXPECT_EQ(a[0].bytes, b[0].bytes);
}

namespace {

// Every output byte of a run of blob `bytes` on input `in`.
std::vector<uint8_t> run_blob(const std::vector<uint8_t>& bytes, const std::vector<uint8_t>& in) {
  std::vector<uint8_t> storage(bytes.size() + 64);
  uint8_t* blob = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(blob, bytes.data(), bytes.size());
  mote_model model;
  EXPECT_EQ(mote_model_load(&model, blob, bytes.size()), MOTE_OK) << mote_model_error(&model);
  std::vector<uint8_t> arena_storage(mote_model_arena_bytes(&model) + 64);
  uint8_t* arena = arena_storage.data() + (64 - reinterpret_cast<uintptr_t>(arena_storage.data()) % 64) % 64;
  mote_session session;
  EXPECT_EQ(mote_session_init(&session, &model, arena, mote_model_arena_bytes(&model)), MOTE_OK);
  EXPECT_EQ(mote_session_set_input(&session, 0, in.data(), in.size()), MOTE_OK);
  EXPECT_EQ(mote_session_run(&session), MOTE_OK) << mote_session_error(&session);
  const uint8_t* y = static_cast<const uint8_t*>(mote_session_output_data(&session, 0));
  return std::vector<uint8_t>(y, y + 10 * 4);
}

}  // namespace

TEST(LayoutNhwc, CortexMConversionGivesTheReferenceBytes) {
  mote::ConvertOptions q;
  q.quantize_int8 = true;
  q.calib = MOTE_SOURCE_DIR "/models/digits_calib.npy";
  q.kernel_sets = mote::parse_targets("reference");
  const mote::ConvertResult nchw = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q);
  q.kernel_sets = mote::parse_targets("cortex-m4,cortex-m55");
  const mote::ConvertResult nhwc = mote::convert_file(MOTE_SOURCE_DIR "/models/digits.onnx", q);
  bool noted = false;
  for (const std::string& n : nhwc.notes) noted = noted || n.find("in NHWC") != std::string::npos;
  EXPECT_TRUE(noted) << "the Cortex-M conversion chose no NHWC convolution";
  const mote::HostTensor images = mote::read_npy(MOTE_SOURCE_DIR "/models/digits_heldout.npy");
  for (int k = 0; k < 20; ++k) {
    const std::vector<uint8_t> in(images.data.begin() + k * 64 * 4, images.data.begin() + (k + 1) * 64 * 4);
    EXPECT_EQ(run_blob(nchw.blob, in), run_blob(nhwc.blob, in)) << "sample " << k;
  }
}

// The x86 kernel set's working memory (runtime/kernels/x86/plan.h, scratch.cc): the portable
// size function sizes each op's scratch to the op, and shapes larger than the stack buffers the
// kernels used to have run on every level in exactly their planned scratch, with the reference's
// results (float within a tolerance, int8 byte for byte) and nothing written past the scratch.
// Also SiLU, the fused unary op, on the x86 element-wise kernels.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <limits>
#include <random>
#include <vector>

#include "mote/kernel.h"
#include "tests/unit/kernel_test_util.h"

#ifdef MOTE_TEST_X86
#include "runtime/kernels/x86/cpu.h"
namespace mote {
Status run_optimized(const OpArgs& args);
}
#endif

namespace {

using mote::OpArgs;
using mote::Status;
using mote::TensorView;
using mote_test::Buf;
using mote_test::make;

struct Op {
  int32_t code;
  std::vector<uint8_t> params;
  std::vector<Buf> in, out;
  std::vector<TensorView> in_views, out_views;
  OpArgs args() {
    // The views point into this op's own storage (a Buf copied into a vector keeps the old pointer).
    in_views.clear();
    for (Buf& b : in) in_views.push_back(b.view), in_views.back().data = b.bytes.data();
    out_views.clear();
    for (Buf& b : out) out_views.push_back(b.view), out_views.back().data = b.bytes.data();
    // One output each (infer ignores `out`, which is empty until then).
    return OpArgs{code, params.data(), uint32_t(params.size()), in_views.data(), int32_t(in_views.size()),
                  out_views.empty() ? nullptr : out_views.data(), 1, nullptr, 0, nullptr};
  }
};

template <typename P>
Op make_op(int32_t code, const P& p, std::vector<Buf> in) {
  Op op;
  op.code = code;
  op.params.resize(sizeof(P));
  std::memcpy(op.params.data(), &p, sizeof(P));
  op.in = std::move(in);
  OpArgs a = op.args();
  char text[192];
  mote::Diag diag(text, sizeof text);
  a.diag = &diag;
  TensorView inferred[1];
  uint32_t scratch = 0;
  EXPECT_EQ(mote::op_infer(a, inferred, &scratch), Status::kOk) << diag.text();
  Buf y;
  y.view = inferred[0];
  y.bytes.assign(size_t(y.view.numel()) * mote::dtype_size(y.view.dtype) + 1, 0);
  y.view.data = y.bytes.data();
  op.out.push_back(std::move(y));
  return op;
}

Buf random_buf(int32_t dtype, std::initializer_list<int32_t> dims, std::mt19937& rng) {
  Buf b = make(dtype, dims);
  for (int64_t i = 0; i < b.view.numel(); ++i) {
    if (dtype == MOTE_F32) {
      const float f = std::uniform_real_distribution<float>(-1.0f, 1.0f)(rng);
      std::memcpy(b.bytes.data() + 4 * i, &f, 4);
    } else if (dtype == MOTE_I8) {
      b.bytes[size_t(i)] = uint8_t(rng());
    } else {  // int32: bias
      const int32_t v = int32_t(rng() % 2001) - 1000;
      std::memcpy(b.bytes.data() + 4 * i, &v, 4);
    }
  }
  return b;
}

Buf filled_i32(std::initializer_list<int32_t> dims, int32_t value) {
  Buf b = make(MOTE_I32, dims);
  for (int64_t i = 0; i < b.view.numel(); ++i) std::memcpy(b.bytes.data() + 4 * i, &value, 4);
  return b;
}

mote_conv_params conv_params(int32_t k_h, int32_t k_w, int32_t stride, int32_t pad, int32_t group) {
  mote_conv_params p{};
  p.spatial_rank = 2;
  p.group = group;
  p.kernel[0] = k_h, p.kernel[1] = k_w;
  for (int d = 0; d < 2; ++d) p.stride[d] = stride, p.dilation[d] = 1, p.pad_begin[d] = p.pad_end[d] = pad;
  p.act = mote_act{MOTE_ACT_NONE, 0.0f, 0.0f};
  return p;
}

mote_qconv_params qconv_params(int32_t k_h, int32_t k_w, int32_t stride, int32_t pad, int32_t group) {
  mote_qconv_params q{};
  q.conv = conv_params(k_h, k_w, stride, pad, group);
  q.in_zp = -3;
  q.out_zp = 5;
  q.act_min = -128;
  q.act_max = 127;
  return q;
}

// A float Conv: x [1, c, h, w], weights [m, c / group, k, k].
Op conv_op(int32_t c, int32_t m, int32_t h, int32_t w, int32_t k, int32_t stride, int32_t pad, int32_t group,
           std::mt19937& rng) {
  return make_op(MOTE_OP_CONV, conv_params(k, k, stride, pad, group),
                 {random_buf(MOTE_F32, {1, c, h, w}, rng), random_buf(MOTE_F32, {m, c / group, k, k}, rng),
                  random_buf(MOTE_F32, {m}, rng)});
}

// A QConv with per-channel requantisation.
Op qconv_op(int32_t c, int32_t m, int32_t h, int32_t w, int32_t k, int32_t stride, int32_t pad, int32_t group,
            std::mt19937& rng) {
  return make_op(MOTE_OP_QCONV, qconv_params(k, k, stride, pad, group),
                 {random_buf(MOTE_I8, {1, c, h, w}, rng), random_buf(MOTE_I8, {m, c / group, k, k}, rng),
                  random_buf(MOTE_I32, {m}, rng), filled_i32({m}, 1 << 30), filled_i32({m}, -8)});
}

TEST(X86Scratch, SizedToTheOp) {
  std::mt19937 rng(3);
  // Gemm with trans_a is the reference's: no scratch.
  mote_gemm_params gp{1.0f, 1.0f, 1, 0, mote_act{MOTE_ACT_NONE, 0.0f, 0.0f}};
  Op gemm = make_op(MOTE_OP_GEMM, gp, {random_buf(MOTE_F32, {8, 4}, rng), random_buf(MOTE_F32, {8, 6}, rng)});
  EXPECT_EQ(mote::x86::scratch_bytes(gemm.args()), 0u);
  // An im2col Conv of ResNet-18 takes a whole 96 KB panel (and the alignment slack)...
  EXPECT_EQ(mote::x86::scratch_bytes(conv_op(64, 64, 56, 56, 3, 1, 1, 1, rng).args()), 96u * 1024 + 48);
  // ... a small one a panel as deep as its k.
  const uint32_t small = mote::x86::scratch_bytes(conv_op(2, 4, 6, 6, 3, 1, 1, 1, rng).args());
  EXPECT_GT(small, 0u);
  EXPECT_LE(small, 18u * 48 * 4 + 64);
  // An int8 1x1 conv on a 7x7 map: a panel of its 49 pixels, not of 64 KB.
  const uint32_t pw = mote::x86::scratch_bytes(qconv_op(64, 32, 7, 7, 1, 1, 0, 1, rng).args());
  EXPECT_GT(pw, 0u);
  EXPECT_LT(pw, 16u * 1024);
  // A 1x1 float conv on a 56x56 map reads its input in place: no scratch at all.
  EXPECT_EQ(mote::x86::scratch_bytes(conv_op(24, 144, 56, 56, 1, 1, 0, 1, rng).args()), 0u);
}

#ifdef MOTE_TEST_X86
// Runs `op` on the reference, then at every supported level on exactly its planned scratch
// followed by a canary; each must run (not decline) and agree.
void run_everywhere(Op& op, const char* what) {
  OpArgs a = op.args();
  uint32_t need = 0;
  {
    char text[192];
    mote::Diag diag(text, sizeof text);
    a.diag = &diag;
    TensorView inferred[1];
    ASSERT_EQ(mote::op_infer(a, inferred, &need), Status::kOk) << what << ": " << diag.text();
    a.diag = nullptr;
  }
  const uint32_t kernel = mote::kernel_set_scratch_bytes(a);
  if (kernel > need) need = kernel;
  std::vector<uint8_t> storage(need + 64 + 16);
  uint8_t* scratch = storage.data() + (16 - reinterpret_cast<uintptr_t>(storage.data()) % 16) % 16;
  a.scratch = scratch;
  a.scratch_bytes = need;
  ASSERT_EQ(mote::op_run_reference(a), Status::kOk) << what;
  const std::vector<uint8_t> want = op.out[0].bytes;
  const bool floats = op.out[0].view.dtype == MOTE_F32;
  const int64_t n = op.out[0].view.numel();
  using mote::x86::Level;
  int ran = 0;
  for (int32_t l = mote::x86::kSse41; l < mote::x86::kLevelCount; ++l) {
    if (!mote::x86::force(Level(l))) continue;
    std::memset(scratch, 0xEE, need);
    std::memset(scratch + need, 0xCD, 64);
    std::memset(op.out[0].bytes.data(), 0, op.out[0].bytes.size());
    ASSERT_EQ(mote::run_optimized(a), Status::kOk) << what << " declined at " << mote::x86::level_name(Level(l));
    for (int i = 0; i < 64; ++i) ASSERT_EQ(scratch[need + i], 0xCD) << what << ": wrote past its scratch";
    if (floats) {
      const float* y = reinterpret_cast<const float*>(op.out[0].bytes.data());
      const float* r = reinterpret_cast<const float*>(want.data());
      float most = 0.0f;
      for (int64_t i = 0; i < n; ++i) most = std::max(most, std::fabs(r[i]));
      for (int64_t i = 0; i < n; ++i) ASSERT_NEAR(y[i], r[i], 1e-5f * (1.0f + most)) << what << " at " << i;
    } else {
      ASSERT_EQ(std::memcmp(op.out[0].bytes.data(), want.data(), size_t(n)), 0) << what << " at "
                                                                              << mote::x86::level_name(Level(l));
    }
    ++ran;
  }
  mote::x86::force(mote::x86::detected());
  EXPECT_GT(ran, 0);
}

TEST(X86Scratch, ShapesPastTheOldStackBuffersRunOnEveryLevel) {
  std::mt19937 rng(5);
  {  // more output channels than the int8 start values held (2048)
    Op op = qconv_op(8, 2304, 4, 4, 1, 1, 0, 1, rng);
    run_everywhere(op, "QConv 1x1 8 -> 2304");
  }
  {  // a depthwise kernel of more taps than were kept broadcast (25), stride 1 and 2
    Op s1 = conv_op(3, 3, 20, 20, 7, 1, 3, 3, rng);
    run_everywhere(s1, "depthwise 7x7");
    Op s2 = conv_op(3, 3, 21, 21, 7, 2, 3, 3, rng);
    run_everywhere(s2, "depthwise 7x7 stride 2");
    Op q = qconv_op(3, 3, 20, 20, 9, 1, 4, 3, rng);
    run_everywhere(q, "int8 depthwise 9x9");
  }
  {  // depthwise rows wider than the tap masks (512 outputs) and the int8 padded row (4096)
    Op f = conv_op(2, 2, 3, 1030, 3, 1, 1, 2, rng);
    run_everywhere(f, "depthwise 3x3 over rows of 1030");
    Op q = qconv_op(2, 2, 3, 5000, 3, 1, 1, 2, rng);
    run_everywhere(q, "int8 depthwise 3x3 over rows of 5000");
  }
  {  // an int8 MaxPool window taller than the row list (64) and wider than the row buffers (8 KB)
    mote_pool_params p{};
    p.spatial_rank = 2;
    p.kernel[0] = 70, p.kernel[1] = 3;
    p.stride[0] = p.stride[1] = p.dilation[0] = p.dilation[1] = 1;
    Op tall = make_op(MOTE_OP_MAX_POOL, p, {random_buf(MOTE_I8, {1, 2, 75, 9}, rng)});
    run_everywhere(tall, "int8 MaxPool 70x3");
    p.kernel[0] = 2, p.kernel[1] = 2, p.stride[0] = p.stride[1] = 2;
    Op wide = make_op(MOTE_OP_MAX_POOL, p, {random_buf(MOTE_I8, {1, 1, 4, 9000}, rng)});
    run_everywhere(wide, "int8 MaxPool 2x2 over rows of 9000");
  }
}
#endif

}  // namespace

#ifdef MOTE_TEST_X86
namespace {

// SiLU (x * Sigmoid(x), fused from the decomposed pattern by the converter) runs on the x86
// element-wise kernels at every level, as the reference computes it, the edges included.
TEST(X86Eltwise, SiLUMatchesTheReferenceOnEveryLevel) {
  std::mt19937 rng(9);
  std::vector<float> values;
  for (int i = 0; i < 997; ++i) values.push_back(std::uniform_real_distribution<float>(-12.0f, 12.0f)(rng));
  const float inf = std::numeric_limits<float>::infinity();
  for (float v : {0.0f, -0.0f, 1e-30f, -1e-30f, 80.0f, -80.0f, 87.5f, -87.5f, 100.0f, -100.0f, 1e30f, -1e30f, inf, -inf,
                  std::numeric_limits<float>::quiet_NaN()}) {
    values.push_back(v);
  }
  mote_unary_params p{};
  Op op = make_op(MOTE_OP_SILU, p, {make(MOTE_F32, {1, int32_t(values.size())}, values.data())});
  OpArgs a = op.args();
  ASSERT_EQ(mote::op_run_reference(a), Status::kOk);
  const std::vector<uint8_t> want = op.out[0].bytes;
  const int64_t n = op.out[0].view.numel();
  int ran = 0;
  for (int32_t l = mote::x86::kSse41; l < mote::x86::kLevelCount; ++l) {
    if (!mote::x86::force(mote::x86::Level(l))) continue;
    std::memset(op.out[0].bytes.data(), 0, op.out[0].bytes.size());
    a = op.args();
    ASSERT_EQ(mote::run_optimized(a), Status::kOk) << "SiLU declined at " << mote::x86::level_name(mote::x86::Level(l));
    const float* y = reinterpret_cast<const float*>(op.out[0].bytes.data());
    const float* r = reinterpret_cast<const float*>(want.data());
    for (int64_t i = 0; i < n; ++i) {
      const char* level = mote::x86::level_name(mote::x86::Level(l));
      if (std::isnan(r[i]) || std::isinf(r[i])) {
        EXPECT_TRUE(std::isnan(r[i]) ? std::isnan(y[i]) : y[i] == r[i]) << level << ": SiLU(" << values[i] << ") = " << y[i]
                                                                         << ", the reference " << r[i];
      } else {
        EXPECT_NEAR(y[i], r[i], 1e-5f * (1.0f + std::fabs(r[i])) + 1e-30f) << level << ": SiLU(" << values[i] << ")";
      }
    }
    ++ran;
  }
  mote::x86::force(mote::x86::detected());
  EXPECT_GT(ran, 0);
}

}  // namespace
#endif

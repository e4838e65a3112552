// float16 as a storage type: Cast's conversions both ways (rounding to nearest even,
// subnormals, overflow to infinity, NaN), every other op refusing float16 operands, and the
// lowering of a float16 model (inputs, a weight kept float16 in the blob, the output narrowed
// back) computed in float32.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <cstring>
#include <vector>

#include "tests/unit/kernel_test_util.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote_test::Buf;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

std::vector<uint16_t> to_half(const std::vector<float>& v) {
  Buf x = make_t(MOTE_F32, {int32_t(v.size())}, v);
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_CAST, mote_cast_params{MOTE_F16}, {&x}, &out), mote::Status::kOk);
  return out.empty() ? std::vector<uint16_t>{} : values<uint16_t>(out[0]);
}

TEST(Float16, CastRoundsToNearestEven) {
  const float tiny = std::ldexp(1.0f, -24);  // the least subnormal half
  EXPECT_EQ(to_half({1.0f, -2.0f, 65504.0f, 65519.0f, 65520.0f, -1e9f, 0.0f, -0.0f}),
            (std::vector<uint16_t>{0x3C00, 0xC000, 0x7BFF, 0x7BFF, 0x7C00, 0xFC00, 0x0000, 0x8000}));
  // Ties: 1 + 2^-11 lies halfway between 1 and the next half (even: 1); 1 + 3 * 2^-11 goes up.
  EXPECT_EQ(to_half({1.0f + std::ldexp(1.0f, -11), 1.0f + 3 * std::ldexp(1.0f, -11)}), (std::vector<uint16_t>{0x3C00, 0x3C02}));
  // Subnormals: 2^-24 is 1, half of it ties to 0, 1.5 of it ties to 2; below 2^-14 steps of 2^-24.
  EXPECT_EQ(to_half({tiny, tiny / 2, 1.5f * tiny, std::ldexp(1.0f, -14) - tiny}),
            (std::vector<uint16_t>{0x0001, 0x0000, 0x0002, 0x03FF}));
  EXPECT_EQ(to_half({NAN})[0] & 0x7E00, 0x7E00);
}

TEST(Float16, CastWidensExactly) {
  Buf h = make_t(MOTE_F16, {6}, std::vector<uint16_t>{0x3555, 0x0001, 0xFC00, 0x7BFF, 0x8000, 0x7E00});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_CAST, mote_cast_params{MOTE_F32}, {&h}, &out), mote::Status::kOk);
  const std::vector<float> f = values<float>(out[0]);
  EXPECT_EQ(f[0], 0.333251953125f);
  EXPECT_EQ(f[1], std::ldexp(1.0f, -24));
  EXPECT_EQ(f[2], -INFINITY);
  EXPECT_EQ(f[3], 65504.0f);
  EXPECT_TRUE(f[4] == 0.0f && std::signbit(f[4]));
  EXPECT_TRUE(std::isnan(f[5]));
  // Through int32 too.
  ASSERT_EQ(run_op(MOTE_OP_CAST, mote_cast_params{MOTE_I32}, {&h}, &out), mote::Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0])[3], 65504);
}

TEST(Float16, OnlyCastAndCopyTakeIt) {
  Buf h = make_t(MOTE_F16, {2}, std::vector<uint16_t>{0x3C00, 0x4000});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_ADD, mote_binary_params{}, {&h, &h}, &out), mote::Status::kBadParams);
  mote_transpose_params t{};
  t.perm[0] = 0;
  EXPECT_EQ(run_op(MOTE_OP_TRANSPOSE, t, {&h}, &out), mote::Status::kBadParams);
  ASSERT_EQ(run_op(MOTE_OP_COPY, int32_t{0}, {&h}, &out), mote::Status::kOk);
  EXPECT_EQ(values<uint16_t>(out[0]), (std::vector<uint16_t>{0x3C00, 0x4000}));
}

// Mul(x, w) in float16 with `n` elements: the weight stays float16 (and a Cast widens it at run
// time) when it has more than 64.
void float16_mul(int64_t n) {
  constexpr int32_t kH = onnx::TensorProto::FLOAT16;
  std::vector<uint16_t> w(static_cast<size_t>(n), 0x4100), x(static_cast<size_t>(n));  // w = 2.5
  for (int64_t k = 0; k < n; ++k) x[size_t(k)] = uint16_t(0x3C00 + k);  // 1 + k * 2^-10
  mote_test::OneNode m("Mul", 13);
  m.input("x", kH, {n}).initializer<uint16_t>("w", kH, {n}, w).output("y", kH, {n});
  const mote::ConvertResult r = m.convert();
  const auto outs = mote_test::run_blob(r.blob, {mote_test::raw(x)});
  ASSERT_EQ(outs.size(), 1u);
  const std::vector<uint16_t> y = mote_test::typed<uint16_t>(outs[0]);
  ASSERT_EQ(y.size(), size_t(n));
  for (int64_t k = 0; k < n; ++k) {
    // 2.5 * (1 + k / 1024) = 2.5 + 2.5k/1024: in [2, 4) a half's step is 2^-9, so the exact
    // product (a multiple of 2^-11) rounds to nearest even steps of 2^-9.
    const double exact = 2.5 * (1.0 + double(k) / 1024.0);
    const double steps = exact * 512.0;
    double r0 = std::floor(steps);
    if (steps - r0 > 0.5 || (steps - r0 == 0.5 && std::fmod(r0, 2.0) != 0)) r0 += 1;
    const uint16_t want = uint16_t(0x4000 + (int(r0) - 1024));
    ASSERT_EQ(y[size_t(k)], want) << "element " << k;
  }
  mote::Model model;
  std::vector<uint8_t> blob = r.blob;
  std::vector<uint8_t> storage(blob.size() + 64);
  uint8_t* base = storage.data() + (64 - reinterpret_cast<uintptr_t>(storage.data()) % 64) % 64;
  std::memcpy(base, blob.data(), blob.size());
  ASSERT_EQ(model.load(base, blob.size()), mote::Status::kOk);
  mote::TensorInfo in{}, out{};
  ASSERT_EQ(model.input_info(0, &in), mote::Status::kOk);
  ASSERT_EQ(model.output_info(0, &out), mote::Status::kOk);
  EXPECT_EQ(in.dtype, MOTE_F16);
  EXPECT_EQ(out.dtype, MOTE_F16);
  // Widen x, (widen w,) Mul, narrow y.
  EXPECT_EQ(model.num_ops(), n > 64 ? 4u : 3u);
}

TEST(Float16, ModelComputesInFloat32AndKeepsItsWeightsFloat16) {
  float16_mul(8);
  float16_mul(100);
}

}  // namespace

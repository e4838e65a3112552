// int8 kernels against an independent scalar computation of docs/quantization.md, on random
// shapes (odd sizes included) and extreme parameters: multipliers near 1 and near 2^-31, shifts
// at both ends, zero points at -128 and 127. Results must be exact.
#include <gtest/gtest.h>

#include <random>

#include "kernel_test_util.h"

using mote_test::Buf;
using mote_test::make;
using mote_test::run_op;
using mote_test::values;

namespace {

// The document's two roundings, the slow way in exact 128-bit arithmetic: the doubling high
// multiply rounds half up (toward +infinity), the divide by 2^right rounds half away from zero.
int32_t reference_requantize(int32_t acc, int32_t multiplier, int32_t shift) {
  __int128 x = __int128(acc) * (__int128(1) << (shift > 0 ? shift : 0));
  if (x > INT32_MAX) x = INT32_MAX;
  if (x < INT32_MIN) x = INT32_MIN;
  int64_t high;
  if (x == INT32_MIN && multiplier == INT32_MIN) {
    high = INT32_MAX;
  } else {
    const __int128 prod = x * multiplier;
    const __int128 denom = __int128(1) << 31;
    __int128 num = prod + denom / 2;  // floor((prod + 2^30) / 2^31)
    __int128 q = num / denom;
    if (num % denom != 0 && num < 0) q -= 1;
    high = int64_t(q);
  }
  const int right = shift > 0 ? 0 : -shift;
  if (right == 0) return int32_t(high);
  const __int128 denom = __int128(1) << right;
  const __int128 mag = high < 0 ? -__int128(high) : __int128(high);
  __int128 q = (mag + denom / 2) / denom;  // .5 rounds up in magnitude: away from zero
  return int32_t(high < 0 ? -q : q);
}

int8_t clamp8(int64_t v, int32_t lo = -128, int32_t hi = 127) { return int8_t(v < lo ? lo : (v > hi ? hi : v)); }

struct Rng {
  std::mt19937 g;
  explicit Rng(uint32_t seed) : g(seed) {}
  int32_t range(int32_t lo, int32_t hi) { return std::uniform_int_distribution<int32_t>(lo, hi)(g); }
  int32_t multiplier() {
    switch (range(0, 3)) {
      case 0: return MOTE_MAX_MULTIPLIER;    // ~1.0, the largest allowed
      case 1: return 1 << 30;                // 0.5
      case 2: return range(1 << 30, MOTE_MAX_MULTIPLIER);
      default: return range(1, 1000);        // tiny
    }
  }
  int32_t shift() {
    switch (range(0, 3)) {
      case 0: return -31;  // multiplier ~2^-31..2^-32
      case 1: return range(-12, 0);
      case 2: return range(1, 6);
      default: return 0;
    }
  }
  int32_t zp() {
    const int32_t ends[3] = {-128, 127, 0};
    return range(0, 2) ? ends[range(0, 2)] : range(-128, 127);
  }
};

Buf random_i8(Rng& r, std::initializer_list<int32_t> dims) {
  Buf b = make(MOTE_I8, dims);
  for (int64_t i = 0; i < b.view.numel(); ++i) b.bytes[size_t(i)] = uint8_t(int8_t(r.range(-128, 127)));
  return b;
}

Buf vec_i32(const std::vector<int32_t>& v) { return mote_test::make_t<int32_t>(MOTE_I32, {int32_t(v.size())}, v); }

int8_t i8(const Buf& b, int64_t i) { return int8_t(b.bytes[size_t(i)]); }

}  // namespace

TEST(Int8Requantize, MatchesExactArithmeticAtTheExtremes) {
  Rng r(1);
  for (int k = 0; k < 200000; ++k) {
    const int32_t acc = k % 7 == 0 ? (k % 2 ? INT32_MAX : INT32_MIN) : r.range(INT32_MIN, INT32_MAX) >> r.range(0, 24);
    const int32_t m = r.multiplier(), s = r.shift();
    ASSERT_EQ(mote_test::requantize_for_test(acc, m, s), reference_requantize(acc, m, s)) << acc << " " << m << " " << s;
  }
}

TEST(Int8QConv, ExactOnRandomShapesAndExtremeParameters) {
  Rng r(2);
  for (int trial = 0; trial < 80; ++trial) {
    const int group = r.range(1, 3), cg = r.range(1, 3), mg = r.range(1, 3), c = cg * group, m = mg * group;
    const int kh = r.range(1, 3), kw = r.range(1, 3), s = r.range(1, 2), pad = r.range(0, 1);
    const int ih = kh + r.range(0, 5), iw = kw + r.range(0, 6);
    Buf x = random_i8(r, {1, c, ih, iw});
    Buf w = random_i8(r, {m, cg, kh, kw});
    std::vector<int32_t> bias(static_cast<size_t>(m)), mult(static_cast<size_t>(m)), shift(static_cast<size_t>(m)), wzp(static_cast<size_t>(m), 0);
    for (int k = 0; k < m; ++k) bias[size_t(k)] = r.range(-100000, 100000), mult[size_t(k)] = r.multiplier(), shift[size_t(k)] = r.shift();
    Buf B = vec_i32(bias), M = vec_i32(mult), S = vec_i32(shift), Z = vec_i32(wzp);
    mote_qconv_params p{};
    p.conv.spatial_rank = 2;
    p.conv.group = group;
    p.conv.kernel[0] = kh, p.conv.kernel[1] = kw;
    for (int d = 0; d < 2; ++d) p.conv.stride[d] = s, p.conv.dilation[d] = 1, p.conv.pad_begin[d] = pad, p.conv.pad_end[d] = pad;
    p.in_zp = r.zp();
    p.out_zp = r.zp();
    p.act_min = trial % 3 == 0 ? p.out_zp : -128;
    p.act_max = 127;
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_QCONV, p, {&x, &w, &B, &M, &S, &Z}, &out), mote::Status::kOk);
    const int oh = (ih + 2 * pad - kh) / s + 1, ow = (iw + 2 * pad - kw) / s + 1;
    for (int om = 0; om < m; ++om)
      for (int y = 0; y < oh; ++y)
        for (int xx = 0; xx < ow; ++xx) {
          int64_t acc = bias[size_t(om)];
          for (int ci = 0; ci < cg; ++ci)
            for (int u = 0; u < kh; ++u)
              for (int v = 0; v < kw; ++v) {
                const int row = y * s - pad + u, col = xx * s - pad + v;
                // Padding is the input zero point, which contributes nothing.
                const int xv = (row < 0 || row >= ih || col < 0 || col >= iw) ? p.in_zp : i8(x, ((om / mg * cg + ci) * ih + row) * iw + col);
                acc += int64_t(xv - p.in_zp) * i8(w, ((om * cg + ci) * kh + u) * kw + v);
              }
          const int32_t want = clamp8(int64_t(reference_requantize(int32_t(acc), mult[size_t(om)], shift[size_t(om)])) + p.out_zp,
                                      p.act_min, p.act_max);
          ASSERT_EQ(i8(out[0], (om * oh + y) * ow + xx), want) << "trial " << trial;
        }
  }
}

TEST(Int8QMatMul, ExactPerColumnWithBatchBroadcast) {
  Rng r(3);
  for (int trial = 0; trial < 60; ++trial) {
    const int batch = r.range(1, 3), M = r.range(1, 5), K = r.range(1, 33), N = r.range(1, 9);
    Buf a = random_i8(r, {batch, M, K});
    Buf b = random_i8(r, {K, N});
    std::vector<int32_t> bias(static_cast<size_t>(N)), mult(static_cast<size_t>(N)), shift(static_cast<size_t>(N)), bzp(1, trial % 4 == 0 ? r.zp() : 0);
    for (int j = 0; j < N; ++j) bias[size_t(j)] = r.range(-5000, 5000), mult[size_t(j)] = r.multiplier(), shift[size_t(j)] = r.shift();
    Buf B = vec_i32(bias), Mu = vec_i32(mult), S = vec_i32(shift), Z = vec_i32(bzp);
    mote_qmatmul_params p{r.zp(), r.zp(), -128, 127};
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_QMATMUL, p, {&a, &b, &B, &Mu, &S, &Z}, &out), mote::Status::kOk);
    for (int n = 0; n < batch; ++n)
      for (int i = 0; i < M; ++i)
        for (int j = 0; j < N; ++j) {
          int64_t acc = bias[size_t(j)];
          for (int k = 0; k < K; ++k) acc += int64_t(i8(a, (n * M + i) * K + k) - p.a_zp) * (i8(b, k * N + j) - bzp[0]);
          ASSERT_EQ(i8(out[0], (n * M + i) * N + j), clamp8(int64_t(reference_requantize(int32_t(acc), mult[size_t(j)], shift[size_t(j)])) + p.out_zp));
        }
  }
}

TEST(Int8QAddQMul, ExactWithBroadcasting) {
  Rng r(4);
  for (int trial = 0; trial < 60; ++trial) {
    const int rows = r.range(1, 5), cols = r.range(1, 7);
    Buf a = random_i8(r, {rows, cols});
    Buf b = trial % 2 ? random_i8(r, {cols}) : random_i8(r, {rows, cols});
    mote_qbinary_params p{};
    p.a_zp = r.zp(), p.b_zp = r.zp(), p.out_zp = r.zp();
    p.a_mult = r.multiplier(), p.b_mult = r.multiplier(), p.out_mult = r.multiplier();
    p.a_shift = r.range(-3, 0), p.b_shift = r.range(-3, 0), p.out_shift = r.shift();
    p.left_shift = 20;
    p.act_min = -128, p.act_max = 127;
    for (int32_t code : {int32_t(MOTE_OP_QADD), int32_t(MOTE_OP_QMUL)}) {
      std::vector<Buf> out;
      ASSERT_EQ(run_op(code, p, {&a, &b}, &out), mote::Status::kOk);
      for (int i = 0; i < rows; ++i)
        for (int j = 0; j < cols; ++j) {
          const int32_t va = i8(a, i * cols + j) - p.a_zp;
          const int32_t vb = i8(b, trial % 2 ? j : i * cols + j) - p.b_zp;
          int32_t want;
          if (code == MOTE_OP_QADD) {
            const int32_t sa = reference_requantize(va * (1 << 20), p.a_mult, p.a_shift);
            const int32_t sb = reference_requantize(vb * (1 << 20), p.b_mult, p.b_shift);
            want = clamp8(int64_t(reference_requantize(sa + sb, p.out_mult, p.out_shift)) + p.out_zp);
          } else {
            want = clamp8(int64_t(reference_requantize(va * vb, p.out_mult, p.out_shift)) + p.out_zp);
          }
          ASSERT_EQ(i8(out[0], i * cols + j), want);
        }
    }
  }
}

TEST(Int8Pools, AverageRoundsHalfAwayFromZero) {
  // Windows of 2 with sums 3 and -3: 1.5 -> 2 and -1.5 -> -2.
  std::vector<int8_t> v = {1, 2, -1, -2};
  Buf x = mote_test::make_t<int8_t>(MOTE_I8, {1, 1, 1, 4}, v);
  mote_pool_params p{};
  p.spatial_rank = 2;
  p.kernel[0] = 1, p.kernel[1] = 2, p.stride[0] = 1, p.stride[1] = 2, p.dilation[0] = p.dilation[1] = 1;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_AVERAGE_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<int8_t>(out[0]), (std::vector<int8_t>{2, -2}));
  ASSERT_EQ(run_op(MOTE_OP_MAX_POOL, p, {&x}, &out), mote::Status::kOk);
  EXPECT_EQ(values<int8_t>(out[0]), (std::vector<int8_t>{2, -1}));
}

TEST(Int8QuantizeLinear, TiesToEvenAndSaturates) {
  std::vector<float> v = {0.5f, 1.5f, 2.5f, -0.5f, 1000.0f, -1000.0f, NAN};
  Buf x = mote_test::make_t<float>(MOTE_F32, {7}, v);
  std::vector<float> s = {1.0f};
  std::vector<int8_t> z = {0};
  Buf S = mote_test::make_t<float>(MOTE_F32, {1}, s), Z = mote_test::make_t<int8_t>(MOTE_I8, {1}, z);
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_QUANTIZE, mote_quantize_params{0, MOTE_I8, 0, 0, 0, 0}, {&x, &S, &Z}, &out), mote::Status::kOk);
  EXPECT_EQ(values<int8_t>(out[0]), (std::vector<int8_t>{0, 2, 2, 0, 127, -128, 0}));
  std::vector<float> zero = {0.0f};
  Buf bad = mote_test::make_t<float>(MOTE_F32, {2}, std::vector<float>{1, 2});
  EXPECT_EQ(run_op(MOTE_OP_QUANTIZE, mote_quantize_params{0, MOTE_I8, 0, 0, 0, 0}, {&x, &bad, &Z}, &out), mote::Status::kBadParams);
}

TEST(Int8QSoftmax, MatchesTheDocumentedIntegerFormula) {
  Rng r(6);
  for (int trial = 0; trial < 30; ++trial) {
    const int rows = r.range(1, 4), n = r.range(1, 40);
    Buf x = random_i8(r, {rows, n});
    const double s_in = std::ldexp(1.0, -r.range(1, 8));
    std::vector<int32_t> table(256);
    for (int d = 0; d < 256; ++d) table[size_t(d)] = int32_t(std::lround(65536.0 * std::exp(-s_in * d)));
    Buf T = vec_i32(table);
    std::vector<Buf> out;
    ASSERT_EQ(run_op(MOTE_OP_QSOFTMAX, mote_qsoftmax_params{-1}, {&x, &T}, &out), mote::Status::kOk);
    for (int i = 0; i < rows; ++i) {
      int mx = -128;
      for (int k = 0; k < n; ++k) mx = std::max(mx, int(i8(x, i * n + k)));
      int64_t sum = 0;
      for (int k = 0; k < n; ++k) sum += table[size_t(mx - i8(x, i * n + k))];
      for (int k = 0; k < n; ++k) {
        const int64_t e = table[size_t(mx - i8(x, i * n + k))];
        ASSERT_EQ(i8(out[0], i * n + k), clamp8((256 * e + sum / 2) / sum - 128));
      }
    }
  }
}

TEST(Int8Resize, NearestCopiesTheSameElementsAsTheFloatKernel) {
  Rng r(8);
  Buf x8 = random_i8(r, {1, 2, 3, 5});
  std::vector<float> xf(30);
  for (int i = 0; i < 30; ++i) xf[size_t(i)] = float(i8(x8, i));
  Buf xF = mote_test::make_t<float>(MOTE_F32, {1, 2, 3, 5}, xf);
  mote_resize_params p{};
  p.mode = MOTE_RESIZE_NEAREST;
  p.coord = MOTE_COORD_ASYMMETRIC;
  p.nearest = MOTE_NEAREST_FLOOR;
  const int32_t out_dims[4] = {1, 2, 7, 8};
  for (int d = 0; d < 4; ++d) p.out_dims[d] = out_dims[d], p.scale[d] = float(out_dims[d]) / float(x8.view.dims[d]), p.roi_end[d] = 1;
  std::vector<Buf> o8, oF;
  ASSERT_EQ(run_op(MOTE_OP_RESIZE, p, {&x8}, &o8), mote::Status::kOk);
  ASSERT_EQ(run_op(MOTE_OP_RESIZE, p, {&xF}, &oF), mote::Status::kOk);
  ASSERT_EQ(o8[0].view.dtype, MOTE_I8);
  for (int64_t i = 0; i < oF[0].view.numel(); ++i) ASSERT_EQ(float(i8(o8[0], i)), values<float>(oF[0])[size_t(i)]);
  p.mode = MOTE_RESIZE_LINEAR;
  EXPECT_EQ(run_op(MOTE_OP_RESIZE, p, {&x8}, &o8), mote::Status::kBadParams);  // int8 is nearest only
}

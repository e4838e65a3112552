// Reference kernels for the reductions, ArgMax/ArgMin and CumSum: hand-checked values on small
// and edge shapes, and the refusals infer must make for malformed parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "tests/unit/kernel_test_util.h"

namespace {

using mote::Status;
using mote_test::Buf;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

std::vector<int32_t> dims_of(const Buf& b) { return std::vector<int32_t>(b.view.dims, b.view.dims + b.view.rank); }

void expect_near(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// Runs a reduction of x and returns the output; `shape` receives its dims.
template <typename T>
std::vector<T> reduce(int32_t code, Buf& x, uint32_t mask, int32_t keepdims, std::vector<int32_t>* shape = nullptr) {
  std::vector<Buf> out;
  Status st = run_op(code, mote_reduce_params{mask, keepdims}, {&x}, &out);
  EXPECT_EQ(st, Status::kOk);
  if (st != Status::kOk) return {};
  if (shape) *shape = dims_of(out[0]);
  return values<T>(out[0]);
}

// x = [[1, 2, 3], [4, -5, 6]]
Buf matrix() { return make_t<float>(MOTE_F32, {2, 3}, {1, 2, 3, 4, -5, 6}); }

// ---- Reduce ----------------------------------------------------------------------------------

TEST(Reduce, SumShapes) {
  Buf x = matrix();
  std::vector<int32_t> shape;
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b10, 1, &shape), (std::vector<float>{6, 5}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b01, 0, &shape), (std::vector<float>{5, -3, 9}));
  EXPECT_EQ(shape, (std::vector<int32_t>{3}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b11, 0, &shape), (std::vector<float>{11}));
  EXPECT_TRUE(shape.empty());
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b11, 1, &shape), (std::vector<float>{11}));
  EXPECT_EQ(shape, (std::vector<int32_t>{1, 1}));
}

TEST(Reduce, EveryFloatOp) {
  Buf x = matrix();
  expect_near(reduce<float>(MOTE_OP_REDUCE_MEAN, x, 0b10, 0), {2, 5.0f / 3});
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_MAX, x, 0b10, 0), (std::vector<float>{3, 6}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_MIN, x, 0b10, 0), (std::vector<float>{1, -5}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_PROD, x, 0b10, 0), (std::vector<float>{6, -120}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_L1, x, 0b10, 0), (std::vector<float>{6, 15}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM_SQUARE, x, 0b10, 0), (std::vector<float>{14, 77}));
  expect_near(reduce<float>(MOTE_OP_REDUCE_L2, x, 0b10, 0), {std::sqrt(14.0f), std::sqrt(77.0f)});
  expect_near(reduce<float>(MOTE_OP_REDUCE_LOG_SUM, x, 0b10, 0), {std::log(6.0f), std::log(5.0f)});
  expect_near(reduce<float>(MOTE_OP_REDUCE_LOG_SUM_EXP, x, 0b10, 0),
              {std::log(std::exp(1.0f) + std::exp(2.0f) + std::exp(3.0f)),
               std::log(std::exp(4.0f) + std::exp(-5.0f) + std::exp(6.0f))});
}

TEST(Reduce, MiddleAxisOfRank3) {
  std::vector<float> v(24);
  for (int i = 0; i < 24; ++i) v[size_t(i)] = float(i);
  Buf x = make_t<float>(MOTE_F32, {2, 3, 4}, v);
  std::vector<int32_t> shape;
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b010, 1, &shape),
            (std::vector<float>{12, 15, 18, 21, 48, 51, 54, 57}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2, 1, 4}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_MAX, x, 0b101, 0, &shape), (std::vector<float>{15, 19, 23}));
  EXPECT_EQ(shape, (std::vector<int32_t>{3}));
}

TEST(Reduce, LogSumExpIsStable) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1000, 1000, -INFINITY, -INFINITY});
  std::vector<float> y = reduce<float>(MOTE_OP_REDUCE_LOG_SUM_EXP, x, 0b10, 0);
  ASSERT_EQ(y.size(), 2u);
  EXPECT_NEAR(y[0], 1000.0f + std::log(2.0f), 1e-3f);
  EXPECT_EQ(y[1], -INFINITY);
}

TEST(Reduce, NanPropagatesThroughMaxAndMin) {
  Buf x = make_t<float>(MOTE_F32, {3}, {1, NAN, 3});
  EXPECT_TRUE(std::isnan(reduce<float>(MOTE_OP_REDUCE_MAX, x, 1, 0)[0]));
  EXPECT_TRUE(std::isnan(reduce<float>(MOTE_OP_REDUCE_MIN, x, 1, 0)[0]));
}

TEST(Reduce, Integers) {
  Buf i = make_t<int32_t>(MOTE_I32, {2, 2}, {3, -7, 5, 2});
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_SUM, i, 0b01, 0), (std::vector<int32_t>{8, -5}));
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_MAX, i, 0b10, 0), (std::vector<int32_t>{3, 5}));
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_MIN, i, 0b11, 0), (std::vector<int32_t>{-7}));
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_PROD, i, 0b11, 0), (std::vector<int32_t>{-210}));
  const int64_t big = int64_t(1) << 40;
  Buf l = make_t<int64_t>(MOTE_I64, {3}, {big, big, -1});
  EXPECT_EQ(reduce<int64_t>(MOTE_OP_REDUCE_SUM, l, 1, 1), (std::vector<int64_t>{2 * big - 1}));
  EXPECT_EQ(reduce<int64_t>(MOTE_OP_REDUCE_MIN, l, 1, 0), (std::vector<int64_t>{-1}));
  // Integer overflow wraps instead of being undefined.
  Buf w = make_t<int32_t>(MOTE_I32, {2}, {INT32_MAX, 1});
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_SUM, w, 1, 0), (std::vector<int32_t>{INT32_MIN}));
}

TEST(Reduce, EmptyMaskIsIdentity) {
  Buf x = matrix();
  std::vector<int32_t> shape;
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_L2, x, 0, 0, &shape), (std::vector<float>{1, 2, 3, 4, -5, 6}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2, 3}));
  Buf s = make_t<int64_t>(MOTE_I64, {}, {-9});
  EXPECT_EQ(reduce<int64_t>(MOTE_OP_REDUCE_SUM, s, 0, 1, &shape), (std::vector<int64_t>{-9}));
  EXPECT_TRUE(shape.empty());
}

TEST(Reduce, EmptyAxisGivesTheIdentityElement) {
  Buf x = make_t<float>(MOTE_F32, {2, 0}, {});
  std::vector<int32_t> shape;
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b10, 1, &shape), (std::vector<float>{0, 0}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_PROD, x, 0b10, 0), (std::vector<float>{1, 1}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_MAX, x, 0b10, 0), (std::vector<float>{-INFINITY, -INFINITY}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_MIN, x, 0b10, 0), (std::vector<float>{INFINITY, INFINITY}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_LOG_SUM_EXP, x, 0b10, 0), (std::vector<float>{-INFINITY, -INFINITY}));
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_L2, x, 0b10, 0), (std::vector<float>{0, 0}));
  EXPECT_TRUE(std::isnan(reduce<float>(MOTE_OP_REDUCE_MEAN, x, 0b10, 0)[0]));
  // Reducing the non-empty axis leaves an empty output.
  EXPECT_EQ(reduce<float>(MOTE_OP_REDUCE_SUM, x, 0b01, 0, &shape), (std::vector<float>{}));
  EXPECT_EQ(shape, (std::vector<int32_t>{0}));
  Buf i = make_t<int32_t>(MOTE_I32, {0}, {});
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_MAX, i, 1, 0), (std::vector<int32_t>{INT32_MIN}));
  EXPECT_EQ(reduce<int32_t>(MOTE_OP_REDUCE_PROD, i, 1, 0), (std::vector<int32_t>{1}));
}

TEST(Reduce, Rejects) {
  Buf x = matrix();
  Buf i = make_t<int32_t>(MOTE_I32, {2}, {1, 2});
  Buf b = make_t<uint8_t>(MOTE_BOOL, {2}, {1, 0});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_SUM, mote_reduce_params{0b100, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_SUM, mote_reduce_params{0x80000000u, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_MEAN, mote_reduce_params{1, 0}, {&i}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_L2, mote_reduce_params{1, 0}, {&i}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_SUM, mote_reduce_params{1, 0}, {&b}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_SUM, mote_arg_reduce_params{0, 0, 0}, {&x}, &out), Status::kBadParams);  // record size
  EXPECT_EQ(run_op(MOTE_OP_REDUCE_SUM, mote_reduce_params{1, 0}, {&x, &x}, &out), Status::kBadParams);
}

// ---- ArgMax / ArgMin -------------------------------------------------------------------------

std::vector<int64_t> arg(int32_t code, Buf& x, mote_arg_reduce_params p, std::vector<int32_t>* shape = nullptr) {
  std::vector<Buf> out;
  Status st = run_op(code, p, {&x}, &out);
  EXPECT_EQ(st, Status::kOk);
  if (st != Status::kOk) return {};
  EXPECT_EQ(out[0].view.dtype, MOTE_I64);
  if (shape) *shape = dims_of(out[0]);
  return values<int64_t>(out[0]);
}

TEST(ArgReduce, AxesAndKeepdims) {
  Buf x = matrix();
  std::vector<int32_t> shape;
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, x, {-1, 0, 0}, &shape), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MIN, x, {1, 1, 0}, &shape), (std::vector<int64_t>{0, 1}));
  EXPECT_EQ(shape, (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, x, {0, 1, 0}, &shape), (std::vector<int64_t>{1, 0, 1}));
  EXPECT_EQ(shape, (std::vector<int32_t>{1, 3}));
  Buf v = make_t<float>(MOTE_F32, {1}, {5});
  EXPECT_EQ(arg(MOTE_OP_ARG_MIN, v, {0, 0, 0}, &shape), (std::vector<int64_t>{0}));
  EXPECT_TRUE(shape.empty());
}

TEST(ArgReduce, TiesAndSelectLastIndex) {
  Buf x = make_t<int64_t>(MOTE_I64, {2, 4}, {2, 7, 7, 1, 3, 3, 9, 3});
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, x, {1, 0, 0}), (std::vector<int64_t>{1, 2}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, x, {1, 0, 1}), (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MIN, x, {1, 0, 0}), (std::vector<int64_t>{3, 0}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MIN, x, {1, 0, 1}), (std::vector<int64_t>{3, 3}));
  Buf i = make_t<int32_t>(MOTE_I32, {3}, {-4, -4, -9});
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, i, {0, 1, 1}), (std::vector<int64_t>{1}));
  Buf f = make_t<float>(MOTE_F32, {4}, {1, NAN, 5, NAN});
  EXPECT_EQ(arg(MOTE_OP_ARG_MAX, f, {0, 0, 0}), (std::vector<int64_t>{1}));
  EXPECT_EQ(arg(MOTE_OP_ARG_MIN, f, {0, 0, 1}), (std::vector<int64_t>{3}));
}

TEST(ArgReduce, Rejects) {
  Buf x = matrix();
  Buf e = make_t<float>(MOTE_F32, {2, 0}, {});
  Buf s = make_t<float>(MOTE_F32, {}, {1});
  Buf b = make_t<uint8_t>(MOTE_U8, {2}, {1, 2});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_ARG_MAX, mote_arg_reduce_params{2, 0, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_ARG_MAX, mote_arg_reduce_params{-3, 0, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_ARG_MAX, mote_arg_reduce_params{1, 0, 0}, {&e}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_ARG_MAX, mote_arg_reduce_params{0, 0, 0}, {&s}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_ARG_MIN, mote_arg_reduce_params{0, 0, 0}, {&b}, &out), Status::kBadParams);
  // An empty axis is fine when there is nothing to return.
  EXPECT_EQ(run_op(MOTE_OP_ARG_MAX, mote_arg_reduce_params{0, 0, 0}, {&e}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{0}));
}

// ---- CumSum ----------------------------------------------------------------------------------

template <typename T>
std::vector<T> cum_sum(Buf& x, mote_cum_sum_params p) {
  std::vector<Buf> out;
  Status st = run_op(MOTE_OP_CUM_SUM, p, {&x}, &out);
  EXPECT_EQ(st, Status::kOk);
  return st == Status::kOk ? values<T>(out[0]) : std::vector<T>{};
}

TEST(CumSum, ExclusiveAndReverse) {
  Buf x = make_t<float>(MOTE_F32, {5}, {1, 2, 3, 4, 5});
  EXPECT_EQ(cum_sum<float>(x, {0, 0, 0}), (std::vector<float>{1, 3, 6, 10, 15}));
  EXPECT_EQ(cum_sum<float>(x, {0, 1, 0}), (std::vector<float>{0, 1, 3, 6, 10}));
  EXPECT_EQ(cum_sum<float>(x, {-1, 0, 1}), (std::vector<float>{15, 14, 12, 9, 5}));
  EXPECT_EQ(cum_sum<float>(x, {0, 1, 1}), (std::vector<float>{14, 12, 9, 5, 0}));
}

TEST(CumSum, AxesOf2DAndIntegers) {
  Buf x = make_t<int64_t>(MOTE_I64, {2, 3}, {1, 2, 3, 4, 5, 6});
  EXPECT_EQ(cum_sum<int64_t>(x, {0, 0, 0}), (std::vector<int64_t>{1, 2, 3, 5, 7, 9}));
  EXPECT_EQ(cum_sum<int64_t>(x, {-1, 0, 0}), (std::vector<int64_t>{1, 3, 6, 4, 9, 15}));
  EXPECT_EQ(cum_sum<int64_t>(x, {1, 1, 1}), (std::vector<int64_t>{5, 3, 0, 11, 6, 0}));
  Buf i = make_t<int32_t>(MOTE_I32, {3}, {-1, -2, 10});
  EXPECT_EQ(cum_sum<int32_t>(i, {0, 0, 0}), (std::vector<int32_t>{-1, -3, 7}));
  Buf e = make_t<float>(MOTE_F32, {0, 3}, {});
  EXPECT_EQ(cum_sum<float>(e, {1, 0, 0}), (std::vector<float>{}));
}

TEST(CumSum, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  Buf s = make_t<float>(MOTE_F32, {}, {1});
  Buf b = make_t<uint8_t>(MOTE_BOOL, {2}, {1, 0});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_CUM_SUM, mote_cum_sum_params{2, 0, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CUM_SUM, mote_cum_sum_params{-3, 0, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CUM_SUM, mote_cum_sum_params{0, 0, 0}, {&s}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CUM_SUM, mote_cum_sum_params{0, 0, 0}, {&b}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CUM_SUM, mote_axis_params{0}, {&x}, &out), Status::kBadParams);
}

}  // namespace

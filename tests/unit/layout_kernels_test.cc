// Reference kernels for the data-movement ops and Resize: hand-checked values on small and edge
// shapes, and the refusals infer must make for malformed parameters.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <vector>

#include "tests/unit/kernel_test_util.h"

namespace {

using mote::Status;
using mote_test::Buf;
using mote_test::make;
using mote_test::make_t;
using mote_test::run_op;
using mote_test::values;

std::vector<float> iota_f(int n, float start = 0.0f) {
  std::vector<float> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[size_t(i)] = start + float(i);
  return v;
}

std::vector<int64_t> iota_i64(int n, int64_t start = 0) {
  std::vector<int64_t> v(static_cast<size_t>(n));
  for (int i = 0; i < n; ++i) v[size_t(i)] = start + i;
  return v;
}

std::vector<int32_t> dims_of(const Buf& b) { return std::vector<int32_t>(b.view.dims, b.view.dims + b.view.rank); }

void expect_near(const std::vector<float>& got, const std::vector<float>& want, float tol = 1e-5f) {
  ASSERT_EQ(got.size(), want.size());
  for (size_t i = 0; i < got.size(); ++i) EXPECT_NEAR(got[i], want[i], tol) << "at " << i;
}

// ---- Transpose -------------------------------------------------------------------------------

TEST(Transpose, Matrix) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, {1, 2, 3, 4, 5, 6});
  mote_transpose_params p{};
  p.perm[0] = 1;
  p.perm[1] = 0;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{3, 2}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(Transpose, Rank3Int64MatchesIndexFormula) {
  Buf x = make_t<int64_t>(MOTE_I64, {2, 3, 4}, iota_i64(24, 1000));
  mote_transpose_params p{};
  p.perm[0] = 2;
  p.perm[1] = 0;
  p.perm[2] = 1;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&x}, &out), Status::kOk);
  ASSERT_EQ(dims_of(out[0]), (std::vector<int32_t>{4, 2, 3}));
  std::vector<int64_t> y = values<int64_t>(out[0]);
  for (int k = 0; k < 4; ++k) {
    for (int i = 0; i < 2; ++i) {
      for (int j = 0; j < 3; ++j) EXPECT_EQ(y[size_t((k * 2 + i) * 3 + j)], 1000 + (i * 3 + j) * 4 + k);
    }
  }
}

TEST(Transpose, ScalarAndBytes) {
  Buf s = make_t<float>(MOTE_F32, {}, {7.5f});
  mote_transpose_params p{};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&s}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 0);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{7.5f}));

  Buf b = make_t<uint8_t>(MOTE_U8, {2, 2, 1}, {1, 2, 3, 4});
  p.perm[0] = 2;
  p.perm[1] = 1;
  p.perm[2] = 0;
  ASSERT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&b}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{1, 2, 2}));
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{1, 3, 2, 4}));
}

TEST(Transpose, RejectsNonPermutation) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, iota_f(6));
  mote_transpose_params p{};  // {0, 0}
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&x}, &out), Status::kBadParams);
  p.perm[1] = 2;
  EXPECT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&x}, &out), Status::kBadParams);
  p.perm[0] = -1;
  p.perm[1] = 0;
  EXPECT_EQ(run_op(MOTE_OP_TRANSPOSE, p, {&x}, &out), Status::kBadParams);
  mote_axis_params wrong_size{};
  EXPECT_EQ(run_op(MOTE_OP_TRANSPOSE, wrong_size, {&x}, &out), Status::kBadParams);
}

// ---- Concat / Split --------------------------------------------------------------------------

TEST(Concat, NegativeAxisWithEmptyInput) {
  Buf a = make_t<float>(MOTE_F32, {2, 1}, {1, 2});
  Buf b = make_t<float>(MOTE_F32, {2, 2}, {3, 4, 5, 6});
  Buf e = make_t<float>(MOTE_F32, {2, 0}, {});
  mote_concat_params p{-1};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_CONCAT, p, {&a, &e, &b}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 3, 4, 2, 5, 6}));
}

TEST(Concat, Axis0Int64AndSingleInput) {
  Buf a = make_t<int64_t>(MOTE_I64, {1, 2}, {1, 2});
  Buf b = make_t<int64_t>(MOTE_I64, {2, 2}, {3, 4, 5, 6});
  mote_concat_params p{0};
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_CONCAT, p, {&a, &b}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{1, 2, 3, 4, 5, 6}));
  ASSERT_EQ(run_op(MOTE_OP_CONCAT, p, {&b}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{3, 4, 5, 6}));
}

TEST(Concat, Rejects) {
  Buf a = make_t<float>(MOTE_F32, {2, 1}, {1, 2});
  Buf b = make_t<float>(MOTE_F32, {3, 1}, {1, 2, 3});
  Buf c = make_t<int32_t>(MOTE_I32, {2, 1}, {1, 2});
  Buf s = make_t<float>(MOTE_F32, {}, {1});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{1}, {&a, &b}, &out), Status::kBadParams);  // dim 0 differs
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{0}, {&a, &c}, &out), Status::kBadParams);  // dtype
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{2}, {&a, &a}, &out), Status::kBadParams);  // axis
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{-3}, {&a, &a}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{0}, {&s, &s}, &out), Status::kBadParams);  // rank 0
  EXPECT_EQ(run_op(MOTE_OP_CONCAT, mote_concat_params{0}, {&a, nullptr}, &out), Status::kBadParams);
}

TEST(Split, SizesAlongAxis) {
  Buf x = make_t<int32_t>(MOTE_I32, {2, 4}, {0, 1, 2, 3, 4, 5, 6, 7});
  mote_split_params p{};
  p.axis = -1;
  p.sizes[0] = 1;
  p.sizes[1] = 0;
  p.sizes[2] = 3;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 3), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 1}));
  EXPECT_EQ(dims_of(out[1]), (std::vector<int32_t>{2, 0}));
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{0, 4}));
  EXPECT_EQ(values<int32_t>(out[2]), (std::vector<int32_t>{1, 2, 3, 5, 6, 7}));
}

TEST(Split, Rank1AndRejects) {
  Buf x = make_t<float>(MOTE_F32, {5}, iota_f(5));
  mote_split_params p{};
  p.sizes[0] = 2;
  p.sizes[1] = 3;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 2), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{0, 1}));
  EXPECT_EQ(values<float>(out[1]), (std::vector<float>{2, 3, 4}));
  p.sizes[1] = 2;  // sums to 4
  EXPECT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 2), Status::kBadParams);
  p.sizes[0] = 6;
  p.sizes[1] = -1;
  EXPECT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 2), Status::kBadParams);
  p.sizes[0] = 5;
  p.sizes[1] = 0;
  p.axis = 1;
  EXPECT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 2), Status::kBadParams);
  p.axis = 0;
  EXPECT_EQ(run_op(MOTE_OP_SPLIT, p, {&x}, &out, 17), Status::kBadParams);
}

// ---- Slice -----------------------------------------------------------------------------------

TEST(Slice, NegativeSteps) {
  Buf x = make_t<float>(MOTE_F32, {2, 5}, iota_f(10));
  mote_slice_params p{};
  p.start[0] = 1;
  p.step[0] = -1;
  p.size[0] = 2;
  p.start[1] = 4;
  p.step[1] = -2;
  p.size[1] = 3;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{9, 7, 5, 4, 2, 0}));
}

TEST(Slice, StridedInt64AndEmpty) {
  Buf x = make_t<int64_t>(MOTE_I64, {7}, iota_i64(7, 10));
  mote_slice_params p{};
  p.start[0] = 1;
  p.step[0] = 3;
  p.size[0] = 2;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{11, 14}));
  p.start[0] = 100;  // never read when the size is 0
  p.size[0] = 0;
  ASSERT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{0}));
}

TEST(Slice, RejectsReadsOutsideTheInput) {
  Buf x = make_t<float>(MOTE_F32, {4}, iota_f(4));
  mote_slice_params p{};
  p.start[0] = 1;
  p.step[0] = 2;
  p.size[0] = 3;  // reads 1, 3, 5
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
  p.start[0] = 1;
  p.step[0] = -1;
  p.size[0] = 3;  // reads 1, 0, -1
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
  p.step[0] = 0;
  p.size[0] = 1;
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
  p.step[0] = 1;
  p.size[0] = -1;
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
  p.start[0] = 4;
  p.size[0] = 1;
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
  p.start[0] = 0;
  p.step[0] = INT32_MAX;
  p.size[0] = INT32_MAX;
  EXPECT_EQ(run_op(MOTE_OP_SLICE, p, {&x}, &out), Status::kBadParams);
}

// ---- Gather / GatherElements -----------------------------------------------------------------

TEST(Gather, Axis0Int64IndicesWithNegatives) {
  Buf x = make_t<float>(MOTE_F32, {3, 2}, {1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f});
  Buf idx = make_t<int64_t>(MOTE_I64, {2, 2}, {0, 1, -1, 2});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&x, &idx}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 2, 2}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1.0f, 1.2f, 2.3f, 3.4f, 4.5f, 5.7f, 4.5f, 5.7f}));
}

TEST(Gather, Axis1Int32IndicesAndScalarIndex) {
  Buf x = make_t<int64_t>(MOTE_I64, {2, 3}, {0, 1, 2, 10, 11, 12});
  Buf idx = make_t<int32_t>(MOTE_I32, {2}, {2, 0});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{-1}, {&x, &idx}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 2}));
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{2, 0, 12, 10}));

  Buf one = make_t<int64_t>(MOTE_I64, {}, {1});
  ASSERT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{1}, {&x, &one}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2}));
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{1, 11}));

  Buf v = make_t<uint8_t>(MOTE_BOOL, {3}, {1, 0, 1});
  ASSERT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&v, &one}, &out), Status::kOk);
  EXPECT_EQ(out[0].view.rank, 0);
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{0}));
}

TEST(Gather, OutOfRangeIndexFailsAtRunTime) {
  Buf x = make_t<float>(MOTE_F32, {3}, {1, 2, 3});
  Buf hi = make_t<int32_t>(MOTE_I32, {2}, {0, 3});
  Buf lo = make_t<int64_t>(MOTE_I64, {1}, {-4});
  std::vector<Buf> out;
  char err[192] = {0};
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&x, &hi}, &out, 1, err), Status::kRuntime);
  EXPECT_NE(std::string(err).find("index 3"), std::string::npos) << err;
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&x, &lo}, &out), Status::kRuntime);
  Buf empty = make_t<float>(MOTE_F32, {0}, {});
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&empty, &hi}, &out), Status::kRuntime);
}

TEST(Gather, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {3}, {1, 2, 3});
  Buf fidx = make_t<float>(MOTE_F32, {1}, {0});
  Buf idx = make_t<int64_t>(MOTE_I64, {1}, {0});
  Buf s = make_t<float>(MOTE_F32, {}, {1});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&x, &fidx}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{1}, {&x, &idx}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&s, &idx}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&x}, &out), Status::kBadParams);
  // data rank 8 with 2-D indices would make a rank-9 output
  Buf big = make_t<float>(MOTE_F32, {1, 1, 1, 1, 1, 1, 1, 1}, {1});
  Buf idx2 = make_t<int64_t>(MOTE_I64, {1, 1}, {0, 0});
  EXPECT_EQ(run_op(MOTE_OP_GATHER, mote_gather_params{0}, {&big, &idx2}, &out), Status::kBadParams);
}

TEST(GatherElements, Axis1) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  Buf idx = make_t<int64_t>(MOTE_I64, {2, 2}, {0, 0, 1, 0});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{1}, {&x, &idx}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 1, 4, 3}));
}

TEST(GatherElements, Axis0NegativeIndicesSmallerShape) {
  Buf x = make_t<int32_t>(MOTE_I32, {3, 3}, {1, 2, 3, 4, 5, 6, 7, 8, 9});
  Buf idx = make_t<int32_t>(MOTE_I32, {2, 3}, {1, 2, 0, 2, 0, -3});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{-2}, {&x, &idx}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 3}));
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{4, 8, 3, 7, 2, 3}));
  Buf narrow = make_t<int64_t>(MOTE_I64, {1, 2}, {2, 1});
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{1}, {&x, &narrow}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{3, 2}));
}

TEST(GatherElements, RejectsAndRuntimeErrors) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  Buf wide = make_t<int64_t>(MOTE_I64, {2, 3}, {0, 0, 0, 0, 0, 0});
  Buf flat = make_t<int64_t>(MOTE_I64, {4}, {0, 0, 0, 0});
  Buf bad = make_t<int64_t>(MOTE_I64, {2, 2}, {0, 2, 0, 0});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{0}, {&x, &wide}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{0}, {&x, &flat}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{1}, {&x, &bad}, &out), Status::kRuntime);
  // Along the gathered axis the indices may be longer than the data.
  ASSERT_EQ(run_op(MOTE_OP_GATHER_ELEMENTS, mote_gather_params{1}, {&x, &wide}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 1, 1, 3, 3, 3}));
}

// ---- Pad -------------------------------------------------------------------------------------

mote_pad_params pad1(int32_t mode, int32_t begin, int32_t end, float value = 0.0f) {
  mote_pad_params p{};
  p.mode = mode;
  p.value = value;
  p.begin[0] = begin;
  p.end[0] = end;
  return p;
}

std::vector<float> pad_f(const std::vector<float>& x, const mote_pad_params& p, Status* st = nullptr) {
  Buf b = make(MOTE_F32, {int32_t(x.size())}, x.data());
  std::vector<Buf> out;
  Status s = run_op(MOTE_OP_PAD, p, {&b}, &out);
  if (st) *st = s;
  return s == Status::kOk ? values<float>(out[0]) : std::vector<float>{};
}


TEST(Pad, Constant2D) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  mote_pad_params p{};
  p.mode = MOTE_PAD_CONSTANT;
  p.value = 9.0f;
  p.begin[0] = 1;
  p.end[1] = 2;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_PAD, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{3, 4}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{9, 9, 9, 9, 1, 2, 9, 9, 3, 4, 9, 9}));
}

TEST(Pad, ReflectEdgeWrap) {
  EXPECT_EQ(pad_f({1, 2, 3}, pad1(MOTE_PAD_REFLECT, 2, 2)), (std::vector<float>{3, 2, 1, 2, 3, 2, 1}));
  EXPECT_EQ(pad_f({1, 2, 3}, pad1(MOTE_PAD_EDGE, 2, 1)), (std::vector<float>{1, 1, 1, 2, 3, 3}));
  EXPECT_EQ(pad_f({1, 2, 3}, pad1(MOTE_PAD_WRAP, 2, 4)), (std::vector<float>{2, 3, 1, 2, 3, 1, 2, 3, 1}));
  EXPECT_EQ(pad_f({7}, pad1(MOTE_PAD_EDGE, 1, 2)), (std::vector<float>{7, 7, 7, 7}));
}

TEST(Pad, NegativePadsCropFirst) {
  EXPECT_EQ(pad_f({1, 2, 3, 4}, pad1(MOTE_PAD_EDGE, -1, 2)), (std::vector<float>{2, 3, 4, 4, 4}));
  EXPECT_EQ(pad_f({1, 2, 3, 4}, pad1(MOTE_PAD_REFLECT, 1, -1)), (std::vector<float>{2, 1, 2, 3}));
  EXPECT_EQ(pad_f({1, 2, 3, 4}, pad1(MOTE_PAD_CONSTANT, -2, -1)), (std::vector<float>{3}));
  EXPECT_EQ(pad_f({1, 2, 3, 4}, pad1(MOTE_PAD_CONSTANT, -4, 0)), (std::vector<float>{}));
  // Over-cropping is only possible in constant mode, where every element is the value.
  EXPECT_EQ(pad_f({1, 2, 3}, pad1(MOTE_PAD_CONSTANT, -5, 4, 6.0f)), (std::vector<float>{6, 6}));
}

TEST(Pad, IntegerValueIsConverted) {
  Buf x = make_t<int32_t>(MOTE_I32, {2}, {5, 6});
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_PAD, pad1(MOTE_PAD_CONSTANT, 1, 1, 2.7f), {&x}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{2, 5, 6, 2}));
  Buf u = make_t<uint8_t>(MOTE_U8, {1}, {5});
  ASSERT_EQ(run_op(MOTE_OP_PAD, pad1(MOTE_PAD_CONSTANT, 1, 1, -5.0f), {&u}, &out), Status::kOk);
  EXPECT_EQ(values<uint8_t>(out[0]), (std::vector<uint8_t>{0, 5, 0}));
  Buf l = make_t<int64_t>(MOTE_I64, {1}, {5});
  ASSERT_EQ(run_op(MOTE_OP_PAD, pad1(MOTE_PAD_CONSTANT, 1, 0, -3.0f), {&l}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{-3, 5}));
  ASSERT_EQ(run_op(MOTE_OP_PAD, pad1(MOTE_PAD_EDGE, 0, 2), {&l}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{5, 5, 5}));
}

TEST(Pad, Rejects) {
  Status st;
  pad_f({1}, pad1(MOTE_PAD_REFLECT, 1, 0), &st);  // reflect needs two elements
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({1, 2, 3}, pad1(MOTE_PAD_REFLECT, 3, 0), &st);  // more than len - 1
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({}, pad1(MOTE_PAD_EDGE, 1, 0), &st);  // nothing to copy
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({}, pad1(MOTE_PAD_WRAP, 0, 1), &st);
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({1, 2}, pad1(MOTE_PAD_EDGE, -2, 1), &st);  // cropped to nothing, then padded
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({1, 2}, pad1(MOTE_PAD_CONSTANT, -2, -1), &st);  // negative output
  EXPECT_EQ(st, Status::kBadParams);
  pad_f({1, 2}, pad1(4, 0, 0), &st);
  EXPECT_EQ(st, Status::kBadParams);
  EXPECT_EQ(pad_f({}, pad1(MOTE_PAD_CONSTANT, 1, 1, 3.0f), &st), (std::vector<float>{3, 3}));
  EXPECT_EQ(st, Status::kOk);
}

// ---- Tile / Expand ---------------------------------------------------------------------------

TEST(Tile, Repeats) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  mote_tile_params p{};
  p.repeats[0] = 2;
  p.repeats[1] = 3;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TILE, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{4, 6}));
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4,
                                                        1, 2, 1, 2, 1, 2, 3, 4, 3, 4, 3, 4}));
  Buf v = make_t<int64_t>(MOTE_I64, {2}, {7, 8});
  p.repeats[0] = 3;
  ASSERT_EQ(run_op(MOTE_OP_TILE, p, {&v}, &out), Status::kOk);
  EXPECT_EQ(values<int64_t>(out[0]), (std::vector<int64_t>{7, 8, 7, 8, 7, 8}));
  p.repeats[0] = 0;
  ASSERT_EQ(run_op(MOTE_OP_TILE, p, {&v}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{0}));
  p.repeats[0] = -1;
  EXPECT_EQ(run_op(MOTE_OP_TILE, p, {&v}, &out), Status::kBadParams);
  p.repeats[0] = INT32_MAX;
  EXPECT_EQ(run_op(MOTE_OP_TILE, p, {&v}, &out), Status::kBadParams);  // 2^32 elements
}

// Rank 8 with a repeat on every axis (the walk of twice the rank Tile used to take does not fit
// a walk any more): output index o reads input index o mod dims on each axis.
TEST(Tile, EveryAxisOfRankEight) {
  const std::vector<int32_t> dims = {2, 1, 3, 1, 2, 1, 1, 3}, reps = {1, 2, 1, 3, 2, 1, 2, 2};
  std::vector<int32_t> data(36);
  for (size_t i = 0; i < data.size(); ++i) data[i] = int32_t(i);
  Buf x = make_t<int32_t>(MOTE_I32, {2, 1, 3, 1, 2, 1, 1, 3}, data);
  mote_tile_params p{};
  for (int d = 0; d < 8; ++d) p.repeats[d] = reps[size_t(d)];
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_TILE, p, {&x}, &out), Status::kOk);
  const std::vector<int32_t> got = values<int32_t>(out[0]);
  ASSERT_EQ(got.size(), size_t(36 * 48));
  for (size_t o = 0; o < got.size(); ++o) {
    size_t rest = o, at = 0, stride = 1;
    for (int d = 7; d >= 0; --d) {
      const size_t extent = size_t(dims[size_t(d)] * reps[size_t(d)]);
      at += (rest % extent) % size_t(dims[size_t(d)]) * stride;
      rest /= extent;
      stride *= size_t(dims[size_t(d)]);
    }
    ASSERT_EQ(got[o], data[at]) << "output " << o;
  }
  Buf s = make_t<int32_t>(MOTE_I32, {}, {42});  // rank 0: one element
  ASSERT_EQ(run_op(MOTE_OP_TILE, p, {&s}, &out), Status::kOk);
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{42}));
}

TEST(Expand, BroadcastsToShape) {
  Buf x = make_t<int32_t>(MOTE_I32, {3, 1}, {1, 2, 3});
  mote_expand_params p{};
  p.rank = 3;
  p.dims[0] = 2;
  p.dims[1] = 3;
  p.dims[2] = 2;
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_EXPAND, p, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 3, 2}));
  EXPECT_EQ(values<int32_t>(out[0]), (std::vector<int32_t>{1, 1, 2, 2, 3, 3, 1, 1, 2, 2, 3, 3}));

  Buf s = make_t<float>(MOTE_F32, {}, {4.5f});
  p.rank = 2;
  p.dims[0] = 2;
  p.dims[1] = 0;
  ASSERT_EQ(run_op(MOTE_OP_EXPAND, p, {&s}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{2, 0}));
  p.dims[1] = 2;
  ASSERT_EQ(run_op(MOTE_OP_EXPAND, p, {&s}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]), (std::vector<float>{4.5f, 4.5f, 4.5f, 4.5f}));
}

TEST(Expand, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {3}, {1, 2, 3});
  mote_expand_params p{};
  p.rank = 1;
  p.dims[0] = 4;
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_EXPAND, p, {&x}, &out), Status::kBadParams);
  p.rank = 0;  // below the input rank
  EXPECT_EQ(run_op(MOTE_OP_EXPAND, p, {&x}, &out), Status::kBadParams);
  p.rank = 9;
  EXPECT_EQ(run_op(MOTE_OP_EXPAND, p, {&x}, &out), Status::kBadParams);
  Buf one = make_t<float>(MOTE_F32, {1}, {1});
  p.rank = 1;
  p.dims[0] = -2;
  EXPECT_EQ(run_op(MOTE_OP_EXPAND, p, {&one}, &out), Status::kBadParams);
}

// ---- DepthToSpace / SpaceToDepth -------------------------------------------------------------

TEST(DepthToSpace, DcrAndCrd) {
  Buf x = make_t<float>(MOTE_F32, {1, 8, 2, 3}, iota_f(48));
  std::vector<Buf> out;
  ASSERT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{2, 0}, {&x}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{1, 2, 4, 6}));
  EXPECT_EQ(values<float>(out[0]),
            (std::vector<float>{0,  12, 1,  13, 2,  14, 24, 36, 25, 37, 26, 38, 3,  15, 4,  16, 5,  17, 27, 39, 28, 40, 29, 41,
                                6,  18, 7,  19, 8,  20, 30, 42, 31, 43, 32, 44, 9,  21, 10, 22, 11, 23, 33, 45, 34, 46, 35, 47}));
  ASSERT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{2, 1}, {&x}, &out), Status::kOk);
  EXPECT_EQ(values<float>(out[0]),
            (std::vector<float>{0,  6,  1,  7,  2,  8,  12, 18, 13, 19, 14, 20, 3,  9,  4,  10, 5,  11, 15, 21, 16, 22, 17, 23,
                                24, 30, 25, 31, 26, 32, 36, 42, 37, 43, 38, 44, 27, 33, 28, 34, 29, 35, 39, 45, 40, 46, 41, 47}));
}

TEST(SpaceToDepth, InvertsDcr) {
  Buf x = make_t<int64_t>(MOTE_I64, {2, 3, 4, 6}, iota_i64(144));
  std::vector<Buf> s2d, back;
  ASSERT_EQ(run_op(MOTE_OP_SPACE_TO_DEPTH, mote_depth_space_params{2, 0}, {&x}, &s2d), Status::kOk);
  EXPECT_EQ(dims_of(s2d[0]), (std::vector<int32_t>{2, 12, 2, 3}));
  // Channel (i * b + j) * C + c of the output holds x[c, h * b + i, w * b + j].
  std::vector<int64_t> y = values<int64_t>(s2d[0]);
  EXPECT_EQ(y[size_t(((0 * 12 + (1 * 2 + 0) * 3 + 2) * 2 + 1) * 3 + 2)], ((0 * 3 + 2) * 4 + 3) * 6 + 4);
  ASSERT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{2, 0}, {&s2d[0]}, &back), Status::kOk);
  EXPECT_EQ(values<int64_t>(back[0]), iota_i64(144));
}

TEST(DepthToSpace, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {1, 6, 2, 2}, iota_f(24));
  Buf r3 = make_t<float>(MOTE_F32, {4, 2, 2}, iota_f(16));
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{2, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{0, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{1, 2}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_DEPTH_TO_SPACE, mote_depth_space_params{1, 0}, {&r3}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SPACE_TO_DEPTH, mote_depth_space_params{3, 0}, {&x}, &out), Status::kBadParams);
  EXPECT_EQ(run_op(MOTE_OP_SPACE_TO_DEPTH, mote_depth_space_params{2, 1}, {&x}, &out), Status::kBadParams);
  Buf empty = make_t<float>(MOTE_F32, {1, 6, 0, 0}, {});
  EXPECT_EQ(run_op(MOTE_OP_SPACE_TO_DEPTH, mote_depth_space_params{65536, 0}, {&empty}, &out), Status::kBadParams);
  ASSERT_EQ(run_op(MOTE_OP_SPACE_TO_DEPTH, mote_depth_space_params{2, 0}, {&empty}, &out), Status::kOk);
  EXPECT_EQ(dims_of(out[0]), (std::vector<int32_t>{1, 24, 0, 0}));
}

// ---- Resize ----------------------------------------------------------------------------------

mote_resize_params resize_params(int32_t mode, int32_t coord, std::initializer_list<float> scales,
                                 std::initializer_list<int32_t> out_dims) {
  mote_resize_params p{};
  p.mode = mode;
  p.coord = coord;
  p.cubic_coeff = -0.75f;
  int k = 0;
  for (float s : scales) p.scale[k++] = s;
  k = 0;
  for (int32_t d : out_dims) p.out_dims[k++] = d;
  for (int d = 0; d < MOTE_MAX_RANK; ++d) p.roi_end[d] = 1.0f;
  return p;
}

std::vector<float> resize(const Buf& x, const mote_resize_params& p, Status want = Status::kOk) {
  Buf in = x;
  in.view.data = in.bytes.data();
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_RESIZE, p, {&in}, &out), want);
  return want == Status::kOk ? values<float>(out[0]) : std::vector<float>{};
}

TEST(Resize, NearestUpsample) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 2, 2}, {1, 2, 3, 4});
  mote_resize_params p = resize_params(MOTE_RESIZE_NEAREST, MOTE_COORD_ASYMMETRIC, {1, 1, 2, 3}, {1, 1, 4, 6});
  p.nearest = MOTE_NEAREST_FLOOR;
  EXPECT_EQ(resize(x, p), (std::vector<float>{1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 4, 4, 3, 3, 3, 4, 4, 4}));
}

TEST(Resize, NearestDownsampleAndRoundingModes) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  mote_resize_params p = resize_params(MOTE_RESIZE_NEAREST, MOTE_COORD_ASYMMETRIC, {1, 1, 0.6f, 0.6f}, {1, 1, 1, 2});
  EXPECT_EQ(resize(x, p), (std::vector<float>{1, 3}));
  p = resize_params(MOTE_RESIZE_NEAREST, MOTE_COORD_HALF_PIXEL, {1, 1, 1, 1.5f}, {1, 1, 2, 6});
  p.nearest = MOTE_NEAREST_ROUND_PREFER_CEIL;
  EXPECT_EQ(resize(x, p), (std::vector<float>{1, 2, 2, 3, 4, 4, 5, 6, 6, 7, 8, 8}));
  p.nearest = MOTE_NEAREST_ROUND_PREFER_FLOOR;
  EXPECT_EQ(resize(x, p), (std::vector<float>{1, 1, 2, 3, 3, 4, 5, 5, 6, 7, 7, 8}));
  p.nearest = MOTE_NEAREST_CEIL;  // the last column clamps into the input
  EXPECT_EQ(resize(x, p), (std::vector<float>{1, 2, 3, 3, 4, 4, 5, 6, 7, 7, 8, 8}));
}

TEST(Resize, LinearHalfPixelAndAlignCorners) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 2, 2}, {1, 2, 3, 4});
  expect_near(resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 1, 2, 2}, {1, 1, 4, 4})),
              {1, 1.25f, 1.75f, 2, 1.5f, 1.75f, 2.25f, 2.5f, 2.5f, 2.75f, 3.25f, 3.5f, 3, 3.25f, 3.75f, 4});
  expect_near(resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_ALIGN_CORNERS, {1, 1, 2, 2}, {1, 1, 4, 4})),
              {1, 1.333333f, 1.666667f, 2, 1.666667f, 2, 2.333333f, 2.666667f, 2.333333f, 2.666667f, 3, 3.333333f, 3,
               3.333333f, 3.666667f, 4});
  Buf y = make_t<float>(MOTE_F32, {1, 1, 2, 4}, {1, 2, 3, 4, 5, 6, 7, 8});
  expect_near(resize(y, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 1, 0.6f, 0.6f}, {1, 1, 1, 2})),
              {2.6666667f, 4.3333333f});
  expect_near(resize(y, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL_SYMMETRIC, {1, 1, 1, 2.6f}, {1, 1, 2, 10})),
              {1, 1.153846f, 1.538462f, 1.923077f, 2.307692f, 2.692308f, 3.076923f, 3.461538f, 3.846154f, 4,
               5, 5.153846f, 5.538462f, 5.923077f, 6.307692f, 6.692308f, 7.076923f, 7.461538f, 7.846154f, 8});
}

TEST(Resize, PytorchHalfPixelAndTfCropAndResize) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 4, 4}, iota_f(16, 1.0f));
  expect_near(resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_PYTORCH_HALF_PIXEL, {1, 1, 0.75f, 0.25f}, {1, 1, 3, 1})),
              {1.6666666f, 7, 12.333333f});
  mote_resize_params p = resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_TF_CROP_AND_RESIZE, {1, 1, 0.75f, 0.75f}, {1, 1, 3, 3});
  p.roi_start[2] = 0.4f;
  p.roi_start[3] = 0.6f;
  p.roi_end[2] = 0.6f;
  p.roi_end[3] = 0.8f;
  expect_near(resize(x, p), {7.6f, 7.9f, 8.2f, 8.8f, 9.1f, 9.4f, 10, 10.3f, 10.6f});
  p.roi_end[2] = 1.2f;
  p.roi_end[3] = 1.7f;
  p.extrapolation_value = 10.0f;
  expect_near(resize(x, p), {7.6f, 10, 10, 12.4f, 10, 10, 10, 10, 10});
}

TEST(Resize, Cubic) {
  Buf x = make_t<float>(MOTE_F32, {1, 1, 4, 4}, iota_f(16, 1.0f));
  std::vector<float> got = resize(x, resize_params(MOTE_RESIZE_CUBIC, MOTE_COORD_HALF_PIXEL, {1, 1, 2, 2}, {1, 1, 8, 8}));
  ASSERT_EQ(got.size(), 64u);
  expect_near(std::vector<float>(got.begin(), got.begin() + 8),
              {0.4726562f, 0.7695312f, 1.246094f, 1.875f, 2.28125f, 2.910156f, 3.386719f, 3.683594f});
  expect_near(std::vector<float>(got.begin() + 56, got.end()),
              {13.31641f, 13.61328f, 14.08984f, 14.71875f, 15.125f, 15.75391f, 16.23047f, 16.52734f}, 2e-5f);

  mote_resize_params p = resize_params(MOTE_RESIZE_CUBIC, MOTE_COORD_HALF_PIXEL, {1, 1, 2, 2}, {1, 1, 8, 8});
  p.cubic_coeff = -0.5f;
  p.exclude_outside = 1;
  got = resize(x, p);
  ASSERT_EQ(got.size(), 64u);
  expect_near(std::vector<float>(got.begin(), got.begin() + 8),
              {0.5588235f, 0.814942f, 1.356982f, 1.897059f, 2.397059f, 2.937135f, 3.479176f, 3.735294f});
  expect_near(std::vector<float>(got.begin() + 24, got.begin() + 32),
              {5.911765f, 6.167883f, 6.709924f, 7.25f, 7.75f, 8.290076f, 8.832117f, 9.088235f});
}

TEST(Resize, NdInterpolatesEveryResizedAxis) {
  std::vector<float> v;
  for (int i = 0; i < 3; ++i) {
    for (int j = 0; j < 2; ++j) {
      for (int k = 0; k < 3; ++k) v.push_back(float((i * 7 + j * 3 + k * 5) % 11));
    }
  }
  Buf x = make_t<float>(MOTE_F32, {3, 2, 3}, v);
  std::vector<float> lin = resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_ASYMMETRIC, {4.0f / 3, 2, 5.0f / 3}, {4, 4, 5}));
  ASSERT_EQ(lin.size(), 80u);
  expect_near(std::vector<float>(lin.begin(), lin.begin() + 10), {0, 3, 6, 9, 10, 1.5f, 4.5f, 6.4f, 6.1f, 6});
  expect_near(std::vector<float>(lin.begin() + 20, lin.begin() + 30), {5.25f, 3.3f, 3, 6, 7, 6.75f, 4.8f, 4.225f, 6.4f, 7.125f});
  std::vector<float> cub = resize(x, resize_params(MOTE_RESIZE_CUBIC, MOTE_COORD_HALF_PIXEL, {4.0f / 3, 2, 5.0f / 3}, {4, 4, 5}));
  ASSERT_EQ(cub.size(), 80u);
  expect_near(std::vector<float>(cub.begin(), cub.begin() + 10),
              {-1.374645f, 0.9779711f, 4.970703f, 9.208529f, 11.8135f, -0.3785508f, 2.255909f, 5.966797f, 7.80895f, 8.519304f},
              5e-5f);
  expect_near(std::vector<float>(cub.begin() + 70, cub.end()),
              {5.35278f, 3.573895f, 1.704273f, 2.889895f, 4.25678f, 6.724666f, 2.769319f, -1.214132f, 2.085319f, 5.628666f},
              5e-5f);
}

TEST(Resize, IdentityScalarAndEmpty) {
  Buf x = make_t<float>(MOTE_F32, {2, 3}, {1, -2, 3, 4, 5, 6});
  EXPECT_EQ(resize(x, resize_params(MOTE_RESIZE_CUBIC, MOTE_COORD_HALF_PIXEL, {1, 1}, {2, 3})),
            (std::vector<float>{1, -2, 3, 4, 5, 6}));
  Buf s = make_t<float>(MOTE_F32, {}, {2.5f});
  EXPECT_EQ(resize(s, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {}, {})), (std::vector<float>{2.5f}));
  Buf e = make_t<float>(MOTE_F32, {0, 2}, {});
  EXPECT_EQ(resize(e, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 2}, {0, 4})), (std::vector<float>{}));
  resize(e, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 2}, {1, 4}), Status::kBadParams);
}

TEST(Resize, Rejects) {
  Buf x = make_t<float>(MOTE_F32, {2, 2}, {1, 2, 3, 4});
  resize(x, resize_params(3, MOTE_COORD_HALF_PIXEL, {1, 1}, {2, 2}), Status::kBadParams);
  resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_TF_HALF_PIXEL_FOR_NN + 1, {1, 1}, {2, 2}), Status::kBadParams);
  resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 0}, {2, 2}), Status::kBadParams);
  resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, -2}, {2, 2}), Status::kBadParams);
  resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, NAN}, {2, 2}), Status::kBadParams);
  resize(x, resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_HALF_PIXEL, {1, 1}, {2, -1}), Status::kBadParams);
  mote_resize_params p = resize_params(MOTE_RESIZE_NEAREST, MOTE_COORD_HALF_PIXEL, {1, 1}, {2, 2});
  p.nearest = 4;
  resize(x, p, Status::kBadParams);
  p = resize_params(MOTE_RESIZE_LINEAR, MOTE_COORD_TF_CROP_AND_RESIZE, {1, 1}, {2, 2});
  p.roi_start[1] = INFINITY;
  resize(x, p, Status::kBadParams);
  Buf i = make_t<int32_t>(MOTE_I32, {2}, {1, 2});
  std::vector<Buf> out;
  EXPECT_EQ(run_op(MOTE_OP_RESIZE, resize_params(MOTE_RESIZE_NEAREST, MOTE_COORD_HALF_PIXEL, {1}, {2}), {&i}, &out),
            Status::kBadParams);
}

}  // namespace

// Einsum: the lowering of equations (explicit and implicit output, diagonals, ellipsis, several
// inputs) run through the reference kernel on hand-computed cases, and a hostile params record
// refused by infer. The ONNX node tests (node/test_einsum_*) run in the conformance suite.
#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "mote/kernel.h"
#include "tests/unit/one_node_model.h"

namespace {

using mote_test::OneNode;
using mote_test::run_float;

constexpr int32_t kF = onnx::TensorProto::FLOAT;

TEST(Einsum, MatmulAndTransposeExplicit) {
  OneNode mm("Einsum", 12);
  mm.input("a", kF, {2, 3}).input("b", kF, {3, 2}).output("y", kF, {2, 2}).attr("equation", std::string("ij,jk->ik"));
  EXPECT_EQ(run_float(mm, {{1, 2, 3, 4, 5, 6}, {1, 0, 0, 1, 1, 1}}), (std::vector<float>{4, 5, 10, 11}));
  OneNode t("Einsum", 12);
  t.input("a", kF, {2, 3}).output("y", kF, {3, 2}).attr("equation", std::string("ij -> ji"));
  EXPECT_EQ(run_float(t, {{1, 2, 3, 4, 5, 6}}), (std::vector<float>{1, 4, 2, 5, 3, 6}));
}

TEST(Einsum, ImplicitOutputIsSortedSingleLetters) {
  OneNode t("Einsum", 12);  // implicit: "ba" -> "ab", a transpose
  t.input("a", kF, {2, 3}).output("y", kF, {3, 2}).attr("equation", std::string("ba"));
  EXPECT_EQ(run_float(t, {{1, 2, 3, 4, 5, 6}}), (std::vector<float>{1, 4, 2, 5, 3, 6}));
  OneNode inner("Einsum", 12);  // implicit scalar: the inner product
  inner.input("a", kF, {3}).input("b", kF, {3}).output("y", kF, {}).attr("equation", std::string("i,i"));
  EXPECT_EQ(run_float(inner, {{1, 2, 3}, {4, 5, 6}}), (std::vector<float>{32}));
}

TEST(Einsum, DiagonalTraceAndEllipsisBroadcast) {
  OneNode diag("Einsum", 12);
  diag.input("a", kF, {2, 2, 2}).output("y", kF, {2, 2}).attr("equation", std::string("...ii->...i"));
  EXPECT_EQ(run_float(diag, {{1, 2, 3, 4, 5, 6, 7, 8}}), (std::vector<float>{1, 4, 5, 8}));
  OneNode trace("Einsum", 12);
  trace.input("a", kF, {2, 2}).output("y", kF, {}).attr("equation", std::string("ii"));
  EXPECT_EQ(run_float(trace, {{1, 2, 3, 4}}), (std::vector<float>{5}));
  // Batch axes broadcast: a [2, 1, 2] times b [3, 2] summed over the last axis.
  OneNode bcast("Einsum", 12);
  bcast.input("a", kF, {2, 1, 2}).input("b", kF, {3, 2}).output("y", kF, {2, 3}).attr("equation", std::string("...j,...j->..."));
  EXPECT_EQ(run_float(bcast, {{1, 2, 3, 4}, {1, 0, 0, 1, 1, 1}}), (std::vector<float>{1, 2, 3, 3, 4, 7}));
}

TEST(Einsum, ThreeInputsAndRefusedEquations) {
  OneNode three("Einsum", 12);
  three.input("a", kF, {2}).input("b", kF, {2, 2}).input("c", kF, {2}).output("y", kF, {}).attr("equation",
                                                                                               std::string("i,ij,j->"));
  EXPECT_EQ(run_float(three, {{1, 2}, {1, 2, 3, 4}, {1, 1}}), (std::vector<float>{1 + 2 + 6 + 8}));
  OneNode bad("Einsum", 12);
  bad.input("a", kF, {2, 3}).output("y", kF, {2}).attr("equation", std::string("i->i"));
  EXPECT_NE(mote_test::convert_error_text(bad), "");
  OneNode missing("Einsum", 12);
  missing.input("a", kF, {2}).output("y", kF, {2}).attr("equation", std::string("i->j"));
  EXPECT_NE(mote_test::convert_error_text(missing), "");
}

// "ij->i" (row sums) of a 2x2 integer tensor through the reference kernel's infer and run, the
// scratch as planned (loop state).
template <typename T>
struct RowSums {
  std::vector<T> x;
  std::vector<T> y = std::vector<T>(2, T(-1));
  mote::TensorView in;
  mote::TensorView out{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
  mote_einsum_params p{};
  char text[192];
  mote::Diag diag{text, sizeof text};
  mote::OpArgs args{MOTE_OP_EINSUM, &p, uint32_t(sizeof p), &in, 1, nullptr, 1, nullptr, 0, &diag};
  uint32_t scratch = 0;
  std::vector<uint8_t> work;

  RowSums(std::vector<T> values, int32_t dtype) : x(std::move(values)), in{x.data(), dtype, 2, {2, 2}} {
    p.num_labels = 2;
    p.out_rank = 1;
    p.label[0][0] = 0;
    p.label[0][1] = 1;
  }
  // Infers the output, then runs into y; the first status that is not kOk.
  mote::Status infer_and_run() {
    const mote::Status s = mote::op_infer(args, &out, &scratch);
    if (s != mote::Status::kOk) return s;
    out.data = y.data();
    args.out = &out;
    work.assign(scratch + 16, 0);
    args.scratch = work.data();
    args.scratch_bytes = scratch;
    return mote::op_run(args);
  }
};

// int32 and int64 share one body: int32 is read sign-extended and the sum wraps in 32 bits.
TEST(Einsum, Int32RowSumsWrapAndSignExtend) {
  RowSums<int32_t> r({-3, 5, 2000000000, 2000000000}, MOTE_I32);
  ASSERT_EQ(r.infer_and_run(), mote::Status::kOk);
  ASSERT_EQ(r.out.dtype, MOTE_I32);
  const int32_t wrapped = int32_t(uint32_t(uint64_t(4000000000u)));  // 2e9 + 2e9 mod 2^32
  EXPECT_EQ(r.y, (std::vector<int32_t>{2, wrapped}));
}

TEST(Einsum, IntegersAndAHostileRecord) {
  RowSums<int64_t> r({1, 2, 3, 4}, MOTE_I64);
  ASSERT_EQ(r.infer_and_run(), mote::Status::kOk);
  ASSERT_EQ(r.out.rank, 1);
  EXPECT_EQ(r.out.dims[0], 2);
  EXPECT_EQ(r.y, (std::vector<int64_t>{3, 7}));
  mote_einsum_params& p = r.p;
  mote::OpArgs& args = r.args;
  mote::TensorView& out = r.out;
  uint32_t& scratch = r.scratch;
  p.label[0][1] = 5;  // a label past num_labels
  EXPECT_EQ(mote::op_infer(args, &out, &scratch), mote::Status::kBadParams);
  p.label[0][1] = 0;  // "ii->i" but label 1 on no axis
  EXPECT_EQ(mote::op_infer(args, &out, &scratch), mote::Status::kBadParams);
  p.num_labels = 1;  // a diagonal of a non-square matrix
  const std::vector<int64_t> x3 = {1, 2, 3, 4, 5, 6};
  mote::TensorView in3{const_cast<int64_t*>(x3.data()), MOTE_I64, 2, {2, 3}};
  args.in = &in3;
  EXPECT_EQ(mote::op_infer(args, &out, &scratch), mote::Status::kBadParams);
}

}  // namespace

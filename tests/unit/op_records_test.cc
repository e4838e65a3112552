// Every op's record (MOTE_OP_TABLE in mote/ops.h) is complete and agrees with the runtime: a
// missing column does not compile, and these tests catch a record whose values are out of range,
// duplicated, or contradicted by the runtime's op table and kernels.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "mote/kernel.h"
#include "mote/mote.hpp"
#include "mote/op_traits.h"

namespace {

TEST(OpRecords, EveryOpHasACompleteRecord) {
  std::set<std::string> names;
  ASSERT_EQ(sizeof(mote::kOpTraits) / sizeof(mote::kOpTraits[0]), size_t(MOTE_OP_COUNT));
  for (int32_t code = 0; code < MOTE_OP_COUNT; ++code) {
    const mote::OpTraits& t = mote::op_traits(code);
    SCOPED_TRACE(t.name);
    EXPECT_EQ(t.code, code);
    ASSERT_NE(t.name, nullptr);
    EXPECT_NE(std::string(t.name), "");
    EXPECT_TRUE(names.insert(t.name).second) << "two ops named " << t.name;
    EXPECT_STREQ(mote::op_name(code), t.name);
    ASSERT_NE(t.family, nullptr);
    EXPECT_NE(std::string(t.family), "");
    EXPECT_LE(int(t.alias), int(MOTE_ALIAS_IN_PLACE_ALLOWED));
    EXPECT_LE(int(t.int8), int(mote::MOTE_INT8_PASS));
    EXPECT_LE(int(t.fuse), int(mote::MOTE_FUSE_ACT_LEAKY_RELU));
    EXPECT_LE(int(t.macs), int(mote::MOTE_MACS_EXPAND_DW));
  }
  // The three-column view the kernels use lists the same ops in the same order.
  int32_t next = 0;
#define MOTE_X_CHECK(e, op_name_text, op_family)           \
  EXPECT_EQ(MOTE_OP_##e, next);                              \
  EXPECT_STREQ(mote::kOpTraits[next].name, op_name_text);    \
  EXPECT_STREQ(mote::kOpTraits[next].family, #op_family);    \
  ++next;
  MOTE_OP_LIST(MOTE_X_CHECK)
#undef MOTE_X_CHECK
  EXPECT_EQ(next, MOTE_OP_COUNT);
}

TEST(OpRecords, OutOfRangeCodesHaveAnEmptyRecord) {
  for (int32_t code : {-1, int32_t(MOTE_OP_COUNT), 1 << 20}) {
    const mote::OpTraits& t = mote::op_traits(code);
    EXPECT_EQ(t.alias, MOTE_ALIAS_NONE);
    EXPECT_EQ(t.int8, mote::MOTE_INT8_NONE);
    EXPECT_EQ(t.fuse, mote::MOTE_FUSE_NONE);
    EXPECT_EQ(t.macs, mote::MOTE_MACS_NONE);
    EXPECT_FALSE(mote::op_may_alias(code));
  }
}

TEST(OpRecords, RuntimeAliasesFollowTheRecord) {
  for (int32_t code = 0; code < MOTE_OP_COUNT; ++code) {
    const mote::OpTraits& t = mote::op_traits(code);
    EXPECT_EQ(mote::op_may_alias(code), t.alias != MOTE_ALIAS_NONE) << t.name;
    EXPECT_EQ(mote::op_planned_view(code), t.alias == MOTE_ALIAS_VIEW) << t.name;
    EXPECT_EQ(mote::op_planned_in_place(code), t.alias == MOTE_ALIAS_IN_PLACE) << t.name;
  }
  EXPECT_TRUE(mote::op_planned_view(MOTE_OP_RESHAPE));
  EXPECT_FALSE(mote::op_planned_view(MOTE_OP_COPY));  // Copy exists to give an output its own bytes
  EXPECT_TRUE(mote::op_may_alias(MOTE_OP_COPY));
}

// PTQ builds a LUT by running the op's float kernel on a [256] tensor with the op's params: the
// kernel must take one float input and a mote_unary_params record.
TEST(OpRecords, LutOpsRunAsOneInputFloatKernels) {
  for (int32_t code = 0; code < MOTE_OP_COUNT; ++code) {
    if (mote::op_traits(code).int8 != mote::MOTE_INT8_LUT) continue;
    SCOPED_TRACE(mote::op_traits(code).name);
    float src[256], dst[256];
    for (int k = 0; k < 256; ++k) src[k] = (k - 128) / 16.0f;
    const mote::TensorView in{src, MOTE_F32, 1, {256}};
    const mote::TensorView out{dst, MOTE_F32, 1, {256}};
    mote::TensorView inferred{nullptr, MOTE_DTYPE_UNDEFINED, 0, {0}};
    const mote_unary_params p{0.5f, 1.0f, 0.0f};
    char text[192];
    mote::Diag diag(text, sizeof text);
    mote::OpArgs args{code, &p, uint32_t(sizeof p), &in, 1, &out, 1, nullptr, 0, &diag};
    uint32_t scratch = 0;
    ASSERT_EQ(mote::op_infer(args, &inferred, &scratch), mote::Status::kOk) << diag.text();
    EXPECT_EQ(inferred.dtype, MOTE_F32);
    EXPECT_EQ(inferred.dims[0], 256);
    EXPECT_EQ(scratch, 0u);
    EXPECT_EQ(mote::op_run(args), mote::Status::kOk) << diag.text();
  }
}

}  // namespace

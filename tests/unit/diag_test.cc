// Error text "context: detail" whose detail was written first, into the same buffer (a kernel's
// or an infer function's Fail on the session's or model's error text): Diag::detach() moves the
// detail out of the way, the context is written in front, Diag::attach() joins the two. The
// detail survives whole; a context too long for the room left is cut, never the detail.
#include <gtest/gtest.h>

#include <string>

#include "mote/kernel.h"

namespace {

using mote::Diag;
using mote::Fail;
using mote::Status;

// As the session runs an op: its own Diag on the error text, the kernel's Diag on the same text
// writing the detail, then the context in front; last a "!" the joined Diag goes on writing.
std::string context_then_detail(char* buf, uint32_t cap, const char* detail, const char* context) {
  Diag diag(buf, cap);
  Diag kernel(buf, cap);
  Fail(&kernel, Status::kRuntime).s(detail);
  diag.detach();
  Fail(&diag, Status::kRuntime).s(context);
  diag.attach();
  diag.s("!");
  return buf;
}

TEST(Diag, TheContextGoesInFrontOfTheDetail) {
  char buf[64];
  EXPECT_EQ(context_then_detail(buf, sizeof buf, "index 9 is out of range", "op 3 (Gather 'pick'): "),
            "op 3 (Gather 'pick'): index 9 is out of range!");
  EXPECT_EQ(context_then_detail(buf, sizeof buf, "", "op 0 (Relu 'r'): "), "op 0 (Relu 'r'): !");
}

TEST(Diag, ALongContextIsCutNotTheDetail) {
  char buf[24];
  // 9 characters of detail in 23: the context keeps its first 13, its NUL gives way to the detail.
  EXPECT_EQ(context_then_detail(buf, sizeof buf, "bad index", "op 12345 (Gather 'a very long name'): "),
            "op 12345 (Gatbad index!");
  // A detail that filled the buffer (cut at 23) leaves no room for a context, nor for the "!".
  EXPECT_EQ(context_then_detail(buf, sizeof buf, "0123456789012345678901234", "op 1: "), "01234567890123456789012");
}

}  // namespace

namespace {

// fail(), the loader's one call per error: each directive against the piece by piece form.
TEST(Diag, AFormatWritesWhatThePiecesWrite) {
  char a[160], b[160];
  const int32_t dims[] = {1, 3, -8, 2147483647};
  Diag da(a, sizeof a), db(b, sizeof b);
  (void)fail(&da, Status::kMalformed, "tensor %u '%s': %t%v = %d bytes; got %z (%%)%", 4000000000u, "x.w",
             int32_t(MOTE_I8), dims, 4, int32_t(-7), size_t(4000000001u));
  Fail(&db, Status::kMalformed)
      .s("tensor ").i(4000000000u).s(" '").s("x.w").s("': ").s(mote::dtype_name(MOTE_I8)).dims(dims, 4).s(" = ").i(-7)
      .s(" bytes; got ").i(4000000001).s(" (%)%");
  EXPECT_STREQ(a, "tensor 4000000000 'x.w': int8[1,3,-8,2147483647] = -7 bytes; got 4000000001 (%)%");
  EXPECT_STREQ(a, b);
  // %z is a size_t: 64-bit where it is that wide.
  if (sizeof(size_t) > 4) {
    (void)fail(&da, Status::kMalformed, "%z bytes", size_t(uint64_t(9000000000u)));
    EXPECT_STREQ(a, "9000000000 bytes");
  }
  // Cut at the buffer's end, NUL-terminated, like the pieces.
  char c[12];
  Diag dc(c, sizeof c);
  (void)fail(&dc, Status::kMalformed, "op %u (%s)", 123456u, "Convolution");
  EXPECT_STREQ(c, "op 123456 (");
}

}  // namespace

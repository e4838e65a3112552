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

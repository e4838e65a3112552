// Families whose reference kernels are not written yet: they refuse cleanly.
#include "common.h"

namespace mote {
using namespace ref;
#define MOTE_STUB(family)                                                            \
  Status infer_##family(const OpArgs& a, TensorView*, uint32_t*) { return unsupported(a); } \
  Status run_##family(const OpArgs& a) { return unsupported(a); }
MOTE_STUB(transpose)
MOTE_STUB(concat)
MOTE_STUB(split)
MOTE_STUB(slice)
MOTE_STUB(gather)
MOTE_STUB(pad)
MOTE_STUB(tile)
MOTE_STUB(expand)
MOTE_STUB(resize)
MOTE_STUB(depth_space)
MOTE_STUB(reduce)
MOTE_STUB(arg_reduce)
MOTE_STUB(cum_sum)
}  // namespace mote

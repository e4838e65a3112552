// The op codes each optimised kernel set may take scratch for, stated at compile time: the set's
// scratch function (mote/kernel.h, runtime/kernels/<isa>/scratch.cc) returns 0 for every other
// op, as its first test, so the two never disagree. A build for known models (mote/op_config.h)
// that links none of its set's scratch ops then knows that set's scratch is 0
// (mote/model_records.hpp: kernel_set_scratch_linked) and folds the verifier's and the
// session's kernel-scratch checks away. A set that does not narrow it names every op.
#ifndef MOTE_SCRATCH_OPS_H
#define MOTE_SCRATCH_OPS_H

#include <stdint.h>

#include "mote/ops.h"

namespace mote {
namespace arm_dsp {
constexpr bool scratch_op(int32_t code) { return code == MOTE_OP_QCONV || code == MOTE_OP_QMATMUL; }
}  // namespace arm_dsp
namespace mve {
constexpr bool scratch_op(int32_t) { return true; }
}  // namespace mve
namespace neon {
constexpr bool scratch_op(int32_t) { return true; }
}  // namespace neon
namespace wasm_simd128 {
constexpr bool scratch_op(int32_t) { return true; }
}  // namespace wasm_simd128
namespace x86 {
constexpr bool scratch_op(int32_t) { return true; }
}  // namespace x86
}  // namespace mote

#endif  // MOTE_SCRATCH_OPS_H

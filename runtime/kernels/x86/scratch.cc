// The scratch the x86 kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
// The level (SSE4.1, AVX2, AVX-512) is picked at run time, so an op gets the most any level's
// plan (kernels/x86/plan.h: the same decisions the kernels make) needs.
#include "mote/kernel.h"
#include "expand_dw_plan.h"
#include "plan.h"

namespace mote {
namespace x86 {
namespace {

// Each op's plan out of line: inlined together, their plans (up to 152 bytes each) and shapes
// made one frame above the kernels' 512 bytes at -O3.
template <int L>
__attribute__((noinline)) uint64_t conv_w8_bytes(const OpArgs& a) { return conv_w8_plan<L>(a).bytes; }
template <int L>
__attribute__((noinline)) uint64_t winograd_bytes(const OpArgs& a) { return winograd_plan<L>(a).bytes; }
template <int L>
__attribute__((noinline)) uint64_t expand_dw_bytes(const OpArgs& a) { return expand_dw_plan<L>(a).bytes; }
template <int L>
__attribute__((noinline)) uint64_t qmatmul_bytes(const OpArgs& a) {
  const QMatMulPlan p = qmatmul_plan<L>(a);
  return p.run ? p.gemm.bytes : 0;
}
template <int L>
__attribute__((noinline)) uint64_t maxpool_bytes(const OpArgs& a) {
  const uint64_t f = f32_maxpool_plan<L>(a).bytes, s = s8_maxpool_plan<L>(a).bytes;
  return f > s ? f : s;
}

template <int L>
uint64_t level_bytes(const OpArgs& a) {
  bool runs = false;
  switch (a.code) {
    case MOTE_OP_CONV: return f32_conv_plan_bytes<L>(a, &runs);
    case MOTE_OP_CONV_W8: return conv_w8_bytes<L>(a);
    case MOTE_OP_CONV_WINOGRAD: return winograd_bytes<L>(a);
    case MOTE_OP_CONV_EXPAND_DW: return expand_dw_bytes<L>(a);
    case MOTE_OP_GEMM: return gemm_plan<L>(a).bytes;
    case MOTE_OP_MATMUL: return matmul_plan<L>(a).bytes;
    // Weight zero points are data: the plan assumes the optimised route (all zero).
    // A fused LeakyRelu/PRelu runs on the reference kernels: no scratch.
    case MOTE_OP_QCONV: return has_negative_side(a) ? 0 : s8_qconv_bytes<L>(a);
    case MOTE_OP_QMATMUL: return has_negative_side(a) ? 0 : qmatmul_bytes<L>(a);
    case MOTE_OP_MAX_POOL: return maxpool_bytes<L>(a);
    default: return 0;  // element-wise ops and GlobalAveragePool: no scratch
  }
}

}  // namespace

uint32_t scratch_bytes(const OpArgs& a) {
  uint64_t most = level_bytes<1>(a);
  const uint64_t avx2 = level_bytes<2>(a), avx512 = level_bytes<3>(a);
  most = avx2 > most ? avx2 : most;
  most = avx512 > most ? avx512 : most;
  return most > 0xFFFFFFFFu ? 0xFFFFFFFFu : uint32_t(most);
}

}  // namespace x86
}  // namespace mote

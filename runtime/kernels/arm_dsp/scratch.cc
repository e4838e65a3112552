// The scratch the arm_dsp kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
// The sizes are tiles.h's, which the kernels lay their buffers out with; the routing decisions
// are simd_route.h's, which the dispatcher takes too.
#include "tiles.h"

namespace mote {
namespace arm_dsp {

uint32_t scratch_bytes(const OpArgs& a) {
  uint64_t bytes = 0;
  switch (a.code) {
    case MOTE_OP_QCONV: bytes = qconv_scratch(conv_shape(a)); break;
    case MOTE_OP_QMATMUL:
      if (qmatmul_kind(a) != QMatMulKind::kReference) bytes = gemm_pairs_bytes(a.in[0].dims[a.in[0].rank - 1]);
      break;
    default: break;  // float ops stay with the reference
  }
  return bytes > UINT32_MAX ? UINT32_MAX : uint32_t(bytes);
}

}  // namespace arm_dsp
}  // namespace mote

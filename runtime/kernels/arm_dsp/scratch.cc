// The scratch the arm_dsp kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
// The route is simd_dispatch.h's (kernels/simd_route.h), the sizes tiles.h's, which the kernels
// lay their buffers out with.
#include "../drivers/s8_dwconv2d.h"
#include "mote/scratch_ops.h"
#include "tiles.h"

namespace mote {
namespace arm_dsp {

uint32_t scratch_bytes(const OpArgs& a) {
  if (!scratch_op(a.code)) return 0;  // the ops mote/scratch_ops.h states this set takes scratch for
  const simd::Route r = simd::route(a, simd::Features{false, true, true});  // int8 only, NHWC too
  uint64_t bytes = 0;
  switch (r.kernel) {
    case simd::Kernel::kQConvDepthwise:  // the shared driver's layout around the 3x3 band
      bytes = dw_banded(r.g) ? drivers::s8_dw_scratch_bytes(kBandRows * band_row_bytes(r.g)) : 0;
      break;
    case simd::Kernel::kQConvPointwise: bytes = columns_bytes(r.g.c / r.g.group, int64_t(r.g.oh) * r.g.ow); break;
    case simd::Kernel::kQConv:
      bytes = columns_bytes(int64_t(r.g.c / r.g.group) * r.g.kh * r.g.kw, int64_t(r.g.oh) * r.g.ow);
      break;
    case simd::Kernel::kQMatMul: bytes = gemm_pairs_bytes(r.K); break;
    case simd::Kernel::kQMatMulNk: bytes = gemm_nk_bytes(r.K, r.N); break;
    case simd::Kernel::kQConvNhwc: bytes = drivers::s8_nhwc_conv_layout(r.g, kNhwc, nhwc_work_bytes(r.g)).scratch.bytes; break;
    case simd::Kernel::kQConvNhwcDepthwise: bytes = drivers::s8_nhwc_dw_layout(r.g, nhwc_dw_work_bytes(r.g)).scratch.bytes; break;
    default: break;  // float ops and other broadcasts stay with the reference
  }
  return bytes > UINT32_MAX ? UINT32_MAX : uint32_t(bytes);
}

}  // namespace arm_dsp
}  // namespace mote

// The scratch the mve kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
#include "../drivers/simd_scratch.h"
#include "tiles.h"

namespace mote {
namespace mve {

uint32_t scratch_bytes(const OpArgs& a) {
  const simd::Route r = simd::route(a, simd::Features{true, true, true});
  if (r.kernel == simd::Kernel::kQConvNhwc) {
    return drivers::s8_nhwc_conv_layout(r.g, Tiles::kNhwc, Tiles::nhwc_work_bytes(r.g)).scratch.total();
  }
  if (r.kernel == simd::Kernel::kQConvNhwcDepthwise) {
    return drivers::s8_nhwc_dw_layout(r.g, Tiles::nhwc_dw_work_bytes(r.g)).scratch.total();
  }
  return drivers::simd_scratch_bytes<Tiles>(a);
}

}  // namespace mve
}  // namespace mote

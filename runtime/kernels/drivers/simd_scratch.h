// The scratch_bytes() of the NEON, Helium and SIMD128 sets (kernels/<isa>/scratch.cc), written
// once: the route kernels/simd_dispatch.h takes (kernels/simd_route.h), then the layout of the
// driver that runs it, from the set's tiles T (kernels/<isa>/tiles.h). Portable: compiled into
// every build, so the converter plans for every set. 0 when the op goes to the reference or
// its kernel needs no scratch; the element-wise ops (kernels/simd_eltwise_dispatch.h) are a
// set's own to add.
#ifndef MOTE_KERNELS_DRIVERS_SIMD_SCRATCH_H
#define MOTE_KERNELS_DRIVERS_SIMD_SCRATCH_H

#include "../simd_route.h"
#include "conv_panel.h"
#include "f32_dwconv2d.h"
#include "s8_conv2d.h"
#include "s8_dwconv2d.h"

namespace mote {
namespace drivers {

template <class T>
uint32_t simd_scratch_bytes(const OpArgs& a) {
  const simd::Route r = simd::route(a, simd::Features{true, true});
  if (!simd::route_linked(r)) return 0;  // left out of this build (mote/op_config.h): the reference runs it
  switch (r.kernel) {
    case simd::Kernel::kConvDepthwise: return MOTE_KERNEL_ON(conv_depthwise) ? dw_scratch_bytes(r.g, T::kBand) : 0;
    // (route_linked said 0 for the routes a build leaves out; the MOTE_KERNEL_ON tests say so to
    // the compiler too, so that their layouts are not linked.)
    case simd::Kernel::kConvPointwise: return MOTE_KERNEL_ON(conv_pointwise) ? conv_pointwise_layout<T>(r.g).total() : 0;
    case simd::Kernel::kConv: return MOTE_KERNEL_ON(conv_im2col) ? conv_panel_layout<T>(r.g).scratch.total() : 0;
    case simd::Kernel::kGemmNN:
    case simd::Kernel::kMatMul:
      return r.kernel == simd::Kernel::kMatMul || MOTE_KERNEL_ON(gemm_nn) ? gemm_work_layout<T>(r.rows, r.N, r.K).total() : 0;
    // Built for models without int8 convolutions (MOTE_OP_CONFIG), the route never names these.
    case simd::Kernel::kQConvDepthwise:
      return MOTE_FAMILY_ON(qconv) && MOTE_KERNEL_ON(qconv_depthwise) ? s8_dw_scratch_bytes(T::s8_dw_band_bytes(r.g)) : 0;
    case simd::Kernel::kQConvPointwise: return MOTE_FAMILY_ON(qconv) ? s8_pointwise_layout(r.g, T::kS8).scratch.total() : 0;
    case simd::Kernel::kQConv: return MOTE_FAMILY_ON(qconv) ? s8_conv_layout(r.g, T::kS8).scratch.total() : 0;
    default: return 0;
  }
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_SIMD_SCRATCH_H

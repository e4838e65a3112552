// The scratch the wasm_simd128 kernels take from the arena plan for an op (mote/kernel.h).
// Portable: compiled into every build, whatever its kernel set, so the converter can plan for
// this set. The ops simd_dispatch.h routes, then this set's own routes (MaxPool's band, ConvWinograd's blocks).
#include "../drivers/simd_scratch.h"
#include "f32_winograd.h"
#include "mote/op_config.h"
#include "tiles.h"

namespace mote {
namespace wasm_simd128 {

uint32_t scratch_bytes(const OpArgs& a) {
  ConvShape g;
  if (a.code == MOTE_OP_CONV_WINOGRAD) return MOTE_KERNEL_ON(winograd) ? winograd_plan(a).layout.total() : 0;
  if (a.code == MOTE_OP_MAX_POOL) {
    return Tiles::maxpool_shape(a, &g) ? drivers::band_layout(g, Tiles::kPoolBand).scratch.total() : 0;
  }
  return drivers::simd_scratch_bytes<Tiles>(a);
}

// What run_optimized (dispatch.cc) runs without handing it back to the reference kernels: the
// float Conv (not depthwise), Gemm and MatMul routes, and the float MaxPool its band takes, as
// far as this build links them.
bool covers(const OpArgs& a) {
  ConvShape g;
  if (a.code == MOTE_OP_MAX_POOL) return Tiles::maxpool_shape(a, &g);
  const simd::Route r = simd::route(a, simd::Features{true, true});
  const simd::Kernel k = r.kernel;
  if (!simd::route_linked(r)) return false;  // a route or form this build left out (mote/op_config.h)
  return k == simd::Kernel::kConv || k == simd::Kernel::kConvPointwise || k == simd::Kernel::kGemmNN ||
         k == simd::Kernel::kGemmNT || k == simd::Kernel::kMatMul;
}

}  // namespace wasm_simd128
}  // namespace mote

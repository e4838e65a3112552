// The WebAssembly SIMD128 kernel set (MOTE_KERNEL_ISA=wasm_simd128): Conv/Gemm/MatMul and
// QConv/QMatMul routed by kernels/simd_dispatch.h, as the other sets; the element-wise and
// pooling ops, float and int8 (s8_eltwise__wasm_simd128.cc), through
// kernels/simd_eltwise_dispatch.h (Requantize too), which x86 shares. ConvWinograd, an op of
// this set's own (f32_winograd.h), and float ReduceMean over trailing axes are taken before them; a runtime built for models without it
// (MOTE_OP_CONFIG) leaves its kernel out.
#include "f32_winograd.h"
#include "kernels.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {
using s8::s8_epilogue;
}  // namespace wasm_simd128
}  // namespace mote

#define MOTE_SIMD_NS wasm_simd128
#define MOTE_SIMD_SCRATCH 1
#define MOTE_SIMD_ELTWISE 1
#define MOTE_SIMD_S8_ELTWISE 1
#define MOTE_SIMD_ENTRY run_simd_routes
#include "../simd_dispatch.h"

namespace mote {

Status run_optimized(const OpArgs& a) {
  if (a.code == MOTE_OP_CONV_WINOGRAD) {
    return MOTE_FAMILY_ON(conv) && MOTE_KERNEL_ON(winograd) ? wasm_simd128::f32_conv_winograd(a) : Status::kUnsupportedOp;
  }
  if (a.code == MOTE_OP_REDUCE_MEAN && MOTE_FAMILY_ON(reduce) && a.in[0].dtype == MOTE_F32) {
    return wasm_simd128::f32_reduce_mean(a);
  }
  return run_simd_routes(a);
}

}  // namespace mote

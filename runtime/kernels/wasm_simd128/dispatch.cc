// The WebAssembly SIMD128 kernel set (MOTE_KERNEL_ISA=wasm_simd128): Conv/Gemm/MatMul and
// QConv/QMatMul routed by kernels/simd_dispatch.h, as the other sets; the element-wise and
// pooling ops, float and int8 (s8_eltwise__wasm_simd128.cc), through
// kernels/simd_eltwise_dispatch.h, which x86 shares; Requantize by its own route below.
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
#define MOTE_SIMD_ENTRY run_shared_routes
#include "../simd_dispatch.h"

namespace mote {
namespace wasm_simd128 {
// Requantize (int8 -> int8 at another scale), which the shared routing leaves to the reference
// (s8_eltwise__wasm_simd128.cc).
Status s8_requantize(const OpArgs& a);
}  // namespace wasm_simd128

// This set's own routes, then the shared ones.
Status run_optimized(const OpArgs& a) {
  if (a.code == MOTE_OP_REQUANTIZE) {
    return MOTE_FAMILY_ON(quantize) ? wasm_simd128::s8_requantize(a) : Status::kUnsupportedOp;
  }
  return run_shared_routes(a);
}

}  // namespace mote

// The WebAssembly SIMD128 kernel set (MOTE_KERNEL_ISA=wasm_simd128): Conv/Gemm/MatMul and
// QConv/QMatMul routed by kernels/simd_dispatch.h, as the other sets; the element-wise and
// pooling ops, float and int8 (s8_eltwise__wasm_simd128.cc), through
// kernels/simd_eltwise_dispatch.h (Requantize too), which x86 shares.
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
#include "../simd_dispatch.h"

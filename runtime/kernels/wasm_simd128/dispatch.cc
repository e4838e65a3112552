// The WebAssembly SIMD128 kernel set (MOTE_KERNEL_ISA=wasm_simd128): Conv/Gemm/MatMul and
// QConv/QMatMul routed by kernels/simd_dispatch.h, as the other sets; the element-wise and
// pooling ops of this set through its MOTE_SIMD_EXTRA_ROUTES.
#include "kernels.h"
#include "s8_kernels.h"

namespace mote {
namespace wasm_simd128 {

using s8::s8_epilogue;

Status extra_routes(const OpArgs& a) {
  switch (a.code) {
    case MOTE_OP_MAX_POOL: return f32_maxpool2d(a);
    case MOTE_OP_GLOBAL_AVERAGE_POOL:
    case MOTE_OP_GLOBAL_MAX_POOL: return f32_global_pool(a);
    case MOTE_OP_ADD:
    case MOTE_OP_SUB:
    case MOTE_OP_MUL:
    case MOTE_OP_DIV:
    case MOTE_OP_MAX:
    case MOTE_OP_MIN:
    case MOTE_OP_PRELU: return f32_binary(a);
    case MOTE_OP_RELU:
    case MOTE_OP_LEAKY_RELU:
    case MOTE_OP_CLIP:
    case MOTE_OP_HARD_SIGMOID:
    case MOTE_OP_HARD_SWISH:
    case MOTE_OP_SIGMOID:
    case MOTE_OP_ABS:
    case MOTE_OP_NEG:
    case MOTE_OP_SQRT:
    case MOTE_OP_FLOOR:
    case MOTE_OP_CEIL: return f32_unary(a);
    default: return Status::kUnsupportedOp;
  }
}

}  // namespace wasm_simd128
}  // namespace mote

#define MOTE_SIMD_NS wasm_simd128
#define MOTE_SIMD_SCRATCH 1
#define MOTE_SIMD_EXTRA_ROUTES extra_routes
#include "../simd_dispatch.h"

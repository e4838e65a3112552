// The routing of the element-wise and pooling kernels, shared by the kernel sets that offer them
// (x86 at every level, WebAssembly SIMD128): one switch on the op code, gated by the op's family
// (MOTE_OP_CONFIG, mote/op_config.h) so that a runtime built for given models links none of the
// others' kernels. Each kernel may still decline an op or a dtype it has no form for
// (kUnsupportedOp, before anything is written): the reference runs it.
//
// Included once per set (per x86 level) with MOTE_SIMD_NS naming the set's namespace, which
// offers the float kernels below; a set that also offers the int8 ones defines
// MOTE_SIMD_S8_ELTWISE. Defines MOTE_SIMD_NS::eltwise_routes.
#ifndef MOTE_SIMD_NS
#error "define MOTE_SIMD_NS (the kernel set's namespace) before including simd_eltwise_dispatch.h"
#endif

#include "mote/kernel.h"
#include "mote/op_config.h"

namespace mote {
namespace MOTE_SIMD_NS {

// The unary activations and functions (Relu, Sigmoid, SiLU, HardSwish, Sqrt, ...).
Status f32_unary(const OpArgs& a);
// Add, Sub, Mul, Div, Max, Min, PRelu with broadcasting.
Status f32_binary(const OpArgs& a);
Status f32_maxpool2d(const OpArgs& a);
// GlobalAveragePool and (where a set has it) GlobalMaxPool.
Status f32_global_pool(const OpArgs& a);
#ifdef MOTE_SIMD_S8_ELTWISE
Status s8_quantize(const OpArgs& a);  // QuantizeLinear float32 -> int8, per tensor
Status s8_qbinary(const OpArgs& a);   // QAdd, QSub, QMul, QMax, QMin
Status s8_maxpool2d(const OpArgs& a);
Status s8_global_pool(const OpArgs& a);  // GlobalAveragePool of int8
Status s8_lut(const OpArgs& a);          // Lut: y = T[x + 128]
Status s8_requantize(const OpArgs& a);   // Requantize: int8 to int8 at another scale
Status s8_reduce_mean(const OpArgs& a);  // ReduceMean of int8 over trailing axes
#endif

inline Status eltwise_routes(const OpArgs& a) {
  switch (a.code) {
    case MOTE_OP_RELU:
    case MOTE_OP_LEAKY_RELU:
    case MOTE_OP_CLIP:
    case MOTE_OP_HARD_SIGMOID:
    case MOTE_OP_HARD_SWISH:
    case MOTE_OP_SIGMOID:
    case MOTE_OP_SILU:
    case MOTE_OP_ABS:
    case MOTE_OP_NEG:
    case MOTE_OP_SQRT:
    case MOTE_OP_FLOOR:
    case MOTE_OP_CEIL: return MOTE_FAMILY_ON(unary) ? f32_unary(a) : Status::kUnsupportedOp;
    case MOTE_OP_ADD:
    case MOTE_OP_SUB:
    case MOTE_OP_MUL:
    case MOTE_OP_DIV:
    case MOTE_OP_MAX:
    case MOTE_OP_MIN:
    case MOTE_OP_PRELU: return MOTE_FAMILY_ON(binary) ? f32_binary(a) : Status::kUnsupportedOp;
    case MOTE_OP_GLOBAL_AVERAGE_POOL:
    case MOTE_OP_GLOBAL_MAX_POOL:
      if (!MOTE_FAMILY_ON(global_pool)) return Status::kUnsupportedOp;
#ifdef MOTE_SIMD_S8_ELTWISE
      if (a.in[0].dtype == MOTE_I8) return s8_global_pool(a);
#endif
      return f32_global_pool(a);
    case MOTE_OP_MAX_POOL:
      if (!MOTE_FAMILY_ON(pool)) return Status::kUnsupportedOp;
#ifdef MOTE_SIMD_S8_ELTWISE
      if (a.in[0].dtype == MOTE_I8) return MOTE_KERNEL_ON(max_pool_int8) ? s8_maxpool2d(a) : Status::kUnsupportedOp;
#endif
      return f32_maxpool2d(a);
#ifdef MOTE_SIMD_S8_ELTWISE
    case MOTE_OP_QUANTIZE: return MOTE_FAMILY_ON(quantize) ? s8_quantize(a) : Status::kUnsupportedOp;
    case MOTE_OP_LUT: return MOTE_FAMILY_ON(quantize) ? s8_lut(a) : Status::kUnsupportedOp;
    case MOTE_OP_REQUANTIZE: return MOTE_FAMILY_ON(quantize) ? s8_requantize(a) : Status::kUnsupportedOp;
    case MOTE_OP_REDUCE_MEAN: return MOTE_FAMILY_ON(reduce) ? s8_reduce_mean(a) : Status::kUnsupportedOp;
    case MOTE_OP_QADD:
    case MOTE_OP_QSUB:
    case MOTE_OP_QMUL:
    case MOTE_OP_QMAX:
    case MOTE_OP_QMIN: return MOTE_FAMILY_ON(qbinary) ? s8_qbinary(a) : Status::kUnsupportedOp;
#endif
    default: return Status::kUnsupportedOp;
  }
}

}  // namespace MOTE_SIMD_NS
}  // namespace mote

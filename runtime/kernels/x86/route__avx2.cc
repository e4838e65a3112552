// The avx2 level's routing: kernels/simd_dispatch.h as mote::run_x86_avx2.
#define MOTE_X86_LEVEL 2
#include "level.h"

#define MOTE_SIMD_EXTRA_ROUTES extra_routes  // the float element-wise and pooling ops, QAdd, QMul
#define MOTE_SIMD_ENTRY run_x86_avx2
#include "../simd_dispatch.h"

namespace mote {
namespace MOTE_SIMD_NS {

Status s8_extra_routes(const OpArgs& a);  // s8_eltwise.inc

Status extra_routes(const OpArgs& a) {
  const Status st = f32_extra_routes(a);
  return st != Status::kUnsupportedOp ? st : s8_extra_routes(a);
}

}  // namespace MOTE_SIMD_NS
}  // namespace mote

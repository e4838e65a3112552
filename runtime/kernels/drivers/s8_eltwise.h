// What the int8 element-wise kernels of the x86 and SIMD128 sets share: how the operands of a
// QAdd/QSub/QMul/QMax/QMin cover the output, so that one vector loop takes full operands and one
// operand broadcast in runs (a per-channel [1,C,1,1] scale over [1,C,H,W], a per-row value, a
// scalar). Portable, no vector code.
#ifndef MOTE_KERNELS_DRIVERS_S8_ELTWISE_H
#define MOTE_KERNELS_DRIVERS_S8_ELTWISE_H

#include <stdint.h>

#include "mote/kernel.h"

namespace mote {
namespace drivers {

// How an operand covers the output: the output's leading dims then 1s (or a scalar), so that it
// holds one value per run of `run` output elements; run 1 is the full shape. False for other
// broadcasts (left to the reference).
inline bool runs_of(const TensorView& t, const TensorView& out, int64_t* run) {
  const int32_t lead = out.rank - t.rank;
  if (lead < 0) return false;
  int32_t p = out.rank;  // dims from p on are 1 in t
  while (p > 0 && (p - 1 < lead || t.dims[p - 1 - lead] == 1)) --p;
  for (int32_t d = lead; d < p; ++d) {
    if (t.dims[d - lead] != out.dims[d]) return false;
  }
  for (int32_t d = 0; d < p && d < lead; ++d) {
    if (out.dims[d] != 1) return false;
  }
  *run = 1;
  for (int32_t d = p; d < out.rank; ++d) *run *= out.dims[d];
  return true;
}

// The runs of a binary op's two operands (rx, ry: 1 for a full operand, else one value per that
// many outputs); false when neither form fits (both broadcast, or another broadcast).
inline bool s8_binary_runs(const OpArgs& a, int64_t* rx, int64_t* ry) {
  const int64_t n = a.out[0].numel();
  *rx = *ry = 1;
  if (!runs_of(a.in[0], a.out[0], rx) || !runs_of(a.in[1], a.out[0], ry)) return false;
  // Full shapes, or one of the two broadcast in runs (the output's shape fills the run).
  if (a.in[0].numel() == n) *rx = 1;
  if (a.in[1].numel() == n) *ry = 1;
  return !(*rx > 1 && *ry > 1);
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_S8_ELTWISE_H

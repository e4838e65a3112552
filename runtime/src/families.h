// Internal: the infer/run pair of every op family named in MOTE_OP_LIST (mote/ops.h).
#ifndef MOTE_SRC_FAMILIES_H
#define MOTE_SRC_FAMILIES_H

#include "mote/kernel.h"

namespace mote {

#define MOTE_X_DECLARE(e, name, family) \
  Status infer_##family(const OpArgs& a, TensorView* out, uint32_t* scratch); \
  Status run_##family(const OpArgs& a);
MOTE_OP_LIST(MOTE_X_DECLARE)
#undef MOTE_X_DECLARE

}  // namespace mote

#endif  // MOTE_SRC_FAMILIES_H

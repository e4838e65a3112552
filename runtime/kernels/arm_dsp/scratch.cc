// The scratch the arm_dsp kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
#include "mote/kernel.h"

namespace mote {
namespace arm_dsp {

uint32_t scratch_bytes(const OpArgs&) { return 0; }

}  // namespace arm_dsp
}  // namespace mote

// The scratch the x86 kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
#include "mote/kernel.h"

namespace mote {
namespace x86 {

uint32_t scratch_bytes(const OpArgs&) { return 0; }

}  // namespace x86
}  // namespace mote

// The scratch the mve kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
#include "../drivers/simd_scratch.h"
#include "tiles.h"

namespace mote {
namespace mve {

uint32_t scratch_bytes(const OpArgs& a) { return drivers::simd_scratch_bytes<Tiles>(a); }

}  // namespace mve
}  // namespace mote

// The scratch the wasm_simd128 kernels take from the arena plan for an op (mote/kernel.h). Portable:
// compiled into every build, whatever its kernel set, so the converter can plan for this set.
#include "mote/kernel.h"

namespace mote {
namespace wasm_simd128 {

uint32_t scratch_bytes(const OpArgs&) { return 0; }

}  // namespace wasm_simd128
}  // namespace mote

// kernel_scratch_bytes(): the scratch any kernel set needs for an op, by set bit. Each set's own
// function is portable (runtime/kernels/<isa>/scratch.cc): the converter calls this for every set
// a blob targets; the verifier calls it for this runtime's set only, so a firmware's linker keeps
// only that one (--gc-sections).
#include "mote/blob_format.h"
#include "mote/kernel.h"

namespace mote {

uint32_t kernel_scratch_bytes(uint32_t set, const OpArgs& args) {
  switch (set) {
    case MOTE_SET_ARM_DSP: return arm_dsp::scratch_bytes(args);
    case MOTE_SET_MVE: return mve::scratch_bytes(args);
    case MOTE_SET_NEON: return neon::scratch_bytes(args);
    case MOTE_SET_WASM_SIMD128: return wasm_simd128::scratch_bytes(args);
    case MOTE_SET_X86: return x86::scratch_bytes(args);
    default: return 0;  // the reference kernels state theirs in infer
  }
}

}  // namespace mote

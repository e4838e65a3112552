// The few exports the JS glue (mote.js) needs beside the C API of mote.h: the sizes of the
// opaque model/session storage, which kernel set this build has, and where the linker ended
// static data and the stack, above which the glue places blobs, arenas and its own small
// records in memory it grows itself.
// Nothing here allocates: the runtime never does, and this module links no allocator.
#include <stdint.h>

#include "mote/mote.h"

extern "C" {

// Defined by the linker: the first byte past static data and the stack.
extern unsigned char __heap_base;

__attribute__((used)) uint32_t mote_wasm_heap_base(void) { return uint32_t(uintptr_t(&__heap_base)); }
__attribute__((used)) uint32_t mote_wasm_model_bytes(void) { return sizeof(mote_model); }
__attribute__((used)) uint32_t mote_wasm_session_bytes(void) { return sizeof(mote_session); }
__attribute__((used)) uint32_t mote_wasm_tensor_info_bytes(void) { return sizeof(mote_tensor_info); }
// 1 in the build with the SIMD128 kernels (mote-simd.wasm), 0 in the reference build.
__attribute__((used)) uint32_t mote_wasm_simd(void) {
#ifdef __wasm_simd128__
  return 1;
#else
  return 0;
#endif
}

}  // extern "C"

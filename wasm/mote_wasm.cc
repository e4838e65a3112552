// The few exports the JS glue (mote.js) needs beside the C API of mote.h and text.h: the sizes of the
// opaque model/session storage, which kernel set this build has, and where the linker ended
// static data and the stack, above which the glue places blobs, arenas and its own small
// records in memory it grows itself.
// Nothing here allocates: the runtime never does, and this module links no allocator.
#include <stddef.h>
#include <stdint.h>

#include "mote/mote.h"
#include "mote/text.h"

extern "C" {

// Defined by the linker: the first byte past static data and the stack.
extern unsigned char __heap_base;

__attribute__((used)) uint32_t mote_wasm_heap_base(void) { return uint32_t(uintptr_t(&__heap_base)); }
__attribute__((used)) uint32_t mote_wasm_model_bytes(void) { return sizeof(mote_model); }
__attribute__((used)) uint32_t mote_wasm_session_bytes(void) { return sizeof(mote_session); }
__attribute__((used)) uint32_t mote_wasm_tensor_info_bytes(void) { return sizeof(mote_tensor_info); }
__attribute__((used)) uint32_t mote_wasm_vocab_bytes(void) { return sizeof(mote_vocab); }
// 1 in the build with the SIMD128 kernels (mote-simd.wasm), 0 in the reference build.
__attribute__((used)) uint32_t mote_wasm_simd(void) {
#ifdef __wasm_simd128__
  return 1;
#else
  return 0;
#endif
}

}  // extern "C"

#ifndef __wasm_simd128__
// mote.wasm carries the size budget: these replace emscripten's memcpy/memmove/memset (1.2 KB
// of unrolled and bulk-memory paths) with word loops a tenth of the size. no_builtin keeps the
// compiler from turning the loops back into calls to themselves.
extern "C" {

__attribute__((no_builtin)) void* memcpy(void* dst, const void* src, size_t n) {
  unsigned char* d = static_cast<unsigned char*>(dst);
  const unsigned char* s = static_cast<const unsigned char*>(src);
  if (((uintptr_t(d) | uintptr_t(s)) & 3) == 0) {
    for (; n >= 4; n -= 4, d += 4, s += 4) *reinterpret_cast<uint32_t*>(d) = *reinterpret_cast<const uint32_t*>(s);
  }
  while (n--) *d++ = *s++;
  return dst;
}

__attribute__((no_builtin)) void* memmove(void* dst, const void* src, size_t n) {
  unsigned char* d = static_cast<unsigned char*>(dst);
  const unsigned char* s = static_cast<const unsigned char*>(src);
  if (d <= s || d >= s + n) return memcpy(dst, src, n);  // forward copy is safe
  while (n--) d[n] = s[n];
  return dst;
}

__attribute__((no_builtin)) void* memset(void* dst, int value, size_t n) {
  unsigned char* d = static_cast<unsigned char*>(dst);
  if ((uintptr_t(d) & 3) == 0) {
    const uint32_t word = 0x01010101u * static_cast<unsigned char>(value);
    for (; n >= 4; n -= 4, d += 4) *reinterpret_cast<uint32_t*>(d) = word;
  }
  while (n--) *d++ = static_cast<unsigned char>(value);
  return dst;
}

}  // extern "C"
#elif defined(__wasm_bulk_memory__)
// The SIMD128 modules built with bulk memory (wasm/build.sh): memcpy, memmove and memset are one
// instruction each (memory.copy, which takes overlapping ranges, and memory.fill), in place of
// emscripten's 0.6 KB of unrolled loops that the runtime's calls (built -ffreestanding, so not
// turned into the instructions where they are written) would link.
extern "C" {

void* memcpy(void* dst, const void* src, size_t n) { return __builtin_memcpy(dst, src, n); }
void* memmove(void* dst, const void* src, size_t n) { return __builtin_memmove(dst, src, n); }
void* memset(void* dst, int value, size_t n) { return __builtin_memset(dst, value, n); }

}  // extern "C"
#endif

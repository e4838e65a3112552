/* Shared by the example firmware (boards/speech, boards/text): what they print their results
 * with, so that the host's tests can compare them. */
#ifndef MOTE_BOARDS_EXAMPLE_PRINT_H
#define MOTE_BOARDS_EXAMPLE_PRINT_H

#include <stdint.h>

/* FNV-1a 64 of `bytes` bytes, continuing from h (start with 0xcbf29ce484222325). */
static inline uint64_t fnv1a64(uint64_t h, const void* data, uint32_t bytes) {
  const uint8_t* p = (const uint8_t*)data;
  for (uint32_t i = 0; i < bytes; ++i) h = (h ^ p[i]) * 0x100000001b3ull;
  return h;
}

/* printf of a uint64_t without newlib's long long formatting: its decimal digits in buf (24). */
static inline const char* u64(uint64_t v, char* buf) {
  char tmp[24];
  int n = 0;
  do tmp[n++] = (char)('0' + v % 10); while ((v /= 10) != 0);
  for (int i = 0; i < n; ++i) buf[i] = tmp[n - 1 - i];
  buf[n] = '\0';
  return buf;
}

#endif

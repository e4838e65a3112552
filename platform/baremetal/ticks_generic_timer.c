/* Tick counter for Cortex-A (ARMv7-A with the Generic Timer): the virtual count register,
 * 64-bit, never wraps in practice; its rate is CNTFRQ (62.5 MHz on QEMU's virt machine). */
#include <stdint.h>

#include "mote/baremetal.h"

static uint64_t g_start;

static uint64_t read_cntvct(void) {
  uint32_t lo, hi;
  __asm__ volatile("isb\n\tmrrc p15, 1, %0, %1, c14" : "=r"(lo), "=r"(hi));
  return ((uint64_t)hi << 32) | lo;
}

void mote_bm_ticks_start(void) {
  if (!g_start) g_start = read_cntvct();
}

uint64_t mote_bm_ticks(void) { return read_cntvct() - g_start; }

uint32_t mote_bm_tick_hz(void) {
  uint32_t hz;
  __asm__ volatile("mrc p15, 0, %0, c14, c0, 0" : "=r"(hz));
  return hz;
}

uint64_t mote_bm_instructions(uint64_t ticks) {
  const uint64_t hz = mote_bm_tick_hz();
  return hz ? ticks * 1000000000u / hz : 0;
}

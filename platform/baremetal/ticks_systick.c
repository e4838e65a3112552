/* Tick counter for Cortex-M: SysTick clocked from the core clock, reloading every 2^24 ticks;
 * its interrupt counts the wraps. The core clock is the board's (MOTE_BOARD_CPU_HZ: 25 MHz on
 * MPS2, 32 MHz on MPS3), which is also what QEMU feeds SysTick. */
#include <stdint.h>

#include "mote/baremetal.h"

#ifndef MOTE_BOARD_CPU_HZ
#error "MOTE_BOARD_CPU_HZ: the board's core clock in Hz"
#endif

#define SYST_CSR (*(volatile uint32_t*)0xE000E010u)
#define SYST_RVR (*(volatile uint32_t*)0xE000E014u)
#define SYST_CVR (*(volatile uint32_t*)0xE000E018u)
#define SYST_RELOAD 0x00FFFFFFu

static volatile uint32_t g_wraps;

void SysTick_Handler(void) { g_wraps = g_wraps + 1; }

void mote_bm_ticks_start(void) {
  if (SYST_CSR & 1u) return;
  g_wraps = 0;
  SYST_RVR = SYST_RELOAD;
  SYST_CVR = 0;
  SYST_CSR = 7u; /* ENABLE | TICKINT | CLKSOURCE = processor clock */
  /* The current value reads 0 until the first tick reloads it; counting starts there. */
  while (SYST_CVR == 0) {
  }
}

uint64_t mote_bm_ticks(void) {
  uint32_t wraps, value;
  /* Re-read if a wrap was counted meanwhile; a pending wrap is taken as soon as it is due
   * because interrupts stay enabled. */
  do {
    wraps = g_wraps;
    value = SYST_CVR;
  } while (wraps != g_wraps);
  return (uint64_t)wraps * (SYST_RELOAD + 1u) + (SYST_RELOAD - value);
}

uint32_t mote_bm_tick_hz(void) { return MOTE_BOARD_CPU_HZ; }

uint64_t mote_bm_instructions(uint64_t ticks) { return ticks * 1000000000u / MOTE_BOARD_CPU_HZ; }

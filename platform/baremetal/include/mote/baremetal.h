/* Bare-metal platform layer: semihosting I/O and a free-running tick counter, for firmware
 * and tests on the Arm boards in boards/ (Cortex-M: SysTick; Cortex-A: the generic timer).
 *
 * Under QEMU with `-icount shift=0` every instruction advances virtual time by exactly 1 ns,
 * so a tick is a fixed number of instructions: mote_bm_instructions() converts. */
#ifndef MOTE_BAREMETAL_H
#define MOTE_BAREMETAL_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Semihosting: write a NUL-terminated string to the host's console; stop the machine with an
 * exit status (QEMU exits with it). Both work from any context, fault handlers included. */
void mote_bm_write(const char* text);
void mote_bm_exit(int status) __attribute__((noreturn));

/* Starts the tick counter (idempotent). On Cortex-M it takes SysTick and its interrupt. */
void mote_bm_ticks_start(void);
/* Ticks since mote_bm_ticks_start(), 64-bit so it never wraps in practice. */
uint64_t mote_bm_ticks(void);
/* Ticks per second of real time (the core clock on Cortex-M, CNTFRQ on Cortex-A). */
uint32_t mote_bm_tick_hz(void);
/* Instructions executed in `ticks` when QEMU runs with -icount shift=0 (1 ns per instruction). */
uint64_t mote_bm_instructions(uint64_t ticks);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_BAREMETAL_H */

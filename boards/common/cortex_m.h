/* Shared by the Cortex-M boards' start-up code (boards/common/cortex_m.c, boards/<board>/startup.c). */
#ifndef MOTE_BOARDS_CORTEX_M_H
#define MOTE_BOARDS_CORTEX_M_H

#include <stdint.h>

#define SCB_SHCSR (*(volatile uint32_t*)0xE000ED24u)
#define SCB_CFSR (*(volatile uint32_t*)0xE000ED28u)
#define SCB_HFSR (*(volatile uint32_t*)0xE000ED2Cu)
#define SCB_MMFAR (*(volatile uint32_t*)0xE000ED34u)
#define SCB_BFAR (*(volatile uint32_t*)0xE000ED38u)

/* QEMU's exit status after a fault: distinct from a program's own failures (1, 2, ...). */
#define MOTE_BOARD_FAULT_EXIT 99

typedef void (*vector_t)(void);

void Reset_Handler(void);
void Fault_Handler(void);
/* The board's own set-up, after .data/.bss and before main. */
void board_init(void);

extern uint32_t __stack_top__;

/* The 16 system exceptions: every fault and anything unexpected goes to Fault_Handler;
 * SysTick goes to SysTick_Handler (weak, counted by the platform's tick counter). */
#define CORTEX_M_SYSTEM_VECTORS                                                              \
  (vector_t) & __stack_top__, Reset_Handler, Fault_Handler /* NMI */, Fault_Handler /* HardFault */, \
      Fault_Handler /* MemManage */, Fault_Handler /* BusFault */, Fault_Handler /* UsageFault */,  \
      Fault_Handler /* SecureFault */, 0, 0, 0, Fault_Handler /* SVCall */,                          \
      Fault_Handler /* DebugMonitor */, 0, Fault_Handler /* PendSV */, SysTick_Handler

void SysTick_Handler(void);

#endif

/* mps2-an500 start-up: the vector table. QEMU's model has a Cortex-M7 (ARMv7E-M, double-precision FPU) and
 * 32 external interrupts, none of which Mote uses: they all report and stop (Fault_Handler).
 * Reset, FPU enable and fault reporting are shared: boards/common/cortex_m.c. */
#include "cortex_m.h"

#define BOARD_NUM_IRQS 32

__attribute__((section(".vectors"), used)) const vector_t g_vectors[16 + BOARD_NUM_IRQS] = {
    CORTEX_M_SYSTEM_VECTORS,
    [16 ... 16 + BOARD_NUM_IRQS - 1] = Fault_Handler,
};

void board_init(void) {}

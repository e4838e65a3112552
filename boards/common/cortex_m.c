/* Start-up shared by the Cortex-M boards: the reset handler, fault reporting and the C run-time
 * set-up newlib expects when linked with -nostartfiles. Each board's startup.c holds its vector
 * table (sized for its interrupt count) and turns on its coprocessors.
 *
 * Reset: enable the FPU (and MVE) before any compiled code can touch a floating-point
 * register, copy .data from its load address, zero .bss, fetch the command line over
 * semihosting, then exit(main(argc, argv)) so main's return value becomes QEMU's exit status.
 *
 * Faults never hang a test: every fault and unexpected interrupt prints the exception, the
 * fault status registers and the stacked PC, then stops QEMU with status MOTE_BOARD_FAULT_EXIT. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cortex_m.h"
#include "mote/baremetal.h"

extern uint32_t __data_load__, __data_start__, __data_end__;
extern uint32_t __bss_start__, __bss_end__;

extern int main(int argc, char** argv);
extern void initialise_monitor_handles(void);

/* newlib's exit() runs __libc_fini_array, which calls _fini; there are no crti/crtn objects
 * with -nostartfiles, and nothing to finalise. */
void _init(void) {}
void _fini(void) {}

/* The command line QEMU passes through -semihosting-config arg=...: argv[0] is the image. */
#define CMDLINE_BYTES 256
#define MAX_ARGS 16
static char g_cmdline[CMDLINE_BYTES];
static char* g_argv[MAX_ARGS + 1];

static int read_command_line(void) {
  struct {
    char* buffer;
    uint32_t length;
  } block = {g_cmdline, CMDLINE_BYTES - 1};
  register uint32_t r0 __asm__("r0") = 0x15; /* SYS_GET_CMDLINE */
  register void* r1 __asm__("r1") = &block;
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
  int argc = 0;
  if (r0 != 0) return 0;
  g_cmdline[block.length < CMDLINE_BYTES ? block.length : CMDLINE_BYTES - 1] = '\0';
  for (char* p = g_cmdline; *p && argc < MAX_ARGS;) {
    while (*p == ' ') *p++ = '\0';
    if (!*p) break;
    g_argv[argc++] = p;
    while (*p && *p != ' ') ++p;
  }
  g_argv[argc] = 0;
  return argc;
}

__attribute__((noreturn, used)) void cortex_m_start(void) {
  const uint32_t* src = &__data_load__;
  for (uint32_t* dst = &__data_start__; dst < &__data_end__;) *dst++ = *src++;
  for (uint32_t* dst = &__bss_start__; dst < &__bss_end__;) *dst++ = 0;
  /* Separate MemManage, BusFault and UsageFault handlers (SHCSR) so a report names the fault. */
  SCB_SHCSR |= (1u << 16) | (1u << 17) | (1u << 18);
  board_init();
  initialise_monitor_handles();
  const int argc = read_command_line();
  exit(main(argc, g_argv));
}

/* The reset handler runs before the FPU is on: it must not be compiled code that might use a
 * floating-point register, so it is a few instructions of assembly. */
__attribute__((naked, noreturn)) void Reset_Handler(void) {
  __asm__ volatile(
      "ldr r0, =0xE000ED88\n\t" /* CPACR: CP10 and CP11 (FPU, and MVE on v8.1-M) full access */
      "ldr r1, [r0]\n\t"
      "orr r1, r1, #(0xF << 20)\n\t"
      "str r1, [r0]\n\t"
      "dsb\n\t"
      "isb\n\t"
      "b cortex_m_start\n\t"
      ".ltorg");
}

static void put_hex(char* out, uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  out[0] = '0';
  out[1] = 'x';
  for (int k = 0; k < 8; ++k) out[2 + k] = digits[(v >> (28 - 4 * k)) & 0xF];
  out[10] = '\0';
}

static void report(const char* label, uint32_t value) {
  char hex[11];
  put_hex(hex, value);
  mote_bm_write(label);
  mote_bm_write(hex);
}

/* frame: the stacked r0-r3, r12, lr, pc, xpsr of the faulting context. */
__attribute__((noreturn, used)) void cortex_m_fault(const uint32_t* frame, uint32_t exc_return) {
  uint32_t ipsr;
  __asm__ volatile("mrs %0, ipsr" : "=r"(ipsr));
  static const char* const names[16] = {"thread", "reset", "NMI", "HardFault", "MemManage", "BusFault",
                                        "UsageFault", "SecureFault", "7", "8", "9", "SVCall", "DebugMonitor",
                                        "13", "PendSV", "SysTick"};
  const uint32_t n = ipsr & 0x1FF;
  mote_bm_write("\n*** FAULT: ");
  if (n < 16) {
    mote_bm_write(names[n]);
  } else {
    report("interrupt ", n - 16);
  }
  report(" CFSR=", SCB_CFSR);
  report(" HFSR=", SCB_HFSR);
  report(" MMFAR=", SCB_MMFAR);
  report(" BFAR=", SCB_BFAR);
  report(" EXC_RETURN=", exc_return);
  report("\n*** PC=", frame[6]);
  report(" LR=", frame[5]);
  report(" xPSR=", frame[7]);
  mote_bm_write("\n");
  mote_bm_exit(MOTE_BOARD_FAULT_EXIT);
}

/* Every fault and unexpected exception: pick the stack the context was pushed on, report. */
__attribute__((naked, noreturn)) void Fault_Handler(void) {
  __asm__ volatile(
      "tst lr, #4\n\t"
      "ite eq\n\t"
      "mrseq r0, msp\n\t"
      "mrsne r0, psp\n\t"
      "mov r1, lr\n\t"
      "b cortex_m_fault\n\t");
}

/* SysTick belongs to the platform's tick counter when it is linked; before that it is unexpected. */
__attribute__((weak, naked)) void SysTick_Handler(void) { __asm__ volatile("b Fault_Handler"); }

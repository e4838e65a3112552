/* virt-a15 board set-up in C: .bss, a flat MMU map, semihosting, main; fatal exception reports.
 *
 * The MMU is on so that RAM is Normal memory: with it off every data access is Strongly-ordered,
 * where an unaligned access faults (compilers emit unaligned loads for ARMv7-A). One level of
 * 1 MB sections maps every address to itself: RAM (0x40000000 up, 1 GB) Normal write-back
 * cacheable, everything else Device and execute-never. */
#include <stdint.h>
#include <stdlib.h>

#include "mote/baremetal.h"

#define MOTE_BOARD_FAULT_EXIT 99

extern uint32_t __bss_start__, __bss_end__;
extern int main(int argc, char** argv);
extern void initialise_monitor_handles(void);

void _init(void) {}
void _fini(void) {}

static uint32_t g_translation_table[4096] __attribute__((aligned(16384)));

static void mmu_enable(void) {
  for (uint32_t i = 0; i < 4096; ++i) {
    const uint32_t base = i << 20;
    const int ram = base >= 0x40000000u && base < 0x80000000u;
    const uint32_t access = 3u << 10; /* AP = full access */
    g_translation_table[i] = ram ? (base | access | (1u << 12) /* TEX=001 */ | (1u << 3) /* C */ | (1u << 2) /* B */ | 2u)
                                 : (base | access | (1u << 4) /* XN */ | (1u << 2) /* B: shareable device */ | 2u);
  }
  __asm__ volatile("dsb" ::: "memory");
  __asm__ volatile("mcr p15, 0, %0, c2, c0, 2" ::"r"(0u));                     /* TTBCR: TTBR0 only */
  __asm__ volatile("mcr p15, 0, %0, c2, c0, 0" ::"r"(g_translation_table));   /* TTBR0 */
  __asm__ volatile("mcr p15, 0, %0, c3, c0, 0" ::"r"(0x55555555u));           /* DACR: all client */
  __asm__ volatile("mcr p15, 0, %0, c8, c7, 0" ::"r"(0u));                     /* TLBIALL */
  __asm__ volatile("mcr p15, 0, %0, c7, c5, 0" ::"r"(0u));                     /* ICIALLU */
  __asm__ volatile("dsb\n\tisb" ::: "memory");
  uint32_t sctlr;
  __asm__ volatile("mrc p15, 0, %0, c1, c0, 0" : "=r"(sctlr));
  sctlr |= (1u << 0) | (1u << 2) | (1u << 11) | (1u << 12); /* M, C, Z, I */
  sctlr &= ~(1u << 1);                                      /* A: unaligned accesses allowed */
  __asm__ volatile("mcr p15, 0, %0, c1, c0, 0\n\tisb" ::"r"(sctlr) : "memory");
}

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
  __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
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

__attribute__((noreturn)) void cortex_a_start(void) {
  for (uint32_t* p = &__bss_start__; p < &__bss_end__;) *p++ = 0;
  mmu_enable();
  initialise_monitor_handles();
  const int argc = read_command_line();
  exit(main(argc, g_argv));
}

static void report(const char* label, uint32_t v) {
  static const char digits[] = "0123456789abcdef";
  char hex[11] = {'0', 'x'};
  for (int k = 0; k < 8; ++k) hex[2 + k] = digits[(v >> (28 - 4 * k)) & 0xF];
  hex[10] = '\0';
  mote_bm_write(label);
  mote_bm_write(hex);
}

__attribute__((noreturn)) void cortex_a_fault(uint32_t kind, uint32_t lr) {
  static const char* const names[8] = {"reset", "undefined instruction", "SVC", "prefetch abort",
                                        "data abort", "reserved vector", "IRQ", "FIQ"};
  uint32_t dfsr, dfar, ifsr, ifar;
  __asm__ volatile("mrc p15, 0, %0, c5, c0, 0" : "=r"(dfsr));
  __asm__ volatile("mrc p15, 0, %0, c6, c0, 0" : "=r"(dfar));
  __asm__ volatile("mrc p15, 0, %0, c5, c0, 1" : "=r"(ifsr));
  __asm__ volatile("mrc p15, 0, %0, c6, c0, 2" : "=r"(ifar));
  mote_bm_write("\n*** FAULT: ");
  mote_bm_write(names[kind & 7]);
  report(" LR=", lr);
  report(" DFSR=", dfsr);
  report(" DFAR=", dfar);
  report(" IFSR=", ifsr);
  report(" IFAR=", ifar);
  mote_bm_write("\n");
  mote_bm_exit(MOTE_BOARD_FAULT_EXIT);
}

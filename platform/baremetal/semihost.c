/* Semihosting calls (Arm's host-debug interface; QEMU implements it with
 * -semihosting-config enable=on). The trap instruction depends on the profile and state. */
#include <stdint.h>

#include "mote/baremetal.h"

enum {
  SYS_WRITE0 = 0x04,
  SYS_EXIT = 0x18,
  SYS_EXIT_EXTENDED = 0x20,
  ADP_STOPPED_APPLICATION_EXIT = 0x20026
};

static uintptr_t semihost_call(uintptr_t op, uintptr_t arg) {
  register uintptr_t r0 __asm__("r0") = op;
  register uintptr_t r1 __asm__("r1") = arg;
#if defined(__ARM_ARCH_PROFILE) && __ARM_ARCH_PROFILE == 'M'
  __asm__ volatile("bkpt 0xab" : "+r"(r0) : "r"(r1) : "memory");
#elif defined(__thumb__)
  __asm__ volatile("svc 0xab" : "+r"(r0) : "r"(r1) : "memory");
#else
  __asm__ volatile("svc 0x123456" : "+r"(r0) : "r"(r1) : "memory");
#endif
  return r0;
}

void mote_bm_write(const char* text) { (void)semihost_call(SYS_WRITE0, (uintptr_t)text); }

void mote_bm_exit(int status) {
  /* SYS_EXIT_EXTENDED carries the status; a host without it sees SYS_EXIT's "application
   * exit" (status 0) only when status is 0, and a failure otherwise. */
  uintptr_t block[2] = {ADP_STOPPED_APPLICATION_EXIT, (uintptr_t)status};
  (void)semihost_call(SYS_EXIT_EXTENDED, (uintptr_t)block);
  (void)semihost_call(SYS_EXIT, status == 0 ? ADP_STOPPED_APPLICATION_EXIT : 0x20023 /* ADP_Stopped_RunTimeErrorUnknown */);
  for (;;) {
  }
}

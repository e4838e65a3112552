/* The platform hooks (mote/platform.h) on bare metal: log lines go to the semihosting console,
 * time comes from the board's tick counter. */
#include "mote/baremetal.h"
#include "mote/platform.h"

void mote_platform_log(const char* line) {
  mote_bm_write(line);
  mote_bm_write("\n");
}

/* ticks * 10^6 / hz, the quotient bit by bit: no 64-bit division, which on a 32-bit core would
 * link libgcc's __udivmoddi4 (about 700 bytes of flash on a Cortex-M4). */
uint64_t mote_platform_now_us(void) {
  mote_bm_ticks_start();
  const uint32_t hz = mote_bm_tick_hz();
  if (!hz) return 0;
  const uint64_t n = mote_bm_ticks() * 1000000u;
  uint64_t q = 0, r = 0;
  for (int b = 63; b >= 0; --b) {
    r = r << 1 | ((n >> b) & 1u);
    q <<= 1;
    if (r >= hz) {
      r -= hz;
      q |= 1u;
    }
  }
  return q;
}

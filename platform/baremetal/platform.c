/* The platform hooks (mote/platform.h) on bare metal: log lines go to the semihosting console,
 * time comes from the board's tick counter. */
#include "mote/baremetal.h"
#include "mote/platform.h"

void mote_platform_log(const char* line) {
  mote_bm_write(line);
  mote_bm_write("\n");
}

uint64_t mote_platform_now_us(void) {
  mote_bm_ticks_start();
  const uint64_t hz = mote_bm_tick_hz();
  return hz ? mote_bm_ticks() * 1000000u / hz : 0;
}

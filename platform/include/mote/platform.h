/* The few hooks Mote's tools and firmware take from a platform: a log sink and a clock.
 * The runtime library itself calls neither: it returns status codes and keeps error text in
 * the Model/Session, so it links with no platform at all. Each platform directory implements
 * these for its environment (hosted: stderr + monotonic clock; bare metal: semihosting +
 * SysTick; wasm: imported from the JS glue). */
#ifndef MOTE_PLATFORM_H
#define MOTE_PLATFORM_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

void mote_platform_log(const char* line);
uint64_t mote_platform_now_us(void);

#ifdef __cplusplus
}
#endif

#endif /* MOTE_PLATFORM_H */

// Hosted platform (Linux, macOS): log to stderr, time from the monotonic clock.
#include <chrono>
#include <cstdio>

#include "mote/platform.h"

extern "C" void mote_platform_log(const char* line) { std::fprintf(stderr, "%s\n", line); }

extern "C" uint64_t mote_platform_now_us(void) {
  using namespace std::chrono;
  return uint64_t(duration_cast<microseconds>(steady_clock::now().time_since_epoch()).count());
}

// Working memory carved from an op's scratch (OpArgs::scratch) by the optimised kernel drivers.
// Portable (no intrinsics): the kernels and their set's scratch_bytes() (kernels/<isa>/scratch.cc)
// lay the scratch out with the same functions, so the size the plan holds is the size used.
//
// A layout adds its pieces in order, each at a 16-byte multiple (the op's scratch starts 16-byte
// aligned in the arena); sizes saturate at UINT32_MAX, which no arena holds, so a shape too large
// for 32 bits is refused by the planner rather than wrapped.
#ifndef MOTE_KERNELS_DRIVERS_SCRATCH_H
#define MOTE_KERNELS_DRIVERS_SCRATCH_H

#include <stdint.h>

#include "mote/kernel.h"

namespace mote {
namespace drivers {

struct ScratchLayout {
  uint64_t bytes = 0;

  // Reserves `count` elements of `size` bytes; returns their offset.
  uint64_t add(uint64_t count, uint64_t size) {
    const uint64_t at = bytes;
    bytes = (at + count * size + 15) & ~uint64_t(15);
    return at;
  }
  uint32_t total() const { return bytes > 0xFFFFFFFFu ? 0xFFFFFFFFu : uint32_t(bytes); }
};

inline int32_t round_up(int32_t n, int32_t to) { return (n + to - 1) / to * to; }
inline int32_t min_i32(int32_t a, int32_t b) { return a < b ? a : b; }
inline int32_t max_i32(int32_t a, int32_t b) { return a > b ? a : b; }

// The piece at `offset` of the op's scratch.
template <typename T>
inline T* scratch_at(const OpArgs& a, uint64_t offset) {
  return reinterpret_cast<T*>(static_cast<uint8_t*>(a.scratch) + offset);
}

// The plan holds at least this set's scratch_bytes() for every op (the verifier checks it at
// load), computed by the same layout: a caller that planned nothing gets kArenaTooSmall from the
// kernel, never a write past its scratch.
inline bool scratch_holds(const OpArgs& a, const ScratchLayout& l) {
  return l.bytes == 0 || (a.scratch != nullptr && a.scratch_bytes >= l.bytes);
}

}  // namespace drivers
}  // namespace mote

#endif  // MOTE_KERNELS_DRIVERS_SCRATCH_H

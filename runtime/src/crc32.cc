// IEEE 802.3 CRC32 (reflected, polynomial 0xEDB88320), the blob checksum.
#include "mote/blob_format.h"

namespace mote {
namespace {

// A byte at a time through a 256-entry table (1 KB); with MOTE_SMALL_CRC32, or in any build
// optimised for size (-Os: the Cortex-M firmware), a nibble at a time through a 16-entry one
// (64 bytes) at about half the speed, for builds where the kilobyte matters more than the load
// time (the checksum runs once per blob, at load).
#if !defined(MOTE_SMALL_CRC32) && !defined(__OPTIMIZE_SIZE__)
constexpr int kBits = 8;
#else
constexpr int kBits = 4;
#endif

struct CrcTable {
  uint32_t entry[1 << kBits];
};

constexpr CrcTable make_table() {
  CrcTable t{};
  for (uint32_t n = 0; n < (1u << kBits); ++n) {
    uint32_t c = n;
    for (int k = 0; k < kBits; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t.entry[n] = c;
  }
  return t;
}

constexpr CrcTable kTable = make_table();

}  // namespace

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  constexpr uint32_t kMask = (1u << kBits) - 1u;
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) {
    crc ^= data[i];
    for (int k = 0; k < 8; k += kBits) crc = kTable.entry[crc & kMask] ^ (crc >> kBits);
  }
  return ~crc;
}

}  // namespace mote

// IEEE 802.3 CRC32 (reflected, polynomial 0xEDB88320), the blob checksum.
#include "mote/mote.hpp"

namespace mote {
namespace {

struct CrcTable {
  uint32_t entry[256];
};

constexpr CrcTable make_table() {
  CrcTable t{};
  for (uint32_t n = 0; n < 256; ++n) {
    uint32_t c = n;
    for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    t.entry[n] = c;
  }
  return t;
}

constexpr CrcTable kTable = make_table();

}  // namespace

uint32_t crc32(const uint8_t* data, size_t size, uint32_t crc) {
  crc = ~crc;
  for (size_t i = 0; i < size; ++i) crc = kTable.entry[(crc ^ data[i]) & 0xFFu] ^ (crc >> 8);
  return ~crc;
}

}  // namespace mote

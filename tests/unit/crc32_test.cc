#include <gtest/gtest.h>

#include "mote/blob_format.h"  // internal: mote::crc32

TEST(Crc32, MatchesTheIeeeCheckValue) {
  const char* text = "123456789";
  EXPECT_EQ(mote::crc32(reinterpret_cast<const uint8_t*>(text), 9), 0xCBF43926u);
}

TEST(Crc32, ChainsAcrossCalls) {
  const uint8_t data[] = {1, 2, 3, 4, 5, 6};
  uint32_t whole = mote::crc32(data, 6);
  uint32_t part = mote::crc32(data + 3, 3, mote::crc32(data, 3));
  EXPECT_EQ(whole, part);
}

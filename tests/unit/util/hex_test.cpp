#include "util/hex.hpp"

#include <gtest/gtest.h>

namespace jitcache::util {

TEST(Hex, RoundTrips)
{
  const std::vector<uint8_t> bytes = {0x00, 0x01, 0xab, 0xff};
  EXPECT_EQ(to_hex(bytes), "0001abff");
  EXPECT_EQ(from_hex("0001ABff").value(), bytes);
}

TEST(Hex, NamesTheBadCharacter)
{
  auto result = from_hex("00zz");
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("offset 2"), std::string::npos) << result.error().message;
  EXPECT_FALSE(from_hex("abc"));
}

} // namespace jitcache::util

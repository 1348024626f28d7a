#include "util/size.hpp"

#include <gtest/gtest.h>

namespace jitcache::util {

TEST(Size, ParsesSuffixes)
{
  EXPECT_EQ(parse_size("0").value(), 0u);
  EXPECT_EQ(parse_size("123").value(), 123u);
  EXPECT_EQ(parse_size("500M").value(), 500ull << 20);
  EXPECT_EQ(parse_size("5G").value(), 5ull << 30);
  EXPECT_EQ(parse_size("5gib").value(), 5ull << 30);
  EXPECT_EQ(parse_size("2T").value(), 2ull << 40);
  EXPECT_EQ(parse_size("64KB").value(), 64ull << 10);
}

TEST(Size, RejectsGarbage)
{
  for (const char* text : {"", "G", "5X", "-1", "1.5G", "99999999999999999999", "20000000000T"}) {
    EXPECT_FALSE(parse_size(text)) << text;
  }
}

TEST(Size, Formats)
{
  EXPECT_EQ(format_size(100), "100 B");
  EXPECT_EQ(format_size(1536), "1.5 KiB");
  EXPECT_EQ(format_size(5ull << 30), "5.0 GiB");
  EXPECT_EQ(format_size_setting(5ull << 30), "5G");
  EXPECT_EQ(format_size_setting(1536), "1536");
  EXPECT_EQ(parse_size(format_size_setting(3ull << 20)).value(), 3ull << 20);
  EXPECT_EQ(format_duration_ms(250), "250 ms");
  EXPECT_EQ(format_duration_ms(1500), "1.5 s");
}

} // namespace jitcache::util

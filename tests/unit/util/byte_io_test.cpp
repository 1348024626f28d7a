#include "util/byte_io.hpp"

#include <gtest/gtest.h>

namespace jitcache::util {

TEST(ByteIo, WritesLittleEndianAndReadsBack)
{
  std::vector<uint8_t> out;
  ByteWriter writer(out);
  writer.u8(1);
  writer.u16(0x0203);
  writer.u32(0x04050607);
  writer.u64(0x08090a0b0c0d0e0f);
  writer.text("hi");
  EXPECT_EQ(out.size(), 1u + 2 + 4 + 8 + 2);
  EXPECT_EQ(out[1], 0x03);
  EXPECT_EQ(out[2], 0x02);

  ByteReader reader(out);
  EXPECT_EQ(reader.u8("a").value(), 1);
  EXPECT_EQ(reader.u16("b").value(), 0x0203);
  EXPECT_EQ(reader.u32("c").value(), 0x04050607u);
  EXPECT_EQ(reader.u64("d").value(), 0x08090a0b0c0d0e0fu);
  EXPECT_EQ(reader.text(2, "e").value(), "hi");
  EXPECT_EQ(reader.remaining(), 0u);
}

TEST(ByteIo, TruncationNamesFieldAndOffset)
{
  const std::vector<uint8_t> data = {1, 2, 3};
  ByteReader reader(data, 100);
  ASSERT_TRUE(reader.u16("first"));
  auto failed = reader.u32("second field");
  ASSERT_FALSE(failed);
  EXPECT_EQ(failed.error().code, ErrorCode::corrupt);
  EXPECT_NE(failed.error().message.find("offset 102"), std::string::npos) << failed.error().message;
  EXPECT_NE(failed.error().message.find("second field"), std::string::npos);
  EXPECT_FALSE(reader.bytes(5, "blob"));
}

} // namespace jitcache::util

#include "util/byte_io.hpp"
#include "util/hashing.hpp"
#include "util/zstd.hpp"

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

TEST(Hashing, Blake2bMatchesKnownDigest)
{
  // BLAKE2b-256 of the empty string, from the BLAKE2 reference test vectors.
  EXPECT_EQ(to_hex(blake2b_256({})),
            "0e5751c026e543b2e8ab2eb06099daa1d1e5df47778f7787faab45cdf12fe3a8");
  const std::string abc = "abc";
  EXPECT_EQ(to_hex(blake2b_256(std::span(reinterpret_cast<const uint8_t*>(abc.data()), 3))),
            "bddd813c634239723171ef3fee98579b94964e3bb1cb3e427262c8c068d52319");
}

TEST(Hashing, Xxh3DiffersOnOneBit)
{
  std::vector<uint8_t> data(1000, 7);
  const auto before = xxh3_128(data);
  data[500] ^= 1;
  EXPECT_NE(xxh3_128(data), before);
}

TEST(Zstd, RoundTripsAndRejectsWrongSizes)
{
  std::vector<uint8_t> data(10000);
  for (size_t i = 0; i < data.size(); ++i) {
    data[i] = static_cast<uint8_t>(i % 7);
  }
  const auto frame = zstd_compress(data, 3);
  EXPECT_LT(frame.size(), data.size());
  std::vector<uint8_t> out(data.size());
  ASSERT_TRUE(zstd_decompress(frame, out));
  EXPECT_EQ(out, data);

  std::vector<uint8_t> too_small(data.size() - 1);
  EXPECT_FALSE(zstd_decompress(frame, too_small));
  std::vector<uint8_t> garbage = {1, 2, 3, 4, 5, 6, 7, 8};
  EXPECT_FALSE(zstd_decompress(garbage, out));
  auto truncated = frame;
  truncated.resize(truncated.size() / 2);
  EXPECT_FALSE(zstd_decompress(truncated, out));
}

} // namespace jitcache::util

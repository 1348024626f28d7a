#include "core/entry_format.hpp"

#include "support/entries.hpp"

#include <gtest/gtest.h>

namespace jitcache::core {

using jitcache::testing::make_entry;
using jitcache::testing::reseal;

namespace {

Entry
rich_entry()
{
  Entry entry = make_entry("rich", 5000, "s0 % 16 == 0");
  entry.blobs.push_back({"empty", Bytes()});
  entry.blobs.push_back(
    {"random", Bytes::copy_of(std::string_view("\x01\x9f\xee\x10 not compressible"))});
  entry.compile_ms = 1234;
  return entry;
}

void
expect_same(const Entry& a, const Entry& b)
{
  EXPECT_EQ(a.kind, b.kind);
  EXPECT_EQ(a.key, b.key);
  EXPECT_EQ(a.guard, b.guard);
  EXPECT_EQ(a.created_ms, b.created_ms);
  EXPECT_EQ(a.compile_ms, b.compile_ms);
  EXPECT_EQ(a.producer, b.producer);
  EXPECT_EQ(a.signature, b.signature);
  ASSERT_EQ(a.details.size(), b.details.size());
  for (size_t i = 0; i < a.details.size(); ++i) {
    EXPECT_EQ(a.details[i].name, b.details[i].name);
    EXPECT_EQ(a.details[i].digest, b.details[i].digest);
    EXPECT_EQ(a.details[i].summary, b.details[i].summary);
  }
  ASSERT_EQ(a.blobs.size(), b.blobs.size());
  for (size_t i = 0; i < a.blobs.size(); ++i) {
    EXPECT_EQ(a.blobs[i].name, b.blobs[i].name);
    EXPECT_TRUE(a.blobs[i].data == b.blobs[i].data) << a.blobs[i].name;
  }
}

Expected<DecodedEntry>
decode(const std::vector<uint8_t>& bytes)
{
  return decode_entry(Bytes::copy_of(bytes));
}

} // namespace

TEST(EntryFormat, RoundTripsCompressedAndRaw)
{
  for (int level : {0, 1, 19, -3}) {
    const Entry entry = rich_entry();
    const auto bytes = encode_entry(entry, level).value();
    const auto decoded = decode(bytes).value();
    expect_same(entry, decoded.entry);
    EXPECT_EQ(decoded.encoded_size, bytes.size());
    if (level == 0 || level >= 1) {
      EXPECT_EQ(decoded.layout[0].codec, level == 0 ? BlobCodec::none : BlobCodec::zstd);
    }
    EXPECT_EQ(decoded.layout[1].codec, BlobCodec::none); // empty: not worth a frame
  }
}

TEST(EntryFormat, PayloadsUnderOneDiskBlockAreStoredAsIs)
{
  Entry entry = make_entry("small", 10);
  entry.blobs = {{"small", Bytes::copy_of(std::string(4095, 'z'))},
                 {"block", Bytes::copy_of(std::string(4096, 'z'))}};
  const auto decoded = decode(encode_entry(entry, 1).value()).value();
  EXPECT_EQ(decoded.layout[0].codec, BlobCodec::none);
  EXPECT_EQ(decoded.layout[1].codec, BlobCodec::zstd);
  expect_same(entry, decoded.entry);
}

TEST(EntryFormat, RoundTripsSignatureAndManyRecords)
{
  Entry first = make_entry("a", 10);
  first.signature = std::vector<uint8_t>(64, 0x5a);
  Entry second = make_entry("a", 20, "s0 >= 2");
  auto bytes = encode_entry(first, 1).value();
  const auto more = encode_entry(second, 1).value();
  bytes.insert(bytes.end(), more.begin(), more.end());
  const auto records = decode_entries(Bytes::copy_of(bytes)).value();
  ASSERT_EQ(records.size(), 2u);
  expect_same(first, records[0].entry);
  expect_same(second, records[1].entry);
}

TEST(EntryFormat, RecordsOfAnotherKeyAreRefusedWhereAKeysRecordsAreExpected)
{
  const Entry mine = make_entry("mine", 10);
  const Entry other = make_entry("other", 10);
  auto bytes = encode_entry(mine, 1).value();
  EXPECT_EQ(decode_entries_of(mine.key, Bytes::copy_of(bytes)).value().size(), 1u);
  const auto more = encode_entry(other, 1).value();
  bytes.insert(bytes.end(), more.begin(), more.end());
  const auto mixed = decode_entries_of(mine.key, Bytes::copy_of(bytes));
  ASSERT_FALSE(mixed.has_value());
  EXPECT_EQ(mixed.error().code, ErrorCode::corrupt);
  EXPECT_NE(mixed.error().message.find(other.key.to_hex()), std::string::npos)
    << mixed.error().message;
}

TEST(EntryFormat, UncompressedBlobsShareTheBuffer)
{
  const auto bytes = encode_entry(make_entry("x", 1000), 0).value();
  const auto buffer = Bytes::copy_of(bytes);
  const auto decoded = decode_entry(buffer).value();
  const auto& blob = decoded.entry.blobs[0].data;
  EXPECT_GE(blob.data(), buffer.data());
  EXPECT_LE(blob.data() + blob.size(), buffer.data() + buffer.size());
}

TEST(EntryFormat, EveryTruncationIsRejected)
{
  const auto bytes = encode_entry(rich_entry(), 1).value();
  for (size_t size = 0; size < bytes.size(); ++size) {
    std::vector<uint8_t> cut(bytes.begin(), bytes.begin() + static_cast<ptrdiff_t>(size));
    auto result = decode_entries(Bytes::copy_of(cut));
    ASSERT_FALSE(result) << "accepted a truncation to " << size << " bytes";
    EXPECT_EQ(result.error().code, ErrorCode::corrupt);
  }
}

TEST(EntryFormat, EverySingleBitFlipIsRejected)
{
  const auto bytes = encode_entry(make_entry("flip", 200, "s0 == s1"), 1).value();
  for (size_t bit = 0; bit < bytes.size() * 8; ++bit) {
    auto flipped = bytes;
    flipped[bit / 8] ^= static_cast<uint8_t>(1u << (bit % 8));
    auto result = decode_entries(Bytes::copy_of(flipped));
    ASSERT_FALSE(result) << "accepted a flip of bit " << bit;
  }
}

TEST(EntryFormat, ErrorsNameTheByteOffset)
{
  auto bytes = encode_entry(make_entry("x", 10), 0).value();
  bytes[0] = 'X';
  auto bad_magic = decode(bytes);
  ASSERT_FALSE(bad_magic);
  EXPECT_NE(bad_magic.error().message.find("byte offset 0"), std::string::npos)
    << bad_magic.error().message;
  EXPECT_NE(bad_magic.error().message.find("magic"), std::string::npos);

  bytes = encode_entry(make_entry("x", 10), 0).value();
  bytes[40] ^= 0xff;
  auto bad_sum = decode(bytes);
  ASSERT_FALSE(bad_sum);
  EXPECT_NE(bad_sum.error().message.find("checksum"), std::string::npos) << bad_sum.error().message;
}

TEST(EntryFormat, NewerVersionAndUnknownFlagsAreUnsupported)
{
  auto newer = encode_entry(make_entry("x", 10), 0).value();
  newer[4] = 2;
  reseal(newer);
  auto result = decode(newer);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::unsupported);
  EXPECT_NE(result.error().message.find("version 2"), std::string::npos);

  auto flagged = encode_entry(make_entry("x", 10), 0).value();
  flagged[6] = 0x01;
  reseal(flagged);
  EXPECT_EQ(decode(flagged).error().code, ErrorCode::unsupported);

  auto zero = encode_entry(make_entry("x", 10), 0).value();
  zero[4] = 0;
  reseal(zero);
  EXPECT_EQ(decode(zero).error().code, ErrorCode::corrupt);
}

TEST(EntryFormat, LimitsAreCheckedBeforeAllocating)
{
  // A blob that claims 2^62 bytes behind a valid checksum must be refused, not allocated.
  Entry entry = make_entry("x", 8);
  auto bytes = encode_entry(entry, 0).value();
  const auto decoded = decode(bytes).value();
  const size_t raw_size_at = bytes.size() - 2 - k_entry_checksum_size - 8 - 8 - 8;
  for (int i = 0; i < 8; ++i) {
    bytes[raw_size_at + i] = static_cast<uint8_t>((uint64_t{1} << 62) >> (8 * i));
  }
  reseal(bytes);
  auto result = decode(bytes);
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("exceeds the limit"), std::string::npos)
    << result.error().message;

  DecodeOptions tight;
  tight.limits.max_blob_size = 4;
  EXPECT_FALSE(decode_entry(Bytes::copy_of(encode_entry(entry, 0).value()), 0, tight));
}

TEST(EntryFormat, EncoderRefusesWhatTheFormatCannotHold)
{
  Entry entry = make_entry("x", 10);
  entry.kind = "Not A Kind";
  EXPECT_FALSE(encode_entry(entry, 1));
  entry = make_entry("x", 10);
  entry.producer = std::string(300, 'p');
  EXPECT_FALSE(encode_entry(entry, 1));
  entry = make_entry("x", 10);
  entry.blobs[0].name = std::string(256, 'b');
  EXPECT_FALSE(encode_entry(entry, 1));
}

TEST(EntryFormat, HeaderOnlyDecodingSkipsPayloads)
{
  const auto bytes = encode_entry(make_entry("x", 5000), 3).value();
  DecodeOptions options;
  options.decompress = false;
  const auto decoded = decode_entry(Bytes::copy_of(bytes), 0, options).value();
  EXPECT_TRUE(decoded.entry.blobs[0].data.empty());
  EXPECT_EQ(decoded.layout[0].raw_size, 5000u);
}

} // namespace jitcache::core

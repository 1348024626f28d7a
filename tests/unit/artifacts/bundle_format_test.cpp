#include "artifacts/bundle_format.hpp"

#include "support/entries.hpp"

#include <gtest/gtest.h>

namespace jitcache::artifacts {
namespace {

// One entry of each kind the reference JIT stores, and one of a kind no reader knows.
std::vector<Entry>
entries_of_every_kind()
{
  std::vector<Entry> entries;
  for (const char* kind : {"kernel", "graph", "toolchain", "pgo", "precompile", "future-kind"}) {
    entries.push_back(testing::make_entry(std::string("one ") + kind, 300, "", kind));
  }
  entries[1].guard = "args 1; a0 dtype 1 sizes [s0, 128]";
  entries[1].blobs.push_back({"library.loadable", Bytes::copy_of(std::string_view("ELF..."))});
  return entries;
}

std::vector<uint8_t>
bundle_of(const std::vector<Entry>& entries, const trust::SigningKey* signer = nullptr,
          const Target& target = Target{"x86_64", {}})
{
  BundleWriter writer;
  for (const auto& entry : entries) {
    EXPECT_TRUE(writer.add(entry, target, 3).has_value());
  }
  return writer.finish(signer);
}

Expected<Bundle>
read(const std::vector<uint8_t>& bytes, const BundleReadOptions& options = {})
{
  return read_bundle(Bytes::copy_of(bytes), options);
}

TEST(BundleFormat, EveryKindRoundTrips)
{
  const auto entries = entries_of_every_kind();
  auto bundle = read(bundle_of(entries));
  ASSERT_TRUE(bundle.has_value()) << bundle.error().message;
  ASSERT_EQ(bundle->items.size(), entries.size());
  for (size_t i = 0; i < entries.size(); ++i) {
    const auto& item = bundle->items[i];
    const auto entry = decode_item(item).value();
    EXPECT_EQ(item.manifest.kind, entries[i].kind);
    EXPECT_EQ(item.manifest.key, entries[i].key);
    EXPECT_EQ(item.manifest.target.to_text(), "x86_64");
    EXPECT_EQ(entry.kind, entries[i].kind);
    EXPECT_EQ(entry.key, entries[i].key);
    EXPECT_EQ(entry.guard, entries[i].guard);
    ASSERT_EQ(entry.blobs.size(), entries[i].blobs.size());
    for (size_t b = 0; b < entries[i].blobs.size(); ++b) {
      EXPECT_EQ(entry.blobs[b].name, entries[i].blobs[b].name);
      EXPECT_EQ(entry.blobs[b].data, entries[i].blobs[b].data);
    }
  }
  EXPECT_FALSE(bundle->signer.has_value());
}

TEST(BundleFormat, AnEmptyBundleReads)
{
  auto bundle = read(bundle_of({}));
  ASSERT_TRUE(bundle.has_value()) << bundle.error().message;
  EXPECT_TRUE(bundle->items.empty());
}

TEST(BundleFormat, EverySingleFlippedByteIsRejected)
{
  const auto key = trust::SigningKey::generate();
  const auto bytes = bundle_of({testing::make_entry("a", 64), testing::make_entry("b", 64)}, &key);
  ASSERT_TRUE(read(bytes).has_value());
  for (size_t at = 0; at < bytes.size(); ++at) {
    auto flipped = bytes;
    flipped[at] ^= 0x01;
    auto bundle = read(flipped);
    EXPECT_FALSE(bundle.has_value()) << "a flipped byte at offset " << at << " was accepted";
  }
}

TEST(BundleFormat, EveryTruncationIsRejectedWithItsOffset)
{
  const auto bytes = bundle_of({testing::make_entry("a", 64), testing::make_entry("b", 64)});
  for (size_t size = 0; size < bytes.size(); ++size) {
    auto bundle = read(std::vector<uint8_t>(bytes.begin(), bytes.begin() + size));
    ASSERT_FALSE(bundle.has_value()) << "a bundle cut at " << size << " bytes was accepted";
    EXPECT_NE(bundle.error().message.find("offset"), std::string::npos) << bundle.error().message;
  }
}

TEST(BundleFormat, ErrorsNameWhatIsWrongAndWhere)
{
  auto bytes = bundle_of({testing::make_entry("a", 64)});
  auto wrong_magic = bytes;
  wrong_magic[0] = 'X';
  EXPECT_NE(read(wrong_magic).error().message.find("not a jitcache bundle"), std::string::npos);

  auto newer = bytes;
  newer[8] = 2;
  auto refused = read(newer);
  EXPECT_EQ(refused.error().code, ErrorCode::unsupported);
  EXPECT_NE(refused.error().message.find("version 2"), std::string::npos);

  auto trailing = bytes;
  trailing.push_back(0);
  EXPECT_NE(read(trailing).error().message.find("1 bytes after the end"), std::string::npos);

  // The manifest's second line: "artifact kernel <key> ..." with the kind changed.
  auto renamed = bytes;
  const std::string word = "artifact kernel";
  auto at = std::search(renamed.begin(), renamed.end(), word.begin(), word.end());
  ASSERT_NE(at, renamed.end());
  *(at + 9) = 'K';
  auto bad_kind = read(renamed);
  ASSERT_FALSE(bad_kind.has_value());
  EXPECT_NE(bad_kind.error().message.find("manifest line 2"), std::string::npos)
    << bad_kind.error().message;
}

TEST(BundleFormat, ASignatureByATrustedKeyIsRequiredWhenAskedFor)
{
  const auto writer_key = trust::SigningKey::generate();
  const auto stranger = trust::SigningKey::generate();
  const std::vector<Entry> entries = {testing::make_entry("a", 64)};
  BundleReadOptions options;
  options.trusted = {writer_key.public_key()};
  options.require_trusted_signature = true;

  auto trusted = read(bundle_of(entries, &writer_key), options);
  ASSERT_TRUE(trusted.has_value()) << trusted.error().message;
  EXPECT_TRUE(trusted->trusted);
  EXPECT_EQ(trusted->signer, writer_key.public_key());

  auto other = read(bundle_of(entries, &stranger), options);
  ASSERT_FALSE(other.has_value());
  EXPECT_NE(other.error().message.find("not a trusted key"), std::string::npos);

  auto unsigned_bundle = read(bundle_of(entries), options);
  ASSERT_FALSE(unsigned_bundle.has_value());
  EXPECT_NE(unsigned_bundle.error().message.find("unsigned"), std::string::npos);

  // Not required: a stranger's bundle reads, and says it is not trusted.
  options.require_trusted_signature = false;
  auto shown = read(bundle_of(entries, &stranger), options);
  ASSERT_TRUE(shown.has_value());
  EXPECT_FALSE(shown->trusted);
}

TEST(BundleFormat, ARecordThatIsNotItsManifestLineIsRejected)
{
  // Two entries whose records are swapped after the manifest was written: sizes differ, so
  // the digests (or the kinds and keys) no longer match their lines.
  BundleWriter writer;
  const auto a = testing::make_entry("a", 64);
  const auto b = testing::make_entry("b", 64);
  ASSERT_TRUE(writer.add(a, Target{}, 0).has_value());
  ASSERT_TRUE(writer.add(b, Target{}, 0).has_value());
  auto bytes = writer.finish(nullptr);
  const auto record_a = core::encode_entry(a, 0).value();
  const auto record_b = core::encode_entry(b, 0).value();
  auto at = std::search(bytes.begin(), bytes.end(), record_a.begin(), record_a.end());
  ASSERT_NE(at, bytes.end());
  std::copy(record_b.begin(), record_b.end(), at);
  auto bundle = read(bytes);
  ASSERT_FALSE(bundle.has_value());
  EXPECT_NE(bundle.error().message.find("digest is not the manifest's"), std::string::npos)
    << bundle.error().message;
}

} // namespace
} // namespace jitcache::artifacts

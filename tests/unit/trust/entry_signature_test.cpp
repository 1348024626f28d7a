// Signatures cover an entry's canonical form: they survive re-compression, a library moved
// between a loadable file and an inline blob, and blobs in another order, and break on any
// change to what the entry says or holds.
#include "trust/entry_signature.hpp"

#include "core/content_digest.hpp"
#include "core/entry_format.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

namespace jitcache::trust {
namespace {

const std::string k_library(20000, 'L');

// A graph entry as the runtime writes it: its library in a loadable file, named by digest.
Entry
graph_entry()
{
  KeyBuilder builder;
  builder.add_string("graph", "g");
  Entry entry;
  entry.kind = "graph";
  entry.key = builder.build();
  entry.guard = "a0.dim0 == 4";
  const auto library =
    std::span(reinterpret_cast<const uint8_t*>(k_library.data()), k_library.size());
  entry.blobs = {Blob{"plan", Bytes::copy_of(std::string_view("plan text"))},
                 Blob{"library_file", Bytes::copy_of(core::content_digest(library).to_hex())}};
  return entry;
}

Entry
reencoded(const Entry& entry, int level)
{
  const auto bytes = core::encode_entry(entry, level).value();
  return core::decode_entry(Bytes::adopt(std::vector<uint8_t>(bytes))).value().entry;
}

TEST(EntrySignature, SurvivesTheWaysAnEntryTravels)
{
  const auto key = SigningKey::generate();
  const std::vector<PublicKey> trusted = {key.public_key()};
  Entry signed_entry = graph_entry();
  sign_entry(signed_entry, key);
  EXPECT_EQ(signed_entry.signature.size(), k_entry_signature_size);
  EXPECT_EQ(verify_entry(signed_entry, trusted), Verdict::trusted);

  // Re-compressed at other levels.
  EXPECT_EQ(verify_entry(reencoded(signed_entry, 0), trusted), Verdict::trusted);
  EXPECT_EQ(verify_entry(reencoded(signed_entry, 19), trusted), Verdict::trusted);
  // The library inline, on its way to a remote tier, or kept inline by a read-only cache.
  Entry travelling = signed_entry;
  travelling.blobs[1] = Blob{"library.loadable", Bytes::copy_of(k_library)};
  EXPECT_EQ(verify_entry(travelling, trusted), Verdict::trusted);
  travelling.blobs[1] = Blob{"library", Bytes::copy_of(k_library)};
  EXPECT_EQ(verify_entry(travelling, trusted), Verdict::trusted);
  // Blobs in another order.
  Entry reordered = signed_entry;
  std::swap(reordered.blobs[0], reordered.blobs[1]);
  EXPECT_EQ(verify_entry(reordered, trusted), Verdict::trusted);
  // What is not part of the artifact may change: when and by whom it was written.
  Entry restamped = signed_entry;
  restamped.created_ms += 1000;
  restamped.producer = "another writer";
  EXPECT_EQ(verify_entry(restamped, trusted), Verdict::trusted);
}

TEST(EntrySignature, BreaksOnAnyChangeToWhatTheEntrySaysOrHolds)
{
  const auto key = SigningKey::generate();
  const std::vector<PublicKey> trusted = {key.public_key()};
  Entry signed_entry = graph_entry();
  sign_entry(signed_entry, key);

  auto changed = [&](auto change) {
    Entry entry = signed_entry;
    change(entry);
    return verify_entry(entry, trusted);
  };
  EXPECT_EQ(changed([](Entry& e) { e.guard = "a0.dim0 == 5"; }), Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) { e.kind = "kernel"; }), Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) { e.key = KeyBuilder().add_string("x", "y").build(); }),
            Verdict::bad_signature);
  EXPECT_EQ(
    changed([](Entry& e) { e.blobs[0].data = Bytes::copy_of(std::string_view("plan tex!")); }),
    Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) {
              e.blobs[1] = Blob{"library.loadable", Bytes::copy_of(k_library + "x")};
            }),
            Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) {
              e.blobs.push_back(Blob{"extra", Bytes()});
            }),
            Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) { e.signature.back() ^= 1; }), Verdict::bad_signature);
  EXPECT_EQ(changed([](Entry& e) { e.signature.clear(); }), Verdict::unsigned_entry);
  EXPECT_EQ(verify_entry(signed_entry, std::vector<PublicKey>{SigningKey::generate().public_key()}),
            Verdict::unknown_signer);
  EXPECT_EQ(verify_entry(graph_entry(), trusted), Verdict::unsigned_entry);
}

} // namespace
} // namespace jitcache::trust

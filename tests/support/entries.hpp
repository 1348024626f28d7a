// Builders for test entries.
#pragma once

#include "core/entry_format.hpp"
#include "util/hashing.hpp"

#include <jitcache/entry.hpp>
#include <jitcache/key_builder.hpp>

#include <random>
#include <string>

namespace jitcache::testing {

inline Entry
make_entry(const std::string& name, size_t payload_size = 100, const std::string& guard = {},
           const std::string& kind = "kernel")
{
  KeyBuilder builder;
  builder.add_string("kind", kind).add_string("name", name);
  Entry entry;
  entry.kind = kind;
  entry.key = builder.build();
  entry.details = builder.details();
  entry.guard = guard;
  entry.created_ms = 1'700'000'000'000;
  entry.compile_ms = 42;
  entry.producer = "jitcache tests";
  std::vector<uint8_t> payload(payload_size);
  std::mt19937 generator(static_cast<unsigned>(std::hash<std::string>{}(name + guard)));
  for (auto& byte : payload) {
    byte = static_cast<uint8_t>(generator() % 16); // compressible, but not trivially
  }
  entry.blobs.push_back({"data", Bytes::adopt(std::move(payload))});
  return entry;
}

// Rewrites the checksum of the first record in `bytes` after a test changed the bytes it
// covers, so that the test reaches the check it means to exercise.
inline void
reseal(std::vector<uint8_t>& bytes)
{
  uint64_t checked_size = 0;
  for (int i = 0; i < 8; ++i) {
    checked_size |= uint64_t{bytes[8 + i]} << (8 * i);
  }
  const size_t at = checked_size - core::k_entry_checksum_size;
  const auto sum = util::xxh3_128(std::span(bytes).first(at));
  for (size_t i = 0; i < 8; ++i) {
    bytes[at + i] = static_cast<uint8_t>(sum.low >> (8 * i));
    bytes[at + 8 + i] = static_cast<uint8_t>(sum.high >> (8 * i));
  }
}

} // namespace jitcache::testing

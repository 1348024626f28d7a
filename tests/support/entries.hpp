// Builders for test entries.
#pragma once

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

} // namespace jitcache::testing

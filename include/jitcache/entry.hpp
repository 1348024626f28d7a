// Entry: one cached artifact variant, as a store keeps it (the record: docs/formats.md).
// Several variants may share a key when their guard expressions differ.
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/key.hpp>
#include <jitcache/key_builder.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace jitcache {

struct Blob {
  std::string name;
  Bytes data;
};

struct Entry {
  std::string kind; // artifact kind: "kernel", "graph", "pgo", "blob", ...
  Key key;
  std::string guard;              // guard expression; empty means "always applies"
  KeyDetails details;             // how the key was built, for explaining misses
  std::vector<Blob> blobs;        // named payloads
  int64_t created_ms = 0;         // Unix time in milliseconds
  uint64_t compile_ms = 0;        // what producing the artifact cost: counted as time saved on hits
  std::string producer;           // the writer's name and version
  std::vector<uint8_t> signature; // stored and read back; nothing signs or checks it yet

  const Blob* find_blob(std::string_view name) const;
};

} // namespace jitcache

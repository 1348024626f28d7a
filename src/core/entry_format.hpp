// The entry record: one binary format for an entry on disk, on the wire and in bundles.
//
// Grammar (all integers little-endian; strN is a uN length followed by that many bytes):
//
//   entry      := checked signature
//   checked    := fixed body checksum
//   fixed      := magic:"JCEN" version:u16 flags:u16 checked_size:u64
//   body       := kind:str8 created_ms:u64 compile_ms:u64 producer:str8 key:byte[32]
//                 guard:str32 details blobs
//   details    := count:u16 component{count}
//   component  := name:str8 digest:byte[32] summary:str16
//   blobs      := count:u16 blob{count}
//   blob       := name:str8 codec:u8 raw_size:u64 stored_size:u64 data:byte[stored_size]
//   checksum   := XXH3-128 of fixed and body, as low:u64 high:u64
//   signature  := size:u16 byte[size]          (size is 0 until entries are signed)
//
// checked_size is the length of `checked`. codec 0 stores data as is; codec 1 is one zstd
// frame whose content is raw_size bytes. created_ms is Unix time; compile_ms is what the
// artifact cost to produce. A local cache file holds one or more entries of one key back to
// back (its guarded variants, newest first).
//
// Versions: this is version 1. `fixed` and the checksum's place are frozen for all
// versions. A reader verifies the checksum first (a mismatch is corruption), then rejects a
// newer version, or a flag bit it does not know, as "unsupported": a miss, and the entry is
// left alone for the newer reader that wrote it.
#pragma once

#include <jitcache/bytes.hpp>
#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>

#include <cstdint>
#include <span>
#include <vector>

namespace jitcache::core {

inline constexpr uint16_t k_entry_format_version = 1;
inline constexpr size_t k_entry_fixed_size = 16;
inline constexpr size_t k_entry_checksum_size = 16;

enum class BlobCodec : uint8_t { none = 0, zstd = 1 };

// Bounds the decoder checks before it allocates anything.
struct DecodeLimits {
  size_t max_kind_size = 64;
  size_t max_guard_size = size_t{1} << 20;
  size_t max_components = 1024;
  size_t max_blobs = 1024;
  uint64_t max_blob_size = uint64_t{1} << 30;      // uncompressed, per blob
  uint64_t max_total_raw_size = uint64_t{4} << 30; // uncompressed, per entry
};

struct DecodeOptions {
  bool verify_checksum = true;
  bool decompress = true; // false: blobs come back empty, only their layout is filled
  DecodeLimits limits;
};

struct BlobLayout {
  BlobCodec codec = BlobCodec::none;
  uint64_t raw_size = 0;
  uint64_t stored_size = 0;
};

struct DecodedEntry {
  Entry entry;
  std::vector<BlobLayout> layout; // one per blob
  size_t encoded_size = 0;        // bytes of the whole record, signature included
};

// Encodes `entry`, compressing each blob at `compression_level` (0: no compression) when
// that makes it smaller. Fails on fields the format cannot hold (a 300-byte kind, ...).
Expected<std::vector<uint8_t>> encode_entry(const Entry& entry, int compression_level);

// Decodes the record that starts at `offset` in `buffer`. Uncompressed blobs are slices of
// `buffer`. Every error says what was wrong and at which byte offset.
Expected<DecodedEntry> decode_entry(const Bytes& buffer, size_t offset = 0,
                                    const DecodeOptions& options = {});

// Decodes records back to back until the end of `buffer`.
Expected<std::vector<DecodedEntry>> decode_entries(const Bytes& buffer,
                                                   const DecodeOptions& options = {});

// decode_entries for the value stored under `key`: a record of another key is an error
// (corrupt: "it holds an entry for key ..."), since someone wrote it there or a server mixed
// keys up.
Expected<std::vector<DecodedEntry>> decode_entries_of(const Key& key, const Bytes& buffer,
                                                      const DecodeOptions& options = {});

// Checks an artifact kind: 1 to 64 characters of [a-z0-9_-].
Expected<void> validate_kind(std::string_view kind);

} // namespace jitcache::core

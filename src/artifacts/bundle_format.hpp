// The bundle: many entries in one file, to warm a fresh machine in one read (docs/formats.md,
// "Bundles").
//
//   bundle    := header manifest records trailer
//   header    := magic:"JCBUNDLE" version:u16 flags:u16 manifest_size:u32
//   manifest  := manifest_size bytes of text:
//                  "jitcache-bundle 1" LF
//                  { "artifact" SP kind SP key SP size SP digest SP target LF }
//   records   := one entry record (core/entry_format.hpp) per manifest line, in its order,
//                each exactly `size` bytes, whose BLAKE2b-256 is `digest` (64 hex digits)
//   trailer   := checksum:byte[32] signature_size:u16 signature:byte[signature_size]
//   checksum  := BLAKE2b-256 of header and manifest, which names every record's digest: it
//                covers the records through them, and each record is hashed once
//   signature := signer's public key:byte[32] Ed25519 signature:byte[64] of
//                "jitcache bundle 1" 0x00 checksum                (signature_size 0 or 96)
//
// Integers are little-endian; `key` is 64 hex digits, `target` as in target.hpp. A record's
// kind and key must be its manifest line's. read_bundle() checks everything in one forward
// pass over the bytes before it returns anything, so a caller installs a whole bundle or
// nothing.
//
// Versions: this is version 1. A newer version, or a flag bit this reader does not know, is
// refused as unsupported; an artifact kind the reader does not know is the installer's
// business (artifacts/kind_registry.hpp: skipped with one warning).
#pragma once

#include "artifacts/target.hpp"
#include "core/entry_format.hpp"
#include "trust/signing_key.hpp"

#include <jitcache/bytes.hpp>
#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>

#include <optional>
#include <span>
#include <string>
#include <vector>

namespace jitcache::artifacts {

inline constexpr uint16_t k_bundle_format_version = 1;

struct ManifestItem {
  std::string kind;
  Key key;
  uint64_t size = 0; // bytes of the entry record
  Digest digest{};   // BLAKE2b-256 of the entry record
  Target target;
};

class BundleWriter {
public:
  // Appends `entry` as a record compressed at `compression_level` (0: none); fails on
  // fields the entry format cannot hold.
  Expected<void> add(const Entry& entry, const Target& target, int compression_level);
  // The bundle's bytes, signed by `signer` when given.
  std::vector<uint8_t> finish(const trust::SigningKey* signer) const;

  const std::vector<ManifestItem>&
  manifest() const
  {
    return m_manifest;
  }

private:
  std::vector<ManifestItem> m_manifest;
  std::vector<uint8_t> m_records;
};

struct BundleItem {
  ManifestItem manifest;
  Bytes record; // the entry record, checked: digest, checksum, every field and size
  Entry entry;  // its fields; each blob's name, but not its data (decode_item() reads that)
};

// The item's entry with its blobs' data, decompressed: what a kind that uses the artifact
// reads, when it uses it (a bundle's unused kernels are never decompressed). Fails only on a
// compressed blob that does not decompress to its declared size.
Expected<Entry> decode_item(const BundleItem& item);

struct Bundle {
  uint16_t version = k_bundle_format_version;
  std::vector<BundleItem> items; // in the manifest's order
  std::optional<trust::PublicKey> signer;
  bool trusted = false; // signed by one of the trusted keys given to read_bundle
};

struct BundleReadOptions {
  std::vector<trust::PublicKey> trusted;
  bool require_trusted_signature = false; // an unsigned bundle, or another key's, is an error
  core::DecodeLimits limits;
};

// Why `bundle` may not be used where a trusted signature is required (unsigned, or signed by
// a key that is not trusted), or nullopt.
std::optional<std::string> why_untrusted(const Bundle& bundle);

// Checks a whole bundle. Every error says what was wrong and at which byte
// offset (or manifest line); nothing is returned unless everything passed.
Expected<Bundle> read_bundle(const Bytes& bytes, const BundleReadOptions& options = {});

} // namespace jitcache::artifacts

// Signing entries. What is signed is the entry's canonical form, not the bytes of one
// encoding, so a signature survives the ways an entry travels: re-compression at another
// level, a library moved between a loadable file and an inline blob (core/loadable_blobs.hpp),
// other variants stored beside it under the same key.
//
//   canonical := "jitcache signed entry 1" 0x00 key:byte[32] text(kind) text(guard)
//                count:u32 { text(blob name) digest:byte[32] }   blobs sorted by name
//   text      := size:u32 byte[size]                             (little-endian integers)
//
// A library blob is named without its suffix (X for X_file, X.loadable and X) and covered by
// its content digest (core/content_digest.hpp), which for X_file is the file's name: a file
// loaded where it lies is checked against that name before it is loaded.
//
// The entry's signature slot holds the signer's public key (32 bytes), then the Ed25519
// signature of the canonical form (64 bytes).
#pragma once

#include "trust/signing_key.hpp"

#include <jitcache/entry.hpp>

#include <span>
#include <string_view>
#include <vector>

namespace jitcache::trust {

inline constexpr size_t k_entry_signature_size = k_public_key_size + k_signature_size;

std::vector<uint8_t> canonical_form(const Entry& entry);

// Fills the entry's signature slot with `key`'s signature.
void sign_entry(Entry& entry, const SigningKey& key);

enum class Verdict { trusted, unsigned_entry, unknown_signer, bad_signature };

// Whether one of `trusted` signed the entry as it is now.
Verdict verify_entry(const Entry& entry, std::span<const PublicKey> trusted);

// "unsigned", "signed by a key that is not trusted", ...
std::string_view describe(Verdict verdict);

} // namespace jitcache::trust

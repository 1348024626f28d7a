// Ed25519 keys (libsodium): a SigningKey signs what a writer produces, PublicKeys are what a
// reader trusts. A public key is written as 64 hex digits; a secret key file holds one line,
// "jitcache-ed25519-secret-key <128 hex digits>", readable by its owner only.
#pragma once

#include <jitcache/error.hpp>

#include <array>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::trust {

inline constexpr size_t k_public_key_size = 32;
inline constexpr size_t k_signature_size = 64;

struct PublicKey {
  std::array<uint8_t, k_public_key_size> bytes{};

  std::string to_text() const; // 64 hex digits
  // 64 hex digits (either case); the error names the text and what is wrong with it.
  static Expected<PublicKey> parse(std::string_view text);
  bool operator==(const PublicKey&) const = default;
};

// Parses public keys separated by spaces or commas (the trusted_keys setting).
Expected<std::vector<PublicKey>> parse_public_keys(std::string_view text);

using Signature = std::array<uint8_t, k_signature_size>;

class SigningKey {
public:
  static SigningKey generate();
  // Reads a secret key file; the error names the file and what is wrong with it.
  static Expected<SigningKey> load(const std::filesystem::path& path);
  // Writes the secret key file, created readable by its owner only (0600); fails if the file
  // exists, so a key is never overwritten by accident.
  Expected<void> save(const std::filesystem::path& path) const;

  const PublicKey&
  public_key() const
  {
    return m_public;
  }
  Signature sign(std::span<const uint8_t> message) const;

private:
  std::array<uint8_t, 64> m_secret{}; // libsodium's secret key: the seed, then the public key
  PublicKey m_public;
};

// Whether `signature` is `signer`'s over `message`.
bool verify_signature(const PublicKey& signer, std::span<const uint8_t> message,
                      const Signature& signature);

} // namespace jitcache::trust

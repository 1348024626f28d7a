#include "trust/signing_key.hpp"

#include "util/files.hpp"
#include "util/hex.hpp"

#include <fmt/format.h>

#include <sodium.h>

#include <fcntl.h>
#include <unistd.h>

#include <cstring>

namespace jitcache::trust {

namespace {

constexpr std::string_view k_secret_header = "jitcache-ed25519-secret-key ";

void
ready()
{
  // Idempotent and thread-safe; -1 only when the library cannot work at all.
  if (sodium_init() < 0) {
    throw std::runtime_error("libsodium failed to initialize");
  }
}

} // namespace

std::string
PublicKey::to_text() const
{
  return util::to_hex(bytes);
}

Expected<PublicKey>
PublicKey::parse(std::string_view text)
{
  if (text.size() != 2 * k_public_key_size) {
    return make_error(
      ErrorCode::config,
      fmt::format("public key '{}' is not 64 hex digits ({} characters)", text, text.size()));
  }
  auto bytes = util::from_hex(text);
  if (!bytes) {
    return make_error(ErrorCode::config,
                      fmt::format("public key '{}': {}", text, bytes.error().message));
  }
  PublicKey key;
  std::memcpy(key.bytes.data(), bytes->data(), k_public_key_size);
  return key;
}

Expected<std::vector<PublicKey>>
parse_public_keys(std::string_view text)
{
  std::vector<PublicKey> keys;
  size_t at = 0;
  while (at < text.size()) {
    const auto start = text.find_first_not_of(" ,\t\n", at);
    if (start == std::string_view::npos) {
      break;
    }
    const auto end = std::min(text.find_first_of(" ,\t\n", start), text.size());
    auto key = PublicKey::parse(text.substr(start, end - start));
    if (!key) {
      return std::unexpected(key.error());
    }
    keys.push_back(*key);
    at = end;
  }
  return keys;
}

SigningKey
SigningKey::generate()
{
  ready();
  SigningKey key;
  crypto_sign_keypair(key.m_public.bytes.data(), key.m_secret.data());
  return key;
}

Expected<SigningKey>
SigningKey::load(const std::filesystem::path& path)
{
  auto bytes = util::read_file(path);
  if (!bytes) {
    return make_error(ErrorCode::config,
                      fmt::format("signing key {}: {}", path.string(), bytes.error().message));
  }
  std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r' || text.back() == ' ')) {
    text.remove_suffix(1);
  }
  if (!text.starts_with(k_secret_header)) {
    return make_error(ErrorCode::config,
                      fmt::format("signing key {}: not a jitcache secret key file (it should "
                                  "start with '{}'; `jitcache keygen` writes one)",
                                  path.string(), k_secret_header));
  }
  auto secret = util::from_hex(text.substr(k_secret_header.size()));
  if (!secret || secret->size() != 64) {
    return make_error(ErrorCode::config,
                      fmt::format("signing key {}: the key is not 128 hex digits", path.string()));
  }
  ready();
  SigningKey key;
  std::memcpy(key.m_secret.data(), secret->data(), key.m_secret.size());
  crypto_sign_ed25519_sk_to_pk(key.m_public.bytes.data(), key.m_secret.data());
  sodium_memzero(secret->data(), secret->size());
  return key;
}

Expected<void>
SigningKey::save(const std::filesystem::path& path) const
{
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    return make_error(ErrorCode::io,
                      fmt::format("cannot create {}: {}", path.string(), std::strerror(errno)));
  }
  const std::string text = fmt::format("{}{}\n", k_secret_header, util::to_hex(m_secret));
  const bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  const bool closed = ::close(fd) == 0;
  if (!written || !closed) {
    return make_error(ErrorCode::io,
                      fmt::format("cannot write {}: {}", path.string(), std::strerror(errno)));
  }
  return {};
}

Signature
SigningKey::sign(std::span<const uint8_t> message) const
{
  ready();
  Signature signature{};
  crypto_sign_detached(signature.data(), nullptr, message.data(), message.size(), m_secret.data());
  return signature;
}

bool
verify_signature(const PublicKey& signer, std::span<const uint8_t> message,
                 const Signature& signature)
{
  ready();
  return crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                     signer.bytes.data()) == 0;
}

} // namespace jitcache::trust

#include "util/hashing.hpp"

#include "util/xxh3_wide.hpp"

#include <sodium.h>

#include <stdexcept>

namespace jitcache::util {

namespace {

void
ensure_sodium_initialized()
{
  // sodium_init is thread-safe and idempotent; it returns -1 only if the library is unusable.
  static const bool k_ready = sodium_init() >= 0;
  if (!k_ready) {
    throw std::runtime_error("libsodium failed to initialize");
  }
}

} // namespace

Blake2b::Blake2b()
{
  ensure_sodium_initialized();
  crypto_generichash_init(&m_state, nullptr, 0, k_digest_size);
}

Blake2b&
Blake2b::update(std::span<const uint8_t> data)
{
  crypto_generichash_update(&m_state, data.data(), data.size());
  return *this;
}

Blake2b&
Blake2b::update(std::string_view text)
{
  return update(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
}

Blake2b&
Blake2b::update_u8(uint8_t value)
{
  return update(std::span(&value, 1));
}

Blake2b&
Blake2b::update_u32(uint32_t value)
{
  uint8_t bytes[4];
  for (int i = 0; i < 4; ++i) {
    bytes[i] = static_cast<uint8_t>(value >> (8 * i));
  }
  return update(bytes);
}

Blake2b&
Blake2b::update_u64(uint64_t value)
{
  uint8_t bytes[8];
  for (int i = 0; i < 8; ++i) {
    bytes[i] = static_cast<uint8_t>(value >> (8 * i));
  }
  return update(bytes);
}

Digest
Blake2b::finish()
{
  Digest digest;
  crypto_generichash_final(&m_state, digest.data(), digest.size());
  return digest;
}

Digest
blake2b_256(std::span<const uint8_t> data)
{
  return Blake2b().update(data).finish();
}

namespace {

using Xxh3Function = XXH128_hash_t (*)(const void*, size_t) noexcept;

XXH128_hash_t
xxh3_128_baseline(const void* data, size_t size) noexcept
{
  return XXH3_128bits(data, size);
}

// Checksums cover whole entries and artifacts, where AVX2 or AVX-512 read a 64 KiB entry in
// cache several times faster than SSE2 (docs/benchmarks.md). libxxhash.so makes the same choice
// at run time, but loading it would cost every start more than it saves; its static archive has
// no such choice. The CPU's features come from libsodium, which probes them once in
// sodium_init (keys need it anyway): GCC's __builtin_cpu_supports would link in a constructor
// that asks the CPU again at every start, and in a virtual machine each CPUID instruction traps
// to the hypervisor (8 µs here).
Xxh3Function
widest_xxh3_128()
{
#if defined(__x86_64__)
  ensure_sodium_initialized();
  if (sodium_runtime_has_avx512f() != 0) {
    return xxh3_128_avx512;
  }
  if (sodium_runtime_has_avx2() != 0) {
    return xxh3_128_avx2;
  }
#endif
  return xxh3_128_baseline;
}

} // namespace

Checksum128
xxh3_128(std::span<const uint8_t> data)
{
  static const Xxh3Function k_xxh3_128 = widest_xxh3_128();
  const XXH128_hash_t hash = k_xxh3_128(data.data(), data.size());
  return {hash.low64, hash.high64};
}

} // namespace jitcache::util

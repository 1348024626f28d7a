#include "util/hashing.hpp"
#include "util/xxh3_wide.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <initializer_list>
#include <vector>

namespace jitcache::util {
namespace {

std::vector<uint8_t>
pattern(size_t size)
{
  std::vector<uint8_t> bytes(size);
  for (size_t i = 0; i < size; ++i) {
    bytes[i] = static_cast<uint8_t>(i * 31 + 7);
  }
  return bytes;
}

} // namespace

// Expected values from libxxhash.so (XXH3_128bits) on the same bytes: checksums written by any
// build or CPU must verify on any other.
TEST(Xxh3, ChecksumMatchesLibxxhash)
{
  struct Case {
    size_t size;
    Checksum128 expected;
  };
  const Case cases[] = {
    {0, {0x6001c324468d497fULL, 0x99aa06d3014798d8ULL}},
    {3, {0x15f7093b173d005cULL, 0x46f66cb935381565ULL}},
    {100, {0xd61d8dbff22d515fULL, 0x7f5a1f03462e52b4ULL}},
    {200, {0x60ea018811f9a437ULL, 0x8d8629a1aef9ef90ULL}},
    {65536, {0xcf188822048798b0ULL, 0x2c7dfeea59d29a74ULL}},
    {100003, {0xe0950e66cf107fe8ULL, 0xcb5ebd34f7252f19ULL}},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(xxh3_128(pattern(c.size)), c.expected) << c.size << " bytes";
  }
}

// Every variant this CPU runs gives the baseline's hash at every length class of XXH3 (short,
// mid, long with partial and whole blocks) and at every alignment.
TEST(Xxh3, WideVariantsAgreeWithTheBaseline)
{
  using Variant = XXH128_hash_t (*)(const void*, size_t) noexcept;
  std::vector<std::pair<const char*, Variant>> variants;
#if defined(__x86_64__)
  if (__builtin_cpu_supports("avx2")) {
    variants.emplace_back("avx2", xxh3_128_avx2);
  }
  if (__builtin_cpu_supports("avx512f")) {
    variants.emplace_back("avx512", xxh3_128_avx512);
  }
#endif
  if (variants.empty()) {
    GTEST_SKIP() << "this CPU runs only the baseline XXH3";
  }
  const std::vector<uint8_t> bytes = pattern(70000);
  for (size_t size :
       std::initializer_list<size_t>{0, 1, 4, 9, 17, 129, 241, 1024, 1025, 4096, 65536, 69999}) {
    for (size_t offset : std::initializer_list<size_t>{0, 1, 7}) {
      const XXH128_hash_t expected = XXH3_128bits(bytes.data() + offset, size);
      for (const auto& [name, variant] : variants) {
        const XXH128_hash_t actual = variant(bytes.data() + offset, size);
        EXPECT_TRUE(XXH128_isEqual(actual, expected))
          << name << ", " << size << " bytes at +" << offset;
      }
    }
  }
}

} // namespace jitcache::util

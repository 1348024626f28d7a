#include "guards/call_key.hpp"

// Header-only XXH3 from Debian's libxxhash-dev, inlined: hashing ~100 bytes should not cost
// a call through the PLT.
#define XXH_INLINE_ALL
#include <xxhash.h>

#include <bit>

namespace jitcache::guards {

namespace {

uint64_t
real_bits(double value)
{
  if (value != value) {
    return 0x7FF8000000000000ULL;
  }
  return value == 0 ? 0 : std::bit_cast<uint64_t>(value);
}

constexpr uint64_t k_tensor = uint64_t{1} << 16U;
constexpr uint64_t k_integer = uint64_t{2} << 16U;
constexpr uint64_t k_real = uint64_t{3} << 16U;

} // namespace

bool
CallKey::pack(std::span<const ArgView> args)
{
  size_t size = 0;
  m_words[size++] = args.size();
  for (const ArgView& arg : args) {
    if (size + 2 + arg.rank > k_capacity) {
      m_size = 0;
      return false;
    }
    switch (arg.kind) {
    case ArgView::Kind::tensor:
      m_words[size++] = k_tensor | (uint64_t{arg.dtype} << 8U) | arg.rank;
      for (uint8_t d = 0; d < arg.rank; ++d) {
        m_words[size++] = static_cast<uint64_t>(arg.sizes[d]);
      }
      break;
    case ArgView::Kind::integer:
      m_words[size++] = k_integer;
      m_words[size++] = static_cast<uint64_t>(arg.integer);
      break;
    case ArgView::Kind::real:
      m_words[size++] = k_real;
      m_words[size++] = real_bits(arg.real);
      break;
    }
  }
  m_size = size;
  return true;
}

uint64_t
hash_words(std::span<const uint64_t> words)
{
  return XXH3_64bits(words.data(), words.size_bytes());
}

uint64_t
CallKey::hash() const
{
  return hash_words(words());
}

} // namespace jitcache::guards

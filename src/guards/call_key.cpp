#include "guards/call_key.hpp"

#include "util/xxh3.hpp"

namespace jitcache::guards {

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
    m_words[size++] = header(arg);
    if (arg.kind == ArgView::Kind::tensor) {
      for (uint8_t d = 0; d < arg.rank; ++d) {
        m_words[size++] = static_cast<uint64_t>(arg.sizes[d]);
      }
    } else {
      m_words[size++] = scalar_word(arg);
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

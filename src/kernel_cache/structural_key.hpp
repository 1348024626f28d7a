// StructuralKey: a 128-bit hash of a normalized graph's structure (operations, their order,
// dtypes, ranks and attributes; no value names, no sizes), built by feeding the structure
// to a StructureHasher token by token, so no text is built on the hot path. 128 bits make an
// accidental collision negligible among the graphs of a process.
#pragma once

// The inline XXH3 makes the state type complete: a StructureHasher lives on the stack, with no
// allocation.
#include "util/xxh3.hpp"

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace jitcache::kernel_cache {

struct StructuralKey {
  uint64_t low = 0;
  uint64_t high = 0;
  bool operator==(const StructuralKey&) const = default;
  std::string to_hex() const;
};

struct StructuralKeyHash {
  size_t
  operator()(const StructuralKey& key) const
  {
    return static_cast<size_t>(key.low);
  }
};

class StructureHasher {
public:
  StructureHasher() { XXH3_128bits_reset(&m_state); }

  // Words are gathered and hashed a block at a time: one update per word cost more than
  // the rest of a structural key.
  StructureHasher&
  add(uint64_t value)
  {
    if (m_count == m_words.size()) {
      flush();
    }
    m_words[m_count++] = value;
    return *this;
  }
  StructureHasher&
  add(std::string_view text)
  {
    add(text.size());
    flush();
    XXH3_128bits_update(&m_state, text.data(), text.size());
    return *this;
  }
  StructuralKey
  finish()
  {
    flush();
    const XXH128_hash_t hash = XXH3_128bits_digest(&m_state);
    return {hash.low64, hash.high64};
  }

private:
  void
  flush()
  {
    XXH3_128bits_update(&m_state, m_words.data(), m_count * sizeof(uint64_t));
    m_count = 0;
  }

  XXH3_state_t m_state{};
  std::array<uint64_t, 64> m_words{};
  size_t m_count = 0;
};

} // namespace jitcache::kernel_cache

// StaticMatch: the fast form of a static guard set (one that fixes the argument count and
// every argument's kind, dtype, rank and sizes, or value, with no alignment guard and no
// relation): the CallKey words it admits, and the strides it checks, if any. A level-0 hit on
// a static entry is one hash probe, one memcmp of these words, and the stride checks.
#pragma once

#include "guards/call_key.hpp"

#include <cstdint>
#include <cstring>
#include <span>
#include <vector>

namespace jitcache::guards {

class StaticMatch {
public:
  struct Strides {
    uint8_t arg = 0;
    std::vector<int64_t> sizes; // a size-1 dimension takes any stride
    std::vector<int64_t> strides;
  };

  StaticMatch(std::vector<uint64_t> words, std::vector<Strides> strides)
    : m_words(std::move(words)), m_strides(std::move(strides)), m_hash(hash_words(m_words))
  {
  }

  // The call's packed words (CallKey) must be those of `args`.
  bool
  matches(std::span<const uint64_t> call_words, std::span<const ArgView> args) const
  {
    if (call_words.size() != m_words.size() ||
        std::memcmp(call_words.data(), m_words.data(), call_words.size_bytes()) != 0) {
      return false;
    }
    for (const Strides& want : m_strides) {
      const ArgView& arg = args[want.arg];
      for (size_t d = 0; d < want.strides.size(); ++d) {
        if (arg.strides[d] != want.strides[d] && want.sizes[d] != 1) {
          return false;
        }
      }
    }
    return true;
  }

  uint64_t
  hash() const
  {
    return m_hash;
  }

private:
  std::vector<uint64_t> m_words;
  std::vector<Strides> m_strides;
  uint64_t m_hash;
};

} // namespace jitcache::guards

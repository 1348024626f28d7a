// CallKey: what a static guard set fixes about a call, packed into 64-bit words: the number
// of arguments, then per argument a header word (kind, dtype, rank) and a tensor's sizes or
// a scalar's value (reals normalized so that equal values pack equally: every NaN alike,
// 0.0 and -0.0 alike). Strides, alignment and relations are not in it.
//
// A function cache packs a call once, hashes the words to probe its index of static entries,
// and compares a candidate's words with one memcmp: no per-guard dispatch on the hot path.
#pragma once

#include <jitcache/arg_view.hpp>

#include <array>
#include <cstdint>
#include <span>

namespace jitcache::guards {

class CallKey {
public:
  static constexpr size_t k_capacity = 256; // words; a larger call has no key

  // Packs `args`; false when they need more than k_capacity words.
  bool pack(std::span<const ArgView> args);
  uint64_t hash() const;

  std::span<const uint64_t>
  words() const
  {
    return {m_words.data(), m_size};
  }

private:
  std::array<uint64_t, k_capacity> m_words; // the first m_size are set by pack()
  size_t m_size = 0;
};

uint64_t hash_words(std::span<const uint64_t> words);

} // namespace jitcache::guards

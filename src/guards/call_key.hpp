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
#include <bit>
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

  // An argument's header word: its kind, dtype and rank.
  static uint64_t
  header(const ArgView& arg)
  {
    switch (arg.kind) {
    case ArgView::Kind::tensor: return k_tensor | (uint64_t{arg.dtype} << 8U) | arg.rank;
    case ArgView::Kind::integer: return k_integer;
    case ArgView::Kind::real: return k_real;
    }
    return 0;
  }

  // What a header word says: a tensor (and its rank), or a scalar (one value word).
  static bool
  header_is_tensor(uint64_t header)
  {
    return (header & ~uint64_t{0xFFFF}) == k_tensor;
  }
  static uint8_t
  header_rank(uint64_t header)
  {
    return static_cast<uint8_t>(header & 0xFFU);
  }

  // A scalar argument's value word (reals: every NaN alike, 0.0 and -0.0 alike).
  static uint64_t
  scalar_word(const ArgView& arg)
  {
    if (arg.kind == ArgView::Kind::integer) {
      return static_cast<uint64_t>(arg.integer);
    }
    if (arg.real != arg.real) {
      return 0x7FF8000000000000ULL;
    }
    return arg.real == 0 ? 0 : std::bit_cast<uint64_t>(arg.real);
  }

private:
  static constexpr uint64_t k_tensor = uint64_t{1} << 16U;
  static constexpr uint64_t k_integer = uint64_t{2} << 16U;
  static constexpr uint64_t k_real = uint64_t{3} << 16U;

  std::array<uint64_t, k_capacity> m_words; // the first m_size are set by pack()
  size_t m_size = 0;
};

uint64_t hash_words(std::span<const uint64_t> words);

} // namespace jitcache::guards

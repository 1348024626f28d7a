// StaticMatch: the fast form of a static guard set (one that fixes the argument count and
// every argument's kind, dtype, rank and sizes, or value, with no alignment guard and no
// relation): the hash of the CallKey words it admits, by which a function cache indexes it,
// and a direct check of a call's ArgViews against those words and the strides it checks,
// stopping at the first difference, with no per-guard dispatch.
#pragma once

#include "guards/call_key.hpp"

#include <cstdint>
#include <span>
#include <vector>

namespace jitcache::guards {

class StaticMatch {
public:
  struct Stride {
    uint8_t arg = 0;
    uint8_t dim = 0;
    int64_t stride = 0;
  };

  // `words`: a CallKey's words; `strides`: the strides to check, dimensions of size 1 (which
  // take any stride) left out.
  StaticMatch(std::span<const uint64_t> words, std::vector<Stride> strides);

  // Whether the guard set admits `args`: one pass over the arguments against m_direct, where
  // a tensor's header is followed by a word saying whether its strides are checked and by a
  // (size, stride, stride mask) triple per dimension, so each argument's sizes and strides
  // are read together. A word is read only after the header word that says it exists has
  // matched: the walk stays inside.
  bool
  admits(std::span<const ArgView> args) const
  {
    const uint64_t* word = m_direct.data();
    if (*word++ != args.size()) {
      return false;
    }
    for (const ArgView& arg : args) {
      if (*word++ != CallKey::header(arg)) {
        return false;
      }
      if (arg.kind != ArgView::Kind::tensor) {
        if (*word++ != CallKey::scalar_word(arg)) {
          return false;
        }
        continue;
      }
      uint64_t differs = 0;
      if (*word++ != 0) {
        for (uint8_t d = 0; d < arg.rank; ++d, word += 3) {
          differs |= (word[0] ^ static_cast<uint64_t>(arg.sizes[d])) |
                     ((word[1] ^ static_cast<uint64_t>(arg.strides[d])) & word[2]);
        }
      } else {
        for (uint8_t d = 0; d < arg.rank; ++d, word += 3) {
          differs |= word[0] ^ static_cast<uint64_t>(arg.sizes[d]);
        }
      }
      if (differs != 0) {
        return false;
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
  std::vector<uint64_t> m_direct; // the CallKey words with the strides to check (see admits())
  uint64_t m_hash;                // of the CallKey words
};

} // namespace jitcache::guards

#include "guards/static_match.hpp"

#include <algorithm>

namespace jitcache::guards {

StaticMatch::StaticMatch(std::span<const uint64_t> words, std::vector<Stride> strides)
  : m_hash(hash_words(words))
{
  // m_direct: the count, then per argument its header and either its value or whether any
  // stride is checked and a (size, stride, mask) triple per dimension, mask 0 where the
  // stride is not checked. Strides in (argument, dimension) order are consumed as we go.
  std::sort(strides.begin(), strides.end(), [](const Stride& a, const Stride& b) {
    return a.arg != b.arg ? a.arg < b.arg : a.dim < b.dim;
  });
  auto next = strides.begin();
  size_t at = 0;
  m_direct.push_back(words[at++]);
  for (uint64_t arg = 0; arg < words.front(); ++arg) {
    const uint64_t header = words[at++];
    m_direct.push_back(header);
    if (!CallKey::header_is_tensor(header)) {
      m_direct.push_back(words[at++]);
      continue;
    }
    m_direct.push_back(next != strides.end() && next->arg == arg ? 1 : 0);
    for (uint8_t d = 0; d < CallKey::header_rank(header); ++d) {
      const bool checked = next != strides.end() && next->arg == arg && next->dim == d;
      const uint64_t stride = checked ? static_cast<uint64_t>(next->stride) : 0;
      m_direct.insert(m_direct.end(), {words[at++], stride, checked ? ~uint64_t{0} : 0});
      next += checked ? 1 : 0;
    }
  }
}

} // namespace jitcache::guards

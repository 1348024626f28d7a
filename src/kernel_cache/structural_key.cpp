#include "kernel_cache/structural_key.hpp"

#include <fmt/format.h>

namespace jitcache::kernel_cache {

std::string
StructuralKey::to_hex() const
{
  return fmt::format("{:016x}{:016x}", high, low);
}

} // namespace jitcache::kernel_cache

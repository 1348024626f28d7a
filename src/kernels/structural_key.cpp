#include "kernels/structural_key.hpp"

#include <fmt/format.h>

namespace jitcache::kernels {

std::string
StructuralKey::to_hex() const
{
  return fmt::format("{:016x}{:016x}", high, low);
}

} // namespace jitcache::kernels

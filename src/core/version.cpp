#include <jitcache/version.hpp>

namespace jitcache {

std::string_view
version()
{
  return JITCACHE_VERSION;
}

} // namespace jitcache

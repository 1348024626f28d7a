// The library's version, as entries record it in their producer field ("jitcache 0.1.0").
#pragma once

#include <string_view>

namespace jitcache {

std::string_view version();

} // namespace jitcache

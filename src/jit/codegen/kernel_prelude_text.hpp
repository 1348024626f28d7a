// The text of kernel_prelude.hpp, which codegen pastes into every generated kernel. The
// build embeds it (cmake/kernel_prelude_text.cpp.in), so the library needs no source tree.
#pragma once

#include <string_view>

namespace jitcache::jit {

std::string_view kernel_prelude_text();

} // namespace jitcache::jit

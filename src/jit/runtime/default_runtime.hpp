// The process-wide Runtime behind jit::function, configured like the CLI (environment, then
// config files, then defaults) when it is first used.
#pragma once

#include "jit/runtime/runtime.hpp"

namespace jitcache::jit {

Runtime& default_runtime();

} // namespace jitcache::jit

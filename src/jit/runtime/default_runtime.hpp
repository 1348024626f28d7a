// The process-wide Runtime behind jit::function, configured like the CLI (environment, then
// config files, then defaults) when it is first used.
#pragma once

#include "jit/runtime/runtime.hpp"

namespace jitcache::jit {

// Records every artifact it saves or hits in process_recorder() (artifacts::save()).
Runtime& default_runtime();

// What this process's jit::functions saved or hit: the bundle artifacts::save() makes.
artifacts::Recorder& process_recorder();

} // namespace jitcache::jit

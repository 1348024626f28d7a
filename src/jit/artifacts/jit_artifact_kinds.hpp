// The reference JIT's artifact kinds, as a registry for installing bundles
// (artifacts/kind_registry.hpp): graph, kernel, toolchain, pgo (entries of the store) and
// precompile (functions ready without tracing, jit/runtime/precompiled.hpp).
//
// Installed into a process (Destination::process): the store's entries become the bundle
// tier of the runtime's store, and each precompiled variant is readied (its graph parsed
// back, its library loaded from memory, no compiler) and handed to the runtime, whose
// dispatchers install it in level 0. A variant that cannot be readied is skipped with a
// warning, and its calls trace and compile as usual.
// Imported (Destination::local_store): every entry is written to the local cache directory.
#pragma once

#include "artifacts/kind_registry.hpp"
#include "jit/runtime/runtime.hpp"

namespace jitcache::jit {

enum class Destination { process, local_store };

// REQUIRES: runtime.store() is not null.
artifacts::KindRegistry jit_artifact_kinds(Runtime& runtime, Destination destination);

} // namespace jitcache::jit

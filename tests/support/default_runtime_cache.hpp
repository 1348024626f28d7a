// The cache directory of the process-wide default runtime (jit::function) in a test binary.
// The default runtime reads JITCACHE_DIR once, on first use, so every suite that uses
// jit::function shares this one directory; it lives until the process exits.
#pragma once

#include "support/temp_dir.hpp"

#include <cstdlib>

namespace jitcache::testing {

inline const std::filesystem::path&
default_runtime_cache()
{
  static const TempDir* const dir = [] {
    auto* made = new TempDir(); // NOLINT: deliberately never freed (see above)
    ::setenv("JITCACHE_DIR", made->path().c_str(), 1);
    return made;
  }();
  return dir->path();
}

} // namespace jitcache::testing

// The configuration of a local cache in a test's directory, everything else default.
#pragma once

#include <jitcache/config.hpp>

#include <filesystem>

namespace jitcache::testing {

inline Config
config_for(const std::filesystem::path& dir)
{
  Config config;
  config.dir = dir;
  return config;
}

} // namespace jitcache::testing

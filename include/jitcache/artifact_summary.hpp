// What a bundle holds, or what loading one installed: entries and bytes per artifact kind,
// and what was left out and why.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace jitcache::artifacts {

struct KindSummary {
  uint64_t entries = 0;
  uint64_t bytes = 0; // encoded entry records
};

struct Summary {
  std::map<std::string, KindSummary> kinds; // by artifact kind
  std::vector<std::string> skipped;         // one line per artifact left out, saying why

  uint64_t entries() const;
  uint64_t bytes() const;
  // "12 entries, 1.4 MiB: 3 graph (1.2 MiB), 8 kernel (180.0 KiB), 1 precompile (2.1 KiB)"
  std::string to_string() const;
};

} // namespace jitcache::artifacts

// Config files: lines of "key = value"; blank lines and lines starting with '#' are ignored.
#pragma once

#include <jitcache/error.hpp>

#include <filesystem>
#include <string>
#include <vector>

namespace jitcache::core {

struct ConfigSetting {
  std::string key;
  std::string value;
  std::string origin; // "path:line"
};

// A missing file has no settings. A malformed line is an error naming file and line.
Expected<std::vector<ConfigSetting>> read_config_file(const std::filesystem::path& path);

// Sets `key` to `value` in the file (replacing its line, or appending one), keeping every
// other line as it was. Creates the file if needed; the write is atomic.
Expected<void> update_config_file(const std::filesystem::path& path, std::string_view key,
                                  std::string_view value);

} // namespace jitcache::core

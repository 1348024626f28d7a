// Build IDs as binutils reads them, to check util::build_id_of_code against, and to make
// "another build" of a program: a copy whose build ID differs and whose code does not.
#pragma once

#include "util/files.hpp"
#include "util/hex.hpp"
#include "util/subprocess.hpp"

#include <algorithm>
#include <filesystem>
#include <regex>
#include <string>
#include <vector>

namespace jitcache::testing {

// The build ID (hex) that `readelf -n` reads from `file`'s notes, or "".
inline std::string
build_id_by_readelf(const std::filesystem::path& file)
{
  auto result = util::run_process({"readelf", "-n", file.string()}, {});
  if (!result || result->exit_code != 0) {
    return {};
  }
  std::smatch match;
  const std::regex line("Build ID: ([0-9a-f]+)");
  return std::regex_search(result->stdout_text, match, line) ? match[1].str() : std::string();
}

// Copies the program `from` to `to` with the first byte of its build ID changed: the same
// code, as another build of it. Returns false when `from` has no build ID or cannot be copied.
inline bool
copy_as_another_build(const std::filesystem::path& from, const std::filesystem::path& to)
{
  const auto id = util::from_hex(build_id_by_readelf(from));
  auto bytes = util::read_file(from);
  if (!id || id->empty() || !bytes) {
    return false;
  }
  const auto at = std::search(bytes->begin(), bytes->end(), id->begin(), id->end());
  if (at == bytes->end()) {
    return false;
  }
  *at ^= 0xFF;
  if (!util::write_file_atomic(to, std::span<const uint8_t>(*bytes))) {
    return false;
  }
  std::filesystem::permissions(to, std::filesystem::perms::owner_all);
  return true;
}

} // namespace jitcache::testing

#include <jitcache/artifact_summary.hpp>

#include "util/size.hpp"

#include <fmt/format.h>

namespace jitcache::artifacts {

uint64_t
Summary::entries() const
{
  uint64_t total = 0;
  for (const auto& [kind, count] : kinds) {
    total += count.entries;
  }
  return total;
}

uint64_t
Summary::bytes() const
{
  uint64_t total = 0;
  for (const auto& [kind, count] : kinds) {
    total += count.bytes;
  }
  return total;
}

std::string
Summary::to_string() const
{
  std::string text = fmt::format("{} entr{}, {}", entries(), entries() == 1 ? "y" : "ies",
                                 util::format_size(bytes()));
  const char* separator = ": ";
  for (const auto& [kind, count] : kinds) {
    text +=
      fmt::format("{}{} {} ({})", separator, count.entries, kind, util::format_size(count.bytes));
    separator = ", ";
  }
  return text;
}

} // namespace jitcache::artifacts

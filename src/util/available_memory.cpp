#include "util/available_memory.hpp"

#include "util/files.hpp"

#include <algorithm>
#include <charconv>
#include <filesystem>
#include <ranges>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::util {

namespace {

std::optional<uint64_t>
parse_number(std::string_view text)
{
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) {
    text.remove_prefix(1);
  }
  uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc{} || end == text.data()) {
    return std::nullopt;
  }
  return value;
}

// The number after `name` and a separator on one of the text's lines: "MemAvailable: 1234 kB"
// in /proc/meminfo, "file 1234" in a cgroup's memory.stat.
std::optional<uint64_t>
field(std::string_view text, std::string_view name)
{
  for (const auto part : std::views::split(text, '\n')) {
    const std::string_view line(part.begin(), part.end());
    if (line.size() > name.size() && line.starts_with(name) &&
        (line[name.size()] == ':' || line[name.size()] == ' ')) {
      return parse_number(line.substr(name.size() + 1));
    }
  }
  return std::nullopt;
}

// A memory cgroup's files, under the names of cgroup v2 or of v1.
struct CgroupFiles {
  std::filesystem::path limit;
  std::filesystem::path usage;
  std::filesystem::path stat;
  std::string_view page_cache; // memory.stat's field for reclaimable file pages
};

// Whether a cgroup v1 hierarchy's controller list ("cpu,cpuacct", "memory") has the memory one.
bool
lists_memory(std::string_view controllers)
{
  return std::ranges::any_of(std::views::split(controllers, ','), [](const auto part) {
    return std::string_view(part.begin(), part.end()) == "memory";
  });
}

// Where the process's memory cgroup keeps its limit and usage. /proc/self/cgroup names the
// group relative to the hierarchy's root; inside a cgroup namespace the mount may already be
// that group, hence the mount itself as the second choice.
std::vector<CgroupFiles>
cgroup_candidates()
{
  std::vector<CgroupFiles> candidates;
  const auto table = read_text_file("/proc/self/cgroup");
  if (!table) {
    return candidates;
  }
  const std::filesystem::path root = "/sys/fs/cgroup";
  for (const auto part : std::views::split(std::string_view(*table), '\n')) {
    const std::string_view line(part.begin(), part.end());
    // "id:controllers:path"; cgroup v2 is "0::path", a v1 hierarchy lists its controllers.
    const size_t first = line.find(':');
    const size_t second = first == std::string_view::npos ? first : line.find(':', first + 1);
    if (second == std::string_view::npos) {
      continue;
    }
    const std::string_view controllers = line.substr(first + 1, second - first - 1);
    std::string_view group = line.substr(second + 1);
    while (group.starts_with('/')) {
      group.remove_prefix(1); // relative to the hierarchy's mount
    }
    if (controllers.empty()) {
      for (const auto& dir : {root / group, root}) {
        candidates.push_back(
          {dir / "memory.max", dir / "memory.current", dir / "memory.stat", "file"});
      }
    } else if (lists_memory(controllers)) {
      for (const auto& dir : {root / "memory" / group, root / "memory"}) {
        candidates.push_back({dir / "memory.limit_in_bytes", dir / "memory.usage_in_bytes",
                              dir / "memory.stat", "total_cache"});
      }
    }
  }
  return candidates;
}

// What the cgroup's limit leaves, or empty when there is none ("max", or v1's near-2^63).
// The group's usage counts the page cache, which the kernel reclaims before it kills.
std::optional<uint64_t>
left_under_cgroup_limit()
{
  for (const auto& files : cgroup_candidates()) {
    const auto limit_text = read_text_file(files.limit);
    const auto usage_text = read_text_file(files.usage);
    if (!limit_text || !usage_text) {
      continue;
    }
    const auto limit = parse_number(*limit_text);
    const auto usage = parse_number(*usage_text);
    if (!limit || !usage || *limit >= (uint64_t{1} << 62)) {
      return std::nullopt; // "max" does not parse: no limit
    }
    const auto stat = read_text_file(files.stat);
    const uint64_t cache = stat ? field(*stat, files.page_cache).value_or(0) : 0;
    const uint64_t used = *usage > cache ? *usage - cache : 0;
    return *limit > used ? *limit - used : 0;
  }
  return std::nullopt;
}

} // namespace

std::optional<uint64_t>
available_memory()
{
  const auto meminfo = read_text_file("/proc/meminfo");
  if (!meminfo) {
    return std::nullopt;
  }
  const auto available_kib = field(*meminfo, "MemAvailable");
  if (!available_kib) {
    return std::nullopt;
  }
  const uint64_t with_swap = (*available_kib + field(*meminfo, "SwapFree").value_or(0)) * 1024;
  const auto cgroup_left = left_under_cgroup_limit();
  return cgroup_left ? std::min(with_swap, *cgroup_left) : with_swap;
}

} // namespace jitcache::util

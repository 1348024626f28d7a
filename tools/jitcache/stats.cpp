// jitcache stats [--json]: what the cache holds and how it has served lookups.
#include "cli.hpp"

#include "jit/toolchain.hpp"
#include "pgo/profile_store.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <map>
#include <string_view>

namespace jitcache::cli {

namespace {

// Splits counters named "<event>.<tier>.<kind>" into tier -> kind -> count.
std::map<std::string, std::map<std::string, uint64_t>>
by_tier(const core::Counters& counters, std::string_view event)
{
  std::map<std::string, std::map<std::string, uint64_t>> result;
  const std::string prefix = std::string(event) + ".";
  for (const auto& [name, value] : counters.values()) {
    if (!name.starts_with(prefix) || value == 0) {
      continue;
    }
    const auto rest = std::string_view(name).substr(prefix.size());
    const auto dot = rest.find('.');
    const auto tier = rest.substr(0, dot);
    const auto kind = dot == std::string_view::npos ? std::string_view("-") : rest.substr(dot + 1);
    result[std::string(tier)][std::string(kind)] += value;
  }
  return result;
}

// Kinds looked up at every start for the cache's own bookkeeping, whatever the start then
// finds: a compiler's identity and a function's shape profile (usually absent). They keep their
// place in the lines by kind but stay out of the hit rate, which is about compiles saved: a warm
// start that finds its graph is then one hit of one lookup, not one of three.
constexpr std::array<std::string_view, 2> k_bookkeeping_kinds = {jit::k_toolchain_kind,
                                                                 pgo::k_profile_kind};

// Hits or misses of every kind but the bookkeeping ones.
uint64_t
artifact_lookups(const core::Counters& counters, std::string_view event)
{
  uint64_t total = 0;
  for (const auto& [tier, kinds] : by_tier(counters, event)) {
    for (const auto& [kind, value] : kinds) {
      if (std::ranges::find(k_bookkeeping_kinds, kind) == k_bookkeeping_kinds.end()) {
        total += value;
      }
    }
  }
  return total;
}

void
print_event_lines(const core::Counters& counters, std::string_view event, std::string_view title)
{
  fmt::print("{:<20}{}\n", title, counters.sum_prefix(std::string(event) + "."));
  for (const auto& [tier, kinds] : by_tier(counters, event)) {
    std::vector<std::string> parts;
    uint64_t total = 0;
    for (const auto& [kind, value] : kinds) {
      parts.push_back(fmt::format("{} {}", kind, value));
      total += value;
    }
    fmt::print("  {:<18}{}  ({})\n", tier, total, fmt::join(parts, ", "));
  }
}

void
print_reasons(const core::Counters& counters, std::string_view prefix, std::string_view title)
{
  fmt::print("{:<20}{}\n", title, counters.sum_prefix(prefix));
  for (const auto& [name, value] : counters.values()) {
    if (name.starts_with(prefix) && value > 0) {
      fmt::print("  {:<18}{}\n", std::string_view(name).substr(prefix.size()), value);
    }
  }
}

struct StatsOptions {
  bool json = false;
};

int
run_stats(const GlobalOptions& global, const StatsOptions& options)
{
  const bool json = options.json;
  auto store = open_cli_store(global);
  auto stats = store->read_stats();
  if (!stats) {
    throw Failure(stats.error().message);
  }
  const auto& c = *stats;
  const auto& config = store->config();
  const uint64_t hits = artifact_lookups(c, "hit");
  const uint64_t misses = artifact_lookups(c, "miss");
  const double hit_rate =
    hits + misses == 0 ? 0.0 : static_cast<double>(hits) / static_cast<double>(hits + misses);

  if (json) {
    nlohmann::json counters = nlohmann::json::object();
    for (const auto& [name, value] : c.values()) {
      counters[name] = value;
    }
    print_json({{"cache_dir", config.dir.string()},
                {"max_size", config.max_size},
                {"max_files", config.max_files},
                {"files", c.get(core::counter::files)},
                {"bytes", c.get(core::counter::bytes)},
                {"hits", hits},
                {"misses", misses},
                {"hit_rate", hit_rate},
                {"writes", c.sum_prefix("write.")},
                {"time_saved_ms", c.get(core::counter::time_saved_ms)},
                {"counters", counters}});
    return k_exit_ok;
  }

  const uint64_t bytes = c.get(core::counter::bytes);
  fmt::print("{:<20}{}\n", "Cache directory", config.dir.string());
  fmt::print("{:<20}{} files, {} of {} ({:.1f}%)\n", "Content", c.get(core::counter::files),
             util::format_size(bytes), util::format_size(config.max_size),
             config.max_size
               ? 100.0 * static_cast<double>(bytes) / static_cast<double>(config.max_size)
               : 0.0);
  fmt::print("{:<20}{} of {} lookups ({:.1f}%; toolchain and pgo lookups aside)\n", "Hit rate",
             hits, hits + misses, 100 * hit_rate);
  print_event_lines(c, "hit", "Hits");
  print_event_lines(c, "miss", "Misses");
  print_event_lines(c, "write", "Writes");
  print_reasons(c, "bypass.", "Bypasses");
  print_reasons(c, "error.", "Errors");
  fmt::print("{:<20}{}\n", "Corrupt entries", c.get(core::counter::corrupt));
  fmt::print("{:<20}{}\n", "Newer format", c.get(core::counter::incompatible));
  fmt::print("{:<20}{} files, {} in {} trims\n", "Evicted", c.get(core::counter::evictions),
             util::format_size(c.get(core::counter::evicted_bytes)), c.get(core::counter::trims));
  fmt::print("{:<20}{}\n", "Read", util::format_size(c.get(core::counter::bytes_read)));
  fmt::print("{:<20}{}\n", "Written", util::format_size(c.get(core::counter::bytes_written)));
  fmt::print("{:<20}{}\n", "Time saved",
             util::format_duration_ms(c.get(core::counter::time_saved_ms)));
  return k_exit_ok;
}

} // namespace

void
add_stats_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("stats", "Show what the cache holds and how it served lookups");
  auto options = std::make_shared<StatsOptions>();
  command->add_flag("--json", options->json, "Print one JSON object");
  run_when_chosen(command, global, chosen, options, run_stats);
}

} // namespace jitcache::cli

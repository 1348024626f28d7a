// jitcache stats [--json]: what the cache holds and how it has served lookups.
#include "cli.hpp"

#include "core/remote_spec.hpp"
#include "jit/build/toolchain.hpp"
#include "jit/runtime/entries.hpp"
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
// place in the lines by kind but stay out of the hit rates, which are about compiles saved.
constexpr std::array<std::string_view, 2> k_bookkeeping_kinds = {jit::k_toolchain_kind,
                                                                 pgo::k_profile_kind};

bool
is_bookkeeping(std::string_view kind)
{
  return std::ranges::find(k_bookkeeping_kinds, kind) != k_bookkeeping_kinds.end();
}

struct Lookups {
  uint64_t hits = 0;
  uint64_t misses = 0;

  [[nodiscard]] double
  rate() const
  {
    return hits + misses == 0 ? 0.0
                              : static_cast<double>(hits) / static_cast<double>(hits + misses);
  }
};

// Lookups of every artifact kind, graphs first: a start looks its function up as a graph and
// looks kernels up only when the graph missed, so one rate over both kinds would count a cold
// and a warm start as 1 hit in 17 lookups. Bookkeeping kinds are left out. A lookup asks the
// local tier, then each remote tier it missed, so a hit on any tier is a hit and a miss is a
// local miss that no remote tier answered.
std::vector<std::pair<std::string, Lookups>>
lookups_by_kind(const core::Counters& counters)
{
  std::map<std::string, Lookups> kinds;
  std::map<std::string, uint64_t> remote_hits;
  for (const auto& [tier, by_kind] : by_tier(counters, "hit")) {
    for (const auto& [kind, value] : by_kind) {
      kinds[kind].hits += value;
      if (tier != "local") {
        remote_hits[kind] += value;
      }
    }
  }
  const auto misses = by_tier(counters, "miss");
  if (const auto local = misses.find("local"); local != misses.end()) {
    for (const auto& [kind, value] : local->second) {
      kinds[kind].misses += value - std::min(value, remote_hits[kind]);
    }
  }
  std::vector<std::pair<std::string, Lookups>> result;
  for (const auto& [kind, lookups] : kinds) {
    if (!is_bookkeeping(kind)) {
      result.emplace_back(kind, lookups);
    }
  }
  std::ranges::stable_partition(result,
                                [](const auto& item) { return item.first == jit::k_graph_kind; });
  return result;
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

// What one tier did, from the counters named after it.
struct TierActivity {
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t writes = 0;
  uint64_t read_errors = 0;
  uint64_t write_errors = 0;
  uint64_t read_timeouts = 0;
  uint64_t write_timeouts = 0;
  uint64_t unavailable = 0;
  uint64_t dropped = 0;
  uint64_t corrupt = 0;
  uint64_t rejected = 0; // entries without a trusted signature
  uint64_t bytes_read = 0;
  uint64_t bytes_written = 0;

  nlohmann::json
  to_json() const
  {
    return {{"hits", hits},
            {"misses", misses},
            {"writes", writes},
            {"errors", {{"read", read_errors}, {"write", write_errors}}},
            {"timeouts", {{"read", read_timeouts}, {"write", write_timeouts}}},
            {"unavailable", unavailable},
            {"dropped", dropped},
            {"corrupt", corrupt},
            {"rejected", rejected},
            {"bytes_read", bytes_read},
            {"bytes_written", bytes_written}};
  }
};

// The remote tiers that appear in the counters, by name ("redis", "redis#2", "http").
std::map<std::string, TierActivity>
remote_activity(const core::Counters& c)
{
  std::map<std::string, TierActivity> tiers;
  const auto sum = [](const std::map<std::string, uint64_t>& by_kind) {
    uint64_t total = 0;
    for (const auto& [kind, value] : by_kind) {
      total += value;
    }
    return total;
  };
  for (const auto& [event, member] :
       {std::pair{"hit", &TierActivity::hits}, std::pair{"miss", &TierActivity::misses},
        std::pair{"write", &TierActivity::writes}}) {
    for (const auto& [tier, by_kind] : by_tier(c, event)) {
      if (tier != "local") {
        tiers[tier].*member += sum(by_kind);
      }
    }
  }
  for (auto& [tier, activity] : tiers) {
    activity.read_errors = c.get(core::counter::failed(tier, "read"));
    activity.write_errors = c.get(core::counter::failed(tier, "write"));
    activity.read_timeouts = c.get(core::counter::timed_out(tier, "read"));
    activity.write_timeouts = c.get(core::counter::timed_out(tier, "write"));
    activity.unavailable = c.get(core::counter::skipped(tier));
    activity.dropped = c.get(core::counter::dropped(tier));
    activity.corrupt = c.get(core::counter::corrupt_in(tier));
    activity.rejected = c.get(core::counter::rejected(tier));
    activity.bytes_read = c.get(core::counter::read_from(tier));
    activity.bytes_written = c.get(core::counter::written_to(tier));
  }
  return tiers;
}

// The configured remote tiers, as their URLs (passwords hidden), or why the setting is unusable.
std::string
configured_remotes(const Config& config)
{
  if (config.remote.empty()) {
    return "none";
  }
  auto specs = core::parse_remote_specs(config.remote);
  if (!specs) {
    return fmt::format("unusable: {}", specs.error().message);
  }
  std::vector<std::string> shown;
  for (const auto& spec : *specs) {
    shown.push_back(spec.display() + (spec.read_only ? " (read-only)" : ""));
  }
  return fmt::format("{}", fmt::join(shown, ", "));
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
  const auto kinds = lookups_by_kind(c);
  Lookups all;
  for (const auto& [kind, lookups] : kinds) {
    all.hits += lookups.hits;
    all.misses += lookups.misses;
  }

  if (json) {
    nlohmann::json hit_rates = nlohmann::json::object();
    for (const auto& [kind, lookups] : kinds) {
      hit_rates[kind] = {
        {"hits", lookups.hits}, {"misses", lookups.misses}, {"hit_rate", lookups.rate()}};
    }
    nlohmann::json counters = nlohmann::json::object();
    for (const auto& [name, value] : c.values()) {
      counters[name] = value;
    }
    nlohmann::json tiers = nlohmann::json::object();
    for (const auto& [tier, activity] : remote_activity(c)) {
      tiers[tier] = activity.to_json();
    }
    print_json({{"cache_dir", config.dir.string()},
                {"remote", config.remote},
                {"remote_tiers", tiers},
                {"max_size", config.max_size},
                {"max_files", config.max_files},
                {"files", c.get(core::counter::files)},
                {"bytes", c.get(core::counter::bytes)},
                {"hits", all.hits},
                {"misses", all.misses},
                {"hit_rate", all.rate()},
                {"hit_rates", hit_rates},
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
  std::vector<std::string> rates;
  rates.reserve(kinds.size());
  for (const auto& [kind, lookups] : kinds) {
    rates.push_back(fmt::format("{} {:.1f}% ({} of {})", kind, 100 * lookups.rate(), lookups.hits,
                                lookups.hits + lookups.misses));
  }
  fmt::print("{:<20}{}\n", "Hit rate",
             rates.empty() ? "no lookups yet" : fmt::to_string(fmt::join(rates, ", ")));
  print_event_lines(c, "hit", "Hits");
  print_event_lines(c, "miss", "Misses");
  print_event_lines(c, "write", "Writes");
  print_reasons(c, "bypass.", "Bypasses");
  print_reasons(c, "error.", "Errors");
  fmt::print("{:<20}{}\n", "Corrupt entries", c.get(core::counter::corrupt));
  fmt::print("{:<20}{}\n", "Rejected (unsigned)", c.get(core::counter::rejected("local")));
  fmt::print("{:<20}{}\n", "Newer format", c.get(core::counter::incompatible));
  fmt::print("{:<20}{} files, {} in {} trims\n", "Evicted", c.get(core::counter::evictions),
             util::format_size(c.get(core::counter::evicted_bytes)), c.get(core::counter::trims));
  fmt::print("{:<20}{}\n", "Read", util::format_size(c.get(core::counter::bytes_read)));
  fmt::print("{:<20}{}\n", "Written", util::format_size(c.get(core::counter::bytes_written)));
  fmt::print("{:<20}{}\n", "Time saved",
             util::format_duration_ms(c.get(core::counter::time_saved_ms)));
  fmt::print("{:<20}{}\n", "Remote tiers", configured_remotes(config));
  for (const auto& [tier, a] : remote_activity(c)) {
    fmt::print("  {:<18}{} hits, {} misses, {} writes; errors {} read, {} write; timeouts {} "
               "read, {} write; {} while down, {} writes dropped, {} corrupt, {} rejected; read "
               "{}, written {}\n",
               tier, a.hits, a.misses, a.writes, a.read_errors, a.write_errors, a.read_timeouts,
               a.write_timeouts, a.unavailable, a.dropped, a.corrupt, a.rejected,
               util::format_size(a.bytes_read), util::format_size(a.bytes_written));
  }
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

// jitcache remote check [--json]: contacts each configured remote tier and reports whether
// it is reachable, its round trip, whether it can be read and written, and what in its
// settings does not suit a cache.
// jitcache remote push [--all | KEY...]: uploads local entries to the writable remote tiers,
// to seed a team's cache from one machine.
#include "cli.hpp"

#include "storage/remote/remote_tier.hpp"
#include "storage/tiered_store.hpp"
#include "util/hashing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>
#include <random>

namespace jitcache::cli {

namespace {

// The kinds that describe this machine only (the compiler's version probe): never pushed.
constexpr std::string_view k_machine_local_kind = "toolchain";

// A key no entry has: where the check reads and writes.
Key
probe_key()
{
  std::random_device random;
  std::array<uint32_t, 8> noise{};
  for (auto& word : noise) {
    word = random();
  }
  return Key(
    util::blake2b_256(std::span(reinterpret_cast<const uint8_t*>(noise.data()), sizeof noise)));
}

struct TierCheck {
  std::string url;
  bool read_only = false;
  bool reachable = false;
  double round_trip_ms = 0; // median of k_round_trips
  std::string read;         // "ok", or what failed
  std::string write;        // "ok", "skipped (read-only)", or what failed
  std::vector<std::string> advice;
  bool
  ok() const
  {
    return reachable && read == "ok" && (write == "ok" || read_only);
  }
};

constexpr int k_round_trips = 5;

TierCheck
check_tier(const core::RemoteSpec& spec)
{
  TierCheck check;
  check.url = spec.display();
  check.read_only = spec.read_only;
  auto backend = storage::remote::make_backend(spec);
  if (!backend) {
    check.read = backend.error().message;
    check.write = check.read;
    return check;
  }
  const Key key = probe_key();
  std::vector<double> times;
  for (int i = 0; i < k_round_trips; ++i) {
    const auto begin = std::chrono::steady_clock::now();
    auto found = (*backend)->contains(key);
    if (!found) {
      check.read = found.error().message;
      check.write = "not tried";
      return check;
    }
    times.push_back(
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - begin).count());
  }
  check.reachable = true;
  std::sort(times.begin(), times.end());
  check.round_trip_ms = times[times.size() / 2];
  const std::vector<Key> keys = {key};
  auto read = (*backend)->get(keys);
  check.read = read ? "ok" : read.error().message;
  if (spec.read_only) {
    check.write = "skipped (read-only)";
  } else {
    const std::string text = fmt::format("jitcache remote check {}", key.to_hex());
    const std::span bytes(reinterpret_cast<const uint8_t*>(text.data()), text.size());
    auto written = (*backend)->put(key, bytes);
    auto back = written ? (*backend)->get(keys) : decltype((*backend)->get(keys))();
    if (!written) {
      check.write = written.error().message;
    } else if (!back) {
      check.write = fmt::format("written, but reading it back failed: {}", back.error().message);
    } else if (!back->front() || back->front()->view() != text) {
      check.write = "written, but what came back differs";
    } else {
      check.write = "ok";
    }
    (void)(*backend)->remove(key);
  }
  if (auto advice = (*backend)->advice()) {
    check.advice = std::move(*advice);
  } else {
    check.advice.push_back(fmt::format("cannot read its settings: {}", advice.error().message));
  }
  return check;
}

struct CheckOptions {
  bool json = false;
};

int
run_check(const GlobalOptions& global, const CheckOptions& options)
{
  const Config config = load_cli_config(global);
  auto specs = core::parse_remote_specs(config.remote);
  if (!specs) {
    throw Failure(specs.error().message);
  }
  if (specs->empty()) {
    throw Failure("no remote tier is configured (set remote, or JITCACHE_REMOTE)");
  }
  std::vector<TierCheck> checks;
  checks.reserve(specs->size());
  for (const auto& spec : *specs) {
    checks.push_back(check_tier(spec));
  }
  const bool all_ok = std::all_of(checks.begin(), checks.end(), [](auto& c) { return c.ok(); });
  if (options.json) {
    auto tiers = nlohmann::json::array();
    for (const auto& check : checks) {
      tiers.push_back({{"url", check.url},
                       {"read_only", check.read_only},
                       {"reachable", check.reachable},
                       {"round_trip_ms", check.round_trip_ms},
                       {"read", check.read},
                       {"write", check.write},
                       {"advice", check.advice},
                       {"ok", check.ok()}});
    }
    print_json({{"tiers", tiers}, {"ok", all_ok}});
  } else {
    for (const auto& check : checks) {
      fmt::print("{}\n", check.url);
      fmt::print("  reachable   {}\n", check.reachable
                                         ? fmt::format("yes, {:.2f} ms round trip (median of {})",
                                                       check.round_trip_ms, k_round_trips)
                                         : "no");
      fmt::print("  read        {}\n", check.read);
      fmt::print("  write       {}\n", check.write);
      for (const auto& advice : check.advice) {
        fmt::print("  warning     {}\n", advice);
      }
    }
  }
  return all_ok ? k_exit_ok : k_exit_problems;
}

struct PushOptions {
  bool all = false;
  std::vector<std::string> keys;
};

int
run_push(const GlobalOptions& global, const PushOptions& options)
{
  if (options.all == !options.keys.empty()) {
    throw UsageError("give either --all or the keys to push");
  }
  auto store = open_tiered_store(global);
  if (std::none_of(store->remotes().begin(), store->remotes().end(),
                   [](const auto& tier) { return !tier->read_only(); })) {
    throw Failure("no writable remote tier is configured (set remote, or JITCACHE_REMOTE)");
  }
  std::vector<Key> keys;
  if (options.all) {
    auto listed = store->local().for_each_key([&](const Key& key) {
      keys.push_back(key);
      return true;
    });
    if (!listed) {
      throw Failure(listed.error().message);
    }
  } else {
    for (const auto& text : options.keys) {
      keys.push_back(parse_key_argument(text));
    }
  }
  struct Tally {
    size_t stored = 0;
    size_t already_there = 0;
    size_t failed = 0;
  };
  std::map<std::string, Tally> per_tier;
  size_t skipped = 0;
  for (const auto& key : keys) {
    auto records = store->local().inspect(key);
    if (!records || records->empty()) {
      if (!options.all) {
        throw Failure(fmt::format("no readable entry for key {} in the local cache{}", key.to_hex(),
                                  records ? "" : fmt::format(": {}", records.error().message)));
      }
      ++skipped; // removed or damaged since it was listed
      continue;
    }
    if (records->front().entry.kind == k_machine_local_kind) {
      ++skipped;
      continue;
    }
    std::vector<Entry> variants;
    variants.reserve(records->size());
    for (auto& record : *records) {
      variants.push_back(std::move(record.entry));
    }
    for (const auto& pushed : store->push(variants)) {
      Tally& tally = per_tier[pushed.tier->name()];
      using Written = storage::remote::RemoteTier::Written;
      ++(pushed.written == Written::stored          ? tally.stored
         : pushed.written == Written::already_there ? tally.already_there
                                                    : tally.failed);
    }
  }
  bool failures = false;
  for (const auto& [tier, tally] : per_tier) {
    fmt::print("{}: {} pushed, {} already there, {} failed\n", tier, tally.stored,
               tally.already_there, tally.failed);
    failures = failures || tally.failed > 0;
  }
  if (skipped > 0) {
    fmt::print("{} entries skipped (this machine's own, or unreadable)\n", skipped);
  }
  return failures ? k_exit_problems : k_exit_ok;
}

} // namespace

void
add_remote_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* remote = app.add_subcommand("remote", "Check the remote tiers, or seed them");
  remote->require_subcommand(1);

  auto* check = remote->add_subcommand(
    "check", "Contact each remote tier: reachability, round trip, read, write, settings");
  auto check_options = std::make_shared<CheckOptions>();
  check->add_flag("--json", check_options->json, "Print JSON");
  run_when_chosen(check, global, chosen, check_options, run_check);

  auto* push = remote->add_subcommand("push", "Upload local entries to the writable remote tiers");
  auto push_options = std::make_shared<PushOptions>();
  push->add_flag("--all", push_options->all, "Every entry of the local cache");
  push->add_option("KEY", push_options->keys, "The keys to upload");
  run_when_chosen(push, global, chosen, push_options, run_push);
}

} // namespace jitcache::cli

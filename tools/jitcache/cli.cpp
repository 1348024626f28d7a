#include "cli.hpp"

#include "util/clock.hpp"

#include <fmt/chrono.h>
#include <fmt/format.h>

#include <cstdio>
#include <cstdlib>
#include <ctime>

namespace jitcache::cli {

void
end_process(int code)
{
  (void)std::fflush(nullptr);
  std::_Exit(code);
}

CLI::Validator
not_negative()
{
  return CLI::Validator(
    [](const std::string& text) {
      return text.starts_with('-') ? std::string("must not be negative") : std::string();
    },
    "");
}

Config
load_cli_config(const GlobalOptions& global)
{
  ConfigOverrides overrides;
  if (!global.cache_dir.empty()) {
    overrides["dir"] = global.cache_dir;
  }
  auto config = load_config(overrides);
  if (!config) {
    throw Failure(config.error().message);
  }
  return *config;
}

std::unique_ptr<storage::local::LocalStore>
open_cli_store(const GlobalOptions& global)
{
  auto config = load_cli_config(global);
  // Management commands work on the directory even when caching is disabled for programs.
  config.disable = false;
  return std::make_unique<storage::local::LocalStore>(config);
}

std::unique_ptr<storage::local::LocalStore>
open_writable_store(const GlobalOptions& global)
{
  auto store = open_cli_store(global);
  if (store->access() != storage::local::Access::read_write) {
    throw Failure(
      fmt::format("the cache directory {} is not writable", store->config().dir.string()));
  }
  return store;
}

std::unique_ptr<storage::TieredStore>
open_tiered_store(const GlobalOptions& global, bool writable)
{
  auto config = load_cli_config(global);
  config.disable = false;
  auto store = std::make_unique<storage::TieredStore>(config);
  if (writable && store->local().access() != storage::local::Access::read_write) {
    throw Failure(fmt::format("the cache directory {} is not writable", config.dir.string()));
  }
  return store;
}

Key
parse_key_argument(const std::string& text)
{
  auto key = Key::from_hex(text);
  if (!key) {
    throw UsageError(key.error().message);
  }
  return *key;
}

std::vector<core::DecodedEntry>
read_entry_records(const storage::local::LocalStore& store, const Key& key)
{
  auto records = store.inspect(key);
  if (!records) {
    if (records.error().code == ErrorCode::not_found) {
      throw Failure(
        fmt::format("no entry for key {} in {}", key.to_hex(), store.config().dir.string()));
    }
    throw Failure(records.error().message);
  }
  return std::move(*records);
}

void
print_json(const nlohmann::json& value)
{
  const auto text = value.dump(2) + "\n";
  if (std::fputs(text.c_str(), stdout) == EOF) {
    throw Failure("cannot write to standard output");
  }
}

std::string
format_age_ms(int64_t age_ms)
{
  const int64_t seconds = std::max<int64_t>(0, age_ms / 1000);
  if (seconds < 120) {
    return fmt::format("{} s", seconds);
  }
  if (seconds < 7200) {
    return fmt::format("{} min", seconds / 60);
  }
  if (seconds < 172800) {
    return fmt::format("{} h", seconds / 3600);
  }
  return fmt::format("{} d", seconds / 86400);
}

std::string
format_time_ms(int64_t unix_ms)
{
  const std::time_t seconds = unix_ms / 1000;
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  return fmt::format("{:%Y-%m-%d %H:%M:%S} UTC ({} ago)", utc,
                     format_age_ms(util::now_ms() - unix_ms));
}

} // namespace jitcache::cli

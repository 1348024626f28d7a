// jitcache config show [--json] | get KEY | set KEY VALUE
// `set` writes the cache directory's jitcache.conf, which applies to every user of the cache.
#include "cli.hpp"

#include "core/config_file.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct ConfigOptions {
  bool json = false;
  std::string key;
  std::string value;
};

int
run_show(const GlobalOptions& global, const ConfigOptions& options)
{
  const bool json = options.json;
  const auto config = load_cli_config(global);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& key : config_keys()) {
    const auto value = config_value(config, key.name).value();
    const auto origin = config.origins.at(key.name);
    if (json) {
      rows.push_back({{"key", key.name}, {"value", value}, {"origin", origin}, {"env", key.env}});
    } else {
      fmt::print("{:<18} = {:<28} ({})\n", key.name, value, origin);
    }
  }
  if (json) {
    print_json(rows);
  }
  return k_exit_ok;
}

int
run_get(const GlobalOptions& global, const ConfigOptions& options)
{
  const auto& key = options.key;
  const auto config = load_cli_config(global);
  auto value = config_value(config, key);
  if (!value) {
    throw UsageError(value.error().message);
  }
  fmt::print("{}\n", *value);
  return k_exit_ok;
}

int
run_set(const GlobalOptions& global, const ConfigOptions& options)
{
  const auto& key = options.key;
  const auto& value = options.value;
  if (!settable_in_cache_dir(key)) {
    std::string variable;
    for (const auto& info : config_keys()) {
      variable = info.name == key ? info.env : variable;
    }
    throw UsageError(
      fmt::format("'{}' cannot be set inside the cache directory{}; use {}{} or {}", key,
                  key == "dir" ? "" : " (whoever can write the cache could weaken trust)",
                  key == "dir" ? "--cache-dir, " : "", variable, user_config_path().string()));
  }
  if (auto valid = validate_config_value(key, value); !valid) {
    throw UsageError(valid.error().message);
  }
  const auto config = load_cli_config(global);
  const auto path = config.dir / "jitcache.conf";
  if (auto written = core::update_config_file(path, key, value); !written) {
    throw Failure(written.error().message);
  }
  fmt::print("Set {} = {} in {}\n", key, value, path.string());
  return k_exit_ok;
}

} // namespace

void
add_config_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("config", "Show, get or set configuration");
  command->require_subcommand(1);

  auto options = std::make_shared<ConfigOptions>();
  auto* show = command->add_subcommand("show", "Every key with its value and where it came from");
  show->add_flag("--json", options->json, "Print a JSON array");
  run_when_chosen(show, global, chosen, options, run_show);

  auto* get = command->add_subcommand("get", "Print one key's value");
  get->add_option("KEY", options->key, "Configuration key")->required();
  run_when_chosen(get, global, chosen, options, run_get);

  auto* set = command->add_subcommand("set", "Set a key in the cache directory's jitcache.conf");
  set->add_option("KEY", options->key, "Configuration key")->required();
  set->add_option("VALUE", options->value, "New value")->required();
  run_when_chosen(set, global, chosen, options, run_set);
}

} // namespace jitcache::cli

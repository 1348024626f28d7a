// jitcache explain KEY_A KEY_B [--json]: which key components differ between two entries.
#include "cli.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct ExplainOptions {
  std::string first;
  std::string second;
  bool json = false;
};

int
run_explain(const GlobalOptions& global, const ExplainOptions& options)
{
  const Key first = parse_key_argument(options.first);
  const Key second = parse_key_argument(options.second);
  const bool json = options.json;
  auto store = open_cli_store(global);
  const auto first_records = read_entry_records(*store, first);
  const auto second_records = read_entry_records(*store, second);
  const auto differences =
    compare_details(first_records.front().entry.details, second_records.front().entry.details);

  size_t changed = 0;
  for (const auto& d : differences) {
    changed += d.change != ComponentChange::same ? 1 : 0;
  }
  if (json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& d : differences) {
      rows.push_back({{"name", d.name},
                      {"change", to_string(d.change)},
                      {"first", d.first_summary},
                      {"second", d.second_summary}});
    }
    print_json({{"first", first.to_hex()},
                {"second", second.to_hex()},
                {"differing", changed},
                {"components", rows}});
    return k_exit_ok;
  }
  if (first == second) {
    fmt::print("The keys are the same.\n");
    return k_exit_ok;
  }
  fmt::print("{} of {} components differ:\n", changed, differences.size());
  for (const auto& d : differences) {
    switch (d.change) {
    case ComponentChange::same:
      fmt::print("  same     {:<20} {}\n", d.name, d.first_summary);
      break;
    case ComponentChange::changed:
      fmt::print("  changed  {:<20} {} -> {}\n", d.name, d.first_summary, d.second_summary);
      break;
    case ComponentChange::only_in_first:
      fmt::print("  removed  {:<20} {} (only in the first key)\n", d.name, d.first_summary);
      break;
    case ComponentChange::only_in_second:
      fmt::print("  added    {:<20} {} (only in the second key)\n", d.name, d.second_summary);
      break;
    }
  }
  if (changed == 0) {
    fmt::print("No component differs: the keys were built by different key formats or "
               "component orders.\n");
  }
  return k_exit_ok;
}

} // namespace

void
add_explain_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("explain", "Explain why two keys differ, component by component");
  auto options = std::make_shared<ExplainOptions>();
  command->add_option("KEY_A", options->first, "The first key")->required();
  command->add_option("KEY_B", options->second, "The second key")->required();
  command->add_flag("--json", options->json, "Print one JSON object");
  run_when_chosen(command, global, chosen, options, run_explain);
}

} // namespace jitcache::cli

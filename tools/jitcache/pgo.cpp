// jitcache pgo show [FUNCTION] [--json]: the stored dynamic-shape profiles.
// jitcache pgo clear [FUNCTION]: forget them (the next compile of each function starts static).
#include "cli.hpp"

#include "pgo/profile_store.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct PgoOptions {
  std::string function;
  bool json = false;
};

int
run_pgo_show(const GlobalOptions& global, const PgoOptions& options)
{
  auto store = open_tiered_store(global);
  pgo::ProfileStore profiles(*store);
  auto found = profiles.list(options.function);
  if (!found) {
    throw Failure(found.error().message);
  }
  std::sort(found->begin(), found->end(),
            [](const auto& a, const auto& b) { return a.function < b.function; });
  if (options.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& profile : *found) {
      rows.push_back({{"function", profile.function},
                      {"graph", profile.graph},
                      {"dynamic", profile.dynamic.to_string()}});
    }
    print_json(rows);
    return k_exit_ok;
  }
  if (found->empty()) {
    fmt::print("No profiles{}\n", options.function.empty() ? "" : " for " + options.function);
    return k_exit_ok;
  }
  fmt::print("{:<24} {:<32}  {}\n", "function", "graph", "dynamic dimensions");
  for (const auto& profile : *found) {
    fmt::print("{:<24} {:<32}  {}\n", profile.function, profile.graph,
               profile.dynamic.any() ? profile.dynamic.to_string() : "(none)");
  }
  return k_exit_ok;
}

int
run_pgo_clear(const GlobalOptions& global, const PgoOptions& options)
{
  auto store = open_tiered_store(global, true);
  pgo::ProfileStore profiles(*store);
  auto removed = profiles.clear(options.function);
  if (!removed) {
    throw Failure(removed.error().message);
  }
  fmt::print("Removed {} profile{}\n", *removed, *removed == 1 ? "" : "s");
  return k_exit_ok;
}

} // namespace

void
add_pgo_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* pgo = app.add_subcommand("pgo", "Dynamic-shape profiles that functions learned");
  pgo->require_subcommand(1);
  auto show_options = std::make_shared<PgoOptions>();
  auto* show = pgo->add_subcommand("show", "List the profiles (a0[1]: argument 0, dimension 1)");
  show->add_option("function", show_options->function, "Only this function's profiles");
  show->add_flag("--json", show_options->json, "Print JSON");
  run_when_chosen(show, global, chosen, show_options, run_pgo_show);
  auto clear_options = std::make_shared<PgoOptions>();
  auto* clear = pgo->add_subcommand("clear", "Remove the profiles");
  clear->add_option("function", clear_options->function, "Only this function's profiles");
  run_when_chosen(clear, global, chosen, clear_options, run_pgo_clear);
}

} // namespace jitcache::cli

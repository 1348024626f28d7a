// jitcache clear: remove every entry (statistics and configuration stay).
#include "cli.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

int
run_clear(const GlobalOptions& global)
{
  auto store = open_writable_store(global);
  auto removed = store->clear();
  if (!removed) {
    throw Failure(removed.error().message);
  }
  fmt::print("Removed {} files\n", *removed);
  return k_exit_ok;
}

} // namespace

void
add_clear_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("clear", "Remove every entry (statistics and configuration stay)");
  run_when_chosen(command, global, chosen, run_clear);
}

} // namespace jitcache::cli

// jitcache zero-stats: reset event counters (the content counters stay).
#include "cli.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

int
run_zero_stats(const GlobalOptions& global)
{
  auto store = open_writable_store(global);
  if (auto ok = store->zero_stats(); !ok) {
    throw Failure(ok.error().message);
  }
  fmt::print("Statistics zeroed\n");
  return k_exit_ok;
}

} // namespace

void
add_zero_stats_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("zero-stats", "Reset the statistics (files and size stay)");
  run_when_chosen(command, global, chosen, run_zero_stats);
}

} // namespace jitcache::cli

// jitcache zero-stats: reset event counters (the content counters stay).
#include "cli.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

void
add_zero_stats_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("zero-stats", "Reset the statistics (files and size stay)");
  command->callback([&global, &chosen] {
    chosen = [&global] {
      auto store = open_writable_store(global);
      if (auto ok = store->zero_stats(); !ok) {
        throw Failure(ok.error().message);
      }
      fmt::print("Statistics zeroed\n");
      return k_exit_ok;
    };
  });
}

} // namespace jitcache::cli

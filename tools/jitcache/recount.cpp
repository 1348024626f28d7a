// jitcache recount: rebuild the file and size counters from the entry files.
#include "cli.hpp"

#include "util/size.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

int
run_recount(const GlobalOptions& global)
{
  auto store = open_writable_store(global);
  auto report = store->recount();
  if (!report) {
    throw Failure(report.error().message);
  }
  fmt::print("Counted {} files ({})\n", report->files_after,
             util::format_size(report->bytes_after));
  return k_exit_ok;
}

} // namespace

void
add_recount_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("recount", "Rebuild the file and size counters from the files");
  run_when_chosen(command, global, chosen, run_recount);
}

} // namespace jitcache::cli

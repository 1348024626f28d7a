// jitcache trim [--max-size S] [--max-files N]: remove least recently used entries until the
// cache fits, across the whole cache (automatic trims work one shard at a time).
#include "cli.hpp"

#include "util/size.hpp"

#include <fmt/format.h>

namespace jitcache::cli {

namespace {

struct TrimOptions {
  std::string max_size;
  std::optional<uint64_t> max_files;
};

int
run_trim(const GlobalOptions& global, const TrimOptions& options)
{
  auto store = open_writable_store(global);
  auto limits = store->limits();
  if (!options.max_size.empty()) {
    auto size = util::parse_size(options.max_size);
    if (!size) {
      throw UsageError(fmt::format("--max-size: {}", size.error().message));
    }
    limits.max_bytes = *size;
  }
  if (options.max_files) {
    limits.max_files = *options.max_files;
  }
  auto report = store->trim(limits);
  if (!report) {
    throw Failure(report.error().message);
  }
  fmt::print("Removed {} files ({}) and {} stale temporary files; {} files ({}) remain\n",
             report->files_removed, util::format_size(report->bytes_removed), report->temps_removed,
             report->files_after, util::format_size(report->bytes_after));
  return k_exit_ok;
}

} // namespace

void
add_trim_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command =
    app.add_subcommand("trim", "Remove least recently used entries until the cache fits");
  auto options = std::make_shared<TrimOptions>();
  command->add_option("--max-size", options->max_size,
                      "Size to trim to (default: max_size), e.g. 500M");
  command
    ->add_option("--max-files", options->max_files,
                 "Number of files to trim to (default: max_files)")
    ->check(not_negative());
  run_when_chosen(command, global, chosen, options, run_trim);
}

} // namespace jitcache::cli

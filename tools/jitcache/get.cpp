// jitcache get KEY -o FILE [--blob NAME] [--guard G]
// Looks KEY up like a client would (the local cache, then the remote tiers; counted in the
// statistics) and writes one blob of the
// newest variant (or of the variant with guard G) to FILE, or to standard output for "-".
// Exit 1 when there is no such entry.
#include "cli.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <cstdio>

namespace jitcache::cli {

namespace {

struct GetOptions {
  std::string key;
  std::string output;
  std::string blob = "data";
  std::optional<std::string> guard;
};

int
run_get(const GlobalOptions& global, const GetOptions& options)
{
  const Key key = parse_key_argument(options.key);
  auto store = open_tiered_store(global);
  auto entries = store->get(key, "");
  if (!entries) {
    throw Failure(entries.error().message);
  }
  if (entries->empty()) {
    throw Failure(fmt::format("no entry for key {} in {}{}", key.to_hex(),
                              store->local().config().dir.string(),
                              store->remotes().empty() ? "" : " or its remote tiers"));
  }
  const Entry* chosen = &entries->front();
  if (options.guard) {
    const auto it = std::find_if(entries->begin(), entries->end(),
                                 [&](const Entry& e) { return e.guard == *options.guard; });
    if (it == entries->end()) {
      throw Failure(
        fmt::format("key {} has no variant with guard '{}'", key.to_hex(), *options.guard));
    }
    chosen = &*it;
  }
  const Blob* blob = chosen->find_blob(options.blob);
  if (!blob) {
    throw Failure(fmt::format("the entry has no blob named '{}'", options.blob));
  }
  if (options.output == "-") {
    if (std::fwrite(blob->data.data(), 1, blob->data.size(), stdout) != blob->data.size() ||
        std::fflush(stdout) != 0) {
      throw Failure("cannot write to standard output");
    }
    return k_exit_ok;
  }
  if (auto written = util::write_file_atomic(options.output, blob->data.span()); !written) {
    throw Failure(written.error().message);
  }
  return k_exit_ok;
}

} // namespace

void
add_get_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("get", "Write a stored blob to a file");
  auto options = std::make_shared<GetOptions>();
  command->add_option("KEY", options->key, "The entry's key")->required();
  command->add_option("-o,--output", options->output, "Where to write it; - for standard output")
    ->required();
  command->add_option("--blob", options->blob, "Which blob (default: data)");
  command->add_option("--guard", options->guard, "Pick the variant with this guard expression");
  run_when_chosen(command, global, chosen, options, run_get);
}

} // namespace jitcache::cli

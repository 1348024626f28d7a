// jitcache ls [--kind K] [--json]: one line per stored key.
#include "cli.hpp"

#include "util/clock.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <sys/stat.h>

namespace jitcache::cli {

namespace {

struct LsOptions {
  std::string kind;
  bool json = false;
};

int
run_ls(const GlobalOptions& global, const LsOptions& options)
{
  auto store = open_cli_store(global);
  core::DecodeOptions decode;
  decode.verify_checksum = false; // listing reads headers only; `verify` checks everything
  decode.decompress = false;
  nlohmann::json rows = nlohmann::json::array();
  const int64_t now = util::now_ms();
  uint64_t count = 0;
  (void)store->for_each_key([&](const Key& key) {
    const auto path = store->layout().entry_path(key);
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
      return true;
    }
    auto records = store->inspect(key, decode);
    std::string kind = "?";
    int64_t created = 0;
    std::string problem;
    size_t variants = 0;
    if (records) {
      kind = records->front().entry.kind;
      created = records->front().entry.created_ms;
      variants = records->size();
    } else {
      problem = records.error().message;
    }
    if (!options.kind.empty() && kind != options.kind) {
      return true;
    }
    ++count;
    if (options.json) {
      nlohmann::json row = {{"key", key.to_hex()},
                            {"kind", kind},
                            {"variants", variants},
                            {"size", static_cast<uint64_t>(st.st_size)},
                            {"created_ms", created}};
      if (!problem.empty()) {
        row["error"] = problem;
      }
      rows.push_back(row);
    } else {
      fmt::print("{}  {:<8} {:>2} variant{}  {:>10}  {}{}\n", key.to_hex(), kind, variants,
                 variants == 1 ? " " : "s", util::format_size(static_cast<uint64_t>(st.st_size)),
                 created ? format_age_ms(now - created) + " old" : "",
                 problem.empty() ? "" : "  (unreadable: " + problem + ")");
    }
    return true;
  });
  if (options.json) {
    print_json(rows);
  }
  return k_exit_ok;
}

} // namespace

void
add_ls_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("ls", "List stored keys");
  auto options = std::make_shared<LsOptions>();
  command->add_option("--kind", options->kind, "Only entries of this artifact kind");
  command->add_flag("--json", options->json, "Print a JSON array");
  run_when_chosen(command, global, chosen, options, run_ls);
}

} // namespace jitcache::cli

// jitcache verify [--repair] [--json]: check every entry file and loadable file; with --repair
// remove bad ones.
// Exit 0 when no bad entry is left, 1 otherwise.
#include "cli.hpp"

#include <fmt/format.h>

#include <filesystem>

namespace jitcache::cli {

namespace {

struct VerifyOptions {
  bool repair = false;
  bool json = false;
};

// What stands where a regular file should: "a directory", "a symbolic link", ...
std::string
describe_file_type(const std::filesystem::path& path)
{
  std::error_code error;
  switch (std::filesystem::symlink_status(path, error).type()) {
  case std::filesystem::file_type::directory: return "a directory";
  case std::filesystem::file_type::symlink: return "a symbolic link";
  case std::filesystem::file_type::fifo: return "a named pipe";
  case std::filesystem::file_type::socket: return "a socket";
  case std::filesystem::file_type::block:
  case std::filesystem::file_type::character: return "a device";
  default: return "not a file";
  }
}

struct BadFile {
  std::string path;
  std::string problem;
  bool removed = false;
};

int
run_verify(const GlobalOptions& global, const VerifyOptions& options)
{
  auto store = options.repair ? open_writable_store(global) : open_cli_store(global);
  uint64_t checked = 0;
  uint64_t incompatible = 0;
  std::vector<BadFile> bad;
  for (int shard = 0; shard < storage::local::k_shard_count; ++shard) {
    store->layout().scan_names(shard, [&](const storage::local::StoredFile& file) {
      if (!file.key) {
        return;
      }
      ++checked;
      Expected<void> checked_ok;
      if (!file.regular) {
        checked_ok = make_error(ErrorCode::corrupt,
                                fmt::format("{}: not a regular file ({})", file.path.string(),
                                            describe_file_type(file.path)));
      } else if (file.loadable) {
        if (auto image = store->inspect_loadable(*file.key); !image) {
          checked_ok = std::unexpected(image.error());
        }
      } else if (auto records = store->inspect(*file.key); !records) {
        checked_ok = std::unexpected(records.error());
      }
      if (checked_ok) {
        return;
      }
      const auto& error = checked_ok.error();
      if (error.code == ErrorCode::unsupported) {
        ++incompatible;
      } else if (error.code != ErrorCode::not_found) { // not_found: removed meanwhile
        bad.push_back({file.path.string(), error.message, false});
      }
    });
  }
  if (options.repair) {
    for (auto& file : bad) {
      // Removes a file, a link or an empty directory; never what a directory holds.
      std::error_code error;
      std::filesystem::remove(file.path, error); // false without an error: already gone
      file.removed = !error;
      if (error) {
        file.problem += fmt::format(" (not removed: {})", error.message());
      }
    }
    if (!bad.empty()) {
      if (auto counted = store->recount(); !counted) {
        throw Failure(counted.error().message);
      }
    }
  }
  const auto remaining =
    std::count_if(bad.begin(), bad.end(), [](const BadFile& f) { return !f.removed; });

  if (options.json) {
    nlohmann::json rows = nlohmann::json::array();
    for (const auto& file : bad) {
      rows.push_back({{"path", file.path}, {"problem", file.problem}, {"removed", file.removed}});
    }
    print_json({{"checked", checked},
                {"bad", rows},
                {"incompatible", incompatible},
                {"remaining_bad", remaining}});
  } else {
    for (const auto& file : bad) {
      fmt::print("{}: {}{}\n", file.removed ? "removed" : "bad", file.problem,
                 file.problem.find(file.path) == std::string::npos ? " (" + file.path + ")" : "");
    }
    fmt::print("Checked {} files: {} bad{}, {} written by a newer jitcache\n", checked, bad.size(),
               options.repair ? fmt::format(" ({} removed)", bad.size() - remaining) : "",
               incompatible);
  }
  return remaining == 0 ? k_exit_ok : k_exit_problems;
}

} // namespace

void
add_verify_command(CLI::App& app, const GlobalOptions& global, Command& chosen)
{
  auto* command = app.add_subcommand("verify", "Check every entry; exit 1 if any is bad");
  auto options = std::make_shared<VerifyOptions>();
  command->add_flag("--repair", options->repair, "Remove bad entries");
  command->add_flag("--json", options->json, "Print one JSON object");
  run_when_chosen(command, global, chosen, options, run_verify);
}

} // namespace jitcache::cli

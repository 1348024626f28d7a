// What the CLI's subcommands share: global options, errors that map to exit codes, opening
// the store, and output helpers.
//
// Exit codes: 0 success; 1 problems found or the operation failed (a missing entry, a bad
// entry, an unreadable config); 2 usage error (bad arguments, a malformed key or value).
#pragma once

#include "storage/local/local_store.hpp"
#include "storage/tiered_store.hpp"

#include <jitcache/config.hpp>
#include <jitcache/key.hpp>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <functional>
#include <memory>
#include <stdexcept>
#include <string>

namespace jitcache::cli {

inline constexpr int k_exit_ok = 0;
inline constexpr int k_exit_problems = 1;
inline constexpr int k_exit_usage = 2;

// Thrown for a bad command line: exit code 2.
class UsageError : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Thrown when the command cannot do its work: exit code 1.
class Failure : public std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Ends the process with `code` once stdout and stderr are flushed, running no destructors:
// after a command's report, the kernel frees its memory and unmaps its libraries faster
// than ~2,000 destructors and a dlclose each would (0.1-0.3 ms of a 7 ms warm `jitcache
// run`; clang's -disable-free makes the same trade). Write first what a destructor would.
[[noreturn]] void end_process(int code);

// For an option read into an unsigned integer: CLI11 reads "-1" there as the largest value
// (`--repeat -1` would never end).
CLI::Validator not_negative();

struct GlobalOptions {
  std::string cache_dir;
};

using Command = std::function<int()>;

// Each subcommand file defines one of these; it adds the subcommand to `app` and, when the
// subcommand is chosen, sets `chosen` to the code that runs it.
using Registrar = void (*)(CLI::App& app, const GlobalOptions& global, Command& chosen);

// Makes `run` the command to execute when `command` is the one parsed. `options` are filled
// by the parser first.
template<typename Options>
void
run_when_chosen(CLI::App* command, const GlobalOptions& global, Command& chosen,
                std::shared_ptr<Options> options, int (*run)(const GlobalOptions&, const Options&))
{
  command->callback([&global, &chosen, options, run] {
    chosen = [&global, options, run] { return run(global, *options); };
  });
}

inline void
run_when_chosen(CLI::App* command, const GlobalOptions& global, Command& chosen,
                int (*run)(const GlobalOptions&))
{
  command->callback([&global, &chosen, run] { chosen = [&global, run] { return run(global); }; });
}

Config load_cli_config(const GlobalOptions& global);
std::unique_ptr<storage::local::LocalStore> open_cli_store(const GlobalOptions& global);
// Like open_cli_store, but fails unless the cache can be written.
std::unique_ptr<storage::local::LocalStore> open_writable_store(const GlobalOptions& global);
// The local store with the remote tiers behind it, for commands that look entries up or
// store them as a client would (get, put, pgo); `writable`: fail unless the local cache can
// be written.
std::unique_ptr<storage::TieredStore> open_tiered_store(const GlobalOptions& global,
                                                        bool writable = false);

Key parse_key_argument(const std::string& text);

// Every record of `key`, fully checked; throws Failure naming the key if there is none or
// it cannot be read.
std::vector<core::DecodedEntry> read_entry_records(const storage::local::LocalStore& store,
                                                   const Key& key);

void print_json(const nlohmann::json& value);
std::string format_age_ms(int64_t age_ms);
std::string format_time_ms(int64_t unix_ms);

} // namespace jitcache::cli

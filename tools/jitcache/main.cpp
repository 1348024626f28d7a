// jitcache: inspect and manage a jitcache cache directory.
#include "cli.hpp"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <exception>
#include <ranges>
#include <string_view>

namespace jitcache::cli {
void add_stats_command(CLI::App&, const GlobalOptions&, Command&);
void add_zero_stats_command(CLI::App&, const GlobalOptions&, Command&);
void add_ls_command(CLI::App&, const GlobalOptions&, Command&);
void add_show_command(CLI::App&, const GlobalOptions&, Command&);
void add_explain_command(CLI::App&, const GlobalOptions&, Command&);
void add_verify_command(CLI::App&, const GlobalOptions&, Command&);
void add_trim_command(CLI::App&, const GlobalOptions&, Command&);
void add_recount_command(CLI::App&, const GlobalOptions&, Command&);
void add_clear_command(CLI::App&, const GlobalOptions&, Command&);
void add_config_command(CLI::App&, const GlobalOptions&, Command&);
void add_put_command(CLI::App&, const GlobalOptions&, Command&);
void add_get_command(CLI::App&, const GlobalOptions&, Command&);
void add_run_command(CLI::App&, const GlobalOptions&, Command&);
void add_pgo_command(CLI::App&, const GlobalOptions&, Command&);
void add_remote_command(CLI::App&, const GlobalOptions&, Command&);
void add_keygen_command(CLI::App&, const GlobalOptions&, Command&);
void add_bundle_command(CLI::App&, const GlobalOptions&, Command&);
} // namespace jitcache::cli

namespace {

void
report(const std::string& message)
{
  (void)std::fputs(message.c_str(), stderr); // nowhere left to report a failure to write
}

// Whether a message already begins as compilers' do, "file:line:column: error: ...": an error
// in a program's text, printed as it is rather than after a second "error:".
bool
starts_with_source_location(std::string_view message)
{
  const auto first_line = message.substr(0, message.find('\n'));
  const auto marker = first_line.find(": error: ");
  if (marker == std::string_view::npos) {
    return false;
  }
  auto location = first_line.substr(0, marker); // "file:line:column"
  for (int number = 0; number < 2; ++number) {
    const auto colon = location.rfind(':');
    const auto digits = location.substr(colon == std::string_view::npos ? 0 : colon + 1);
    if (colon == std::string_view::npos || digits.empty() ||
        !std::ranges::all_of(digits, [](char c) { return c >= '0' && c <= '9'; })) {
      return false;
    }
    location = location.substr(0, colon);
  }
  return !location.empty();
}

void
report_error(const char* message)
{
  report(starts_with_source_location(message) ? fmt::format("{}\n", message)
                                              : fmt::format("jitcache: error: {}\n", message));
}

struct CommandRegistrar {
  std::string_view name;
  jitcache::cli::Registrar add;
};

const std::array k_commands = {
  CommandRegistrar{"stats", jitcache::cli::add_stats_command},
  CommandRegistrar{"zero-stats", jitcache::cli::add_zero_stats_command},
  CommandRegistrar{"ls", jitcache::cli::add_ls_command},
  CommandRegistrar{"show", jitcache::cli::add_show_command},
  CommandRegistrar{"explain", jitcache::cli::add_explain_command},
  CommandRegistrar{"verify", jitcache::cli::add_verify_command},
  CommandRegistrar{"trim", jitcache::cli::add_trim_command},
  CommandRegistrar{"recount", jitcache::cli::add_recount_command},
  CommandRegistrar{"clear", jitcache::cli::add_clear_command},
  CommandRegistrar{"config", jitcache::cli::add_config_command},
  CommandRegistrar{"put", jitcache::cli::add_put_command},
  CommandRegistrar{"get", jitcache::cli::add_get_command},
  CommandRegistrar{"run", jitcache::cli::add_run_command},
  CommandRegistrar{"pgo", jitcache::cli::add_pgo_command},
  CommandRegistrar{"remote", jitcache::cli::add_remote_command},
  CommandRegistrar{"keygen", jitcache::cli::add_keygen_command},
  CommandRegistrar{"bundle", jitcache::cli::add_bundle_command},
};

// The first word on the command line that is not an option (nor --cache-dir's value): the
// command the user asked for, or "" when there is none or help comes before it.
std::string_view
command_word(int argc, char** argv)
{
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "--cache-dir") {
      ++i; // its value
    } else if (arg == "-h" || arg == "--help" || arg == "--help-all") {
      return {};
    } else if (!arg.starts_with("-")) {
      return arg;
    }
  }
  return {};
}

int
run(int argc, char** argv)
{
  using namespace jitcache::cli;
  CLI::App app{"jitcache: a compilation cache for JIT compilers", "jitcache"};
  app.set_version_flag("--version", std::string("jitcache ") + JITCACHE_VERSION);
  app.require_subcommand(1);
  // Options given after a subcommand that it does not know (--cache-dir) reach the main app.
  app.fallthrough();

  GlobalOptions global;
  app.add_option("--cache-dir", global.cache_dir,
                 "Cache directory (default: $JITCACHE_DIR, "
                 "else $XDG_CACHE_HOME/jitcache, else ~/.cache/jitcache)");

  // Building every command's options costs ~0.3 ms, a tenth of a warm `jitcache run`: only
  // the command named is built (all of them for help).
  const std::string_view named = command_word(argc, argv);
  if (!named.empty() &&
      std::none_of(k_commands.begin(), k_commands.end(),
                   [named](const auto& command) { return command.name == named; })) {
    const auto names = k_commands | std::views::transform(&CommandRegistrar::name);
    report(fmt::format("jitcache: error: unknown command '{}' (commands: {})\n", named,
                       fmt::join(names, ", ")));
    return k_exit_usage;
  }
  Command chosen;
  for (const auto& [name, add] : k_commands) {
    if (named.empty() || name == named) {
      add(app, global, chosen);
    }
  }
  // A command's own help would not show the option it shares with every command.
  const auto name_the_cache_dir = [](CLI::App& parent, const auto& recurse) -> void {
    for (auto* command : parent.get_subcommands([](CLI::App*) { return true; })) {
      command->footer("Every command also takes --cache-dir DIR, before or after its name: the "
                      "cache directory (default: $JITCACHE_DIR, else $XDG_CACHE_HOME/jitcache, "
                      "else ~/.cache/jitcache).");
      recurse(*command, recurse); // `pgo show` as well as `pgo`
    }
  };
  name_the_cache_dir(app, name_the_cache_dir);

  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);
    return k_exit_usage;
  }

  try {
    return chosen ? chosen() : k_exit_usage;
  } catch (const UsageError& e) {
    report_error(e.what());
    return k_exit_usage;
  } catch (const Failure& e) {
    report_error(e.what());
    return k_exit_problems;
  } catch (const std::exception& e) {
    report(fmt::format("jitcache: internal error: {}\n", e.what()));
    return k_exit_problems;
  }
}

} // namespace

int
main(int argc, char** argv)
{
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    report(fmt::format("jitcache: internal error: {}\n", e.what()));
  } catch (...) {
    report("jitcache: internal error\n");
  }
  return jitcache::cli::k_exit_problems;
}

// jitcache: inspect and manage a jitcache cache directory.
#include "cli.hpp"

#include <fmt/format.h>

#include <cstdio>
#include <exception>

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
} // namespace jitcache::cli

namespace {

void
report(const std::string& message)
{
  (void)std::fputs(message.c_str(), stderr); // nowhere left to report a failure to write
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

  Command chosen;
  for (Registrar add : {add_stats_command, add_zero_stats_command, add_ls_command, add_show_command,
                        add_explain_command, add_verify_command, add_trim_command,
                        add_recount_command, add_clear_command, add_config_command, add_put_command,
                        add_get_command, add_run_command, add_pgo_command}) {
    add(app, global, chosen);
  }

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
    report(fmt::format("jitcache: error: {}\n", e.what()));
    return k_exit_usage;
  } catch (const Failure& e) {
    report(fmt::format("jitcache: error: {}\n", e.what()));
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

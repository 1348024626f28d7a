// Runs a program with posix_spawn, feeds it standard input, captures its output and kills it
// if it runs past a timeout.
#pragma once

#include <jitcache/error.hpp>

#include <chrono>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace jitcache::util {

struct ProcessOptions {
  std::optional<std::chrono::milliseconds> timeout;
  std::string stdin_data;
  // Variables to set (a value) or remove (nullopt) on top of this process's environment.
  std::map<std::string, std::optional<std::string>> environment;
  std::filesystem::path working_directory; // empty: inherit
};

struct ProcessResult {
  int exit_code = -1; // -1 when killed by a signal
  int signal = 0;     // the signal that ended it, or 0
  bool timed_out = false;
  std::string stdout_text;
  std::string stderr_text;
};

// Searches PATH when argv[0] has no slash. Fails only if the program cannot be started.
Expected<ProcessResult> run_process(const std::vector<std::string>& argv,
                                    const ProcessOptions& options = {});

} // namespace jitcache::util

// Runs the jitcache CLI binary built alongside the tests.
#pragma once

#include "util/subprocess.hpp"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace jitcache::testing {

struct CliResult {
  int exit_code = -1;
  std::string out;
  std::string err;
};

inline CliResult
run_cli(const std::vector<std::string>& args, util::ProcessOptions options = {})
{
  std::vector<std::string> argv = {JITCACHE_CLI_PATH};
  argv.insert(argv.end(), args.begin(), args.end());
  if (!options.timeout) {
    options.timeout = std::chrono::seconds(120);
  }
  auto result = util::run_process(argv, options);
  if (!result) {
    ADD_FAILURE() << result.error().message;
    return {};
  }
  return {result->exit_code, result->stdout_text, result->stderr_text};
}

inline std::string
trimmed(std::string text)
{
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) {
    text.pop_back();
  }
  return text;
}

} // namespace jitcache::testing

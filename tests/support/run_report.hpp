// Driving `jitcache run --json` and `jitcache ls --json` from the integration tests.
#pragma once

#include "support/cli_runner.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

namespace jitcache::testing {

// The report of `jitcache run ARGS... --json`, which must exit with `expected_exit`.
inline nlohmann::json
run_json(const std::vector<std::string>& args, int expected_exit = 0,
         util::ProcessOptions options = {})
{
  std::vector<std::string> argv = {"run"};
  argv.insert(argv.end(), args.begin(), args.end());
  argv.emplace_back("--json");
  auto result = run_cli(argv, options);
  EXPECT_EQ(result.exit_code, expected_exit) << result.err;
  auto parsed = nlohmann::json::parse(result.out, nullptr, false);
  EXPECT_FALSE(parsed.is_discarded()) << result.out << result.err;
  return parsed;
}

// The keys stored in `cache` (of one kind, or all).
inline std::set<std::string>
keys_in(const std::filesystem::path& cache, const std::string& kind = "")
{
  auto result = run_cli({"ls", "--json", "--cache-dir", cache.string()});
  EXPECT_EQ(result.exit_code, 0) << result.err;
  std::set<std::string> keys;
  for (const auto& item : nlohmann::json::parse(result.out)) {
    if (kind.empty() || item["kind"] == kind) {
      keys.insert(item["key"].get<std::string>());
    }
  }
  return keys;
}

} // namespace jitcache::testing

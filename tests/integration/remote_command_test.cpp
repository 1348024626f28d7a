// `jitcache remote check` and `jitcache remote push` against real servers.
#include "support/cli_runner.hpp"
#include "support/nginx_server.hpp"
#include "support/redis_server.hpp"
#include "support/require_program.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace jitcache::testing {
namespace {

CliResult
with_remote(const std::string& remote, const std::vector<std::string>& args)
{
  util::ProcessOptions options;
  options.environment["JITCACHE_REMOTE"] = remote;
  options.timeout = std::chrono::seconds(240);
  return run_cli(args, options);
}

TEST(RemoteCommand, CheckReportsEachTierAndWhatDoesNotSuitACache)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  JITCACHE_REQUIRE_PROGRAM("nginx");
  RedisServer unbounded; // Redis's defaults: no maxmemory, noeviction
  RedisServer bounded({"--maxmemory", "64mb", "--maxmemory-policy", "allkeys-lru"});
  NginxServer nginx;
  ASSERT_TRUE(unbounded.up() && bounded.up() && nginx.up());
  const std::string remote =
    fmt::format("{} {}|read-only {}", unbounded.url(), bounded.url(), nginx.url());
  auto result = with_remote(remote, {"remote", "check", "--json"});
  ASSERT_EQ(result.exit_code, 0) << result.out << result.err;
  const auto report = nlohmann::json::parse(result.out);
  ASSERT_EQ(report["tiers"].size(), 3u);
  const auto& first = report["tiers"][0];
  EXPECT_TRUE(first["reachable"].get<bool>());
  EXPECT_EQ(first["read"], "ok");
  EXPECT_EQ(first["write"], "ok");
  ASSERT_EQ(first["advice"].size(), 2u) << result.out;
  EXPECT_NE(first["advice"][0].get<std::string>().find("maxmemory is not set"), std::string::npos);
  EXPECT_NE(first["advice"][1].get<std::string>().find("noeviction"), std::string::npos);
  const auto& second = report["tiers"][1];
  EXPECT_EQ(second["write"], "skipped (read-only)");
  EXPECT_TRUE(second["advice"].empty()) << result.out;
  const auto& third = report["tiers"][2];
  EXPECT_EQ(third["read"], "ok");
  EXPECT_EQ(third["write"], "ok");
  EXPECT_EQ(unbounded.cli({"DBSIZE"}), "0\n"); // the check cleans up after itself
  EXPECT_TRUE(std::filesystem::is_empty(nginx.root()));

  // A dead tier fails the check and says why.
  const std::string dead = unbounded.url();
  unbounded.process().stop();
  auto failed = with_remote(dead, {"remote", "check"});
  EXPECT_EQ(failed.exit_code, 1);
  EXPECT_NE(failed.out.find("reachable   no"), std::string::npos) << failed.out;
  EXPECT_NE(failed.out.find("Connection refused"), std::string::npos) << failed.out;

  auto none = with_remote("", {"remote", "check"});
  EXPECT_EQ(none.exit_code, 1);
  EXPECT_NE(none.err.find("no remote tier is configured"), std::string::npos) << none.err;
}

TEST(RemoteCommand, PushSeedsATeamCacheFromOneMachine)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  const std::string program =
    (std::filesystem::path(JITCACHE_SOURCE_DIR) / "examples" / "transformer_block.jc").string();
  TempDir seed;
  TempDir fresh;
  // A machine without the remote fills its local cache.
  auto filled = with_remote("", {"run", program, "--cache-dir", seed.path().string()});
  ASSERT_EQ(filled.exit_code, 0) << filled.err;

  auto pushed =
    with_remote(redis.url(), {"remote", "push", "--all", "--cache-dir", seed.path().string()});
  ASSERT_EQ(pushed.exit_code, 0) << pushed.err;
  EXPECT_NE(pushed.out.find("redis: 15 pushed, 0 already there, 0 failed"), std::string::npos)
    << pushed.out;
  auto again =
    with_remote(redis.url(), {"remote", "push", "--all", "--cache-dir", seed.path().string()});
  EXPECT_NE(again.out.find("redis: 0 pushed, 15 already there"), std::string::npos) << again.out;

  // A fresh machine then starts warm from the remote tier.
  auto warm = with_remote(
    redis.url(), {"run", program, "--cache-dir", fresh.path().string(), "--check", "--json"});
  ASSERT_EQ(warm.exit_code, 0) << warm.err;
  const auto totals = nlohmann::json::parse(warm.out)["totals"];
  EXPECT_EQ(totals["compiles"].get<int>(), 0);
  EXPECT_EQ(totals["remote_hits"].get<int>(), 1);

  auto usage = with_remote(redis.url(), {"remote", "push"});
  EXPECT_EQ(usage.exit_code, 2);
  auto unknown = with_remote(
    redis.url(), {"remote", "push", std::string(64, 'a'), "--cache-dir", seed.path().string()});
  EXPECT_EQ(unknown.exit_code, 1);
  EXPECT_NE(unknown.err.find("no readable entry for key aaaa"), std::string::npos) << unknown.err;
  auto read_only = with_remote(redis.url() + "|read-only",
                               {"remote", "push", "--all", "--cache-dir", seed.path().string()});
  EXPECT_EQ(read_only.exit_code, 1);
  EXPECT_NE(read_only.err.find("no writable remote tier"), std::string::npos) << read_only.err;
}

} // namespace
} // namespace jitcache::testing

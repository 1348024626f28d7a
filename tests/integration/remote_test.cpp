// `jitcache run` with a remote tier: a fleet of "machines" (processes with a local cache
// directory each) sharing one real Redis, and the faults a shared server brings. Every run
// checks its results against the interpreter.
#include "support/cli_runner.hpp"
#include "support/nginx_server.hpp"
#include "support/redis_cluster.hpp"
#include "support/redis_server.hpp"
#include "support/require_program.hpp"
#include "support/temp_dir.hpp"
#include "support/truncating_http_server.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>
#include <vector>

namespace jitcache::testing {
namespace {

const std::filesystem::path k_program =
  std::filesystem::path(JITCACHE_SOURCE_DIR) / "examples" / "transformer_block.jc";

struct Start {
  int exit_code = -1;
  nlohmann::json totals;
  std::string err;
  std::chrono::milliseconds took{};
};

// One process: `jitcache run` on its own cache directory with `remote` as its remote tiers.
Start
start_machine(const TempDir& cache, const std::string& remote)
{
  util::ProcessOptions options;
  options.environment["JITCACHE_REMOTE"] = remote;
  options.timeout = std::chrono::seconds(240);
  const auto begin = std::chrono::steady_clock::now();
  auto result = run_cli({"run", k_program.string(), "--cache-dir", cache.path().string(),
                         "--repeat", "1", "--check", "--json"},
                        options);
  Start start;
  start.took =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - begin);
  start.exit_code = result.exit_code;
  start.err = result.err;
  auto report = nlohmann::json::parse(result.out, nullptr, false);
  if (!report.is_discarded()) {
    start.totals = report["totals"];
  }
  return start;
}

TEST(Remote, MachinesStartedOneAfterAnotherCompileOnlyOnTheFirst)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir machines[4];
  const Start first = start_machine(machines[0], redis.url());
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_GT(first.totals["compiles"].get<int>(), 0);
  EXPECT_EQ(first.totals["remote_hits"].get<int>(), 0);
  for (int i = 1; i < 4; ++i) {
    const Start next = start_machine(machines[i], redis.url());
    ASSERT_EQ(next.exit_code, 0) << next.err; // --check passed
    EXPECT_EQ(next.totals["compiles"].get<int>(), 0) << "machine " << i;
    EXPECT_GE(next.totals["remote_hits"].get<int>(), 1) << "machine " << i;
  }
  // Its statistics say which tier served it: a lookup the remote tier answered is a hit.
  util::ProcessOptions with_remote;
  with_remote.environment["JITCACHE_REMOTE"] = redis.url();
  auto stats =
    run_cli({"stats", "--json", "--cache-dir", machines[1].path().string()}, with_remote);
  ASSERT_EQ(stats.exit_code, 0) << stats.err;
  const auto json = nlohmann::json::parse(stats.out);
  EXPECT_GE(json["remote_tiers"]["redis"]["hits"].get<int>(), 1) << stats.out;
  EXPECT_EQ(json["remote_tiers"]["redis"]["errors"]["read"].get<int>(), 0) << stats.out;
  EXPECT_GT(json["remote_tiers"]["redis"]["bytes_read"].get<int>(), 0) << stats.out;
  EXPECT_EQ(json["hit_rates"]["graph"]["hits"].get<int>(), 1) << stats.out;
  EXPECT_EQ(json["hit_rates"]["graph"]["misses"].get<int>(), 0) << stats.out;
  auto text = run_cli({"stats", "--cache-dir", machines[1].path().string()}, with_remote);
  EXPECT_NE(text.out.find("Remote tiers        " + redis.url()), std::string::npos) << text.out;

  // A machine that found the graph on the remote tier kept it: its next start is local.
  const Start again = start_machine(machines[1], redis.url());
  ASSERT_EQ(again.exit_code, 0) << again.err;
  EXPECT_EQ(again.totals["compiles"].get<int>(), 0);
  EXPECT_EQ(again.totals["remote_hits"].get<int>(), 0);
  EXPECT_GE(again.totals["local_hits"].get<int>(), 1);
}

TEST(Remote, MachinesStartedTogetherCompileEachKernelOnceInTotal)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  TempDir alone;
  RedisServer solo;
  ASSERT_TRUE(solo.up());
  const Start reference = start_machine(alone, solo.url());
  ASSERT_EQ(reference.exit_code, 0) << reference.err;
  const int kernels = reference.totals["compiles"].get<int>();
  ASSERT_GT(kernels, 0);

  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir machines[4];
  std::vector<std::thread> starts;
  Start results[4];
  for (int i = 0; i < 4; ++i) {
    starts.emplace_back([&, i] { results[i] = start_machine(machines[i], redis.url()); });
  }
  for (auto& start : starts) {
    start.join();
  }
  int compiles = 0;
  for (const auto& result : results) {
    ASSERT_EQ(result.exit_code, 0) << result.err; // --check passed
    compiles += result.totals["compiles"].get<int>();
  }
  EXPECT_EQ(compiles, kernels);
}

TEST(Remote, ADeadOrFrozenServerNeverBreaksARun)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir filler;
  ASSERT_EQ(start_machine(filler, redis.url()).exit_code, 0);

  // Killed: connections are refused; the run compiles and passes its check.
  const std::string url = redis.url();
  redis.process().signal(SIGKILL);
  TempDir after_kill;
  const Start killed = start_machine(after_kill, url);
  ASSERT_EQ(killed.exit_code, 0) << killed.err;
  EXPECT_GT(killed.totals["compiles"].get<int>(), 0);

  // Frozen (requests hang): one timeout opens the breaker; the run passes its check and the
  // queued writes wait at most remote_flush_timeout at exit.
  redis.restart();
  ASSERT_TRUE(redis.up());
  redis.process().signal(SIGSTOP);
  TempDir frozen;
  const Start stuck = start_machine(frozen, url + "|timeout=300ms|connect-timeout=300ms");
  redis.process().signal(SIGCONT);
  ASSERT_EQ(stuck.exit_code, 0) << stuck.err;
  EXPECT_GT(stuck.totals["compiles"].get<int>(), 0);
  EXPECT_NE(stuck.err.find("remote tier redis is not used for"), std::string::npos) << stuck.err;
}

TEST(Remote, ARedisKilledMidRunNeverBreaksIt)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir machine;
  Start killed_during;
  // A cold start takes about half a second here: the server dies while it compiles and
  // queues its writes, with the lease renewer and the write queue talking to it.
  std::thread run([&] { killed_during = start_machine(machine, redis.url()); });
  std::this_thread::sleep_for(std::chrono::milliseconds(150));
  redis.process().signal(SIGKILL);
  run.join();
  ASSERT_EQ(killed_during.exit_code, 0) << killed_during.err; // --check passed
  EXPECT_GT(killed_during.totals["compiles"].get<int>(), 0);
}

// Under require_signature = remote, entries planted in Redis by a machine without a trusted
// key are rejected and the run still passes its check; what a trusted writer signs is used.
TEST(Remote, OnlyEntriesSignedByATrustedKeyAreTakenFromRedis)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir keys;
  const auto keygen = [&](const std::string& name) {
    auto made = run_cli({"keygen", "-o", (keys.path() / name).string()});
    EXPECT_EQ(made.exit_code, 0) << made.err;
    std::ifstream in(keys.path() / (name + ".pub"));
    std::string text;
    in >> text;
    return text;
  };
  const std::string trusted = keygen("trusted");
  keygen("stranger");
  const auto run_with = [&](const TempDir& dir, const std::map<std::string, std::string>& env) {
    util::ProcessOptions options;
    options.environment["JITCACHE_REMOTE"] = redis.url();
    for (const auto& [name, value] : env) {
      options.environment[name] = value;
    }
    options.timeout = std::chrono::seconds(240);
    auto result = run_cli({"run", k_program.string(), "--cache-dir", dir.path().string(),
                           "--repeat", "1", "--check", "--json"},
                          options);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out, nullptr, false)["totals"];
  };
  const std::map<std::string, std::string> reader = {{"JITCACHE_REQUIRE_SIGNATURE", "remote"},
                                                     {"JITCACHE_TRUSTED_KEYS", trusted}};
  TempDir planter;
  run_with(planter, {{"JITCACHE_SIGNING_KEY", (keys.path() / "stranger").string()}});
  TempDir first_reader;
  const auto rejected = run_with(first_reader, reader);
  EXPECT_GT(rejected["compiles"].get<int>(), 0); // nothing usable there: compiled, correct
  EXPECT_EQ(rejected["remote_hits"].get<int>(), 0);

  TempDir writer;
  auto signing = reader;
  signing["JITCACHE_SIGNING_KEY"] = (keys.path() / "trusted").string();
  run_with(writer, signing); // finds nothing it trusts, compiles, replaces what was there
  TempDir second_reader;
  const auto accepted = run_with(second_reader, reader);
  EXPECT_EQ(accepted["compiles"].get<int>(), 0);
  EXPECT_EQ(accepted["remote_hits"].get<int>(), 1);
}

TEST(Remote, AClusterServesTheFleetAndAKilledNodeNeverBreaksARun)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisCluster cluster;
  ASSERT_TRUE(cluster.ready());
  const std::string url = cluster.url() + "|timeout=300ms";
  TempDir machines[3];
  const Start first = start_machine(machines[0], url);
  ASSERT_EQ(first.exit_code, 0) << first.err;
  EXPECT_GT(first.totals["compiles"].get<int>(), 0);
  const Start second = start_machine(machines[1], url);
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(second.totals["compiles"].get<int>(), 0);
  EXPECT_GE(second.totals["remote_hits"].get<int>(), 1);
  for (size_t i = 0; i < RedisCluster::k_masters; ++i) {
    EXPECT_NE(cluster.node(i).cli({"DBSIZE"}), "0\n") << "node " << i << " holds nothing";
  }

  cluster.node(1).process().signal(SIGKILL);
  const Start after_kill = start_machine(machines[2], url);
  ASSERT_EQ(after_kill.exit_code, 0) << after_kill.err; // --check passed
}

TEST(Remote, AnHttpCacheServesTheFleet)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer nginx;
  ASSERT_TRUE(nginx.up());
  for (const std::string layout : {"flat", "bazel"}) {
    const std::string url = nginx.url() + "/" + layout + "|layout=" + layout;
    TempDir machines[3];
    const Start first = start_machine(machines[0], url);
    ASSERT_EQ(first.exit_code, 0) << first.err;
    EXPECT_GT(first.totals["compiles"].get<int>(), 0);
    for (int i = 1; i < 3; ++i) {
      const Start next = start_machine(machines[i], url);
      ASSERT_EQ(next.exit_code, 0) << next.err; // --check passed
      EXPECT_EQ(next.totals["compiles"].get<int>(), 0) << layout << ", machine " << i;
      EXPECT_GE(next.totals["remote_hits"].get<int>(), 1) << layout << ", machine " << i;
    }
  }
}

// libcurl (and the thirty libraries it brings) is loaded by the first HTTP request, not by
// configuring an HTTP tier: a start that the local cache serves does not pay for it.
TEST(Remote, OnlyAStartThatAsksAnHttpTierLoadsLibcurl)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer nginx;
  ASSERT_TRUE(nginx.up());
  TempDir machine;
  const auto loads_libcurl = [&] {
    util::ProcessOptions options;
    options.environment["JITCACHE_REMOTE"] = nginx.url();
    options.environment["LD_DEBUG"] = "libs";
    options.timeout = std::chrono::seconds(240);
    auto result =
      run_cli({"run", k_program.string(), "--cache-dir", machine.path().string(), "--repeat", "0"},
              options);
    EXPECT_EQ(result.exit_code, 0);
    return result.err.find("libcurl") != std::string::npos;
  };
  EXPECT_TRUE(loads_libcurl());  // cold: the tier is asked, and written to
  EXPECT_FALSE(loads_libcurl()); // warm: the local cache answers
}

TEST(Remote, AnHttpCacheAnswering500Or404OrCutShortNeverBreaksARun)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer nginx;
  ASSERT_TRUE(nginx.up());
  TruncatingHttpServer truncating;
  // An empty directory answers 404 to everything, and its writes go nowhere (no DAV).
  for (const std::string& url :
       {nginx.url("fail500"), nginx.url("nothing-here"), truncating.url()}) {
    TempDir machine;
    const Start start = start_machine(machine, url);
    ASSERT_EQ(start.exit_code, 0) << url << ": " << start.err; // --check passed
    EXPECT_GT(start.totals["compiles"].get<int>(), 0) << url;
    EXPECT_EQ(start.totals["remote_hits"].get<int>(), 0) << url;
  }
}

} // namespace
} // namespace jitcache::testing

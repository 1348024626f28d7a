// The jitcache CLI, driven as a user would: through the real binary and a real directory.
#include "storage/local/layout.hpp"
#include "util/files.hpp"

#include <jitcache/config.hpp>
#include <jitcache/key_builder.hpp>

#include "support/cli_runner.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace jitcache {

using testing::run_cli;
using testing::TempDir;
using testing::trimmed;

namespace {

class CliTest : public ::testing::Test {
protected:
  // Runs the CLI on this test's cache directory.
  testing::CliResult
  jc(std::vector<std::string> args, util::ProcessOptions options = {})
  {
    args.insert(args.begin(), {"--cache-dir", m_dir.path().string()});
    options.environment["XDG_CONFIG_HOME"] = (m_home / "config").string();
    options.environment["JITCACHE_DIR"] = std::nullopt;
    return run_cli(args, options);
  }

  std::string
  put(const std::string& content, std::vector<std::string> args)
  {
    const auto file = m_home / ("input-" + std::to_string(m_inputs++));
    EXPECT_TRUE(util::write_file_atomic(file, content));
    args.insert(args.begin(), "put");
    args.push_back(file.string());
    const auto result = jc(args);
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return trimmed(result.out);
  }

  nlohmann::json
  json_of(std::vector<std::string> args)
  {
    const auto result = jc(std::move(args));
    EXPECT_EQ(result.exit_code, 0) << result.err;
    return nlohmann::json::parse(result.out);
  }

  TempDir m_dir;
  TempDir m_home;
  int m_inputs = 0;
};

} // namespace

TEST_F(CliTest, PutThenGetRoundTripsTheFile)
{
  const std::string content = "compiled kernel bytes\x01\x02";
  const auto key = put(content, {"--kind", "kernel", "--component", "graph=relu(x)", "--component",
                                 "flags=-O2", "--compile-ms", "1500"});
  ASSERT_EQ(key.size(), 64u);
  const auto out = m_home / "out";
  const auto got = jc({"get", key, "-o", out.string()});
  ASSERT_EQ(got.exit_code, 0) << got.err;
  const auto bytes = util::read_file(out).value();
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()), content);

  const auto stdout_get = jc({"get", key, "-o", "-"});
  EXPECT_EQ(stdout_get.out, content);
}

TEST_F(CliTest, KeysAreStableAcrossProcesses)
{
  const auto key =
    put("x", {"--kind", "kernel", "--component", "graph=relu(x)", "--component", "flags=-O2"});
  KeyBuilder builder;
  builder.add_string("kind", "kernel").add_string("graph", "relu(x)").add_string("flags", "-O2");
  EXPECT_EQ(key, builder.build().to_hex());
  // The content is not part of the key: the same components in another cache give the same key.
  TempDir other;
  const auto file = other / "f";
  ASSERT_TRUE(util::write_file_atomic(file, std::string_view("different content")));
  const auto again =
    run_cli({"--cache-dir", other.path().string(), "put", "--kind", "kernel", "--component",
             "graph=relu(x)", "--component", "flags=-O2", file.string()});
  EXPECT_EQ(trimmed(again.out), key);
}

TEST_F(CliTest, ShowLsAndExplain)
{
  const auto a =
    put("aaa", {"--kind", "graph", "--component", "graph=g1", "--component", "cxx=g++ 12"});
  const auto b =
    put("bbb", {"--kind", "graph", "--component", "graph=g1", "--component", "cxx=g++ 13"});
  put("kkk", {"--kind", "kernel", "--component", "graph=k"});

  const auto shown = json_of({"show", a, "--json"});
  EXPECT_EQ(shown["key"], a);
  ASSERT_EQ(shown["variants"].size(), 1u);
  EXPECT_EQ(shown["variants"][0]["kind"], "graph");
  EXPECT_EQ(shown["variants"][0]["details"][2]["name"], "cxx");
  EXPECT_EQ(shown["variants"][0]["details"][2]["summary"], "g++ 12");
  EXPECT_EQ(shown["variants"][0]["blobs"][0]["size"], 3);
  EXPECT_NE(jc({"show", a}).out.find("Key components:"), std::string::npos);

  const auto listed = json_of({"ls", "--json"});
  EXPECT_EQ(listed.size(), 3u);
  EXPECT_EQ(json_of({"ls", "--kind", "graph", "--json"}).size(), 2u);

  const auto explained = json_of({"explain", a, b, "--json"});
  EXPECT_EQ(explained["differing"], 1);
  EXPECT_EQ(explained["components"][2]["name"], "cxx");
  EXPECT_EQ(explained["components"][2]["change"], "changed");
  const auto text = jc({"explain", a, b});
  EXPECT_NE(text.out.find("changed  cxx"), std::string::npos) << text.out;
  EXPECT_NE(text.out.find("g++ 12 -> g++ 13"), std::string::npos) << text.out;
}

TEST_F(CliTest, StatsCountHitsMissesAndWrites)
{
  const auto key = put("data", {"--kind", "kernel", "--component", "n=1", "--compile-ms", "700"});
  ASSERT_EQ(jc({"get", key, "-o", "-"}).exit_code, 0);
  ASSERT_EQ(jc({"get", key, "-o", "-"}).exit_code, 0);
  EXPECT_EQ(jc({"get", std::string(64, 'a'), "-o", "-"}).exit_code, 1);
  const auto stats = json_of({"stats", "--json"});
  EXPECT_EQ(stats["hits"], 2);
  EXPECT_EQ(stats["misses"], 1);
  EXPECT_EQ(stats["writes"], 1);
  EXPECT_EQ(stats["files"], 1);
  EXPECT_EQ(stats["time_saved_ms"], 1400);
  EXPECT_EQ(stats["counters"]["hit.local.kernel"], 2);
  EXPECT_EQ(stats["counters"]["miss.local.unknown"], 1);
  EXPECT_NE(jc({"stats"}).out.find("Time saved          1.4 s"), std::string::npos);

  ASSERT_EQ(jc({"zero-stats"}).exit_code, 0);
  const auto zeroed = json_of({"stats", "--json"});
  EXPECT_EQ(zeroed["hits"], 0);
  EXPECT_EQ(zeroed["files"], 1);
}

TEST_F(CliTest, BadKeysAndMissingEntries)
{
  auto malformed = jc({"show", "xyz"});
  EXPECT_EQ(malformed.exit_code, 2);
  EXPECT_NE(malformed.err.find("invalid key 'xyz'"), std::string::npos) << malformed.err;

  auto bad_digit = jc({"show", std::string(10, '0') + "g" + std::string(53, '0')});
  EXPECT_EQ(bad_digit.exit_code, 2);
  EXPECT_NE(bad_digit.err.find("offset 10"), std::string::npos) << bad_digit.err;

  auto missing = jc({"show", std::string(64, 'b')});
  EXPECT_EQ(missing.exit_code, 1);
  EXPECT_NE(missing.err.find("no entry for key " + std::string(64, 'b')), std::string::npos);

  EXPECT_EQ(jc({"frobnicate"}).exit_code, 2);
  EXPECT_EQ(jc({"put", "--kind", "Bad Kind", "/dev/null"}).exit_code, 2);
  EXPECT_EQ(jc({"put", "--kind", "kernel", "--component", "novalue", "/dev/null"}).exit_code, 2);
  auto no_file = jc({"put", "--kind", "kernel", "/nonexistent/file"});
  EXPECT_EQ(no_file.exit_code, 1);
  EXPECT_NE(no_file.err.find("/nonexistent/file"), std::string::npos);
}

TEST_F(CliTest, BadConfigValueNamesKeyValueAndLine)
{
  ASSERT_TRUE(util::write_file_atomic(m_dir / "jitcache.conf",
                                      std::string_view("sync = true\nmax_size = huge\n")));
  const auto result = jc({"stats"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("invalid value 'huge' for key 'max_size'"), std::string::npos)
    << result.err;
  EXPECT_NE(result.err.find((m_dir / "jitcache.conf").string() + ":2"), std::string::npos)
    << result.err;

  auto env = jc({"stats"}, {.environment = {{"JITCACHE_MAX_FILES", "-5"}}});
  EXPECT_EQ(env.exit_code, 1);
}

TEST_F(CliTest, ConfigShowGetSet)
{
  ASSERT_EQ(jc({"config", "set", "max_size", "2G"}).exit_code, 0);
  EXPECT_EQ(trimmed(jc({"config", "get", "max_size"}).out), "2G");
  const auto shown = json_of({"config", "show", "--json"});
  bool found = false;
  for (const auto& row : shown) {
    if (row["key"] == "max_size") {
      found = true;
      EXPECT_EQ(row["value"], "2G");
      EXPECT_EQ(row["origin"], (m_dir / "jitcache.conf").string() + ":1");
    }
  }
  EXPECT_TRUE(found);
  auto invalid = jc({"config", "set", "max_size", "2Q"});
  EXPECT_EQ(invalid.exit_code, 2);
  EXPECT_NE(invalid.err.find("'2Q'"), std::string::npos) << invalid.err;
  EXPECT_EQ(jc({"config", "set", "no_such_key", "1"}).exit_code, 2);
  EXPECT_EQ(jc({"config", "get", "no_such_key"}).exit_code, 2);
  EXPECT_EQ(jc({"config", "set", "dir", "/x"}).exit_code, 2);
  // The environment overrides the file.
  auto env = jc({"config", "get", "max_size"}, {.environment = {{"JITCACHE_MAX_SIZE", "3G"}}});
  EXPECT_EQ(trimmed(env.out), "3G");
}

TEST_F(CliTest, VerifyFindsAndRepairsCorruptEntries)
{
  const auto good = put("good", {"--kind", "kernel", "--component", "n=good"});
  const auto bad = put(std::string(5000, 'z'), {"--kind", "kernel", "--component", "n=bad"});
  EXPECT_EQ(jc({"verify"}).exit_code, 0);

  storage::local::Layout layout(m_dir.path());
  const auto path = layout.entry_path(Key::from_hex(bad).value());
  auto bytes = util::read_file(path).value();
  bytes[bytes.size() - 30] ^= 0x40;
  ASSERT_TRUE(util::write_file_atomic(path, bytes));
  // A stray file that is not an entry at all, named like one.
  const auto foreign = layout.entry_path(Key::from_hex(std::string(64, 'c')).value());
  ASSERT_TRUE(util::create_directories(foreign.parent_path()));
  ASSERT_TRUE(util::write_file_atomic(foreign, std::string_view("not an entry")));

  const auto found = jc({"verify"});
  EXPECT_EQ(found.exit_code, 1);
  EXPECT_NE(found.out.find(path.string()), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("checksum mismatch"), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("bad magic"), std::string::npos) << found.out;
  EXPECT_NE(found.out.find("Checked 3 files: 2 bad"), std::string::npos) << found.out;

  const auto repaired = jc({"verify", "--repair"});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_FALSE(std::filesystem::exists(path));
  EXPECT_EQ(jc({"verify"}).exit_code, 0);
  EXPECT_EQ(jc({"get", good, "-o", "-"}).out, "good");
  EXPECT_EQ(json_of({"stats", "--json"})["files"], 1);
}

TEST_F(CliTest, CorruptEntryIsAMissForGet)
{
  const auto key = put("payload", {"--kind", "kernel", "--component", "n=1"});
  storage::local::Layout layout(m_dir.path());
  const auto path = layout.entry_path(Key::from_hex(key).value());
  std::filesystem::resize_file(path, 20);
  const auto result = jc({"get", key, "-o", "-"});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("corrupt cache entry"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("no entry for key"), std::string::npos) << result.err;
  EXPECT_EQ(json_of({"stats", "--json"})["counters"]["corrupt"], 1);
}

TEST_F(CliTest, TrimRecountAndClear)
{
  std::vector<std::string> keys;
  for (int i = 0; i < 30; ++i) {
    keys.push_back(put(std::string(10000, static_cast<char>('a' + i % 26)) + std::to_string(i),
                       {"--kind", "kernel", "--component", "n=" + std::to_string(i)}));
  }
  const auto trimmed_out = jc({"trim", "--max-size", "40K"});
  ASSERT_EQ(trimmed_out.exit_code, 0) << trimmed_out.err;
  const auto stats = json_of({"stats", "--json"});
  EXPECT_LE(stats["bytes"].get<uint64_t>(), 40u * 1024);
  EXPECT_EQ(stats["files"], 10);
  EXPECT_EQ(jc({"trim", "--max-size", "lots"}).exit_code, 2);
  const auto negative = jc({"trim", "--max-files", "-1"}); // not read as 2^64 - 1
  EXPECT_EQ(negative.exit_code, 2);
  EXPECT_NE(negative.err.find("--max-files: must not be negative"), std::string::npos)
    << negative.err;

  const auto recount = jc({"recount"});
  EXPECT_NE(recount.out.find("Counted 10 files"), std::string::npos) << recount.out;
  const auto cleared = jc({"clear"});
  EXPECT_NE(cleared.out.find("Removed 10 files"), std::string::npos) << cleared.out;
  EXPECT_EQ(json_of({"ls", "--json"}).size(), 0u);
}

TEST_F(CliTest, EnvironmentChoosesTheDirectory)
{
  const auto file = m_home / "f";
  ASSERT_TRUE(util::write_file_atomic(file, std::string_view("x")));
  util::ProcessOptions options;
  options.environment["JITCACHE_DIR"] = (m_home / "envcache").string();
  options.environment["XDG_CONFIG_HOME"] = (m_home / "config").string();
  const auto put_result = run_cli({"put", "--kind", "kernel", file.string()}, options);
  ASSERT_EQ(put_result.exit_code, 0) << put_result.err;
  EXPECT_TRUE(std::filesystem::exists(m_home / "envcache" / "CACHEDIR.TAG"));
}

TEST_F(CliTest, UnusableDirectoryIsAClearError)
{
  const auto file = m_home / "plainfile";
  ASSERT_TRUE(util::write_file_atomic(file, std::string_view("x")));
  const auto result =
    run_cli({"--cache-dir", (file / "cache").string(), "put", "--kind", "kernel", file.string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("cannot create directory"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("not writable"), std::string::npos) << result.err;
}

TEST_F(CliTest, HelpAndVersion)
{
  const auto help = run_cli({"--help"});
  EXPECT_EQ(help.exit_code, 0);
  for (const char* command : {"stats", "zero-stats", "ls", "show", "explain", "verify", "trim",
                              "recount", "clear", "config", "put", "get", "run", "pgo"}) {
    EXPECT_NE(help.out.find(command), std::string::npos) << command;
  }
  EXPECT_NE(run_cli({"--version"}).out.find("jitcache 0."), std::string::npos);
  // Only the command named is built; help for it and a misspelt command still work.
  const auto run_help = run_cli({"run", "--help"});
  EXPECT_EQ(run_help.exit_code, 0);
  EXPECT_NE(run_help.out.find("--repeat"), std::string::npos) << run_help.out;
  // The option every command shares, which CLI11 lists only in the main help.
  EXPECT_NE(run_help.out.find("--cache-dir DIR"), std::string::npos) << run_help.out;
  const auto unknown = run_cli({"lss"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("lss"), std::string::npos) << unknown.err;
}

} // namespace jitcache

namespace jitcache {

// docs/configuration.md must name every key and its environment variable.
TEST(Docs, ConfigurationListsEveryKey)
{
  const auto bytes =
    util::read_file(std::filesystem::path(JITCACHE_SOURCE_DIR) / "docs" / "configuration.md");
  ASSERT_TRUE(bytes) << bytes.error().message;
  const std::string text(bytes->begin(), bytes->end());
  for (const auto& key : config_keys()) {
    EXPECT_NE(text.find("| `" + key.name + "` | `" + key.env + "`"), std::string::npos) << key.name;
  }
}

} // namespace jitcache

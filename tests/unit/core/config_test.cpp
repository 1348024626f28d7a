#include <jitcache/config.hpp>

#include "core/config_file.hpp"
#include "util/files.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <cstdlib>

namespace jitcache {

using jitcache::testing::TempDir;

namespace {

// Points the user config and cache locations into a temporary directory and clears every
// JITCACHE_* variable, restoring nothing: each test sets what it needs.
class ConfigTest : public ::testing::Test {
protected:
  void
  SetUp() override
  {
    ::setenv("XDG_CONFIG_HOME", (m_home / "config").c_str(), 1);
    ::setenv("XDG_CACHE_HOME", (m_home / "cache").c_str(), 1);
    for (const auto& key : config_keys()) {
      ::unsetenv(key.env.c_str());
    }
  }
  void
  TearDown() override
  {
    for (const auto& key : config_keys()) {
      ::unsetenv(key.env.c_str());
    }
  }
  void
  write(const std::filesystem::path& path, const std::string& text)
  {
    ASSERT_TRUE(util::create_directories(path.parent_path()));
    ASSERT_TRUE(util::write_file_atomic(path, text));
  }

  TempDir m_home;
};

} // namespace

TEST_F(ConfigTest, DefaultsAndDefaultDirectory)
{
  const auto config = load_config().value();
  EXPECT_EQ(config.dir, m_home / "cache" / "jitcache");
  EXPECT_EQ(config.max_size, 5ull << 30);
  EXPECT_EQ(config.max_files, 0u);
  EXPECT_EQ(config.compression_level, 1);
  EXPECT_FALSE(config.sync);
  EXPECT_EQ(config.origins.at("max_size"), "default");
}

TEST_F(ConfigTest, PrecedenceOptionOverEnvironmentOverFilesOverDefault)
{
  const auto dir = m_home / "cachedir";
  write(user_config_path(),
        "dir = " + dir.string() + "\nmax_size = 1G\nmax_files = 10\nsync = true\n");
  write(dir / "jitcache.conf", "# cache-wide settings\nmax_size = 2G\nmax_files = 20\n");
  ::setenv("JITCACHE_MAX_SIZE", "3G", 1);
  auto config = load_config({{"max_size", "4G"}}).value();
  EXPECT_EQ(config.dir, dir);
  EXPECT_EQ(config.max_size, 4ull << 30);
  EXPECT_EQ(config.origins.at("max_size"), "option");
  EXPECT_EQ(config.max_files, 20u);
  EXPECT_EQ(config.origins.at("max_files"), (dir / "jitcache.conf").string() + ":3");
  EXPECT_TRUE(config.sync);

  config = load_config().value();
  EXPECT_EQ(config.max_size, 3ull << 30);
  EXPECT_EQ(config.origins.at("max_size"), "environment JITCACHE_MAX_SIZE");

  ::setenv("JITCACHE_DIR", (m_home / "elsewhere").c_str(), 1);
  config = load_config().value();
  EXPECT_EQ(config.dir, m_home / "elsewhere");
  EXPECT_EQ(config.max_files, 10u); // the other directory's file no longer applies
}

TEST_F(ConfigTest, InvalidValueNamesKeyValueAndPlace)
{
  const auto dir = m_home / "cachedir";
  write(dir / "jitcache.conf", "\nmax_size = lots\n");
  auto result = load_config({{"dir", dir.string()}});
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::config);
  const auto& message = result.error().message;
  EXPECT_NE(message.find("'lots'"), std::string::npos) << message;
  EXPECT_NE(message.find("'max_size'"), std::string::npos) << message;
  EXPECT_NE(message.find((dir / "jitcache.conf").string() + ":2"), std::string::npos) << message;

  ::setenv("JITCACHE_COMPRESSION_LEVEL", "99", 1);
  auto from_env = load_config();
  ASSERT_FALSE(from_env);
  EXPECT_NE(from_env.error().message.find("JITCACHE_COMPRESSION_LEVEL"), std::string::npos);

  ::unsetenv("JITCACHE_COMPRESSION_LEVEL");
  ::setenv("JITCACHE_SYNC", "maybe", 1);
  EXPECT_FALSE(load_config());
}

TEST_F(ConfigTest, UnknownKeyAndMalformedLine)
{
  write(user_config_path(), "max_size = 1G\nmaxsize = 2G\n");
  auto unknown = load_config();
  ASSERT_FALSE(unknown);
  EXPECT_NE(unknown.error().message.find("unknown configuration key 'maxsize'"), std::string::npos);
  EXPECT_NE(unknown.error().message.find(":2"), std::string::npos);

  write(user_config_path(), "max_size 1G\n");
  auto malformed = load_config();
  ASSERT_FALSE(malformed);
  EXPECT_NE(malformed.error().message.find("expected 'key = value'"), std::string::npos);
}

TEST_F(ConfigTest, DirCannotBeSetInsideTheCacheDirectory)
{
  const auto dir = m_home / "cachedir";
  write(dir / "jitcache.conf", "dir = /elsewhere\n");
  auto result = load_config({{"dir", dir.string()}});
  ASSERT_FALSE(result);
  EXPECT_NE(result.error().message.find("'dir' cannot be set"), std::string::npos);
}

// Whoever can write the cache directory must not be able to weaken trust from there.
TEST_F(ConfigTest, TrustSettingsCannotBeSetInsideTheCacheDirectory)
{
  const auto dir = m_home / "cachedir";
  const std::string key(64, 'a');
  for (const std::string line : {std::string("require_signature = off"), "trusted_keys = " + key}) {
    write(dir / "jitcache.conf", line + "\n");
    auto result = load_config({{"dir", dir.string()}});
    ASSERT_FALSE(result) << line;
    EXPECT_NE(result.error().message.find("cannot be set inside the cache directory's own "
                                          "config file: whoever can write the cache could "
                                          "weaken trust"),
              std::string::npos)
      << result.error().message;
  }
  // From the user's file, the environment or an option they apply.
  write(dir / "jitcache.conf", "");
  write(user_config_path(), "require_signature = all\ntrusted_keys = " + key + "\n");
  auto config = load_config({{"dir", dir.string()}});
  ASSERT_TRUE(config) << config.error().message;
  EXPECT_EQ(config->require_signature, RequireSignature::all);
  EXPECT_FALSE(settable_in_cache_dir("trusted_keys"));
  EXPECT_TRUE(settable_in_cache_dir("signing_key"));

  auto bad = load_config({{"trusted_keys", "abc"}});
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("'abc' is not a public key"), std::string::npos);
  EXPECT_FALSE(load_config({{"require_signature", "sometimes"}}));
}

TEST_F(ConfigTest, UpdateConfigFileKeepsOtherLines)
{
  const auto path = m_home / "c" / "jitcache.conf";
  write(path, "# comment\nmax_size = 1G\nsync = true\nmax_size = 9G\n");
  ASSERT_TRUE(core::update_config_file(path, "max_size", "2G"));
  ASSERT_TRUE(core::update_config_file(path, "max_files", "5"));
  const auto bytes = util::read_file(path).value();
  EXPECT_EQ(std::string(bytes.begin(), bytes.end()),
            "# comment\nmax_size = 2G\nsync = true\nmax_files = 5\n");
}

TEST_F(ConfigTest, CompilerKeys)
{
  auto config = load_config().value();
  EXPECT_EQ(config.cxx, "c++");
  EXPECT_EQ(config.cxxflags, "-O2 -fPIC -shared");
  EXPECT_EQ(config.compile_timeout_s, 300u);
  ::setenv("JITCACHE_CXX", "ccache c++", 1);
  ::setenv("JITCACHE_CXXFLAGS", "-O3 -march=native", 1);
  config = load_config({{"compile_timeout", "60"}}).value();
  EXPECT_EQ(config.cxx, "ccache c++");
  EXPECT_EQ(config.cxxflags, "-O3 -march=native");
  EXPECT_EQ(config.compile_timeout_s, 60u);
  EXPECT_FALSE(load_config({{"cxx", "  "}}));
  EXPECT_FALSE(load_config({{"compile_timeout", "0"}}));
}

TEST_F(ConfigTest, ValuesShowInConfigSyntax)
{
  const auto config = load_config({{"max_size", "512M"}, {"log_level", "debug"}}).value();
  EXPECT_EQ(config_value(config, "max_size").value(), "512M");
  EXPECT_EQ(config_value(config, "log_level").value(), "debug");
  EXPECT_FALSE(config_value(config, "nope"));
  EXPECT_TRUE(validate_config_value("compression_level", "0"));
  EXPECT_FALSE(validate_config_value("compression_level", "x"));
}

TEST_F(ConfigTest, RemoteKeys)
{
  auto config = load_config().value();
  EXPECT_EQ(config.remote, "");
  EXPECT_EQ(config.remote_flush_timeout_ms, 2000u);
  ::setenv("JITCACHE_REMOTE", "redis://cache:6379|timeout=200ms", 1);
  config = load_config({{"remote_flush_timeout", "500ms"}}).value();
  EXPECT_EQ(config.remote, "redis://cache:6379|timeout=200ms");
  EXPECT_EQ(config.remote_flush_timeout_ms, 500u);
  EXPECT_EQ(config_value(config, "remote_flush_timeout").value(), "500ms");
  EXPECT_EQ(load_config({{"remote_flush_timeout", "3s"}})->remote_flush_timeout_ms, 3000u);
  EXPECT_FALSE(load_config({{"remote_flush_timeout", "soon"}}));
  // A bad remote does not stop a run (the tiered store warns and runs without it), but
  // `jitcache config set` refuses it, naming what is wrong.
  EXPECT_TRUE(load_config({{"remote", "redis://cache|bogus"}}));
  auto refused = validate_config_value("remote", "redis://cache|bogus");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message.find("unknown property 'bogus'"), std::string::npos)
    << refused.error().message;
  EXPECT_TRUE(validate_config_value("remote", "redis://cache http://web/cache|layout=bazel"));
}

} // namespace jitcache

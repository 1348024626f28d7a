#include "pgo/profile_store.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace jitcache::pgo {
namespace {

using jitcache::testing::TempDir;

Profile
profile(std::string function, std::vector<std::vector<bool>> dims)
{
  Profile result;
  result.function = std::move(function);
  result.graph = "0123456789abcdef0123456789abcdef";
  result.dynamic.args = std::move(dims);
  return result;
}

TEST(Profile, TextRoundTrips)
{
  const auto original = profile("mlp", {{true, false}, {}, {false, true}});
  const auto text = original.to_text();
  EXPECT_EQ(text, "jitcache-pgo 1\nfunction mlp\ngraph 0123456789abcdef0123456789abcdef\n"
                  "dynamic a0[0] a2[1]\n");
  auto parsed = Profile::parse(text);
  ASSERT_TRUE(parsed) << parsed.error().message;
  EXPECT_EQ(parsed->function, "mlp");
  EXPECT_EQ(parsed->dynamic.to_string(), "a0[0] a2[1]");
  EXPECT_TRUE(Profile::parse("jitcache-pgo 1\nfunction f\ngraph g\ndynamic \n"));
}

TEST(Profile, MalformedTextNamesTheLine)
{
  struct Case {
    std::string text;
    std::string message;
  };
  for (const auto& [text, message] : std::vector<Case>{
         {"jitcache-pgo 2\n", "profile line 1: expected 'jitcache-pgo 1'"},
         {"jitcache-pgo 1\nfunc f\n", "profile line 2: expected 'function ...'"},
         {"jitcache-pgo 1\nfunction f\ngraph g\n", "profile line 4: expected 'dynamic ...'"},
         {"jitcache-pgo 1\nfunction f\ngraph g\ndynamic a0[x]\n",
          "profile line 4: 'a0[x]' is not a dimension like a0[1]"},
       }) {
    auto parsed = Profile::parse(text);
    ASSERT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error().message, message);
  }
}

TEST(ProfileStore, SavesMergeListAndClear)
{
  TempDir dir;
  Config config;
  config.dir = dir.path();
  storage::TieredStore store(config);
  ProfileStore profiles(store);
  EXPECT_EQ(profiles.load("mlp", profile("mlp", {}).graph), std::nullopt);

  ASSERT_TRUE(profiles.save(profile("mlp", {{true}})));
  ASSERT_TRUE(profiles.save(profile("mlp", {{false}, {true}}))); // merged, never narrowed
  ASSERT_TRUE(profiles.save(profile("attention", {{false, true}})));
  auto loaded = profiles.load("mlp", profile("mlp", {}).graph);
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->dynamic.to_string(), "a0[0] a1[0]");
  EXPECT_EQ(profiles.load("mlp", "ffffffffffffffffffffffffffffffff"), std::nullopt);

  auto all = profiles.list();
  ASSERT_TRUE(all);
  EXPECT_EQ(all->size(), 2U);
  auto one = profiles.list("attention");
  ASSERT_TRUE(one);
  ASSERT_EQ(one->size(), 1U);
  EXPECT_EQ(one->front().dynamic.to_string(), "a0[1]");

  auto removed = profiles.clear("mlp");
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, 1U);
  EXPECT_EQ(profiles.list()->size(), 1U);
  EXPECT_EQ(*profiles.clear(), 1U);
  EXPECT_TRUE(profiles.list()->empty());
}

} // namespace
} // namespace jitcache::pgo

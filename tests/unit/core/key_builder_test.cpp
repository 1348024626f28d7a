#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

#include <set>

namespace jitcache {

namespace {

Key
key_of(std::initializer_list<std::pair<std::string, std::string>> components)
{
  KeyBuilder builder;
  for (const auto& [name, value] : components) {
    builder.add_string(name, value);
  }
  return builder.build();
}

} // namespace

TEST(KeyBuilder, SameComponentsSameKey)
{
  EXPECT_EQ(key_of({{"a", "1"}, {"b", "2"}}), key_of({{"a", "1"}, {"b", "2"}}));
  EXPECT_EQ(key_of({{"a", "1"}}).to_hex().size(), 64u);
}

TEST(KeyBuilder, FramingPreventsCollisionsBetweenSplits)
{
  // Each of these moves bytes between names and values or between components; all differ.
  std::set<std::string> keys;
  const std::vector<Key> variants = {
    key_of({{"ab", "c"}}),
    key_of({{"a", "bc"}}),
    key_of({{"a", "b"}, {"c", ""}}),
    key_of({{"a", ""}, {"b", "c"}}),
    key_of({{"a", "bc"}, {"d", ""}}),
    key_of({{"a", "b"}, {"cd", ""}}),
    key_of({}),
    key_of({{"", ""}}),
    key_of({{"b", "2"}, {"a", "1"}}),
    key_of({{"a", "1"}, {"b", "2"}}),
  };
  for (const auto& key : variants) {
    keys.insert(key.to_hex());
  }
  EXPECT_EQ(keys.size(), variants.size());
}

TEST(KeyBuilder, TypesAreDistinguished)
{
  KeyBuilder as_int;
  as_int.add_int("v", 7);
  KeyBuilder as_uint;
  as_uint.add_uint("v", 7);
  KeyBuilder as_string;
  as_string.add_string("v", "7");
  const std::string seven = "7";
  KeyBuilder as_bytes;
  as_bytes.add_bytes("v", std::span(reinterpret_cast<const uint8_t*>(seven.data()), 1));
  const std::vector<std::string> list = {"7"};
  KeyBuilder as_list;
  as_list.add_strings("v", list);
  std::set<Key> keys = {as_int.build(), as_uint.build(), as_string.build(), as_bytes.build(),
                        as_list.build()};
  EXPECT_EQ(keys.size(), 5u);
}

TEST(KeyBuilder, ListFramingPreventsCollisions)
{
  const std::vector<std::string> ab_c = {"ab", "c"};
  const std::vector<std::string> a_bc = {"a", "bc"};
  KeyBuilder first;
  first.add_strings("list", ab_c);
  KeyBuilder second;
  second.add_strings("list", a_bc);
  EXPECT_NE(first.build(), second.build());
  const std::vector<int64_t> one_two = {1, 2};
  const std::vector<int64_t> one = {1};
  KeyBuilder third;
  third.add_ints("list", one_two);
  KeyBuilder fourth;
  fourth.add_ints("list", one);
  EXPECT_NE(third.build(), fourth.build());
}

// Keys must be the same on every machine and in every version that keeps the key format:
// these digests are fixed. A change here invalidates every cache in the field.
TEST(KeyBuilder, GoldenDigests)
{
  EXPECT_EQ(KeyBuilder().build().to_hex(),
            "60b83ea23ea98e2f56c9859396815e32aa6cc54e1cd39466330fb5883aea95ed");
  KeyBuilder builder;
  const std::vector<std::string> flags = {"-O2", "-fPIC"};
  const std::vector<int64_t> sizes = {32, 784};
  builder.add_string("graph", "relu(x @ w)")
    .add_int("version", 1)
    .add_uint("size", 4096)
    .add_strings("flags", flags)
    .add_ints("sizes", sizes);
  EXPECT_EQ(builder.build().to_hex(),
            "ce8c254f9e51b3c4455310c3fd5050f71a6a08e3517f6094b38ad553aeba2b61");
  EXPECT_EQ(to_hex(builder.details()[0].digest),
            "75d9ec6774b1fe13a8e0cf81ece46b92df8a4124a9ccd4de6690dfa47e9a160e");
}

TEST(KeyBuilder, DetailsRecordNamesAndSummaries)
{
  KeyBuilder builder;
  builder.add_string("source", "x + y").add_int("opt", 2).add_string("long", std::string(200, 'a'));
  const auto& details = builder.details();
  ASSERT_EQ(details.size(), 3u);
  EXPECT_EQ(details[0].name, "source");
  EXPECT_EQ(details[0].summary, "x + y");
  EXPECT_EQ(details[1].summary, "2");
  EXPECT_LE(details[2].summary.size(), 64u);
  EXPECT_NE(details[2].summary.find("200 bytes"), std::string::npos);
}

TEST(KeyBuilder, DuplicateNameIsABug)
{
  KeyBuilder builder;
  builder.add_string("a", "1");
  EXPECT_THROW(builder.add_int("a", 1), std::logic_error);
}

TEST(KeyBuilder, CompareDetailsNamesTheDifference)
{
  KeyBuilder a;
  a.add_string("graph", "g").add_string("flags", "-O2").add_string("cxx", "g++ 12");
  KeyBuilder b;
  b.add_string("graph", "g").add_string("flags", "-O3").add_string("target", "x86_64");
  const auto differences = compare_details(a.details(), b.details());
  ASSERT_EQ(differences.size(), 4u);
  EXPECT_EQ(differences[0].change, ComponentChange::same);
  EXPECT_EQ(differences[1].name, "flags");
  EXPECT_EQ(differences[1].change, ComponentChange::changed);
  EXPECT_EQ(differences[1].first_summary, "-O2");
  EXPECT_EQ(differences[1].second_summary, "-O3");
  EXPECT_EQ(differences[2].change, ComponentChange::only_in_first);
  EXPECT_EQ(differences[3].name, "target");
  EXPECT_EQ(differences[3].change, ComponentChange::only_in_second);
}

TEST(Key, ParsesHexAndRejectsBadInput)
{
  const auto key = key_of({{"a", "1"}});
  EXPECT_EQ(Key::from_hex(key.to_hex()).value(), key);
  std::string upper = key.to_hex();
  for (auto& c : upper) {
    c = static_cast<char>(std::toupper(c));
  }
  EXPECT_EQ(Key::from_hex(upper).value(), key);
  EXPECT_FALSE(Key::from_hex("abc"));
  auto bad = Key::from_hex(std::string(63, '0') + "g");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("offset 63"), std::string::npos) << bad.error().message;
}

} // namespace jitcache

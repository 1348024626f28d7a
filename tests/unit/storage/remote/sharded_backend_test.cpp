// Sharded tiers: weighted rendezvous hashing spreads keys by weight and moves only a new
// shard's share when one is added; two real Redis servers hold their shares and answer
// together.
#include "storage/remote/sharded_backend.hpp"

#include "storage/remote/remote_tier.hpp"

#include "support/redis_server.hpp"
#include "support/remote_values.hpp"
#include "support/require_program.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

namespace jitcache::storage::remote {
namespace {

using testing::numbered_key;

constexpr size_t k_keys = 100000;

TEST(ShardedBackend, KeysSpreadWithinTenPercentOfTheWeights)
{
  const std::vector<core::RemoteShard> shards = {{"a", 1}, {"b", 2}, {"c", 1}, {"d", 0.5}};
  std::vector<size_t> counts(shards.size());
  for (size_t n = 0; n < k_keys; ++n) {
    ++counts[ShardedBackend::choose(shards, numbered_key(n))];
  }
  const double total_weight = 4.5;
  for (size_t s = 0; s < shards.size(); ++s) {
    const double expected = k_keys * shards[s].weight / total_weight;
    EXPECT_NEAR(static_cast<double>(counts[s]), expected, 0.1 * expected) << shards[s].name;
  }
}

TEST(ShardedBackend, AddingAShardMovesOnlyItsShareAndOnlyToIt)
{
  std::vector<core::RemoteShard> shards = {{"a", 1}, {"b", 1}, {"c", 1}};
  std::vector<size_t> before(k_keys);
  for (size_t n = 0; n < k_keys; ++n) {
    before[n] = ShardedBackend::choose(shards, numbered_key(n));
  }
  shards.push_back({"d", 1});
  size_t moved = 0;
  for (size_t n = 0; n < k_keys; ++n) {
    const size_t after = ShardedBackend::choose(shards, numbered_key(n));
    if (after != before[n]) {
      ++moved;
      EXPECT_EQ(after, 3u) << "key " << n << " moved between old shards";
    }
  }
  const double share = k_keys / 4.0;
  EXPECT_NEAR(static_cast<double>(moved), share, 0.1 * share);
}

TEST(ShardedBackend, TwoRedisServersHoldTheirSharesAndAnswerTogether)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  testing::RedisServer small;
  testing::RedisServer large;
  ASSERT_TRUE(small.up() && large.up());
  auto specs = core::parse_remote_specs(
    fmt::format("redis://127.0.0.1:*|shards={},{}(3)", small.port(), large.port()));
  ASSERT_TRUE(specs) << specs.error().message;
  auto backend = make_backend(specs->front());
  ASSERT_TRUE(backend) << backend.error().message;
  std::vector<Key> keys;
  for (size_t n = 0; n < 400; ++n) {
    keys.push_back(numbered_key(n));
    const std::string value = std::to_string(n);
    ASSERT_EQ((*backend)->put(keys.back(), std::span(reinterpret_cast<const uint8_t*>(value.data()),
                                                     value.size())),
              true);
  }
  const size_t on_small = std::stoul(small.cli({"DBSIZE"}));
  const size_t on_large = std::stoul(large.cli({"DBSIZE"}));
  EXPECT_EQ(on_small + on_large, 400u);
  EXPECT_NEAR(static_cast<double>(on_small), 100.0, 30.0);
  auto values = (*backend)->get(keys);
  ASSERT_TRUE(values) << values.error().message;
  for (size_t n = 0; n < keys.size(); ++n) {
    ASSERT_TRUE((*values)[n]);
    EXPECT_EQ((*values)[n]->view(), std::to_string(n));
  }
}

} // namespace
} // namespace jitcache::storage::remote

// The Redis backend on a real three-master Redis Cluster: each key is read and written on the
// node serving its hash slot, many keys are fetched in one round trip per node, and a slot
// that migrates is followed through ASK while it moves and MOVED once it has.
#include "storage/remote/redis_backend.hpp"
#include "storage/remote/redis_hash_slot.hpp"

#include "support/redis_cluster.hpp"
#include "support/remote_values.hpp"
#include "support/require_program.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

namespace jitcache::storage::remote {
namespace {

using testing::bytes_of;
using testing::numbered_key;
using testing::spec_of;

using testing::RedisCluster;

std::string
trimmed(std::string text)
{
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) {
    text.pop_back();
  }
  return text;
}

TEST(RedisHashSlot, MatchesTheClusterSpecification)
{
  // The specification's CRC16 check value, and hash tags.
  EXPECT_EQ(redis_hash_slot("123456789"), 0x31c3 % k_redis_hash_slots);
  EXPECT_EQ(redis_hash_slot("{user1000}.following"), redis_hash_slot("user1000"));
  EXPECT_EQ(redis_hash_slot("foo{}{bar}"), redis_hash_slot("foo{}{bar}")); // "{}": whole key
  EXPECT_NE(redis_hash_slot("foo{}{bar}"), redis_hash_slot("bar"));
  EXPECT_EQ(redis_hash_slot("foo{{bar}}zap"), redis_hash_slot("{bar"));
}

TEST(RedisCluster, EachKeyLivesOnTheNodeOfItsSlot)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisCluster cluster;
  ASSERT_TRUE(cluster.ready());
  RedisBackend backend(spec_of(cluster.url()));
  std::vector<Key> keys;
  for (size_t n = 0; n < 60; ++n) {
    keys.push_back(numbered_key(n));
    ASSERT_EQ(backend.put(keys.back(), bytes_of(std::to_string(n))), true);
  }
  // The slots agree with the cluster's own, and every node holds a share.
  for (size_t n = 0; n < 5; ++n) {
    const std::string name = backend.redis_key(keys[n]);
    EXPECT_EQ(trimmed(cluster.node(0).cli({"CLUSTER", "KEYSLOT", name})),
              std::to_string(redis_hash_slot(name)));
  }
  size_t total = 0;
  for (size_t i = 0; i < RedisCluster::k_masters; ++i) {
    const size_t held = std::stoul(cluster.node(i).cli({"DBSIZE"}));
    EXPECT_GT(held, 5u) << "node " << i;
    total += held;
  }
  EXPECT_EQ(total, 60u);
  auto values = backend.get(keys);
  ASSERT_TRUE(values) << values.error().message;
  for (size_t n = 0; n < keys.size(); ++n) {
    ASSERT_TRUE((*values)[n]) << n;
    EXPECT_EQ((*values)[n]->view(), std::to_string(n));
  }
  EXPECT_EQ(backend.contains(keys[7]), true);
  EXPECT_EQ(backend.remove(keys[7]), true);
  EXPECT_EQ(backend.contains(keys[7]), false);
  // Leases work on the cluster too.
  auto lease = backend.take_lease(keys[8], std::chrono::seconds(5));
  ASSERT_TRUE(lease && *lease);
  EXPECT_EQ(backend.take_lease(keys[8], std::chrono::seconds(5)).value(), std::nullopt);
}

TEST(RedisCluster, ASlotThatMigratesIsFollowedThroughAskThenMoved)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisCluster cluster;
  ASSERT_TRUE(cluster.ready());
  // A hash tag in the prefix puts every key in one slot, the slot of "team".
  RedisBackend backend(spec_of(cluster.url() + "|prefix={team}"));
  const Key a = numbered_key(1);
  const Key b = numbered_key(2);
  ASSERT_EQ(backend.put(a, bytes_of("a")), true);
  const std::string slot = std::to_string(redis_hash_slot("team"));
  const size_t source = cluster.owner_of(backend.redis_key(a));
  ASSERT_LT(source, RedisCluster::k_masters);
  const size_t target = (source + 1) % RedisCluster::k_masters;
  auto& from = cluster.node(source);
  auto& to = cluster.node(target);
  const std::string from_id = trimmed(from.cli({"CLUSTER", "MYID"}));
  const std::string to_id = trimmed(to.cli({"CLUSTER", "MYID"}));

  // While the slot migrates, a key the source no longer has is asked of the target (ASK).
  ASSERT_EQ(trimmed(to.cli({"CLUSTER", "SETSLOT", slot, "IMPORTING", from_id})), "OK");
  ASSERT_EQ(trimmed(from.cli({"CLUSTER", "SETSLOT", slot, "MIGRATING", to_id})), "OK");
  ASSERT_EQ(backend.put(b, bytes_of("b")), true);
  EXPECT_EQ(trimmed(to.cli({"DBSIZE"})), "1");
  const std::vector<Key> both = {a, b};
  auto during = backend.get(both);
  ASSERT_TRUE(during) << during.error().message;
  ASSERT_TRUE((*during)[0] && (*during)[1]);
  EXPECT_EQ((*during)[0]->view(), "a");
  EXPECT_EQ((*during)[1]->view(), "b");

  // Once it has moved, the old owner answers MOVED and the map is read again.
  ASSERT_EQ(trimmed(from.cli({"MIGRATE", "127.0.0.1", std::to_string(to.port()),
                              backend.redis_key(a), "0", "5000"})),
            "OK");
  for (size_t i = 0; i < RedisCluster::k_masters; ++i) {
    ASSERT_EQ(trimmed(cluster.node(i).cli({"CLUSTER", "SETSLOT", slot, "NODE", to_id})), "OK");
  }
  auto after = backend.get(both);
  ASSERT_TRUE(after) << after.error().message;
  ASSERT_TRUE((*after)[0] && (*after)[1]);
  EXPECT_EQ((*after)[0]->view(), "a");
  EXPECT_EQ((*after)[1]->view(), "b");
  EXPECT_EQ(trimmed(from.cli({"DBSIZE"})), "0");
}

TEST(RedisCluster, AKilledNodeIsAFailureOfItsKeysOnly)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisCluster cluster;
  ASSERT_TRUE(cluster.ready());
  RedisBackend backend(spec_of(cluster.url() + "|timeout=200ms"));
  std::vector<Key> keys;
  for (size_t n = 0; n < 30; ++n) {
    keys.push_back(numbered_key(n));
    ASSERT_EQ(backend.put(keys.back(), bytes_of("v")), true);
  }
  cluster.node(2).process().signal(SIGKILL);
  size_t failed = 0;
  size_t served = 0;
  for (const auto& key : keys) {
    auto value = backend.get(std::span(&key, 1));
    if (value) {
      ++served;
      EXPECT_TRUE(value->front());
    } else {
      ++failed;
      EXPECT_NE(value.error().message.find(std::to_string(cluster.node(2).port())),
                std::string::npos)
        << value.error().message;
    }
  }
  // Until the cluster marks itself down (its node timeout), the live nodes still serve.
  EXPECT_GT(failed, 0u);
  EXPECT_GT(served, 0u);
}

} // namespace
} // namespace jitcache::storage::remote

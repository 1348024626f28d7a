// The Redis backend against a real redis-server: values under prefixed keys, puts that keep
// what is there, gets of many keys in one round trip, authentication, databases, Unix
// sockets, and failures told apart: an error, or a timeout.
#include "storage/remote/redis_backend.hpp"

#include "support/redis_server.hpp"
#include "support/remote_values.hpp"
#include "support/require_program.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace jitcache::storage::remote {
namespace {

using testing::bytes_of;
using testing::named_key;
using testing::spec_of;

using testing::RedisServer;

TEST(RedisBackend, StoresGetsAndRemovesValuesUnderPrefixedKeys)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer server;
  ASSERT_TRUE(server.up());
  RedisBackend backend(spec_of(server.url()));
  const Key a = named_key("a");
  const Key b = named_key("b");
  ASSERT_EQ(backend.put(a, bytes_of("value of a")), true);
  // A value that is there stays: keys name their content.
  ASSERT_EQ(backend.put(a, bytes_of("something else")), false);
  const std::vector<Key> keys = {a, b, a};
  auto values = backend.get(keys);
  ASSERT_TRUE(values) << values.error().message;
  ASSERT_EQ(values->size(), 3u);
  EXPECT_EQ((*values)[0]->view(), "value of a");
  EXPECT_FALSE((*values)[1]); // absent is an answer, not a failure
  EXPECT_EQ((*values)[2]->view(), "value of a");
  EXPECT_EQ(server.cli({"EXISTS", "jitcache1:" + a.to_hex()}), "1\n");
  EXPECT_EQ(backend.remove(a), true);
  EXPECT_EQ(backend.remove(a), false);
  auto gone = backend.get(keys);
  ASSERT_TRUE(gone);
  EXPECT_FALSE((*gone)[0]);
}

TEST(RedisBackend, PrefixTtlDatabaseAndBinaryValues)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer server;
  ASSERT_TRUE(server.up());
  RedisBackend backend(spec_of(server.url() + "/3|prefix=team|ttl=1m"));
  const Key key = named_key("k");
  std::string binary(70000, '\0');
  for (size_t i = 0; i < binary.size(); ++i) {
    binary[i] = static_cast<char>(i * 7);
  }
  ASSERT_EQ(backend.put(key, bytes_of(binary)), true);
  EXPECT_EQ(backend.redis_key(key), "team:" + key.to_hex());
  EXPECT_EQ(server.cli({"-n", "3", "EXISTS", "team:" + key.to_hex()}), "1\n");
  EXPECT_EQ(server.cli({"EXISTS", "team:" + key.to_hex()}), "0\n"); // not in database 0
  const int ttl = std::stoi(server.cli({"-n", "3", "TTL", "team:" + key.to_hex()}));
  EXPECT_GT(ttl, 50);
  EXPECT_LE(ttl, 60);
  auto values = backend.get(std::vector<Key>{key});
  ASSERT_TRUE(values) << values.error().message;
  EXPECT_EQ((*values)[0]->view(), binary);
}

TEST(RedisBackend, AuthenticatesAndSaysWhenItCannot)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer server({"--requirepass", "s3cret"});
  ASSERT_TRUE(server.up());
  const std::string address = fmt::format("127.0.0.1:{}", server.port());
  RedisBackend good(spec_of("redis://:s3cret@" + address));
  EXPECT_EQ(good.put(named_key("k"), bytes_of("v")), true);
  RedisBackend wrong(spec_of("redis://:nope@" + address));
  auto refused = wrong.put(named_key("k"), bytes_of("v"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, BackendFailure::Kind::refused);
  EXPECT_NE(refused.error().message.find("refused AUTH"), std::string::npos)
    << refused.error().message;
  EXPECT_EQ(refused.error().message.find("nope"), std::string::npos); // the password stays out
  RedisBackend none(spec_of("redis://" + address));
  auto unauthenticated = none.get(std::vector<Key>{named_key("k")});
  ASSERT_FALSE(unauthenticated);
  EXPECT_NE(unauthenticated.error().message.find("NOAUTH"), std::string::npos)
    << unauthenticated.error().message;
}

TEST(RedisBackend, ConnectsThroughAUnixSocket)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  testing::TempDir dir;
  const auto socket = dir / "redis.sock";
  RedisServer server({"--unixsocket", socket.string(), "--unixsocketperm", "700"});
  ASSERT_TRUE(server.up());
  RedisBackend backend(spec_of("redis+unix://" + socket.string()));
  EXPECT_EQ(backend.put(named_key("k"), bytes_of("v")), true);
  EXPECT_EQ(server.cli({"DBSIZE"}), "1\n");
}

TEST(RedisBackend, ADeadServerIsAnErrorAndAFrozenOneATimeout)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  const uint16_t nothing = testing::free_port();
  RedisBackend dead(spec_of(fmt::format("redis://127.0.0.1:{}", nothing)));
  auto refused = dead.get(std::vector<Key>{named_key("k")});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, BackendFailure::Kind::error);
  EXPECT_NE(refused.error().message.find("connecting to redis://127.0.0.1"), std::string::npos)
    << refused.error().message;

  RedisServer server;
  ASSERT_TRUE(server.up());
  RedisBackend backend(spec_of(server.url() + "|timeout=200ms"));
  ASSERT_EQ(backend.put(named_key("k"), bytes_of("v")), true); // connected before the freeze
  server.process().signal(SIGSTOP);
  const auto start = std::chrono::steady_clock::now();
  auto frozen = backend.get(std::vector<Key>{named_key("k")});
  const auto waited = std::chrono::steady_clock::now() - start;
  server.process().signal(SIGCONT);
  ASSERT_FALSE(frozen);
  EXPECT_EQ(frozen.error().kind, BackendFailure::Kind::timeout) << frozen.error().message;
  EXPECT_LT(waited, std::chrono::seconds(2));
  // The timed-out connection was dropped; the next operation opens another and succeeds.
  auto again = backend.get(std::vector<Key>{named_key("k")});
  ASSERT_TRUE(again) << again.error().message;
  EXPECT_EQ((*again)[0]->view(), "v");
}

TEST(RedisBackend, AValueOfAnotherTypeUnderTheKeyIsAnError)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer server;
  ASSERT_TRUE(server.up());
  RedisBackend backend(spec_of(server.url()));
  const Key key = named_key("k");
  server.cli({"HSET", backend.redis_key(key), "field", "value"});
  auto wrong = backend.get(std::vector<Key>{named_key("before"), key, named_key("after")});
  ASSERT_FALSE(wrong);
  EXPECT_NE(wrong.error().message.find("WRONGTYPE"), std::string::npos) << wrong.error().message;
  // The connection stayed in step with its replies.
  auto next = backend.get(std::vector<Key>{named_key("other")});
  ASSERT_TRUE(next) << next.error().message;
}

TEST(RedisBackend, ALeaseHasOneHolderAndEndsWithItsTimeOrItsHolder)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer server;
  ASSERT_TRUE(server.up());
  RedisBackend first(spec_of(server.url()));
  RedisBackend second(spec_of(server.url()));
  const Key key = named_key("compiling");
  auto token = first.take_lease(key, std::chrono::seconds(10));
  ASSERT_TRUE(token && *token) << (token ? "" : token.error().message);
  auto other = second.take_lease(key, std::chrono::seconds(10));
  ASSERT_TRUE(other);
  EXPECT_FALSE(*other); // held elsewhere
  // Only the holder's token renews or releases it.
  EXPECT_EQ(second.renew_lease(key, "not-the-token", std::chrono::seconds(10)), false);
  ASSERT_TRUE(second.release_lease(key, "not-the-token"));
  EXPECT_FALSE(*second.take_lease(key, std::chrono::seconds(10)));
  EXPECT_EQ(first.renew_lease(key, **token, std::chrono::seconds(10)), true);
  ASSERT_TRUE(first.release_lease(key, **token));
  auto after_release = second.take_lease(key, std::chrono::milliseconds(300));
  ASSERT_TRUE(after_release && *after_release);
  // A holder that dies stops renewing: its lease lapses by itself.
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  auto after_expiry = first.take_lease(key, std::chrono::seconds(10));
  ASSERT_TRUE(after_expiry && *after_expiry);
  // Leases live beside values, under their own names.
  EXPECT_EQ(server.cli({"EXISTS", first.lease_key(key)}), "1\n");
  EXPECT_EQ(first.contains(key), false);
  ASSERT_EQ(first.put(key, bytes_of("v")), true);
  EXPECT_EQ(first.contains(key), true);
}

} // namespace
} // namespace jitcache::storage::remote

// The tiered store over a real redis-server: two "machines" (two local cache directories)
// share one Redis. What one stores the other finds, checked, and keeps locally; loadable files
// travel inside the entry; a bad value is a counted miss; a read-only tier gets no write; a
// dead or frozen server costs time, never a failed lookup or put.
#include "storage/tiered_store.hpp"

#include "core/counters.hpp"
#include "storage/remote/redis_backend.hpp"

#include "support/redis_server.hpp"
#include "support/require_program.hpp"
#include "support/temp_dir.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

#include <thread>

namespace jitcache::storage {
namespace {

using testing::RedisServer;
using testing::TempDir;

Config
config_for(const TempDir& dir, const std::string& remote)
{
  Config config;
  config.dir = dir.path();
  config.remote = remote;
  return config;
}

Entry
entry_of(std::string_view name, std::string_view kind = "kernel")
{
  KeyBuilder builder;
  builder.add_string("name", name);
  Entry entry;
  entry.kind = std::string(kind);
  entry.key = builder.build();
  entry.details = builder.details();
  entry.blobs = {Blob{"object", Bytes::copy_of(std::string(3000, 'x') + std::string(name))}};
  entry.compile_ms = 40;
  return entry;
}

uint64_t
counter(TieredStore& store, std::string_view name)
{
  (void)store.local().flush_stats();
  return store.local().read_stats().value().get(name);
}

TEST(TieredStore, WhatOneMachineStoresAnotherFindsAndKeeps)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  TempDir second_dir;
  const Entry entry = entry_of("a");
  {
    TieredStore first(config_for(first_dir, redis.url()));
    ASSERT_EQ(first.remotes().size(), 1u);
    ASSERT_TRUE(first.put(entry));
    EXPECT_EQ(first.flush(), 0u); // the queued write is made before the process would exit
    EXPECT_EQ(counter(first, core::counter::write("redis", "kernel")), 1u);
  }
  TieredStore second(config_for(second_dir, redis.url()));
  auto found = second.get(entry.key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
  EXPECT_TRUE(found->front().blobs[0].data == entry.blobs[0].data);
  EXPECT_EQ(found->front().compile_ms, 40u);
  // Written back: the next lookup is local.
  auto again = second.get(entry.key, "kernel");
  ASSERT_TRUE(again && !again->empty());
  EXPECT_EQ(again->tier, "local");
  EXPECT_EQ(counter(second, core::counter::hit("redis", "kernel")), 1u);
  EXPECT_EQ(counter(second, core::counter::hit("local", "kernel")), 1u);
  EXPECT_GT(counter(second, core::counter::read_from("redis")), 0u);
  // A key nobody stored is a miss on every tier.
  auto missing = second.get(entry_of("nobody").key, "kernel");
  ASSERT_TRUE(missing);
  EXPECT_TRUE(missing->empty());
  EXPECT_EQ(counter(second, core::counter::miss("redis", "kernel")), 1u);
}

TEST(TieredStore, ManyKeysComeInOneRequestPerTier)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  TempDir second_dir;
  std::vector<Key> keys;
  {
    TieredStore first(config_for(first_dir, redis.url()));
    for (const char* name : {"k1", "k2", "k3"}) {
      ASSERT_TRUE(first.put(entry_of(name)));
      keys.push_back(entry_of(name).key);
    }
  }
  keys.insert(keys.begin() + 1, entry_of("absent").key);
  TieredStore second(config_for(second_dir, redis.url()));
  ASSERT_TRUE(second.put(entry_of("k3"))); // already local here
  auto found = second.get_many(keys, "kernel");
  ASSERT_EQ(found.size(), 4u);
  EXPECT_EQ(found[0].tier, "redis");
  EXPECT_TRUE(found[1].empty());
  EXPECT_EQ(found[2].tier, "redis");
  EXPECT_EQ(found[3].tier, "local");
  EXPECT_EQ(found[2].front().blobs[0].data.view(), std::string(3000, 'x') + "k2");
}

TEST(TieredStore, LoadableFilesTravelInsideTheEntry)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  TempDir second_dir;
  const std::string image(20000, 'L');
  Entry graph = entry_of("graph", "graph");
  {
    TieredStore first(config_for(first_dir, redis.url()));
    auto file = first.local().put_loadable(
      std::span(reinterpret_cast<const uint8_t*>(image.data()), image.size()));
    ASSERT_TRUE(file);
    graph.blobs.push_back(Blob{"library_file", Bytes::copy_of(file->to_hex())});
    ASSERT_TRUE(first.put(graph));
  }
  TieredStore second(config_for(second_dir, redis.url()));
  auto found = second.get(graph.key, "graph");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
  // As this machine keeps it: the library is a loadable file here too, named the same.
  const Blob* file = found->front().find_blob("library_file");
  ASSERT_NE(file, nullptr);
  auto opened = second.local().open_loadable(Key::from_hex(file->data.view()).value());
  ASSERT_TRUE(opened && *opened);
  EXPECT_EQ((*opened)->image.view(), image);
  EXPECT_EQ(found->front().find_blob("library.loadable"), nullptr);

  // A machine whose local cache cannot keep files gets the bytes inline, as `library`.
  TempDir third_dir;
  Config read_only = config_for(third_dir, redis.url());
  read_only.read_only = true;
  TieredStore third(read_only);
  auto inline_found = third.get(graph.key, "graph");
  ASSERT_TRUE(inline_found && !inline_found->empty());
  const Blob* library = inline_found->front().find_blob("library");
  ASSERT_NE(library, nullptr);
  EXPECT_EQ(library->data.view(), image);
  EXPECT_TRUE(third.local().inspect(graph.key).error().code == ErrorCode::not_found);
}

TEST(TieredStore, ABadOrForeignValueIsACountedMissNeverKept)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  TempDir second_dir;
  const Entry good = entry_of("good");
  const Entry other = entry_of("other");
  {
    TieredStore first(config_for(first_dir, redis.url()));
    ASSERT_TRUE(first.put(good));
    ASSERT_TRUE(first.put(other));
  }
  remote::RedisBackend raw(core::parse_remote_specs(redis.url()).value().front());
  // Garbage under one key, and a valid entry of another key under a third.
  redis.cli({"SET", raw.redis_key(good.key), "garbage"});
  const Entry third = entry_of("third");
  auto other_value = raw.get(std::vector<Key>{other.key}).value().front().value();
  ASSERT_EQ(raw.put(third.key, other_value.span()), true);

  TieredStore second(config_for(second_dir, redis.url()));
  for (const Key& key : {good.key, third.key}) {
    auto found = second.get(key, "kernel");
    ASSERT_TRUE(found);
    EXPECT_TRUE(found->empty());
    EXPECT_FALSE(second.local().inspect(key)); // not written back
  }
  EXPECT_EQ(counter(second, core::counter::corrupt_in("redis")), 2u);
  EXPECT_EQ(counter(second, core::counter::miss("redis", "kernel")), 2u);

  // What the second machine compiles replaces the bad values, so they block no one for good.
  ASSERT_TRUE(second.put(good));
  ASSERT_TRUE(second.put(third));
  second.flush();
  TempDir third_dir;
  TieredStore later(config_for(third_dir, redis.url()));
  for (const Key& key : {good.key, third.key}) {
    auto found = later.get(key, "kernel");
    ASSERT_TRUE(found && !found->empty());
    EXPECT_EQ(found->tier, "redis");
  }
}

TEST(TieredStore, AReadOnlyTierGetsNoWrite)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir dir;
  TieredStore store(config_for(dir, redis.url() + "|read-only"));
  ASSERT_TRUE(store.put(entry_of("a")));
  store.flush();
  EXPECT_EQ(redis.cli({"DBSIZE"}), "0\n");
  auto found = store.get(entry_of("a").key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "local");
}

TEST(TieredStore, ADeadOrFrozenServerCostsTimeNeverALookupOrAPut)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  TempDir dir;
  const std::string nothing = fmt::format("redis://127.0.0.1:{}", testing::free_port());
  {
    TieredStore store(config_for(dir, nothing));
    ASSERT_TRUE(store.put(entry_of("a")));
    auto found = store.get(entry_of("a").key, "kernel");
    ASSERT_TRUE(found && !found->empty()); // the local tier answers
    auto missing = store.get(entry_of("b").key, "kernel");
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->empty());
    store.flush();
    EXPECT_GE(counter(store, core::counter::failed("redis", "read")) +
                counter(store, core::counter::failed("redis", "write")),
              1u);
  }

  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir frozen_dir;
  TieredStore store(config_for(frozen_dir, redis.url() + "|timeout=200ms|cool-off=60s"));
  ASSERT_TRUE(store.get(entry_of("warm up").key, "kernel")); // connected
  redis.process().signal(SIGSTOP);
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    auto missing = store.get(entry_of("x" + std::to_string(i)).key, "kernel");
    ASSERT_TRUE(missing);
    EXPECT_TRUE(missing->empty());
  }
  const auto waited = std::chrono::steady_clock::now() - start;
  redis.process().signal(SIGCONT);
  // One timeout opened the breaker; the four lookups after it did not wait.
  EXPECT_LT(waited, std::chrono::milliseconds(800));
  EXPECT_EQ(counter(store, core::counter::timed_out("redis", "read")), 1u);
  EXPECT_EQ(counter(store, core::counter::skipped("redis")), 4u);
}

TEST(TieredStore, ARestartedServerIsUsedAgainAfterTheCoolOff)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir dir;
  TieredStore store(config_for(dir, redis.url() + "|cool-off=300ms"));
  redis.process().stop();
  for (int i = 0; i < 4; ++i) { // three errors open the breaker; the fourth is skipped
    auto missing = store.get(entry_of("down" + std::to_string(i)).key, "kernel");
    ASSERT_TRUE(missing);
  }
  EXPECT_EQ(counter(store, core::counter::failed("redis", "read")), 3u);
  EXPECT_EQ(counter(store, core::counter::skipped("redis")), 1u);

  redis.restart();
  ASSERT_TRUE(redis.up());
  std::this_thread::sleep_for(std::chrono::milliseconds(400));
  ASSERT_TRUE(store.put(entry_of("after")));
  store.flush();
  EXPECT_EQ(counter(store, core::counter::write("redis", "kernel")), 1u);
  TempDir other_dir;
  TieredStore other(config_for(other_dir, redis.url()));
  auto found = other.get(entry_of("after").key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
}

TEST(TieredStore, AFullServerRefusesWritesAndStillServesReads)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis({"--maxmemory", "2mb", "--maxmemory-policy", "noeviction"});
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  Entry kept = entry_of("kept");
  {
    TieredStore first(config_for(first_dir, redis.url()));
    ASSERT_TRUE(first.put(kept));
    // Values that do not compress, until the server is full.
    for (int i = 0; i < 12; ++i) {
      Entry big = entry_of("big" + std::to_string(i));
      std::string noise(400000, '\0');
      uint64_t state = 0x9E3779B97F4A7C15ull + static_cast<uint64_t>(i);
      for (auto& byte : noise) { // xorshift: bytes zstd cannot shrink
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        byte = static_cast<char>(state);
      }
      big.blobs[0].data = Bytes::copy_of(noise);
      ASSERT_TRUE(first.put(big)); // the local cache takes it whatever the server does
    }
    first.flush();
    EXPECT_GE(counter(first, core::counter::failed("redis", "write")), 1u);
    EXPECT_EQ(counter(first, core::counter::dropped("redis")), 0u); // refusals are not an outage
  }
  TempDir second_dir;
  TieredStore second(config_for(second_dir, redis.url()));
  auto found = second.get(kept.key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
}

TEST(TieredStore, AMachineWaitsForTheOneThatHoldsTheLeaseThenFindsItsEntry)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir first_dir;
  TempDir second_dir;
  TieredStore first(config_for(first_dir, redis.url()));
  TieredStore second(config_for(second_dir, redis.url()));
  const Entry entry = entry_of("compiled once");
  auto holder = std::make_unique<CompileClaim>(first.claim(entry.key, std::chrono::seconds(5)));
  EXPECT_FALSE(holder->waited());
  std::thread compiler([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300)); // compiling
    ASSERT_TRUE(first.put(entry));
    holder.reset(); // the lease goes after the write queued before it
  });
  const auto start = std::chrono::steady_clock::now();
  CompileClaim waiter = second.claim(entry.key, std::chrono::seconds(5));
  const auto waited = std::chrono::steady_clock::now() - start;
  compiler.join();
  EXPECT_TRUE(waiter.waited());
  EXPECT_GE(waited, std::chrono::milliseconds(250));
  EXPECT_LT(waited, std::chrono::seconds(4));
  auto found = second.get(entry.key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
}

TEST(TieredStore, AHolderThatDiesLetsTheNextMachineCompile)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  const Entry entry = entry_of("holder died");
  // A holder that took the lease and died: nothing renews it.
  remote::RedisBackend dead(core::parse_remote_specs(redis.url()).value().front());
  ASSERT_TRUE(dead.take_lease(entry.key, std::chrono::milliseconds(500)).value());
  TempDir dir;
  TieredStore store(config_for(dir, redis.url()));
  const auto start = std::chrono::steady_clock::now();
  CompileClaim claim = store.claim(entry.key, std::chrono::seconds(10));
  const auto waited = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(claim.waited());
  EXPECT_GE(waited, std::chrono::milliseconds(300));
  EXPECT_LT(waited, std::chrono::seconds(3));
  // This machine holds the lease now.
  EXPECT_FALSE(dead.take_lease(entry.key, std::chrono::seconds(1)).value());
}

// Writers sign with their keys; a reader that requires signatures from remotes uses only
// what a key it trusts signed, and keeps a trusted entry that it re-encodes at its own level.
TEST(TieredStore, UnderRequireSignatureOnlyTrustedSignaturesAreUsed)
{
  JITCACHE_REQUIRE_PROGRAM("redis-server");
  RedisServer redis;
  ASSERT_TRUE(redis.up());
  TempDir keys;
  const auto trusted_key = trust::SigningKey::generate();
  const auto stranger = trust::SigningKey::generate();
  ASSERT_TRUE(trusted_key.save(keys / "trusted") && stranger.save(keys / "stranger"));
  const auto write = [&](std::string_view name, std::string signing_key, int level) {
    TempDir dir;
    Config config = config_for(dir, redis.url());
    config.signing_key = std::move(signing_key);
    config.compression_level = level;
    TieredStore writer(config);
    ASSERT_TRUE(writer.put(entry_of(name)));
    writer.flush();
  };
  write("by a stranger", (keys / "stranger").string(), 1);
  write("unsigned", "", 1);
  write("trusted", (keys / "trusted").string(), 19);

  TempDir reader_dir;
  Config config = config_for(reader_dir, redis.url());
  config.require_signature = RequireSignature::all;
  config.trusted_keys = trusted_key.public_key().to_text();
  TieredStore reader(config);
  EXPECT_TRUE(reader.get(entry_of("by a stranger").key, "kernel")->empty());
  EXPECT_TRUE(reader.get(entry_of("unsigned").key, "kernel")->empty());
  auto found = reader.get(entry_of("trusted").key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(found->tier, "redis");
  EXPECT_EQ(counter(reader, core::counter::rejected("redis")), 2u);
  // Written back at level 1 and checked again as a local entry.
  auto again = reader.get(entry_of("trusted").key, "kernel");
  ASSERT_TRUE(again && !again->empty());
  EXPECT_EQ(again->tier, "local");
  EXPECT_EQ(counter(reader, core::counter::rejected("local")), 0u);
}

TEST(TieredStore, UnderRequireSignatureAllAPlantedLocalEntryIsRejected)
{
  TempDir dir;
  TempDir keys;
  const auto key = trust::SigningKey::generate();
  ASSERT_TRUE(key.save(keys / "key"));
  Config config = config_for(dir, "");
  {
    local::LocalStore planter(config); // whoever can write the directory
    ASSERT_TRUE(planter.put(entry_of("planted")));
  }
  config.require_signature = RequireSignature::all;
  config.trusted_keys = key.public_key().to_text();
  config.signing_key = (keys / "key").string();
  TieredStore store(config);
  EXPECT_TRUE(store.get(entry_of("planted").key, "kernel")->empty());
  EXPECT_EQ(counter(store, core::counter::rejected("local")), 1u);
  ASSERT_TRUE(store.put(entry_of("signed here")));
  auto found = store.get(entry_of("signed here").key, "kernel");
  ASSERT_TRUE(found && !found->empty());
  EXPECT_EQ(trust::verify_entry(found->front(), std::vector{key.public_key()}),
            trust::Verdict::trusted);
}

TEST(TieredStore, ABadRemoteSettingRunsWithoutRemotes)
{
  TempDir dir;
  TieredStore store(config_for(dir, "redis://cache|bogus"));
  EXPECT_TRUE(store.remotes().empty());
  ASSERT_TRUE(store.put(entry_of("a")));
  auto found = store.get(entry_of("a").key, "kernel");
  ASSERT_TRUE(found && !found->empty());
}

} // namespace
} // namespace jitcache::storage

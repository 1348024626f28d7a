// The `remote` setting: URLs and properties read into RemoteSpecs, and errors that name the
// tier and what is wrong in it, never its password.
#include "core/remote_spec.hpp"

#include <gtest/gtest.h>

namespace jitcache::core {
namespace {

std::vector<RemoteSpec>
parsed(std::string_view text)
{
  auto specs = parse_remote_specs(text);
  EXPECT_TRUE(specs) << text << ": " << specs.error().message;
  return specs ? std::move(*specs) : std::vector<RemoteSpec>{};
}

std::string
error_of(std::string_view text)
{
  auto specs = parse_remote_specs(text);
  EXPECT_FALSE(specs) << text;
  return specs ? std::string() : specs.error().message;
}

TEST(RemoteSpec, ReadsRedisUrlsWithTheirParts)
{
  auto specs = parsed("redis://cache.example:6380/2 redis://me:p%40ss@10.0.0.1 "
                      "redis+unix:///run/redis.sock redis://[::1]:7000");
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].scheme, RemoteScheme::redis);
  EXPECT_EQ(specs[0].host, "cache.example");
  EXPECT_EQ(specs[0].port, 6380);
  EXPECT_EQ(specs[0].database, 2u);
  EXPECT_EQ(specs[1].user, "me");
  EXPECT_EQ(specs[1].password, "p@ss");
  EXPECT_EQ(specs[1].port, 0); // the scheme's default
  EXPECT_EQ(specs[1].display(), "redis://me:***@10.0.0.1");
  EXPECT_EQ(specs[2].scheme, RemoteScheme::redis_unix);
  EXPECT_EQ(specs[2].path, "/run/redis.sock");
  EXPECT_EQ(specs[3].host, "::1");
  EXPECT_EQ(specs[3].port, 7000);
  for (const auto& spec : specs) {
    EXPECT_EQ(spec.tier(), "redis");
    EXPECT_FALSE(spec.read_only);
    EXPECT_EQ(spec.connect_timeout, std::chrono::milliseconds(50));
    EXPECT_EQ(spec.timeout, std::chrono::milliseconds(1000));
  }
}

TEST(RemoteSpec, ReadsEveryProperty)
{
  auto specs = parsed("redis://cache|read-only|connect-timeout=20ms|timeout=2s|prefix=team|ttl=1m"
                      "|cool-off=5s "
                      "https://web:8443/jitcache/|layout=bazel|bearer-token-file=/etc/token"
                      "|header=X-Team:%20ml");
  ASSERT_EQ(specs.size(), 2u);
  EXPECT_TRUE(specs[0].read_only);
  EXPECT_EQ(specs[0].connect_timeout, std::chrono::milliseconds(20));
  EXPECT_EQ(specs[0].timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(specs[0].prefix, "team");
  EXPECT_EQ(specs[0].ttl, std::chrono::seconds(60));
  EXPECT_EQ(specs[0].cool_off, std::chrono::milliseconds(5000));
  EXPECT_EQ(specs[1].scheme, RemoteScheme::https);
  EXPECT_EQ(specs[1].path, "/jitcache");
  EXPECT_EQ(specs[1].layout, RemoteSpec::Layout::bazel);
  EXPECT_EQ(specs[1].bearer_token_file, "/etc/token");
  EXPECT_EQ(specs[1].headers, std::vector<std::string>{"X-Team: ml"}); // %20: tiers end at spaces
  EXPECT_EQ(specs[1].tier(), "http");
  EXPECT_TRUE(parsed("").empty());
  EXPECT_TRUE(parsed("   ").empty());
}

TEST(RemoteSpec, ErrorsNameTheTierAndWhatIsWrongButNeverThePassword)
{
  EXPECT_EQ(error_of("redis://a redis://b:http"),
            "remote tier 2 (redis://b:http): port 'http' is not a number from 1 to 65535");
  EXPECT_EQ(error_of("memcached://a"),
            "remote tier 1 (memcached://a): unknown scheme 'memcached' (known: redis, "
            "redis-cluster, redis+unix, http, https)");
  EXPECT_EQ(error_of("redis://u:secret@a|timeout=soon"),
            "remote tier 1 (redis://u:***@a|timeout=soon): property timeout: 'soon' is not a "
            "duration such as 50ms or 2s");
  EXPECT_EQ(error_of("redis://a|layout=bazel"),
            "remote tier 1 (redis://a|layout=bazel): unknown property 'layout' (known: "
            "read-only, connect-timeout, timeout, cool-off, shards, prefix, ttl)");
  EXPECT_EQ(error_of("http://a|prefix=x"),
            "remote tier 1 (http://a|prefix=x): unknown property 'prefix' (known: read-only, "
            "connect-timeout, timeout, cool-off, shards, layout, bearer-token-file, header)");
  EXPECT_NE(error_of("redis://a||read-only").find("an empty property"), std::string::npos);
  EXPECT_NE(error_of("redis://a|read-only=yes").find("takes no value"), std::string::npos);
  EXPECT_NE(error_of("redis://a|ttl=1500ms").find("whole number of seconds"), std::string::npos);
  EXPECT_NE(error_of("redis://a/x").find("database 'x'"), std::string::npos);
  EXPECT_NE(error_of("redis+unix://relative.sock").find("absolute socket path"), std::string::npos);
  EXPECT_NE(error_of("redis://:pa%zzss@a").find("two hex digits"), std::string::npos);
  EXPECT_NE(error_of("cache:6379").find("expected a URL"), std::string::npos);
  EXPECT_NE(error_of("redis://").find("no host"), std::string::npos);
}

TEST(RemoteSpec, ReadsAClusterAsItsNodes)
{
  auto specs = parsed("redis-cluster://:pw@n1:7000,n2:7001,[::1]:7002|timeout=300ms");
  ASSERT_EQ(specs.size(), 1u);
  const RemoteSpec& cluster = specs[0];
  EXPECT_EQ(cluster.scheme, RemoteScheme::redis_cluster);
  ASSERT_EQ(cluster.nodes.size(), 3u);
  EXPECT_EQ(cluster.nodes[1].host, "n2");
  EXPECT_EQ(cluster.nodes[1].port, 7001);
  EXPECT_EQ(cluster.nodes[2].host, "::1");
  EXPECT_EQ(cluster.password, "pw");
  EXPECT_EQ(cluster.tier(), "redis");
  EXPECT_EQ(cluster.display(), "redis-cluster://:***@n1:7000,n2:7001,::1:7002");
  EXPECT_EQ(error_of("redis-cluster://n1:7000,n2"),
            "remote tier 1 (redis-cluster://n1:7000,n2): cluster node 'n2' needs a port "
            "(HOST:PORT)");
  EXPECT_NE(error_of("redis-cluster://n1:7000/3").find("only database 0"), std::string::npos);
}

TEST(RemoteSpec, ReadsShardsAndTheirWeights)
{
  auto specs = parsed("redis://cache-*:6379|shards=a,b(2),c(0.5)|read-only");
  ASSERT_EQ(specs.size(), 1u);
  ASSERT_EQ(specs[0].shards.size(), 3u);
  EXPECT_EQ(specs[0].shards[1].name, "b");
  EXPECT_EQ(specs[0].shards[1].weight, 2.0);
  EXPECT_EQ(specs[0].shards[2].weight, 0.5);
  const RemoteSpec b = specs[0].for_shard(specs[0].shards[1]);
  EXPECT_EQ(b.host, "cache-b");
  EXPECT_EQ(b.port, 6379);
  EXPECT_TRUE(b.read_only);
  EXPECT_TRUE(b.shards.empty());
  const auto http = parsed("http://web/*/cache|shards=x,y");
  EXPECT_EQ(http[0].for_shard(http[0].shards[0]).path, "/x/cache");
  const auto ports = parsed("redis://:pw@127.0.0.1:*|shards=6379,6380");
  EXPECT_EQ(ports[0].display(), "redis://:***@127.0.0.1:*");
  EXPECT_EQ(ports[0].for_shard(ports[0].shards[1]).port, 6380);
  EXPECT_EQ(ports[0].for_shard(ports[0].shards[1]).password, "pw");
  EXPECT_EQ(error_of("redis://h:*|shards=6379,web"),
            "remote tier 1 (redis://h:*|shards=6379,web, shard web): port 'web' is not a number "
            "from 1 to 65535");

  EXPECT_EQ(error_of("redis://cache-*"),
            "remote tier 1 (redis://cache-*): '*' in the URL stands for a shard's name: add "
            "shards=NAME,...");
  EXPECT_NE(error_of("redis://a|shards=x,y").find("needs a '*' in the URL"), std::string::npos);
  EXPECT_NE(error_of("redis://*|shards=x,x").find("'x' is named twice"), std::string::npos);
  EXPECT_NE(error_of("redis://*|shards=x(0)").find("weight '0' of 'x'"), std::string::npos);
  EXPECT_NE(error_of("redis://*|shards=x(2").find("missing its ')'"), std::string::npos);
  EXPECT_NE(error_of("redis://*|shards=x,,y").find("'' is not a shard name"), std::string::npos);
}

} // namespace
} // namespace jitcache::core

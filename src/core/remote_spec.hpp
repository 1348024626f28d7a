// RemoteSpec: one remote tier as the `remote` setting writes it (docs/configuration.md):
// a URL, then properties after '|', and several tiers separated by spaces, asked in order.
//
//   remote     := tier { SP tier }
//   tier       := url { "|" property }
//   property   := NAME [ "=" VALUE ]
//   url        := "redis://" [ userinfo ] HOST [ ":" PORT ] [ "/" DB ]
//               | "redis-cluster://" [ userinfo ] HOST ":" PORT { "," HOST ":" PORT }
//               | "redis+unix://" PATH
//               | ( "http://" | "https://" ) HOST [ ":" PORT ] [ PATH ]
//   userinfo   := [ USER ] ":" PASSWORD "@"
//
// A sharded tier (property shards=NAME[(WEIGHT)],...) writes '*' in its URL where each
// shard's name goes: redis://cache-*:6379|shards=a,b,c(2) is three servers.
//
// USER, PASSWORD and a header's value may be percent-encoded (%40 for '@', %20 for a space,
// which would end the tier). Errors name the tier, by its
// position and text (its password hidden), and the property or part of the URL that is wrong.
#pragma once

#include <jitcache/error.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::core {

enum class RemoteScheme { redis, redis_cluster, redis_unix, http, https };

struct RemoteHost {
  std::string host;
  uint16_t port = 0;
};

// One shard of a sharded tier: its name replaces the URL's '*'; it receives a share of the
// keys in proportion to its weight.
struct RemoteShard {
  std::string name;
  double weight = 1.0;
};

struct RemoteSpec {
  RemoteScheme scheme = RemoteScheme::redis;
  std::string user;
  std::string password;
  std::string host;              // redis, http(s)
  uint16_t port = 0;             // 0: the scheme's default (6379, 80, 443)
  std::vector<RemoteHost> nodes; // redis-cluster: the nodes asked for the slot map
  uint32_t database = 0;         // redis
  std::string path;              // redis+unix: the socket; http(s): the base path ("" or "/cache")

  // Properties, all tiers.
  bool read_only = false;
  std::chrono::milliseconds connect_timeout{50};
  std::chrono::milliseconds timeout{1000};
  std::chrono::milliseconds cool_off{30000}; // how long a failing tier is left alone
  // Redis.
  std::string prefix;          // empty: derived from the entry format's version
  std::chrono::seconds ttl{0}; // 0: entries do not expire
  // HTTP.
  enum class Layout { flat, bazel };
  Layout layout = Layout::flat; // <url>/<key>, or <url>/ac/<key>
  std::string bearer_token_file;
  std::vector<std::string> headers; // "Name: value"
  // Sharded tiers.
  std::vector<RemoteShard> shards; // empty: one server (or one cluster)
  std::string shard_url;           // the URL with its '*'; see for_shard

  // The URL with its password hidden, for logs, statistics and errors.
  std::string display() const;
  // The name statistics count this tier under: its scheme ("redis", "http").
  std::string_view tier() const;
  bool is_redis() const;
  // One shard's own spec: this one with the shard's name in place of '*', and no shards.
  // REQUIRES: `shard` is one of `shards`.
  RemoteSpec for_shard(const RemoteShard& shard) const;
};

// Parses the whole `remote` setting; an empty text is no remote.
Expected<std::vector<RemoteSpec>> parse_remote_specs(std::string_view text);

} // namespace jitcache::core

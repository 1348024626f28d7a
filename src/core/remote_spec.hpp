// RemoteSpec: one remote tier as the `remote` setting writes it (docs/configuration.md):
// a URL, then properties after '|', and several tiers separated by spaces, asked in order.
//
//   remote     := tier { SP tier }
//   tier       := url { "|" property }
//   property   := NAME [ "=" VALUE ]
//   url        := "redis://" [ [ USER ] ":" PASSWORD "@" ] HOST [ ":" PORT ] [ "/" DB ]
//               | "redis+unix://" PATH
//               | ( "http://" | "https://" ) HOST [ ":" PORT ] [ PATH ]
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

enum class RemoteScheme { redis, redis_unix, http, https };

struct RemoteSpec {
  RemoteScheme scheme = RemoteScheme::redis;
  std::string user;
  std::string password;
  std::string host;      // redis, http(s)
  uint16_t port = 0;     // 0: the scheme's default (6379, 80, 443)
  uint32_t database = 0; // redis
  std::string path;      // redis+unix: the socket; http(s): the base path ("" or "/cache")

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

  // The URL with its password hidden, for logs, statistics and errors.
  std::string display() const;
  // The name statistics count this tier under: its scheme ("redis", "http").
  std::string_view tier() const;
};

// Parses the whole `remote` setting; an empty text is no remote.
Expected<std::vector<RemoteSpec>> parse_remote_specs(std::string_view text);

} // namespace jitcache::core

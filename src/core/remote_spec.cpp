#include "core/remote_spec.hpp"

#include "util/hex.hpp"
#include "util/size.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <optional>

namespace jitcache::core {

namespace {

constexpr std::string_view k_redis = "redis://";
constexpr std::string_view k_redis_cluster = "redis-cluster://";
constexpr std::string_view k_redis_unix = "redis+unix://";
constexpr std::string_view k_http = "http://";
constexpr std::string_view k_https = "https://";

// Errors about one tier: "remote tier 2 (redis://cache:6379): ...".
class TierErrors {
public:
  TierErrors(size_t number, std::string shown) : m_number(number), m_shown(std::move(shown)) {}

  std::unexpected<Error>
  operator()(std::string_view message) const
  {
    return make_error(ErrorCode::config,
                      fmt::format("remote tier {} ({}): {}", m_number, m_shown, message));
  }

private:
  size_t m_number;
  std::string m_shown;
};

Expected<std::string>
percent_decoded(std::string_view text)
{
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out += text[i];
      continue;
    }
    auto byte = i + 2 < text.size()
                  ? util::from_hex(text.substr(i + 1, 2))
                  : Expected<std::vector<uint8_t>>(make_error(ErrorCode::config, "truncated"));
    if (!byte) {
      return make_error(ErrorCode::config,
                        fmt::format("'%' at offset {} is not followed by two hex digits", i));
    }
    out += static_cast<char>(byte->front());
    i += 2;
  }
  return out;
}

template<typename Int>
std::optional<Int>
whole_number(std::string_view text, Int low, Int high)
{
  Int value{};
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || value < low || value > high) {
    return std::nullopt;
  }
  return value;
}

// HOST[:PORT]; the host may be a bracketed IPv6 address.
Expected<void>
read_host_port(std::string_view text, RemoteSpec& spec, const TierErrors& fail)
{
  std::string_view host = text;
  std::string_view port;
  if (text.starts_with('[')) {
    const auto close = text.find(']');
    if (close == std::string_view::npos) {
      return fail("an IPv6 host is missing its ']'");
    }
    host = text.substr(1, close - 1);
    if (close + 1 < text.size()) {
      if (text[close + 1] != ':') {
        return fail(fmt::format("unexpected '{}' after the host", text.substr(close + 1)));
      }
      port = text.substr(close + 2);
    }
  } else if (const auto colon = text.rfind(':'); colon != std::string_view::npos) {
    host = text.substr(0, colon);
    port = text.substr(colon + 1);
  }
  if (host.empty()) {
    return fail("the URL has no host");
  }
  spec.host = std::string(host);
  if (!port.empty() || text.ends_with(':')) {
    auto value = whole_number<uint16_t>(port, 1, 65535);
    if (!value) {
      return fail(fmt::format("port '{}' is not a number from 1 to 65535", port));
    }
    spec.port = *value;
  }
  return {};
}

// HOST:PORT{,HOST:PORT}: the nodes a cluster tier first asks for the slot map.
Expected<void>
read_cluster_nodes(std::string_view authority, std::string_view path, RemoteSpec& spec,
                   const TierErrors& fail)
{
  if (!path.empty() && path != "/") {
    return fail("a Redis Cluster has only database 0: remove the URL's path");
  }
  while (true) {
    const auto comma = authority.find(',');
    RemoteSpec node;
    if (auto read = read_host_port(authority.substr(0, comma), node, fail); !read) {
      return read;
    }
    if (node.port == 0) {
      return fail(fmt::format("cluster node '{}' needs a port (HOST:PORT)", node.host));
    }
    spec.nodes.push_back(RemoteHost{node.host, node.port});
    if (comma == std::string_view::npos) {
      break;
    }
    authority.remove_prefix(comma + 1);
  }
  spec.host = spec.nodes.front().host;
  spec.port = spec.nodes.front().port;
  return {};
}

// Also reads each shard's URL again (RemoteSpec::for_shard): it clears what it may set.
Expected<void>
read_url(std::string_view url, RemoteSpec& spec, const TierErrors& fail)
{
  spec.user.clear();
  spec.password.clear();
  spec.host.clear();
  spec.port = 0;
  spec.database = 0;
  spec.path.clear();
  spec.nodes.clear();
  if (url.starts_with(k_redis_unix)) {
    spec.scheme = RemoteScheme::redis_unix;
    spec.path = std::string(url.substr(k_redis_unix.size()));
    if (!spec.path.starts_with('/')) {
      return fail("a redis+unix URL names an absolute socket path: redis+unix:///run/redis.sock");
    }
    return {};
  }
  std::string_view rest;
  if (url.starts_with(k_redis)) {
    spec.scheme = RemoteScheme::redis;
    rest = url.substr(k_redis.size());
  } else if (url.starts_with(k_redis_cluster)) {
    spec.scheme = RemoteScheme::redis_cluster;
    rest = url.substr(k_redis_cluster.size());
  } else if (url.starts_with(k_http)) {
    spec.scheme = RemoteScheme::http;
    rest = url.substr(k_http.size());
  } else if (url.starts_with(k_https)) {
    spec.scheme = RemoteScheme::https;
    rest = url.substr(k_https.size());
  } else {
    const auto scheme_end = url.find("://");
    return fail(scheme_end == std::string_view::npos
                  ? std::string("expected a URL such as redis://host:6379 or http://host/cache")
                  : fmt::format("unknown scheme '{}' (known: redis, redis-cluster, redis+unix, "
                                "http, https)",
                                url.substr(0, scheme_end)));
  }
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  const std::string_view path = slash == std::string_view::npos ? "" : rest.substr(slash);
  if (const auto at = authority.rfind('@'); at != std::string_view::npos) {
    const std::string_view userinfo = authority.substr(0, at);
    authority = authority.substr(at + 1);
    const auto colon = userinfo.find(':');
    auto user = percent_decoded(userinfo.substr(0, colon));
    auto password = colon == std::string_view::npos ? Expected<std::string>(std::string())
                                                    : percent_decoded(userinfo.substr(colon + 1));
    if (!user || !password) {
      return fail(
        fmt::format("the user or password: {}", (!user ? user : password).error().message));
    }
    spec.user = std::move(*user);
    spec.password = std::move(*password);
  }
  if (spec.scheme == RemoteScheme::redis_cluster) {
    return read_cluster_nodes(authority, path, spec, fail);
  }
  if (auto read = read_host_port(authority, spec, fail); !read) {
    return read;
  }
  if (spec.scheme == RemoteScheme::redis) {
    if (!path.empty() && path != "/") {
      auto db = whole_number<uint32_t>(path.substr(1), 0, 1u << 20);
      if (!db) {
        return fail(fmt::format("database '{}' is not a number", path.substr(1)));
      }
      spec.database = *db;
    }
  } else {
    spec.path = std::string(path);
    while (spec.path.ends_with('/')) {
      spec.path.pop_back();
    }
  }
  return {};
}

// The text with every '*' replaced by `name`.
std::string
with_name(std::string_view text, std::string_view name)
{
  std::string out;
  for (const char c : text) {
    if (c == '*') {
      out += name;
    } else {
      out += c;
    }
  }
  return out;
}

// NAME[(WEIGHT)]{,NAME[(WEIGHT)]}
Expected<void>
read_shards(std::string_view text, RemoteSpec& spec, const TierErrors& fail)
{
  while (true) {
    const auto comma = text.find(',');
    std::string_view item = text.substr(0, comma);
    RemoteShard shard;
    if (const auto open = item.find('('); open != std::string_view::npos) {
      if (!item.ends_with(')')) {
        return fail(fmt::format("property shards: '{}' is missing its ')'", item));
      }
      const std::string_view weight = item.substr(open + 1, item.size() - open - 2);
      const auto [end, ec] =
        std::from_chars(weight.data(), weight.data() + weight.size(), shard.weight);
      if (ec != std::errc() || end != weight.data() + weight.size() || !(shard.weight > 0) ||
          shard.weight > 1e6) {
        return fail(fmt::format("property shards: weight '{}' of '{}' is not a number above 0",
                                weight, item.substr(0, open)));
      }
      item = item.substr(0, open);
    }
    if (item.empty() || item.find_first_of("*/@") != std::string_view::npos) {
      return fail(fmt::format("property shards: '{}' is not a shard name", item));
    }
    shard.name = std::string(item);
    if (std::ranges::any_of(spec.shards, [&](const auto& s) { return s.name == shard.name; })) {
      return fail(fmt::format("property shards: '{}' is named twice", item));
    }
    spec.shards.push_back(std::move(shard));
    if (comma == std::string_view::npos) {
      return {};
    }
    text.remove_prefix(comma + 1);
  }
}

Expected<void>
read_property(std::string_view property, RemoteSpec& spec, const TierErrors& fail)
{
  const auto equals = property.find('=');
  const std::string_view name = property.substr(0, equals);
  const std::string_view value =
    equals == std::string_view::npos ? std::string_view() : property.substr(equals + 1);
  const bool is_redis = spec.is_redis();
  const bool is_http = !is_redis;
  const auto needs_value = [&]() -> Expected<void> {
    if (equals == std::string_view::npos || value.empty()) {
      return fail(fmt::format("property '{}' needs a value ({}=...)", name, name));
    }
    return {};
  };
  const auto time = [&](std::chrono::milliseconds& into) -> Expected<void> {
    if (auto ok = needs_value(); !ok) {
      return ok;
    }
    auto parsed = util::parse_duration(value);
    if (!parsed || parsed->count() == 0) {
      return fail(
        fmt::format("property {}: '{}' is not a duration such as 50ms or 2s", name, value));
    }
    into = *parsed;
    return {};
  };
  if (name == "read-only") {
    if (equals != std::string_view::npos) {
      return fail("property read-only takes no value");
    }
    spec.read_only = true;
    return {};
  }
  if (name == "connect-timeout") {
    return time(spec.connect_timeout);
  }
  if (name == "timeout") {
    return time(spec.timeout);
  }
  if (name == "cool-off") {
    return time(spec.cool_off);
  }
  if (name == "shards") {
    if (auto ok = needs_value(); !ok) {
      return ok;
    }
    return read_shards(value, spec, fail);
  }
  if (is_redis && name == "prefix") {
    if (auto ok = needs_value(); !ok) {
      return ok;
    }
    spec.prefix = std::string(value);
    return {};
  }
  if (is_redis && name == "ttl") {
    std::chrono::milliseconds ttl{};
    if (auto ok = time(ttl); !ok) {
      return ok;
    }
    if (ttl.count() % 1000 != 0) {
      return fail(fmt::format("property ttl: '{}' is not a whole number of seconds", value));
    }
    spec.ttl = std::chrono::duration_cast<std::chrono::seconds>(ttl);
    return {};
  }
  if (is_http && name == "layout") {
    if (value == "flat" || value == "bazel") {
      spec.layout = value == "flat" ? RemoteSpec::Layout::flat : RemoteSpec::Layout::bazel;
      return {};
    }
    return fail(fmt::format("property layout: '{}' is not flat or bazel", value));
  }
  if (is_http && name == "bearer-token-file") {
    if (auto ok = needs_value(); !ok) {
      return ok;
    }
    spec.bearer_token_file = std::string(value);
    return {};
  }
  if (is_http && name == "header") {
    auto header = percent_decoded(value); // %20 for a space, which would end the tier
    if (!header || header->find(':') == std::string::npos || header->starts_with(':')) {
      return fail(fmt::format("property header: '{}' is not 'Name:value'", value));
    }
    spec.headers.push_back(std::move(*header));
    return {};
  }
  return fail(fmt::format(
    "unknown property '{}' (known: read-only, connect-timeout, timeout, cool-off, shards, {})",
    name, is_redis ? "prefix, ttl" : "layout, bearer-token-file, header"));
}

// The tier's text with any password in it hidden.
std::string
hidden_password(std::string_view text)
{
  const auto scheme = text.find("://");
  const auto at = text.find('@');
  const auto end = text.find_first_of("/|", scheme == std::string_view::npos ? 0 : scheme + 3);
  if (scheme == std::string_view::npos || at == std::string_view::npos || at > end) {
    return std::string(text);
  }
  const auto colon = text.find(':', scheme + 3);
  if (colon == std::string_view::npos || colon > at) {
    return std::string(text);
  }
  return fmt::format("{}:***{}", text.substr(0, colon), text.substr(at));
}

} // namespace

std::string
RemoteSpec::display() const
{
  if (!shards.empty()) {
    return hidden_password(shard_url);
  }
  const std::string port_text = port == 0 ? "" : fmt::format(":{}", port);
  const std::string user_text =
    password.empty() ? (user.empty() ? "" : user + "@") : fmt::format("{}:***@", user);
  switch (scheme) {
  case RemoteScheme::redis:
    return fmt::format("redis://{}{}{}{}", user_text, host, port_text,
                       database == 0 ? "" : fmt::format("/{}", database));
  case RemoteScheme::redis_cluster: {
    std::string nodes_text;
    for (const auto& node : nodes) {
      nodes_text += fmt::format("{}{}:{}", nodes_text.empty() ? "" : ",", node.host, node.port);
    }
    return fmt::format("redis-cluster://{}{}", user_text, nodes_text);
  }
  case RemoteScheme::redis_unix: return fmt::format("redis+unix://{}", path);
  case RemoteScheme::http: return fmt::format("http://{}{}{}{}", user_text, host, port_text, path);
  case RemoteScheme::https:
    return fmt::format("https://{}{}{}{}", user_text, host, port_text, path);
  }
  return {};
}

std::string_view
RemoteSpec::tier() const
{
  return is_redis() ? "redis" : "http";
}

bool
RemoteSpec::is_redis() const
{
  return scheme == RemoteScheme::redis || scheme == RemoteScheme::redis_cluster ||
         scheme == RemoteScheme::redis_unix;
}

RemoteSpec
RemoteSpec::for_shard(const RemoteShard& shard) const
{
  RemoteSpec one = *this;
  one.shards.clear();
  one.shard_url.clear();
  // The pattern was read with each shard's name in place when the setting was parsed.
  (void)read_url(with_name(shard_url, shard.name), one, TierErrors(0, ""));
  return one;
}

Expected<std::vector<RemoteSpec>>
parse_remote_specs(std::string_view text)
{
  std::vector<RemoteSpec> specs;
  size_t number = 0;
  while (!text.empty()) {
    const auto start = text.find_first_not_of(" \t\n");
    if (start == std::string_view::npos) {
      break;
    }
    text.remove_prefix(start);
    const auto end = text.find_first_of(" \t\n");
    const std::string_view tier = text.substr(0, end);
    text.remove_prefix(tier.size());
    const TierErrors fail(++number, hidden_password(tier));
    RemoteSpec spec;
    const auto bar = tier.find('|');
    // A sharded URL is read with a stand-in name here and with each shard's below.
    if (auto read = read_url(with_name(tier.substr(0, bar), "1"), spec, fail); !read) {
      return std::unexpected(read.error());
    }
    const std::string_view url = tier.substr(0, bar);
    const bool has_star = url.find('*') != std::string_view::npos;
    std::string_view properties = bar == std::string_view::npos ? "" : tier.substr(bar + 1);
    while (bar != std::string_view::npos) {
      const auto next = properties.find('|');
      const std::string_view property = properties.substr(0, next);
      if (property.empty()) {
        return fail("an empty property between '|'");
      }
      if (auto read = read_property(property, spec, fail); !read) {
        return std::unexpected(read.error());
      }
      if (next == std::string_view::npos) {
        break;
      }
      properties.remove_prefix(next + 1);
    }
    if (has_star != !spec.shards.empty()) {
      return fail(has_star ? "'*' in the URL stands for a shard's name: add shards=NAME,..."
                           : "property shards needs a '*' in the URL where each name goes");
    }
    for (const auto& shard : spec.shards) {
      RemoteSpec one = spec;
      const TierErrors shard_fail(number,
                                  fmt::format("{}, shard {}", hidden_password(tier), shard.name));
      if (auto read = read_url(with_name(url, shard.name), one, shard_fail); !read) {
        return std::unexpected(read.error());
      }
    }
    if (has_star) {
      spec.shard_url = std::string(url);
    }
    specs.push_back(std::move(spec));
  }
  return specs;
}

} // namespace jitcache::core

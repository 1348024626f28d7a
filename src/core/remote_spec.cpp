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

Expected<void>
read_url(std::string_view url, RemoteSpec& spec, const TierErrors& fail)
{
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
                  : fmt::format("unknown scheme '{}' (known: redis, redis+unix, http, https)",
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

Expected<void>
read_property(std::string_view property, RemoteSpec& spec, const TierErrors& fail)
{
  const auto equals = property.find('=');
  const std::string_view name = property.substr(0, equals);
  const std::string_view value =
    equals == std::string_view::npos ? std::string_view() : property.substr(equals + 1);
  const bool is_redis =
    spec.scheme == RemoteScheme::redis || spec.scheme == RemoteScheme::redis_unix;
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
  return fail(
    fmt::format("unknown property '{}' (known: read-only, connect-timeout, timeout, cool-off, {})",
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
  const std::string port_text = port == 0 ? "" : fmt::format(":{}", port);
  const std::string user_text =
    password.empty() ? (user.empty() ? "" : user + "@") : fmt::format("{}:***@", user);
  switch (scheme) {
  case RemoteScheme::redis:
    return fmt::format("redis://{}{}{}{}", user_text, host, port_text,
                       database == 0 ? "" : fmt::format("/{}", database));
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
  return scheme == RemoteScheme::redis || scheme == RemoteScheme::redis_unix ? "redis" : "http";
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
    if (auto read = read_url(tier.substr(0, bar), spec, fail); !read) {
      return std::unexpected(read.error());
    }
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
    specs.push_back(std::move(spec));
  }
  return specs;
}

} // namespace jitcache::core

#include "storage/remote/redis_backend.hpp"

#include "core/entry_format.hpp"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

namespace jitcache::storage::remote {

RedisBackend::RedisBackend(core::RemoteSpec spec)
  : m_spec(std::move(spec)),
    m_prefix(m_spec.prefix.empty() ? fmt::format("jitcache{}", core::k_entry_format_version)
                                   : m_spec.prefix),
    m_router(make_redis_router(m_spec))
{
}

RedisBackend::~RedisBackend() = default;

std::string
RedisBackend::redis_key(const Key& key) const
{
  return fmt::format("{}:{}", m_prefix, key.to_hex());
}

BackendResult<std::vector<std::optional<Bytes>>>
RedisBackend::get(std::span<const Key> keys)
{
  std::vector<std::string> names;
  std::vector<RedisCommand> commands;
  names.reserve(keys.size());
  commands.reserve(keys.size());
  for (const auto& key : keys) {
    names.push_back(redis_key(key));
  }
  for (const auto& name : names) {
    commands.push_back({"GET", name});
  }
  auto replies = m_router->run(commands, names, "reading from");
  if (!replies) {
    return std::unexpected(replies.error());
  }
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    const redisReply& reply = *(*replies)[i];
    if (reply.type == REDIS_REPLY_NIL) {
      values.emplace_back(std::nullopt);
    } else if (reply.type == REDIS_REPLY_STRING) {
      // The value stays in hiredis's reply, which the bytes keep alive: a large value is
      // not copied again.
      const std::span bytes(reinterpret_cast<const uint8_t*>(reply.str), reply.len);
      std::shared_ptr<const void> owner((*replies)[i].release(), [](const void* held) {
        freeReplyObject(const_cast<void*>(held));
      });
      values.emplace_back(Bytes::view_of(std::move(owner), bytes));
    } else {
      // A wrong type under our key (someone else's data), or an error such as CLUSTERDOWN.
      return std::unexpected(BackendFailure{
        BackendFailure::Kind::refused,
        fmt::format("{} answered GET {} with {}", m_spec.display(), names[i], describe(reply))});
    }
  }
  return values;
}

BackendResult<RedisReply>
RedisBackend::run(const RedisCommand& command, const std::string& name, std::string_view doing)
{
  auto replies = m_router->run(std::span(&command, 1), std::span(&name, 1), doing);
  if (!replies) {
    return std::unexpected(replies.error());
  }
  RedisReply reply = std::move(replies->front());
  if (reply->type == REDIS_REPLY_ERROR) {
    // OOM with maxmemory and noeviction, a read-only replica, a missing script, ...
    return std::unexpected(BackendFailure{
      BackendFailure::Kind::refused,
      fmt::format("{} refused {} {}: {}", m_spec.display(), command[0], name, describe(*reply))});
  }
  return reply;
}

BackendResult<bool>
RedisBackend::put(const Key& key, std::span<const uint8_t> value, PutMode mode)
{
  const std::string name = redis_key(key);
  const std::string ttl = std::to_string(m_spec.ttl.count());
  const std::string_view bytes(reinterpret_cast<const char*>(value.data()), value.size());
  RedisCommand words = {"SET", name, bytes};
  if (mode == PutMode::if_absent) {
    words.emplace_back("NX");
  }
  if (m_spec.ttl.count() > 0) {
    words.insert(words.end(), {"EX", ttl});
  }
  auto reply = run(words, name, "writing to");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_STATUS; // "OK"; nil when the key was there
}

BackendResult<bool>
RedisBackend::remove(const Key& key)
{
  const std::string name = redis_key(key);
  auto reply = run({"DEL", name}, name, "removing from");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer > 0;
}

BackendResult<bool>
RedisBackend::contains(const Key& key)
{
  const std::string name = redis_key(key);
  auto reply = run({"EXISTS", name}, name, "reading from");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer > 0;
}

BackendResult<std::vector<std::string>>
RedisBackend::advice()
{
  auto servers = m_router->servers();
  if (!servers) {
    return std::unexpected(servers.error());
  }
  std::vector<std::string> advice;
  for (RedisNode* server : *servers) {
    const std::vector<RedisCommand> commands = {{"CONFIG", "GET", "maxmemory"},
                                                {"CONFIG", "GET", "maxmemory-policy"}};
    auto replies = server->pipeline(commands, "reading the settings of");
    if (!replies) {
      return std::unexpected(replies.error());
    }
    std::vector<std::string> values;
    for (const auto& reply : *replies) {
      if (reply->type != REDIS_REPLY_ARRAY || reply->elements != 2 ||
          reply->element[1]->type != REDIS_REPLY_STRING) {
        advice.push_back(fmt::format("{}: cannot read its settings ({}); check maxmemory and "
                                     "maxmemory-policy yourself",
                                     server->address(), describe(*reply)));
        break;
      }
      values.emplace_back(reply->element[1]->str, reply->element[1]->len);
    }
    if (values.size() != 2) {
      continue;
    }
    if (values[0] == "0") {
      advice.push_back(fmt::format(
        "{}: maxmemory is not set, so it grows until the machine runs out of memory; set "
        "maxmemory and maxmemory-policy allkeys-lru{}",
        server->address(), m_spec.ttl.count() > 0 ? "" : " (or give the tier a ttl)"));
    }
    if (values[1] == "noeviction") {
      advice.push_back(fmt::format("{}: maxmemory-policy is noeviction, so once full it refuses "
                                   "every write; use allkeys-lru",
                                   server->address()));
    } else if (values[1].starts_with("volatile-") && m_spec.ttl.count() == 0) {
      advice.push_back(fmt::format("{}: maxmemory-policy {} evicts only keys with an expiry, and "
                                   "this tier sets none (no ttl); use allkeys-lru",
                                   server->address(), values[1]));
    }
  }
  return advice;
}

std::string
RedisBackend::lease_key(const Key& key) const
{
  return fmt::format("{}:lease:{}", m_prefix, key.to_hex());
}

BackendResult<std::optional<std::string>>
RedisBackend::take_lease(const Key& key, std::chrono::milliseconds ttl)
{
  const std::string name = lease_key(key);
  std::string token;
  {
    std::lock_guard lock(m_random_mutex);
    token = fmt::format("{:016x}{:016x}", m_random(), m_random());
  }
  const std::string ms = std::to_string(ttl.count());
  auto reply = run({"SET", name, token, "NX", "PX", ms}, name, "taking a lease on");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_STATUS ? std::optional(token) : std::nullopt;
}

BackendResult<bool>
RedisBackend::renew_lease(const Key& key, const std::string& token, std::chrono::milliseconds ttl)
{
  // Only the holder's token extends it: a lease that expired and was taken is not ours.
  static constexpr std::string_view k_renew =
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('pexpire', KEYS[1], ARGV[2]) else return 0 end";
  const std::string name = lease_key(key);
  const std::string ms = std::to_string(ttl.count());
  auto reply = run({"EVAL", k_renew, "1", name, token, ms}, name, "renewing a lease on");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer == 1;
}

BackendResult<void>
RedisBackend::release_lease(const Key& key, const std::string& token)
{
  static constexpr std::string_view k_release =
    "if redis.call('get', KEYS[1]) == ARGV[1] then "
    "return redis.call('del', KEYS[1]) else return 0 end";
  const std::string name = lease_key(key);
  auto reply = run({"EVAL", k_release, "1", name, token}, name, "releasing a lease on");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return {};
}

} // namespace jitcache::storage::remote

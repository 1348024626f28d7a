#include "storage/remote/redis_backend.hpp"

#include "core/entry_format.hpp"
#include "util/hex.hpp"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <array>
#include <cerrno>
#include <cstring>

namespace jitcache::storage::remote {

namespace {

timeval
timeval_of(std::chrono::milliseconds duration)
{
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(duration.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>(duration.count() % 1000 * 1000);
  return tv;
}

// A command's words, as hiredis's argv interface takes them (binary-safe).
class Command {
public:
  Command&
  add(std::string_view word)
  {
    m_words.push_back(word.data());
    m_sizes.push_back(word.size());
    return *this;
  }
  Command&
  add(std::span<const uint8_t> bytes)
  {
    m_words.push_back(reinterpret_cast<const char*>(bytes.data()));
    m_sizes.push_back(bytes.size());
    return *this;
  }
  int
  size() const
  {
    return static_cast<int>(m_words.size());
  }
  const char**
  words()
  {
    return m_words.data();
  }
  const size_t*
  sizes() const
  {
    return m_sizes.data();
  }

private:
  std::vector<const char*> m_words;
  std::vector<size_t> m_sizes;
};

} // namespace

void
RedisBackend::ContextDeleter::operator()(redisContext* context) const
{
  redisFree(context);
}

void
RedisBackend::ReplyDeleter::operator()(redisReply* reply) const
{
  freeReplyObject(reply);
}

RedisBackend::RedisBackend(core::RemoteSpec spec)
  : m_spec(std::move(spec)),
    m_prefix(m_spec.prefix.empty() ? fmt::format("jitcache{}", core::k_entry_format_version)
                                   : m_spec.prefix)
{
}

RedisBackend::~RedisBackend() = default;

std::string
RedisBackend::redis_key(const Key& key) const
{
  return fmt::format("{}:{}", m_prefix, key.to_hex());
}

BackendFailure
RedisBackend::failure_of(const redisContext& context, std::string_view doing) const
{
  // hiredis reports a socket timeout as an I/O error with EAGAIN's (or, connecting,
  // ETIMEDOUT's) text.
  const bool timed_out =
    context.err == REDIS_ERR_IO && (std::strcmp(context.errstr, std::strerror(EAGAIN)) == 0 ||
                                    std::strcmp(context.errstr, std::strerror(ETIMEDOUT)) == 0 ||
                                    std::strcmp(context.errstr, std::strerror(EINPROGRESS)) == 0);
  return BackendFailure{
    timed_out ? BackendFailure::Kind::timeout : BackendFailure::Kind::error,
    fmt::format("{} {}: {}", doing, m_spec.display(), timed_out ? "timed out" : context.errstr)};
}

BackendResult<RedisBackend::Connection>
RedisBackend::acquire()
{
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      Connection connection = std::move(m_idle.back());
      m_idle.pop_back();
      return connection;
    }
  }
  const timeval connect_timeout = timeval_of(m_spec.connect_timeout);
  Connection connection(m_spec.scheme == core::RemoteScheme::redis_unix
                          ? redisConnectUnixWithTimeout(m_spec.path.c_str(), connect_timeout)
                          : redisConnectWithTimeout(m_spec.host.c_str(),
                                                    m_spec.port == 0 ? 6379 : m_spec.port,
                                                    connect_timeout));
  if (!connection) {
    return std::unexpected(
      BackendFailure{BackendFailure::Kind::error,
                     fmt::format("connecting to {}: out of memory", m_spec.display())});
  }
  if (connection->err != 0) {
    return std::unexpected(failure_of(*connection, "connecting to"));
  }
  if (redisSetTimeout(connection.get(), timeval_of(m_spec.timeout)) != REDIS_OK) {
    return std::unexpected(failure_of(*connection, "setting the timeout of"));
  }
  // Authenticate and choose the database before anything else is sent.
  std::vector<Command> setup;
  if (!m_spec.password.empty()) {
    Command auth;
    auth.add("AUTH");
    if (!m_spec.user.empty()) {
      auth.add(m_spec.user);
    }
    setup.push_back(std::move(auth.add(m_spec.password)));
  }
  const std::string database = std::to_string(m_spec.database);
  if (m_spec.database != 0) {
    setup.push_back(std::move(Command().add("SELECT").add(database)));
  }
  for (auto& command : setup) {
    Reply reply(static_cast<redisReply*>(
      redisCommandArgv(connection.get(), command.size(), command.words(), command.sizes())));
    if (!reply) {
      return std::unexpected(failure_of(*connection, "setting up a connection to"));
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      return std::unexpected(
        BackendFailure{BackendFailure::Kind::refused,
                       fmt::format("{} refused {}: {}", m_spec.display(),
                                   std::string_view(command.words()[0], command.sizes()[0]),
                                   std::string_view(reply->str, reply->len))});
    }
  }
  return connection;
}

void
RedisBackend::release(Connection connection)
{
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(connection));
}

BackendResult<std::vector<std::optional<Bytes>>>
RedisBackend::get(std::span<const Key> keys)
{
  auto connection = acquire();
  if (!connection) {
    return std::unexpected(connection.error());
  }
  std::vector<std::string> names;
  names.reserve(keys.size());
  for (const auto& key : keys) {
    names.push_back(redis_key(key));
    Command command;
    command.add("GET").add(names.back());
    if (redisAppendCommandArgv(connection->get(), command.size(), command.words(),
                               command.sizes()) != REDIS_OK) {
      return std::unexpected(failure_of(**connection, "reading from"));
    }
  }
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(connection->get(), &raw) != REDIS_OK) {
      return std::unexpected(failure_of(**connection, "reading from"));
    }
    Reply reply(static_cast<redisReply*>(raw));
    if (reply->type == REDIS_REPLY_NIL) {
      values.emplace_back(std::nullopt);
    } else if (reply->type == REDIS_REPLY_STRING) {
      values.emplace_back(Bytes::copy_of(std::string_view(reply->str, reply->len)));
    } else {
      // A wrong type under our key (someone else's data), or an error: the connection is in
      // step, so the remaining replies are still read before failing.
      const std::string what = reply->type == REDIS_REPLY_ERROR
                                 ? std::string(reply->str, reply->len)
                                 : fmt::format("a reply of type {}", reply->type);
      for (size_t rest = i + 1; rest < keys.size(); ++rest) {
        void* skipped = nullptr;
        if (redisGetReply(connection->get(), &skipped) != REDIS_OK) {
          return std::unexpected(failure_of(**connection, "reading from"));
        }
        freeReplyObject(skipped);
      }
      release(std::move(*connection));
      return std::unexpected(BackendFailure{
        BackendFailure::Kind::refused,
        fmt::format("{} answered GET {} with {}", m_spec.display(), names[i], what)});
    }
  }
  release(std::move(*connection));
  return values;
}

BackendResult<RedisBackend::Reply>
RedisBackend::run(std::span<const std::string_view> words, std::string_view doing)
{
  auto connection = acquire();
  if (!connection) {
    return std::unexpected(connection.error());
  }
  Command command;
  for (const auto word : words) {
    command.add(word);
  }
  Reply reply(static_cast<redisReply*>(
    redisCommandArgv(connection->get(), command.size(), command.words(), command.sizes())));
  if (!reply) {
    return std::unexpected(failure_of(**connection, doing));
  }
  release(std::move(*connection));
  if (reply->type == REDIS_REPLY_ERROR) {
    // OOM with maxmemory and noeviction, a read-only replica, a missing script, ...
    return std::unexpected(BackendFailure{
      BackendFailure::Kind::refused, fmt::format("{} refused {} {}: {}", m_spec.display(), words[0],
                                                 words.size() > 1 ? words[1] : std::string_view(),
                                                 std::string_view(reply->str, reply->len))});
  }
  return reply;
}

BackendResult<bool>
RedisBackend::put(const Key& key, std::span<const uint8_t> value)
{
  const std::string name = redis_key(key);
  const std::string ttl = std::to_string(m_spec.ttl.count());
  const std::string_view bytes(reinterpret_cast<const char*>(value.data()), value.size());
  std::vector<std::string_view> words = {"SET", name, bytes, "NX"};
  if (m_spec.ttl.count() > 0) {
    words.insert(words.end(), {"EX", ttl});
  }
  auto reply = run(words, "writing to");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_STATUS; // "OK"; nil when the key was there
}

BackendResult<bool>
RedisBackend::remove(const Key& key)
{
  const std::string name = redis_key(key);
  auto reply = run(std::vector<std::string_view>{"DEL", name}, "removing from");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer > 0;
}

BackendResult<bool>
RedisBackend::contains(const Key& key)
{
  const std::string name = redis_key(key);
  auto reply = run(std::vector<std::string_view>{"EXISTS", name}, "reading from");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return (*reply)->type == REDIS_REPLY_INTEGER && (*reply)->integer > 0;
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
    std::lock_guard lock(m_mutex);
    token = fmt::format("{:016x}{:016x}", m_random(), m_random());
  }
  const std::string ms = std::to_string(ttl.count());
  auto reply =
    run(std::vector<std::string_view>{"SET", name, token, "NX", "PX", ms}, "taking a lease on");
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
  auto reply = run(std::vector<std::string_view>{"EVAL", k_renew, "1", name, token, ms},
                   "renewing a lease on");
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
  auto reply =
    run(std::vector<std::string_view>{"EVAL", k_release, "1", name, token}, "releasing a lease on");
  if (!reply) {
    return std::unexpected(reply.error());
  }
  return {};
}

} // namespace jitcache::storage::remote

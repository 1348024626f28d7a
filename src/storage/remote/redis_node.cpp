#include "storage/remote/redis_node.hpp"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

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

// A command as hiredis's argv interface takes it.
struct Argv {
  explicit Argv(const RedisCommand& command)
  {
    words.reserve(command.size());
    sizes.reserve(command.size());
    for (const auto word : command) {
      words.push_back(word.data());
      sizes.push_back(word.size());
    }
  }
  std::vector<const char*> words;
  std::vector<size_t> sizes;
};

std::string
name_of(const core::RemoteHost& address, const core::RemoteSpec& spec)
{
  if (spec.scheme == core::RemoteScheme::redis_unix) {
    return fmt::format("redis+unix://{}", address.host);
  }
  return fmt::format("redis://{}:{}{}", address.host, address.port,
                     spec.database == 0 ? "" : fmt::format("/{}", spec.database));
}

} // namespace

void
RedisReplyDeleter::operator()(redisReply* reply) const
{
  freeReplyObject(reply);
}

void
RedisNode::ContextDeleter::operator()(redisContext* context) const
{
  redisFree(context);
}

std::string
describe(const redisReply& reply)
{
  if (reply.type == REDIS_REPLY_ERROR) {
    return std::string(reply.str, reply.len);
  }
  return fmt::format("a reply of type {}", reply.type);
}

RedisNode::RedisNode(core::RemoteHost address, const core::RemoteSpec& spec)
  : m_address(std::move(address)), m_spec(spec), m_address_text(name_of(m_address, m_spec))
{
}

RedisNode::~RedisNode() = default;

BackendFailure
RedisNode::failure_of(const redisContext& context, std::string_view doing) const
{
  // hiredis reports a socket timeout as an I/O error with EAGAIN's (or, connecting,
  // ETIMEDOUT's) text.
  const bool timed_out =
    context.err == REDIS_ERR_IO && (std::strcmp(context.errstr, std::strerror(EAGAIN)) == 0 ||
                                    std::strcmp(context.errstr, std::strerror(ETIMEDOUT)) == 0 ||
                                    std::strcmp(context.errstr, std::strerror(EINPROGRESS)) == 0);
  return BackendFailure{
    timed_out ? BackendFailure::Kind::timeout : BackendFailure::Kind::error,
    fmt::format("{} {}: {}", doing, m_address_text, timed_out ? "timed out" : context.errstr)};
}

BackendResult<RedisNode::Connection>
RedisNode::acquire()
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
  Connection connection(
    m_spec.scheme == core::RemoteScheme::redis_unix
      ? redisConnectUnixWithTimeout(m_address.host.c_str(), connect_timeout)
      : redisConnectWithTimeout(m_address.host.c_str(), m_address.port, connect_timeout));
  if (!connection) {
    return std::unexpected(BackendFailure{
      BackendFailure::Kind::error, fmt::format("connecting to {}: out of memory", m_address_text)});
  }
  if (connection->err != 0) {
    return std::unexpected(failure_of(*connection, "connecting to"));
  }
  if (redisSetTimeout(connection.get(), timeval_of(m_spec.timeout)) != REDIS_OK) {
    return std::unexpected(failure_of(*connection, "setting the timeout of"));
  }
  // Authenticate and choose the database before anything else is sent.
  std::vector<RedisCommand> setup;
  if (!m_spec.password.empty()) {
    setup.push_back(m_spec.user.empty() ? RedisCommand{"AUTH", m_spec.password}
                                        : RedisCommand{"AUTH", m_spec.user, m_spec.password});
  }
  const std::string database = std::to_string(m_spec.database);
  if (m_spec.database != 0) {
    setup.push_back(RedisCommand{"SELECT", database});
  }
  for (const auto& command : setup) {
    Argv argv(command);
    RedisReply reply(static_cast<redisReply*>(
      redisCommandArgv(connection.get(), static_cast<int>(argv.words.size()), argv.words.data(),
                       argv.sizes.data())));
    if (!reply) {
      return std::unexpected(failure_of(*connection, "setting up a connection to"));
    }
    if (reply->type == REDIS_REPLY_ERROR) {
      return std::unexpected(BackendFailure{
        BackendFailure::Kind::refused,
        fmt::format("{} refused {}: {}", m_address_text, command[0], describe(*reply))});
    }
  }
  return connection;
}

void
RedisNode::release(Connection connection)
{
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(connection));
}

BackendResult<std::vector<RedisReply>>
RedisNode::pipeline(std::span<const RedisCommand> commands, std::string_view doing)
{
  auto connection = acquire();
  if (!connection) {
    return std::unexpected(connection.error());
  }
  for (const auto& command : commands) {
    Argv argv(command);
    if (redisAppendCommandArgv(connection->get(), static_cast<int>(argv.words.size()),
                               argv.words.data(), argv.sizes.data()) != REDIS_OK) {
      return std::unexpected(failure_of(**connection, doing));
    }
  }
  std::vector<RedisReply> replies;
  replies.reserve(commands.size());
  for (size_t i = 0; i < commands.size(); ++i) {
    void* raw = nullptr;
    if (redisGetReply(connection->get(), &raw) != REDIS_OK) {
      // The connection is out of step with its replies: it is closed, not pooled.
      return std::unexpected(failure_of(**connection, doing));
    }
    replies.emplace_back(static_cast<redisReply*>(raw));
  }
  release(std::move(*connection));
  return replies;
}

} // namespace jitcache::storage::remote

// RedisNode: the connections to one Redis server (TCP or a Unix socket), through hiredis.
// Connections are opened on first use with the tier's connect timeout, authenticated and
// pointed at its database, and kept in a small pool; one that fails is closed, and the next
// call opens another.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"

#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

struct redisContext;
struct redisReply;

namespace jitcache::storage::remote {

struct RedisReplyDeleter {
  void operator()(redisReply* reply) const;
};
using RedisReply = std::unique_ptr<redisReply, RedisReplyDeleter>;

// A command's words, binary-safe. The caller keeps the bytes they view alive during the call.
using RedisCommand = std::vector<std::string_view>;

class RedisNode {
public:
  // The server at `address` (host and port; for redis+unix, the socket in `address.host`),
  // reached with `spec`'s credentials, database and timeouts.
  RedisNode(core::RemoteHost address, const core::RemoteSpec& spec);
  ~RedisNode();
  RedisNode(const RedisNode&) = delete;
  RedisNode& operator=(const RedisNode&) = delete;

  // Sends every command before reading any reply (one round trip) and returns the replies in
  // order, error replies among them: reading those is the caller's part. A failure is the
  // connection's (an error or a timeout), or a refused set-up (AUTH, SELECT).
  // REQUIRES: !commands.empty().
  BackendResult<std::vector<RedisReply>> pipeline(std::span<const RedisCommand> commands,
                                                  std::string_view doing);

  // "host:port", or the socket's path.
  const std::string&
  address() const
  {
    return m_address_text;
  }

private:
  struct ContextDeleter {
    void operator()(redisContext* context) const;
  };
  using Connection = std::unique_ptr<redisContext, ContextDeleter>;

  BackendResult<Connection> acquire();
  void release(Connection connection);
  // The failure the connection's last error is, naming the server.
  BackendFailure failure_of(const redisContext& context, std::string_view doing) const;

  core::RemoteHost m_address;
  core::RemoteSpec m_spec;
  std::string m_address_text;
  std::mutex m_mutex;
  std::vector<Connection> m_idle; // connections no call is using
};

// The text of an error reply, or a description of a reply of another type.
std::string describe(const redisReply& reply);

} // namespace jitcache::storage::remote

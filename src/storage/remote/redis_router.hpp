// RedisRouter: sends a Redis tier's commands to the server that holds each key: the one
// server of a standalone tier, or, for a Redis Cluster, the node serving the key's hash slot
// (redis_cluster_router.hpp).
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/redis_node.hpp"

#include <memory>
#include <span>
#include <string>
#include <vector>

namespace jitcache::storage::remote {

class RedisRouter {
public:
  virtual ~RedisRouter() = default;

  // Runs commands[i], which reads or writes the Redis key keys[i], on the server that holds
  // that key, pipelined: one round trip per server asked. Returns the replies in order, error
  // replies among them (a refusal is the caller's to read). A failure is a connection's.
  // REQUIRES: !commands.empty(), commands.size() == keys.size().
  virtual BackendResult<std::vector<RedisReply>> run(std::span<const RedisCommand> commands,
                                                     std::span<const std::string> keys,
                                                     std::string_view doing) = 0;

  // Every server that holds keys: the one server, or each master of the cluster.
  virtual BackendResult<std::vector<RedisNode*>> servers() = 0;
};

// The router for `spec`: a cluster's for redis-cluster://, else one server's.
std::unique_ptr<RedisRouter> make_redis_router(const core::RemoteSpec& spec);

} // namespace jitcache::storage::remote

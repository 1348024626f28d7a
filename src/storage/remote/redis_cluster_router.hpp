// RedisClusterRouter: routes each command of a redis-cluster:// tier to the node that serves
// its key's hash slot (Redis Cluster specification). The slot map is read with CLUSTER SLOTS
// from the configured nodes, or any node known since, on first use and again after a node
// failed or answered MOVED (the slot moved for good). ASK (a slot being migrated) is
// followed for that one command, preceded by ASKING, without changing the map.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include "storage/remote/redis_router.hpp"

#include <map>
#include <mutex>
#include <optional>

namespace jitcache::storage::remote {

class RedisClusterRouter final : public RedisRouter {
public:
  // REQUIRES: spec.scheme == redis_cluster, !spec.nodes.empty().
  explicit RedisClusterRouter(core::RemoteSpec spec);

  BackendResult<std::vector<RedisReply>> run(std::span<const RedisCommand> commands,
                                             std::span<const std::string> keys,
                                             std::string_view doing) override;
  BackendResult<std::vector<RedisNode*>> servers() override;

  // Redirects followed for one command before it fails: a map that keeps changing under it.
  static constexpr int k_max_redirects = 5;

private:
  // The node at `address`, connected on first use. Nodes are never removed, so the pointer
  // stays valid while the router lives.
  RedisNode& node_at(const core::RemoteHost& address);
  // The node serving `slot` from the map, reading the map first when it is stale.
  BackendResult<RedisNode*> node_for_slot(uint16_t slot);
  // Reads the slot map from the first node that answers.
  BackendResult<void> refresh_slots();
  // Follows a MOVED or ASK reply to `command` (nullopt: the reply is not a redirect).
  std::optional<BackendResult<RedisReply>>
  follow_redirect(const RedisReply& reply, const RedisCommand& command, std::string_view doing);

  core::RemoteSpec m_spec;
  std::mutex m_mutex;
  struct KnownNode {
    core::RemoteHost address;
    std::unique_ptr<RedisNode> node;
  };
  std::map<std::string, KnownNode> m_nodes; // by "host:port"
  std::vector<RedisNode*> m_slots;          // slot -> node; null: unknown
  bool m_stale = true;                      // the map needs reading again
};

} // namespace jitcache::storage::remote

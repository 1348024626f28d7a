#include "storage/remote/redis_router.hpp"

#include "storage/remote/redis_cluster_router.hpp"

namespace jitcache::storage::remote {

namespace {

// A standalone server (or a Unix socket) holds every key.
class OneServerRouter final : public RedisRouter {
public:
  explicit OneServerRouter(const core::RemoteSpec& spec)
    : m_node(spec.scheme == core::RemoteScheme::redis_unix
               ? core::RemoteHost{spec.path, 0}
               : core::RemoteHost{spec.host, spec.port == 0 ? uint16_t{6379} : spec.port},
             spec)
  {
  }

  BackendResult<std::vector<RedisReply>>
  run(std::span<const RedisCommand> commands, std::span<const std::string> /*keys*/,
      std::string_view doing) override
  {
    return m_node.pipeline(commands, doing);
  }

  BackendResult<std::vector<RedisNode*>>
  servers() override
  {
    return std::vector<RedisNode*>{&m_node};
  }

private:
  RedisNode m_node;
};

} // namespace

std::unique_ptr<RedisRouter>
make_redis_router(const core::RemoteSpec& spec)
{
  if (spec.scheme == core::RemoteScheme::redis_cluster) {
    return std::make_unique<RedisClusterRouter>(spec);
  }
  return std::make_unique<OneServerRouter>(spec);
}

} // namespace jitcache::storage::remote

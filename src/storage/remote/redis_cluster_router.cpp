#include "storage/remote/redis_cluster_router.hpp"

#include "storage/remote/redis_hash_slot.hpp"

#include <hiredis/hiredis.h>

#include <fmt/format.h>

#include <algorithm>
#include <charconv>

namespace jitcache::storage::remote {

namespace {

std::unexpected<BackendFailure>
cluster_error(std::string message)
{
  return std::unexpected(BackendFailure{BackendFailure::Kind::error, std::move(message)});
}

// "MOVED 3999 127.0.0.1:6381" or "ASK 3999 127.0.0.1:6381".
struct Redirect {
  bool ask = false;
  core::RemoteHost target;
};

std::optional<Redirect>
redirect_of(const redisReply& reply)
{
  if (reply.type != REDIS_REPLY_ERROR) {
    return std::nullopt;
  }
  const std::string_view text(reply.str, reply.len);
  Redirect redirect;
  if (text.starts_with("ASK ")) {
    redirect.ask = true;
  } else if (!text.starts_with("MOVED ")) {
    return std::nullopt;
  }
  const auto space = text.rfind(' ');
  const std::string_view address = text.substr(space + 1);
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return std::nullopt;
  }
  redirect.target.host = std::string(address.substr(0, colon));
  const std::string_view port = address.substr(colon + 1);
  if (std::from_chars(port.data(), port.data() + port.size(), redirect.target.port).ec !=
      std::errc()) {
    return std::nullopt;
  }
  return redirect;
}

std::string
address_key(const core::RemoteHost& address)
{
  return fmt::format("{}:{}", address.host, address.port);
}

} // namespace

RedisClusterRouter::RedisClusterRouter(core::RemoteSpec spec)
  : m_spec(std::move(spec)), m_slots(k_redis_hash_slots, nullptr)
{
}

RedisNode&
RedisClusterRouter::node_at(const core::RemoteHost& address)
{
  std::lock_guard lock(m_mutex);
  auto& known = m_nodes[address_key(address)];
  if (!known.node) {
    known = KnownNode{address, std::make_unique<RedisNode>(address, m_spec)};
  }
  return *known.node;
}

BackendResult<void>
RedisClusterRouter::refresh_slots()
{
  // Ask the configured nodes first, then the ones learned since.
  std::vector<core::RemoteHost> candidates = m_spec.nodes;
  {
    std::lock_guard lock(m_mutex);
    for (const auto& [text, known] : m_nodes) {
      candidates.push_back(known.address);
    }
  }
  std::string failures;
  for (const auto& candidate : candidates) {
    RedisNode& node = node_at(candidate);
    const std::vector<RedisCommand> command{{"CLUSTER", "SLOTS"}};
    auto replies = node.pipeline(command, "reading the slot map from");
    if (!replies) {
      failures += fmt::format("; {}", replies.error().message);
      continue;
    }
    const redisReply& map = *replies->front();
    if (map.type != REDIS_REPLY_ARRAY || map.elements == 0) {
      failures += fmt::format("; {} answered CLUSTER SLOTS with {}", node.address(),
                              map.type == REDIS_REPLY_ARRAY ? "no slots" : describe(map));
      continue;
    }
    // Each range: [first slot, last slot, [master ip, port, id, ...], replicas...].
    std::vector<std::pair<std::pair<long long, long long>, core::RemoteHost>> ranges;
    bool well_formed = true;
    for (size_t i = 0; i < map.elements && well_formed; ++i) {
      const redisReply& range = *map.element[i];
      well_formed =
        range.type == REDIS_REPLY_ARRAY && range.elements >= 3 &&
        range.element[0]->type == REDIS_REPLY_INTEGER &&
        range.element[1]->type == REDIS_REPLY_INTEGER &&
        range.element[2]->type == REDIS_REPLY_ARRAY && range.element[2]->elements >= 2 &&
        range.element[2]->element[0]->type == REDIS_REPLY_STRING &&
        range.element[2]->element[1]->type == REDIS_REPLY_INTEGER &&
        range.element[0]->integer >= 0 && range.element[1]->integer < k_redis_hash_slots &&
        range.element[0]->integer <= range.element[1]->integer;
      if (well_formed) {
        const redisReply& master = *range.element[2];
        std::string host(master.element[0]->str, master.element[0]->len);
        // An empty address means "the node you asked".
        ranges.push_back({{range.element[0]->integer, range.element[1]->integer},
                          core::RemoteHost{host.empty() ? candidate.host : host,
                                           static_cast<uint16_t>(master.element[1]->integer)}});
      }
    }
    if (!well_formed) {
      failures += fmt::format("; {} answered CLUSTER SLOTS with a malformed map", node.address());
      continue;
    }
    std::vector<RedisNode*> slots(k_redis_hash_slots, nullptr);
    for (const auto& [range, address] : ranges) {
      RedisNode* owner = &node_at(address);
      std::fill(slots.begin() + range.first, slots.begin() + range.second + 1, owner);
    }
    std::lock_guard lock(m_mutex);
    m_slots = std::move(slots);
    m_stale = false;
    return {};
  }
  return cluster_error(
    fmt::format("no node of {} gave the slot map{}", m_spec.display(), failures));
}

BackendResult<RedisNode*>
RedisClusterRouter::node_for_slot(uint16_t slot)
{
  for (int attempt = 0; attempt < 2; ++attempt) {
    {
      std::lock_guard lock(m_mutex);
      if (!m_stale && m_slots[slot] != nullptr) {
        return m_slots[slot];
      }
      if (!m_stale && attempt > 0) {
        break;
      }
    }
    if (auto refreshed = refresh_slots(); !refreshed) {
      return std::unexpected(refreshed.error());
    }
  }
  return cluster_error(fmt::format("no node of {} serves slot {}", m_spec.display(), slot));
}

std::optional<BackendResult<RedisReply>>
RedisClusterRouter::follow_redirect(const RedisReply& reply, const RedisCommand& command,
                                    std::string_view doing)
{
  auto redirect = redirect_of(*reply);
  if (!redirect) {
    return std::nullopt;
  }
  for (int hop = 0; hop < k_max_redirects && redirect; ++hop) {
    RedisNode& node = node_at(redirect->target);
    std::vector<RedisCommand> commands;
    if (redirect->ask) {
      commands.push_back({"ASKING"});
    } else {
      std::lock_guard lock(m_mutex);
      m_stale = true; // the slot moved for good: the next call reads the map again
    }
    commands.push_back(command);
    auto replies = node.pipeline(commands, doing);
    if (!replies) {
      return std::unexpected(replies.error());
    }
    RedisReply answer = std::move(replies->back());
    redirect = redirect_of(*answer);
    if (!redirect) {
      return answer;
    }
  }
  return cluster_error(fmt::format("{} {}: more than {} redirects for one command", doing,
                                   m_spec.display(), k_max_redirects));
}

BackendResult<std::vector<RedisNode*>>
RedisClusterRouter::servers()
{
  if (auto refreshed = refresh_slots(); !refreshed) {
    return std::unexpected(refreshed.error());
  }
  std::lock_guard lock(m_mutex);
  std::vector<RedisNode*> masters;
  for (RedisNode* node : m_slots) {
    if (node != nullptr && std::find(masters.begin(), masters.end(), node) == masters.end()) {
      masters.push_back(node);
    }
  }
  return masters;
}

BackendResult<std::vector<RedisReply>>
RedisClusterRouter::run(std::span<const RedisCommand> commands, std::span<const std::string> keys,
                        std::string_view doing)
{
  // Group the commands by the node that serves their keys: one pipeline per node.
  std::map<RedisNode*, std::vector<size_t>> by_node;
  for (size_t i = 0; i < keys.size(); ++i) {
    auto node = node_for_slot(redis_hash_slot(keys[i]));
    if (!node) {
      return std::unexpected(node.error());
    }
    by_node[*node].push_back(i);
  }
  std::vector<RedisReply> replies(commands.size());
  for (const auto& [node, indices] : by_node) {
    std::vector<RedisCommand> batch;
    batch.reserve(indices.size());
    for (const size_t i : indices) {
      batch.push_back(commands[i]);
    }
    auto answers = node->pipeline(batch, doing);
    if (!answers) {
      // The node may be gone (failed over, removed): read the map again next time.
      std::lock_guard lock(m_mutex);
      m_stale = true;
      return std::unexpected(answers.error());
    }
    for (size_t n = 0; n < indices.size(); ++n) {
      RedisReply& answer = (*answers)[n];
      if (auto followed = follow_redirect(answer, commands[indices[n]], doing)) {
        if (!*followed) {
          return std::unexpected(followed->error());
        }
        answer = std::move(**followed);
      }
      replies[indices[n]] = std::move(answer);
    }
  }
  return replies;
}

} // namespace jitcache::storage::remote

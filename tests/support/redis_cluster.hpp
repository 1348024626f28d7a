// A Redis Cluster of the tests' own: three masters (no replicas) on free loopback ports,
// joined with `redis-cli --cluster create`, each slot served once the cluster says it is ok.
#pragma once

#include "support/redis_server.hpp"

#include <thread>

namespace jitcache::testing {

class RedisCluster {
public:
  static constexpr size_t k_masters = 3;

  RedisCluster()
  {
    for (size_t i = 0; i < k_masters; ++i) {
      // The bus port is chosen too: the default, port + 10000, may be taken or past 65535.
      m_nodes.push_back(std::make_unique<RedisServer>(std::vector<std::string>{
        "--cluster-enabled", "yes", "--cluster-config-file", "nodes.conf", "--cluster-node-timeout",
        "1000", "--cluster-port", std::to_string(free_port())}));
    }
    std::vector<std::string> argv = {"redis-cli", "--cluster", "create"};
    for (const auto& node : m_nodes) {
      argv.push_back(fmt::format("127.0.0.1:{}", node->port()));
    }
    argv.insert(argv.end(), {"--cluster-replicas", "0", "--cluster-yes"});
    m_created = util::run_process(argv, {std::chrono::seconds(30), {}, {}, {}}).has_value();
  }

  // Whether every node is up and says the cluster is ok (waits up to 10 s).
  bool
  ready() const
  {
    for (int i = 0; i < 200 && m_created; ++i) {
      bool ok = true;
      for (const auto& node : m_nodes) {
        ok = ok && node->up() &&
             node->cli({"CLUSTER", "INFO"}).find("cluster_state:ok") != std::string::npos;
      }
      if (ok) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return false;
  }

  RedisServer&
  node(size_t index)
  {
    return *m_nodes.at(index);
  }
  // redis-cluster://127.0.0.1:P1 (one node: the rest are learned from its slot map).
  std::string
  url() const
  {
    return fmt::format("redis-cluster://127.0.0.1:{}", m_nodes.front()->port());
  }
  // The node that serves `key` now, as each node says of itself.
  size_t
  owner_of(const std::string& key) const
  {
    const std::string slot = m_nodes.front()->cli({"CLUSTER", "KEYSLOT", key});
    for (size_t i = 0; i < m_nodes.size(); ++i) {
      if (owns(m_nodes[i]->cli({"CLUSTER", "NODES"}), std::stoi(slot))) {
        return i;
      }
    }
    return m_nodes.size();
  }

private:
  // Whether the "myself" line of CLUSTER NODES lists `slot` among its ranges.
  static bool
  owns(const std::string& nodes, int slot)
  {
    const auto line_start = nodes.find("myself");
    if (line_start == std::string::npos) {
      return false;
    }
    const auto begin = nodes.rfind('\n', line_start);
    const auto end = nodes.find('\n', line_start);
    std::string line = nodes.substr(begin == std::string::npos ? 0 : begin + 1,
                                    end - (begin == std::string::npos ? 0 : begin + 1));
    std::vector<std::string> fields;
    for (size_t start = 0; start < line.size();) {
      const auto space = std::min(line.find(' ', start), line.size());
      fields.push_back(line.substr(start, space - start));
      start = space + 1;
    }
    for (size_t f = 8; f < fields.size(); ++f) {
      const auto dash = fields[f].find('-');
      if (fields[f].starts_with('[')) {
        continue; // a slot being migrated or imported
      }
      const int low = std::stoi(fields[f].substr(0, dash));
      const int high = dash == std::string::npos ? low : std::stoi(fields[f].substr(dash + 1));
      if (slot >= low && slot <= high) {
        return true;
      }
    }
    return false;
  }

  std::vector<std::unique_ptr<RedisServer>> m_nodes;
  bool m_created = false;
};

} // namespace jitcache::testing

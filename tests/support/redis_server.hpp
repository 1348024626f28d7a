// A redis-server of the tests' own, on a free loopback port, with nothing persisted.
#pragma once

#include "util/subprocess.hpp"

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>

#include <memory>
#include <string>
#include <vector>

namespace jitcache::testing {

class RedisServer {
public:
  // `options`: more redis-server options, such as {"--requirepass", "secret"}.
  explicit RedisServer(std::vector<std::string> options = {})
    : m_options(std::move(options)), m_port(free_port())
  {
    start();
  }

  bool
  up() const
  {
    return m_process && m_process->up();
  }
  uint16_t
  port() const
  {
    return m_port;
  }
  std::string
  url() const
  {
    return fmt::format("redis://127.0.0.1:{}", m_port);
  }
  const TempDir&
  dir() const
  {
    return m_dir;
  }
  ServerProcess&
  process()
  {
    return *m_process;
  }
  // Stops the server and starts a new one on the same port (its data is gone).
  void
  restart()
  {
    m_process.reset();
    start();
  }
  // Runs redis-cli against this server and returns what it printed.
  std::string
  cli(const std::vector<std::string>& words) const
  {
    std::vector<std::string> argv = {"redis-cli", "-p", std::to_string(m_port)};
    argv.insert(argv.end(), words.begin(), words.end());
    auto result = util::run_process(argv, {std::chrono::seconds(10), {}, {}, {}});
    return result ? result->stdout_text : std::string();
  }

private:
  void
  start()
  {
    std::vector<std::string> argv = {find_program("redis-server").string(),
                                     "--port",
                                     std::to_string(m_port),
                                     "--bind",
                                     "127.0.0.1",
                                     "--save",
                                     "",
                                     "--appendonly",
                                     "no",
                                     "--dir",
                                     m_dir.path().string()};
    argv.insert(argv.end(), m_options.begin(), m_options.end());
    m_process = std::make_unique<ServerProcess>(argv, m_port);
  }

  TempDir m_dir;
  std::vector<std::string> m_options;
  uint16_t m_port;
  std::unique_ptr<ServerProcess> m_process;
};

} // namespace jitcache::testing

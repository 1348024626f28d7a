// Real servers for tests and benchmarks (redis-server, nginx), started on a free loopback
// port and stopped with their owner. require_program.hpp says what a test does when one is
// not installed.
#pragma once

#include "support/temp_dir.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace jitcache::testing {

// A TCP port on 127.0.0.1 that nothing listens on right now.
inline uint16_t
free_port()
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &size);
  ::close(fd);
  return ntohs(address.sin_port);
}

// Whether something accepts connections on 127.0.0.1:port.
inline bool
accepts_connections(uint16_t port)
{
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(port);
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  const bool connected = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  ::close(fd);
  return connected;
}

// The full path of `program` on PATH or in the usual sbin directories, or empty.
inline std::filesystem::path
find_program(const std::string& program)
{
  std::string path = std::getenv("PATH") ? std::getenv("PATH") : "";
  path += ":/usr/sbin:/sbin:/usr/local/sbin";
  size_t start = 0;
  while (start <= path.size()) {
    const size_t end = std::min(path.find(':', start), path.size());
    const std::filesystem::path candidate =
      std::filesystem::path(path.substr(start, end - start)) / program;
    if (!candidate.parent_path().empty() && ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
    start = end + 1;
  }
  return {};
}

// A server process: started with its arguments, considered up once its port accepts
// connections, stopped (and waited for) when destroyed.
class ServerProcess {
public:
  ServerProcess(const std::vector<std::string>& argv, uint16_t port) : m_port(port)
  {
    std::vector<char*> args;
    for (const auto& arg : argv) {
      args.push_back(const_cast<char*>(arg.c_str()));
    }
    args.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    // The server's chatter goes nowhere; its own log file, where it has one, says more.
    posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
    if (posix_spawn(&m_pid, args[0], &actions, nullptr, args.data(), environ) != 0) {
      m_pid = -1;
    }
    posix_spawn_file_actions_destroy(&actions);
    wait_until_up();
  }
  ~ServerProcess() { stop(); }
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  bool
  up() const
  {
    return m_pid > 0 && accepts_connections(m_port);
  }
  uint16_t
  port() const
  {
    return m_port;
  }
  pid_t
  pid() const
  {
    return m_pid;
  }
  // Sends `signal` (SIGSTOP freezes it, SIGCONT resumes it, SIGKILL ends it at once).
  void
  signal(int number) const
  {
    if (m_pid > 0) {
      ::kill(m_pid, number);
    }
  }
  // Waits (up to 10 s) for the port to accept connections.
  bool
  wait_until_up() const
  {
    for (int i = 0; i < 1000 && m_pid > 0; ++i) {
      if (accepts_connections(m_port)) {
        return true;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
  }
  void
  stop()
  {
    if (m_pid <= 0) {
      return;
    }
    ::kill(m_pid, SIGCONT);
    ::kill(m_pid, SIGKILL);
    int status = 0;
    ::waitpid(m_pid, &status, 0);
    m_pid = -1;
  }

private:
  pid_t m_pid = -1;
  uint16_t m_port = 0;
};

} // namespace jitcache::testing

// A fault nginx cannot be made to produce on demand: an HTTP server that answers every
// request with "200 OK", a Content-Length of 1000, ten bytes, and a closed connection.
#pragma once

#include "support/server_process.hpp"

#include <atomic>
#include <thread>

namespace jitcache::testing {

class TruncatingHttpServer {
public:
  TruncatingHttpServer()
  {
    m_listener = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t size = sizeof address;
    ::bind(m_listener, reinterpret_cast<sockaddr*>(&address), sizeof address);
    ::getsockname(m_listener, reinterpret_cast<sockaddr*>(&address), &size);
    m_port = ntohs(address.sin_port);
    ::listen(m_listener, 16);
    m_thread = std::thread([this] { serve(); });
  }
  ~TruncatingHttpServer()
  {
    m_stopping = true;
    ::shutdown(m_listener, SHUT_RDWR);
    ::close(m_listener);
    m_thread.join();
  }
  TruncatingHttpServer(const TruncatingHttpServer&) = delete;
  TruncatingHttpServer& operator=(const TruncatingHttpServer&) = delete;

  std::string
  url() const
  {
    return "http://127.0.0.1:" + std::to_string(m_port) + "/cache";
  }

private:
  void
  serve()
  {
    while (!m_stopping) {
      const int client = ::accept(m_listener, nullptr, nullptr);
      if (client < 0) {
        continue;
      }
      char request[4096];
      (void)::recv(client, request, sizeof request, 0);
      const std::string_view answer =
        "HTTP/1.1 200 OK\r\nContent-Length: 1000\r\nConnection: close\r\n\r\n0123456789";
      (void)::send(client, answer.data(), answer.size(), MSG_NOSIGNAL);
      ::close(client);
    }
  }

  int m_listener = -1;
  uint16_t m_port = 0;
  std::atomic<bool> m_stopping = false;
  std::thread m_thread;
};

} // namespace jitcache::testing

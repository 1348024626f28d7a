// An nginx of the tests' own, on a free loopback port, serving WebDAV (GET, PUT, HEAD,
// DELETE) from a temporary directory, as a team would run an HTTP cache:
//   /cache/    open to all;
//   /private/  only with "Authorization: Bearer <token()>";
//   /fail500/  every request answered 500.
#pragma once

#include "support/server_process.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>

#include <fstream>
#include <memory>
#include <string>

namespace jitcache::testing {

class NginxServer {
public:
  NginxServer() : m_port(free_port())
  {
    const auto dir = m_dir.path();
    std::filesystem::create_directories(dir / "root" / "cache");
    std::filesystem::create_directories(dir / "root" / "private");
    std::filesystem::create_directories(dir / "temp");
    const std::string dav = "dav_methods PUT DELETE; create_full_put_path on; dav_access user:rw;";
    std::ofstream(dir / "nginx.conf") << fmt::format(
      R"(daemon off;
master_process off;
pid {dir}/nginx.pid;
error_log {dir}/error.log;
events {{ worker_connections 256; }}
http {{
  access_log off;
  client_body_temp_path {dir}/temp/body;
  proxy_temp_path {dir}/temp/proxy;
  fastcgi_temp_path {dir}/temp/fastcgi;
  uwsgi_temp_path {dir}/temp/uwsgi;
  scgi_temp_path {dir}/temp/scgi;
  client_max_body_size 0;
  server {{
    listen 127.0.0.1:{port};
    root {dir}/root;
    location /cache/ {{ {dav} }}
    location /private/ {{
      if ($http_authorization != "Bearer {token}") {{ return 401; }}
      {dav}
    }}
    location /fail500/ {{ return 500; }}
  }}
}}
)",
      fmt::arg("dir", dir.string()), fmt::arg("port", m_port), fmt::arg("dav", dav),
      fmt::arg("token", token()));
    m_process = std::make_unique<ServerProcess>(
      std::vector<std::string>{find_program("nginx").string(), "-p", dir.string(), "-e",
                               (dir / "error.log").string(), "-c", (dir / "nginx.conf").string()},
      m_port);
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
  // http://127.0.0.1:PORT/<location>
  std::string
  url(std::string_view location = "cache") const
  {
    return fmt::format("http://127.0.0.1:{}/{}", m_port, location);
  }
  static std::string
  token()
  {
    return "s3cret-token";
  }
  // Where the server keeps what is PUT under `location`.
  std::filesystem::path
  root(std::string_view location = "cache") const
  {
    return m_dir.path() / "root" / location;
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

private:
  TempDir m_dir;
  uint16_t m_port;
  std::unique_ptr<ServerProcess> m_process;
};

} // namespace jitcache::testing

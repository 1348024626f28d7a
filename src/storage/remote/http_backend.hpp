// HttpBackend: a remote tier on a plain HTTP cache (nginx with WebDAV, bazel-remote, any
// server that answers GET, PUT, HEAD and DELETE on a path), through libcurl (curl_library.hpp),
// loaded on the first request: a start that the local cache serves does not pay for it.
//
// A value lives at <url>/<key in hex> (layout flat) or <url>/ac/<key in hex> (layout bazel).
// 200 is a value and 404 an absent one; a body cut short, a connection that fails and any
// other status are failures: 401 and 403 are refusals (the credentials), the rest errors. A
// put asks with HEAD first and skips a value already there (values are content-addressed). A
// get of several keys runs its requests at once, over up to k_connections connections, which
// stay open for the next call.
//
// Thread safety: every method may be called from several threads at once.
#pragma once

#include "core/remote_spec.hpp"
#include "storage/remote/backend.hpp"
#include "storage/remote/curl_library.hpp"

#include <memory>
#include <mutex>

namespace jitcache::storage::remote {

class HttpBackend final : public Backend {
public:
  // Reads the bearer token's file; an error names what is wrong with it.
  static Expected<std::unique_ptr<HttpBackend>> open(core::RemoteSpec spec);
  ~HttpBackend() override;
  HttpBackend(const HttpBackend&) = delete;
  HttpBackend& operator=(const HttpBackend&) = delete;

  BackendResult<std::vector<std::optional<Bytes>>> get(std::span<const Key> keys) override;
  BackendResult<bool> put(const Key& key, std::span<const uint8_t> value,
                          PutMode mode = PutMode::if_absent) override;
  BackendResult<bool> remove(const Key& key) override;
  BackendResult<bool> contains(const Key& key) override;

  // Where a key's value lives.
  std::string url_of(const Key& key) const;

  // Requests of one get that run at once.
  static constexpr long k_connections = 8;

private:
  struct Transfer;
  struct Session;
  HttpBackend(core::RemoteSpec spec, std::string bearer_token);

  // Loads libcurl and builds the headers, once; a failure (no libcurl) is every request's.
  BackendResult<void> load_curl();
  // Runs the transfers at once on a pooled session; each records its own outcome. Fails only
  // when libcurl cannot be loaded.
  BackendResult<void> perform(std::span<Transfer> transfers);
  // The failure a transfer that did not end in one of `expected` statuses is.
  BackendFailure failure_of(const Transfer& transfer, std::string_view doing) const;
  std::unique_ptr<Session> acquire();
  void release(std::unique_ptr<Session> session);

  core::RemoteSpec m_spec;
  std::string m_bearer_token;
  std::string m_base; // scheme://host[:port]/path[/ac]
  std::once_flag m_load_once;
  const CurlLibrary* m_curl = nullptr; // set by load_curl()
  std::string m_load_error;            // why libcurl could not be loaded
  struct curl_slist* m_headers = nullptr;
  std::mutex m_mutex;
  std::vector<std::unique_ptr<Session>> m_idle; // sessions no call is using
};

} // namespace jitcache::storage::remote

#include "storage/remote/http_backend.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cstring>

namespace jitcache::storage::remote {

struct HttpBackend::Transfer {
  enum class Method { get, head, put, remove };
  Method method = Method::get;
  std::string url;
  std::span<const uint8_t> body; // put
  size_t sent = 0;
  std::vector<uint8_t> received;
  const CurlLibrary* curl = nullptr;
  CURL* easy = nullptr;
  bool done = false;
  CURLcode result = CURLE_OK;
  long status = 0;
  std::array<char, CURL_ERROR_SIZE> error{};

  // libcurl's callbacks: the body as it arrives, and a put's body as it leaves.
  static size_t
  receive(char* data, size_t size, size_t count, void* self)
  {
    auto& transfer = *static_cast<Transfer*>(self);
    if (transfer.received.empty()) {
      curl_off_t length = -1;
      transfer.curl->easy_getinfo(transfer.easy, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length);
      if (length > 0 && length < (curl_off_t{1} << 32)) {
        transfer.received.reserve(static_cast<size_t>(length));
      }
    }
    transfer.received.insert(transfer.received.end(), data, data + size * count);
    return size * count;
  }
  static size_t
  send(char* buffer, size_t size, size_t count, void* self)
  {
    auto& transfer = *static_cast<Transfer*>(self);
    const size_t n = std::min(size * count, transfer.body.size() - transfer.sent);
    std::memcpy(buffer, transfer.body.data() + transfer.sent, n);
    transfer.sent += n;
    return n;
  }
};

// A multi handle, which keeps its connections open between calls, and easy handles to reuse.
struct HttpBackend::Session {
  explicit Session(const CurlLibrary& library) : curl(library), multi(library.multi_init())
  {
    curl.multi_setopt(multi, CURLMOPT_MAX_HOST_CONNECTIONS, k_connections);
  }
  ~Session()
  {
    for (CURL* easy : handles) {
      curl.easy_cleanup(easy);
    }
    curl.multi_cleanup(multi);
  }
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  const CurlLibrary& curl;
  CURLM* multi;
  std::vector<CURL*> handles;
};

namespace {

std::string
base_of(const core::RemoteSpec& spec)
{
  return fmt::format("{}://{}{}{}{}", spec.scheme == core::RemoteScheme::https ? "https" : "http",
                     spec.host.find(':') != std::string::npos ? "[" + spec.host + "]" : spec.host,
                     spec.port == 0 ? "" : fmt::format(":{}", spec.port), spec.path,
                     spec.layout == core::RemoteSpec::Layout::bazel ? "/ac" : "");
}

} // namespace

Expected<std::unique_ptr<HttpBackend>>
HttpBackend::open(core::RemoteSpec spec)
{
  std::string token;
  if (!spec.bearer_token_file.empty()) {
    auto text = util::read_file(spec.bearer_token_file);
    if (!text) {
      return make_error(ErrorCode::config,
                        fmt::format("{}: bearer-token-file {}: {}", spec.display(),
                                    spec.bearer_token_file, text.error().message));
    }
    token.assign(text->begin(), text->end());
    while (!token.empty() && std::isspace(static_cast<unsigned char>(token.back())) != 0) {
      token.pop_back();
    }
    if (token.empty() || token.find_first_of("\r\n") != std::string::npos) {
      return make_error(ErrorCode::config,
                        fmt::format("{}: bearer-token-file {} must hold one line, the token",
                                    spec.display(), spec.bearer_token_file));
    }
  }
  return std::unique_ptr<HttpBackend>(new HttpBackend(std::move(spec), std::move(token)));
}

HttpBackend::HttpBackend(core::RemoteSpec spec, std::string bearer_token)
  : m_spec(std::move(spec)), m_bearer_token(std::move(bearer_token)), m_base(base_of(m_spec))
{
}

HttpBackend::~HttpBackend()
{
  m_idle.clear();
  if (m_curl) {
    m_curl->slist_free_all(m_headers);
  }
}

BackendResult<void>
HttpBackend::load_curl()
{
  std::call_once(m_load_once, [this] {
    auto curl = CurlLibrary::load();
    if (!curl) {
      m_load_error = fmt::format("{}: {}", m_spec.display(), curl.error().message);
      return;
    }
    m_curl = *curl;
    // No "Expect: 100-continue" before a put's body: it costs a round trip, or a second's
    // wait on servers that do not answer it.
    m_headers = m_curl->slist_append(m_headers, "Expect:");
    if (!m_bearer_token.empty()) {
      m_headers = m_curl->slist_append(
        m_headers, fmt::format("Authorization: Bearer {}", m_bearer_token).c_str());
    }
    for (const auto& header : m_spec.headers) {
      m_headers = m_curl->slist_append(m_headers, header.c_str());
    }
  });
  if (!m_curl) {
    return std::unexpected(BackendFailure{BackendFailure::Kind::error, m_load_error});
  }
  return {};
}

std::string
HttpBackend::url_of(const Key& key) const
{
  return fmt::format("{}/{}", m_base, key.to_hex());
}

std::unique_ptr<HttpBackend::Session>
HttpBackend::acquire()
{
  {
    std::lock_guard lock(m_mutex);
    if (!m_idle.empty()) {
      auto session = std::move(m_idle.back());
      m_idle.pop_back();
      return session;
    }
  }
  return std::make_unique<Session>(*m_curl);
}

void
HttpBackend::release(std::unique_ptr<Session> session)
{
  std::lock_guard lock(m_mutex);
  m_idle.push_back(std::move(session));
}

BackendResult<void>
HttpBackend::perform(std::span<Transfer> transfers)
{
  if (auto loaded = load_curl(); !loaded) {
    return loaded;
  }
  auto session = acquire();
  while (session->handles.size() < transfers.size()) {
    session->handles.push_back(m_curl->easy_init());
  }
  const long timeout_ms = static_cast<long>((m_spec.connect_timeout + m_spec.timeout).count());
  for (size_t i = 0; i < transfers.size(); ++i) {
    Transfer& transfer = transfers[i];
    CURL* easy = session->handles[i];
    m_curl->easy_reset(easy);
    transfer.curl = m_curl;
    transfer.easy = easy;
    m_curl->easy_setopt(easy, CURLOPT_URL, transfer.url.c_str());
    m_curl->easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    m_curl->easy_setopt(easy, CURLOPT_CONNECTTIMEOUT_MS,
                        static_cast<long>(m_spec.connect_timeout.count()));
    m_curl->easy_setopt(easy, CURLOPT_TIMEOUT_MS, timeout_ms);
    m_curl->easy_setopt(easy, CURLOPT_HTTPHEADER, m_headers);
    m_curl->easy_setopt(easy, CURLOPT_ERRORBUFFER, transfer.error.data());
    m_curl->easy_setopt(easy, CURLOPT_PRIVATE, &transfer);
    m_curl->easy_setopt(easy, CURLOPT_WRITEFUNCTION, &Transfer::receive);
    m_curl->easy_setopt(easy, CURLOPT_WRITEDATA, &transfer);
    if (!m_spec.user.empty() || !m_spec.password.empty()) {
      m_curl->easy_setopt(easy, CURLOPT_USERNAME, m_spec.user.c_str());
      m_curl->easy_setopt(easy, CURLOPT_PASSWORD, m_spec.password.c_str());
    }
    switch (transfer.method) {
    case Transfer::Method::get: break;
    case Transfer::Method::head: m_curl->easy_setopt(easy, CURLOPT_NOBODY, 1L); break;
    case Transfer::Method::put:
      m_curl->easy_setopt(easy, CURLOPT_UPLOAD, 1L);
      m_curl->easy_setopt(easy, CURLOPT_READFUNCTION, &Transfer::send);
      m_curl->easy_setopt(easy, CURLOPT_READDATA, &transfer);
      m_curl->easy_setopt(easy, CURLOPT_INFILESIZE_LARGE,
                          static_cast<curl_off_t>(transfer.body.size()));
      break;
    case Transfer::Method::remove:
      m_curl->easy_setopt(easy, CURLOPT_CUSTOMREQUEST, "DELETE");
      break;
    }
    m_curl->multi_add_handle(session->multi, easy);
  }
  // Every transfer has a deadline (CURLOPT_TIMEOUT_MS), so this loop ends.
  int running = 1;
  while (running > 0) {
    if (m_curl->multi_perform(session->multi, &running) != CURLM_OK) {
      break;
    }
    if (running > 0) {
      m_curl->multi_poll(session->multi, nullptr, 0, 100, nullptr);
    }
  }
  int left = 0;
  while (CURLMsg* message = m_curl->multi_info_read(session->multi, &left)) {
    if (message->msg != CURLMSG_DONE) {
      continue;
    }
    Transfer* transfer = nullptr;
    m_curl->easy_getinfo(message->easy_handle, CURLINFO_PRIVATE, &transfer);
    transfer->done = true;
    transfer->result = message->data.result;
    m_curl->easy_getinfo(message->easy_handle, CURLINFO_RESPONSE_CODE, &transfer->status);
  }
  for (size_t i = 0; i < transfers.size(); ++i) {
    m_curl->multi_remove_handle(session->multi, session->handles[i]);
  }
  release(std::move(session));
  return {};
}

BackendFailure
HttpBackend::failure_of(const Transfer& transfer, std::string_view doing) const
{
  const std::string where = fmt::format("{} {}", doing, transfer.url);
  if (!transfer.done) {
    return {BackendFailure::Kind::error, fmt::format("{}: the transfer did not finish", where)};
  }
  if (transfer.result != CURLE_OK) {
    const bool timed_out = transfer.result == CURLE_OPERATION_TIMEDOUT;
    const std::string detail =
      transfer.error[0] != '\0' ? transfer.error.data() : m_curl->easy_strerror(transfer.result);
    return {timed_out ? BackendFailure::Kind::timeout : BackendFailure::Kind::error,
            fmt::format("{}: {}", where, timed_out ? "timed out" : detail)};
  }
  const bool refused = transfer.status == 401 || transfer.status == 403;
  return {refused ? BackendFailure::Kind::refused : BackendFailure::Kind::error,
          fmt::format("{}: the server answered HTTP {}", where, transfer.status)};
}

BackendResult<std::vector<std::optional<Bytes>>>
HttpBackend::get(std::span<const Key> keys)
{
  std::vector<Transfer> transfers(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    transfers[i].url = url_of(keys[i]);
  }
  if (auto performed = perform(transfers); !performed) {
    return std::unexpected(performed.error());
  }
  std::vector<std::optional<Bytes>> values;
  values.reserve(keys.size());
  for (auto& transfer : transfers) {
    if (transfer.done && transfer.result == CURLE_OK && transfer.status == 200) {
      values.emplace_back(Bytes::adopt(std::move(transfer.received)));
    } else if (transfer.done && transfer.result == CURLE_OK && transfer.status == 404) {
      values.emplace_back(std::nullopt);
    } else {
      return std::unexpected(failure_of(transfer, "reading"));
    }
  }
  return values;
}

BackendResult<bool>
HttpBackend::contains(const Key& key)
{
  Transfer head;
  head.method = Transfer::Method::head;
  head.url = url_of(key);
  if (auto performed = perform(std::span(&head, 1)); !performed) {
    return std::unexpected(performed.error());
  }
  if (head.done && head.result == CURLE_OK && (head.status == 200 || head.status == 404)) {
    return head.status == 200;
  }
  return std::unexpected(failure_of(head, "looking up"));
}

BackendResult<bool>
HttpBackend::put(const Key& key, std::span<const uint8_t> value, PutMode mode)
{
  if (mode == PutMode::if_absent) {
    auto present = contains(key);
    if (!present) {
      return std::unexpected(present.error());
    }
    if (*present) {
      return false;
    }
  }
  Transfer put;
  put.method = Transfer::Method::put;
  put.url = url_of(key);
  put.body = value;
  if (auto performed = perform(std::span(&put, 1)); !performed) {
    return std::unexpected(performed.error());
  }
  if (put.done && put.result == CURLE_OK && put.status >= 200 && put.status < 300) {
    return true;
  }
  return std::unexpected(failure_of(put, "writing"));
}

BackendResult<bool>
HttpBackend::remove(const Key& key)
{
  Transfer removal;
  removal.method = Transfer::Method::remove;
  removal.url = url_of(key);
  if (auto performed = perform(std::span(&removal, 1)); !performed) {
    return std::unexpected(performed.error());
  }
  if (removal.done && removal.result == CURLE_OK &&
      (removal.status == 404 || (removal.status >= 200 && removal.status < 300))) {
    return removal.status != 404;
  }
  return std::unexpected(failure_of(removal, "removing"));
}

} // namespace jitcache::storage::remote

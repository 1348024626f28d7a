// The HTTP backend against a real nginx serving WebDAV: values at <url>/<key> or
// <url>/ac/<key>, many keys fetched at once, a bearer token, and failures told apart: a
// server error, a refusal, a body cut short, a dead server, a frozen one.
#include "storage/remote/http_backend.hpp"

#include "support/nginx_server.hpp"
#include "support/remote_values.hpp"
#include "support/require_program.hpp"
#include "support/truncating_http_server.hpp"

#include <jitcache/key_builder.hpp>

#include <gtest/gtest.h>

#include <fstream>

namespace jitcache::storage::remote {
namespace {

using testing::bytes_of;
using testing::numbered_key;

using testing::NginxServer;

std::unique_ptr<HttpBackend>
backend_for(const std::string& text)
{
  auto specs = core::parse_remote_specs(text);
  EXPECT_TRUE(specs && specs->size() == 1) << text;
  auto backend = HttpBackend::open(specs->front());
  EXPECT_TRUE(backend) << backend.error().message;
  return backend ? std::move(*backend) : nullptr;
}

TEST(HttpBackend, StoresGetsAndRemovesValuesInBothLayouts)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer server;
  ASSERT_TRUE(server.up());
  for (const std::string layout : {"flat", "bazel"}) {
    auto backend = backend_for(server.url() + "|layout=" + layout);
    ASSERT_TRUE(backend);
    const Key a = numbered_key(1);
    const Key b = numbered_key(2);
    ASSERT_EQ(backend->put(a, bytes_of("value of a")), true) << layout;
    EXPECT_EQ(backend->put(a, bytes_of("something else")), false); // there already
    const auto file =
      layout == "flat" ? server.root() / a.to_hex() : server.root() / "ac" / a.to_hex();
    EXPECT_TRUE(std::filesystem::exists(file)) << file;
    EXPECT_EQ(backend->url_of(a), server.url() + (layout == "flat" ? "/" : "/ac/") + a.to_hex());
    const std::vector<Key> keys = {a, b, a};
    auto values = backend->get(keys);
    ASSERT_TRUE(values) << values.error().message;
    EXPECT_EQ((*values)[0]->view(), "value of a");
    EXPECT_FALSE((*values)[1]); // 404 is an answer, not a failure
    EXPECT_EQ((*values)[2]->view(), "value of a");
    EXPECT_EQ(backend->contains(a), true);
    EXPECT_EQ(backend->contains(b), false);
    EXPECT_EQ(backend->remove(a), true);
    EXPECT_EQ(backend->remove(a), false);
    EXPECT_EQ(backend->contains(a), false);
  }
}

TEST(HttpBackend, ManyKeysAndLargeValuesComeBackWhole)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer server;
  ASSERT_TRUE(server.up());
  auto backend = backend_for(server.url());
  ASSERT_TRUE(backend);
  std::vector<Key> keys;
  std::vector<std::string> values;
  for (size_t n = 0; n < 40; ++n) {
    keys.push_back(numbered_key(n));
    std::string value((n % 4 == 0 ? 300000 : 100) + n, '\0');
    for (size_t i = 0; i < value.size(); ++i) {
      value[i] = static_cast<char>(i * 31 + n);
    }
    values.push_back(value);
    ASSERT_EQ(backend->put(keys.back(), bytes_of(value)), true);
  }
  auto got = backend->get(keys);
  ASSERT_TRUE(got) << got.error().message;
  for (size_t n = 0; n < keys.size(); ++n) {
    ASSERT_TRUE((*got)[n]) << n;
    EXPECT_EQ((*got)[n]->view(), values[n]) << n;
  }
}

TEST(HttpBackend, SendsTheBearerTokenAndHeaders)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer server;
  ASSERT_TRUE(server.up());
  const Key key = numbered_key(7);
  auto without = backend_for(server.url("private"));
  auto refused = without->put(key, bytes_of("v"));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().kind, BackendFailure::Kind::refused);
  EXPECT_NE(refused.error().message.find("HTTP 401"), std::string::npos) << refused.error().message;

  const auto token_file = server.dir().path() / "token";
  std::ofstream(token_file) << NginxServer::token() << "\n";
  auto with_file = backend_for(server.url("private") + "|bearer-token-file=" + token_file.string());
  EXPECT_EQ(with_file->put(key, bytes_of("v")), true);
  auto with_header = backend_for(server.url("private") + "|header=Authorization:%20Bearer%20" +
                                 NginxServer::token());
  EXPECT_EQ(with_header->contains(key), true);

  auto specs = core::parse_remote_specs(server.url() + "|bearer-token-file=/nonexistent/token");
  auto missing = HttpBackend::open(specs->front());
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("bearer-token-file /nonexistent/token"), std::string::npos)
    << missing.error().message;
}

TEST(HttpBackend, ServerErrorsTruncatedBodiesDeadAndFrozenServersAreFailures)
{
  JITCACHE_REQUIRE_PROGRAM("nginx");
  NginxServer server;
  ASSERT_TRUE(server.up());
  const Key key = numbered_key(3);
  const std::vector<Key> keys = {key};

  auto failing = backend_for(server.url("fail500"));
  auto answered_500 = failing->get(keys);
  ASSERT_FALSE(answered_500);
  EXPECT_EQ(answered_500.error().kind, BackendFailure::Kind::error);
  EXPECT_NE(answered_500.error().message.find("HTTP 500"), std::string::npos);

  testing::TruncatingHttpServer truncating;
  auto cut = backend_for(truncating.url())->get(keys);
  ASSERT_FALSE(cut);
  EXPECT_EQ(cut.error().kind, BackendFailure::Kind::error);

  auto frozen = backend_for(server.url() + "|timeout=200ms");
  server.process().signal(SIGSTOP);
  const auto begin = std::chrono::steady_clock::now();
  auto hung = frozen->get(keys);
  const auto took = std::chrono::steady_clock::now() - begin;
  server.process().signal(SIGCONT);
  ASSERT_FALSE(hung);
  EXPECT_EQ(hung.error().kind, BackendFailure::Kind::timeout) << hung.error().message;
  EXPECT_LT(took, std::chrono::seconds(2));

  const std::string url = server.url();
  server.process().stop();
  auto dead = backend_for(url)->get(keys);
  ASSERT_FALSE(dead);
  EXPECT_EQ(dead.error().kind, BackendFailure::Kind::error);
}

} // namespace
} // namespace jitcache::storage::remote

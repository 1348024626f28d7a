// Bundles through the real binary, the real compiler and real cache directories: made from
// runs of every example, they warm fresh processes with empty caches, with or without a
// compiler; damaged or untrusted bundles are refused before anything is installed.
#include "support/build_id.hpp"
#include "support/cli_runner.hpp"
#include "support/run_report.hpp"
#include "support/temp_dir.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <memory>
#include <set>

namespace jitcache::testing {
namespace {

const std::filesystem::path k_examples = std::filesystem::path(JITCACHE_SOURCE_DIR) / "examples";

std::vector<std::string>
example_programs()
{
  std::vector<std::string> programs;
  for (const auto& entry : std::filesystem::directory_iterator(k_examples)) {
    if (entry.path().extension() == ".jc") {
      programs.push_back(entry.path().string());
    }
  }
  std::sort(programs.begin(), programs.end());
  return programs;
}

util::ProcessOptions
with_environment(std::map<std::string, std::optional<std::string>> environment)
{
  util::ProcessOptions options;
  options.environment = std::move(environment);
  return options;
}

// One bundle of every example, made once for the suite from a cold cache.
class Bundle : public ::testing::Test {
protected:
  static void
  SetUpTestSuite()
  {
    s_dir = std::make_unique<TempDir>();
    // ctest runs each test in a process of its own, and each makes the suite's bundle: from
    // one cache of the build tree, the examples' kernels are compiled once rather than once
    // per test (a bundle made from a warm cache holds what one from a cold cache holds:
    // BundleMaking below).
    std::vector<std::string> args = {"bundle",      "create",      "-o",
                                     bundle_path(), "--cache-dir", JITCACHE_TEST_SHARED_CACHE};
    for (const auto& program : example_programs()) {
      args.push_back("--from-run");
      args.push_back(program);
    }
    auto made = run_cli(args);
    ASSERT_EQ(made.exit_code, 0) << made.err;
    ASSERT_NE(made.out.find("precompile"), std::string::npos) << made.out;
  }
  static void
  TearDownTestSuite()
  {
    s_dir.reset();
  }
  static std::string
  bundle_path()
  {
    return (s_dir->path() / "examples.jcb").string();
  }
  static std::vector<uint8_t>
  bundle_bytes()
  {
    return util::read_file(bundle_path()).value();
  }

  static std::unique_ptr<TempDir> s_dir;
};

std::unique_ptr<TempDir> Bundle::s_dir;

void
expect_warm_from_bundle(const nlohmann::json& report, const std::string& program)
{
  const auto& totals = report["totals"];
  EXPECT_EQ(totals["traces"], 0) << program;
  EXPECT_EQ(totals["compiles"], 0) << program;
  EXPECT_EQ(totals["misses"], 0) << program;
  EXPECT_EQ(totals["compile_ms"].get<double>(), 0.0) << program; // no planning or codegen
  EXPECT_GT(totals["bundle_hits"], 0) << program;
  for (const auto& function : report["functions"]) {
    EXPECT_EQ(function["check"], "pass") << program;
  }
}

TEST_F(Bundle, EveryExampleRunsFromItInAnEmptyCacheWithNothingTracedOrCompiled)
{
  for (const auto& program : example_programs()) {
    TempDir cache;
    expect_warm_from_bundle(run_json({program, "--cache-dir", cache.path().string(), "--bundle",
                                      bundle_path(), "--check"}),
                            program);
  }
}

TEST_F(Bundle, EveryExampleRunsFromItWithNoCompilerAtAll)
{
  const auto options = with_environment({{"JITCACHE_CXX", "/nonexistent/bin/c++"}});
  for (const auto& program : example_programs()) {
    TempDir cache;
    expect_warm_from_bundle(run_json({program, "--cache-dir", cache.path().string(), "--bundle",
                                      bundle_path(), "--check"},
                                     0, options),
                            program);
  }
}

TEST_F(Bundle, CallsNoPrecompiledVariantAdmitsTraceAndCompileAsUsual)
{
  TempDir cache;
  auto report = run_json({(k_examples / "mlp.jc").string(), "--cache-dir", cache.path().string(),
                          "--bundle", bundle_path(), "--function", "mlp", "--input",
                          "x=f32[3, 784]", "--input", "w1=f32[784, 256]", "--input", "b1=f32[256]",
                          "--input", "w2=f32[256, 10]", "--check"});
  EXPECT_EQ(report["totals"]["traces"], 1);
  EXPECT_EQ(report["functions"][0]["check"], "pass");
}

TEST_F(Bundle, TheBundleSettingLoadsItAndABadOneOnlyCostsAWarning)
{
  const auto program = (k_examples / "softmax.jc").string();
  TempDir cache;
  expect_warm_from_bundle(run_json({program, "--cache-dir", cache.path().string(), "--check"}, 0,
                                   with_environment({{"JITCACHE_BUNDLE", bundle_path()}})),
                          program);

  TempDir other;
  const auto broken = (other.path() / "broken.jcb").string();
  auto bytes = bundle_bytes();
  bytes.resize(bytes.size() / 2);
  ASSERT_TRUE(util::write_file_atomic(broken, bytes));
  auto result = run_cli({"run", program, "--cache-dir", (other.path() / "cache").string()},
                        with_environment({{"JITCACHE_BUNDLE", broken}}));
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_NE(result.err.find("going on without it"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find(broken), std::string::npos) << result.err;
}

TEST_F(Bundle, ADamagedBundleIsRefusedBeforeAnythingIsInstalled)
{
  const auto original = bundle_bytes();
  TempDir dir;
  const auto file = (dir.path() / "damaged.jcb").string();
  const auto cache = (dir.path() / "cache").string();
  // The header, the manifest, a record, the checksum, the signature size; then truncations.
  std::vector<std::vector<uint8_t>> damaged;
  for (size_t at :
       {size_t{3}, size_t{40}, original.size() / 2, original.size() - 20, original.size() - 1}) {
    auto bytes = original;
    bytes[at] ^= 0x20;
    damaged.push_back(std::move(bytes));
  }
  for (size_t size : {size_t{10}, original.size() / 3, original.size() - 1}) {
    damaged.emplace_back(original.begin(), original.begin() + static_cast<ptrdiff_t>(size));
  }
  for (const auto& bytes : damaged) {
    ASSERT_TRUE(util::write_file_atomic(file, bytes));
    for (const auto& command :
         {std::vector<std::string>{"run", (k_examples / "mlp.jc").string(), "--bundle", file},
          std::vector<std::string>{"bundle", "import", file},
          std::vector<std::string>{"bundle", "verify", file}}) {
      auto args = command;
      args.insert(args.end(), {"--cache-dir", cache});
      auto result = run_cli(args);
      EXPECT_EQ(result.exit_code, 1) << command[0] << " " << command[1] << result.out;
      EXPECT_NE(result.err.find(file), std::string::npos) << result.err;
      EXPECT_NE(result.err.find("offset"), std::string::npos) << result.err;
      EXPECT_EQ(result.out.find("function"), std::string::npos) << "it ran: " << result.out;
    }
    EXPECT_TRUE(keys_in(cache).empty());
  }
}

TEST_F(Bundle, ImportingIntoAPopulatedCacheIsIdempotentAndWarmsIt)
{
  TempDir cache;
  const auto dir = cache.path().string();
  run_json({(k_examples / "gelu_mlp.jc").string(), "--cache-dir", dir});
  const auto before = keys_in(cache.path());
  ASSERT_FALSE(before.empty());
  auto first = run_cli({"bundle", "import", bundle_path(), "--cache-dir", dir});
  ASSERT_EQ(first.exit_code, 0) << first.err;
  const auto once = keys_in(cache.path());
  EXPECT_GT(once.size(), before.size());
  EXPECT_TRUE(std::includes(once.begin(), once.end(), before.begin(), before.end()));
  auto second = run_cli({"bundle", "import", bundle_path(), "--cache-dir", dir});
  ASSERT_EQ(second.exit_code, 0) << second.err;
  EXPECT_EQ(keys_in(cache.path()), once);
  auto verified = run_cli({"verify", "--cache-dir", dir});
  EXPECT_EQ(verified.exit_code, 0) << verified.out << verified.err;
  for (const auto& program : example_programs()) {
    auto warm = run_json({program, "--cache-dir", dir, "--check"});
    EXPECT_EQ(warm["totals"]["compiles"], 0) << program;
    EXPECT_EQ(warm["totals"]["misses"], 0) << program;
  }
}

TEST_F(Bundle, LsAndVerifyDescribeIt)
{
  auto listed = run_cli({"bundle", "ls", bundle_path(), "--json"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto json = nlohmann::json::parse(listed.out);
  EXPECT_EQ(json["version"], 1);
  EXPECT_TRUE(json["signer"].is_null());
  std::set<std::string> kinds;
  for (const auto& item : json["artifacts"]) {
    kinds.insert(item["kind"].get<std::string>());
    EXPECT_EQ(item["key"].get<std::string>().size(), 64U);
    EXPECT_GT(item["bytes"], 0);
  }
  EXPECT_EQ(kinds, (std::set<std::string>{"graph", "kernel", "pgo", "precompile"}));
  TempDir cache;
  auto verified =
    run_cli({"bundle", "verify", bundle_path(), "--cache-dir", cache.path().string()});
  EXPECT_EQ(verified.exit_code, 0) << verified.err;
  EXPECT_NE(verified.out.find(": ok, "), std::string::npos) << verified.out;
  EXPECT_NE(verified.out.find("unsigned"), std::string::npos) << verified.out;
}

// The (kind, key) of each artifact `bundle ls --json` lists.
std::set<std::pair<std::string, std::string>>
artifacts_of(const std::string& bundle)
{
  auto listed = run_cli({"bundle", "ls", bundle, "--json"});
  EXPECT_EQ(listed.exit_code, 0) << listed.err;
  const auto json = nlohmann::json::parse(listed.out);
  std::set<std::pair<std::string, std::string>> artifacts;
  for (const auto& item : json["artifacts"]) {
    artifacts.emplace(item["kind"].get<std::string>(), item["key"].get<std::string>());
  }
  return artifacts;
}

TEST(BundleMaking, ABundleMadeFromAWarmCacheHoldsWhatOneMadeFromAColdCacheHolds)
{
  // A warm run only reads graph entries; their kernels go into the bundle all the same.
  TempDir dir;
  const auto program = (k_examples / "transformer_block.jc").string();
  const auto cache = (dir.path() / "cache").string();
  std::vector<std::set<std::pair<std::string, std::string>>> made;
  for (const std::string name : {"cold.jcb", "warm.jcb"}) {
    const auto file = (dir.path() / name).string();
    auto result =
      run_cli({"bundle", "create", "-o", file, "--cache-dir", cache, "--from-run", program});
    ASSERT_EQ(result.exit_code, 0) << result.err;
    made.push_back(artifacts_of(file));
  }
  EXPECT_TRUE(std::any_of(made[0].begin(), made[0].end(),
                          [](const auto& artifact) { return artifact.first == "kernel"; }));
  EXPECT_EQ(made[1], made[0]);
}

// Writes a key pair in `dir` and returns (secret key file, public key).
std::pair<std::string, std::string>
make_key(const std::filesystem::path& dir, const std::string& name)
{
  const auto secret = (dir / name).string();
  auto made = run_cli({"keygen", "-o", secret});
  EXPECT_EQ(made.exit_code, 0) << made.err;
  auto text = util::read_text_file(secret + ".pub");
  return {secret, trimmed(text.value_or(""))};
}

TEST(BundleTrust, OnlyABundleSignedByATrustedKeyIsTakenWhenSignaturesAreRequired)
{
  TempDir dir;
  const auto [writer, writer_public] = make_key(dir.path(), "writer");
  const auto [stranger, stranger_public] = make_key(dir.path(), "stranger");
  const auto program = (k_examples / "mlp.jc").string();
  const auto file = (dir.path() / "signed.jcb").string();
  auto made = run_cli({"bundle", "create", "-o", file, "--from-run", program, "--cache-dir",
                       (dir.path() / "writer-cache").string()},
                      with_environment({{"JITCACHE_SIGNING_KEY", writer}}));
  ASSERT_EQ(made.exit_code, 0) << made.err;
  EXPECT_NE(made.out.find("signed"), std::string::npos) << made.out;

  const auto requiring = [&](const std::string& trusted) {
    return with_environment(
      {{"JITCACHE_REQUIRE_SIGNATURE", "remote"}, {"JITCACHE_TRUSTED_KEYS", trusted}});
  };
  TempDir refused_cache;
  auto refused =
    run_cli({"run", program, "--bundle", file, "--cache-dir", refused_cache.path().string()},
            requiring(stranger_public));
  EXPECT_EQ(refused.exit_code, 1);
  EXPECT_NE(refused.err.find("not a trusted key"), std::string::npos) << refused.err;
  EXPECT_NE(refused.err.find(writer_public), std::string::npos) << refused.err;
  EXPECT_TRUE(keys_in(refused_cache.path()).empty());
  auto stats = run_cli({"stats", "--json", "--cache-dir", refused_cache.path().string()});
  EXPECT_EQ(nlohmann::json::parse(stats.out)["counters"]["rejected.bundle"], 1) << stats.out;

  TempDir trusted_cache;
  expect_warm_from_bundle(
    run_json({program, "--bundle", file, "--cache-dir", trusted_cache.path().string(), "--check"},
             0, requiring(writer_public)),
    program);

  // Imported, its entries carry their own signatures: a cache that requires them of every
  // entry (all) takes them without a rejection.
  auto imported = run_cli({"bundle", "import", file, "--cache-dir", trusted_cache.path().string()},
                          requiring(writer_public));
  ASSERT_EQ(imported.exit_code, 0) << imported.err;
  auto all = with_environment(
    {{"JITCACHE_REQUIRE_SIGNATURE", "all"}, {"JITCACHE_TRUSTED_KEYS", writer_public}});
  auto warm = run_json({program, "--cache-dir", trusted_cache.path().string(), "--check"}, 0, all);
  EXPECT_EQ(warm["totals"]["compiles"], 0);
  EXPECT_GT(warm["totals"]["local_hits"], 0);
}

TEST(EmbedBundle, ABundleSavedThroughTheApiWarmsAFreshProcessWithoutACompiler)
{
  TempDir dir;
  const auto file = (dir.path() / "embed.jcb").string();
  util::ProcessOptions saving;
  saving.environment["JITCACHE_DIR"] = (dir.path() / "first").string();
  saving.environment["EMBED_MLP_SAVE_BUNDLE"] = file;
  saving.timeout = std::chrono::seconds(120);
  auto first = util::run_process({JITCACHE_EMBED_EXAMPLE_PATH}, saving);
  ASSERT_TRUE(first);
  ASSERT_EQ(first->exit_code, 0) << first->stdout_text << first->stderr_text;
  EXPECT_NE(first->stdout_text.find("1 precompile"), std::string::npos) << first->stdout_text;

  util::ProcessOptions loading;
  loading.environment["JITCACHE_DIR"] = (dir.path() / "fresh").string();
  loading.environment["JITCACHE_BUNDLE"] = file;
  loading.environment["JITCACHE_CXX"] = "/nonexistent/bin/c++";
  loading.timeout = std::chrono::seconds(120);
  auto second = util::run_process({JITCACHE_EMBED_EXAMPLE_PATH}, loading);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->exit_code, 0) << second->stdout_text << second->stderr_text;
  EXPECT_NE(second->stdout_text.find("traces 0, compiles 0, local hits 0, bundle hits 1,"),
            std::string::npos)
    << second->stdout_text << second->stderr_text;

  // Another build of the program, whose function of the same name might compute something
  // else, is not served the precompiled function: it traces it, and finds the graph's code in
  // the bundle, compiling nothing.
  const auto other_build = dir.path() / "embed_mlp_other_build";
  ASSERT_TRUE(copy_as_another_build(JITCACHE_EMBED_EXAMPLE_PATH, other_build));
  loading.environment["JITCACHE_DIR"] = (dir.path() / "other").string();
  loading.environment.erase("JITCACHE_CXX");
  auto third = util::run_process({other_build.string()}, loading);
  ASSERT_TRUE(third);
  EXPECT_EQ(third->exit_code, 0) << third->stdout_text << third->stderr_text;
  EXPECT_NE(third->stdout_text.find("traces 1, compiles 0,"), std::string::npos)
    << third->stdout_text << third->stderr_text;
}

} // namespace
} // namespace jitcache::testing

// `jitcache run` through the real binary, the real compiler and real cache directories.
#include "support/cli_runner.hpp"
#include "support/run_report.hpp"
#include "support/scripts.hpp"
#include "support/temp_dir.hpp"
#include "util/available_memory.hpp"
#include "util/files.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

namespace jitcache::testing {
namespace {

const std::filesystem::path k_examples = std::filesystem::path(JITCACHE_SOURCE_DIR) / "examples";

TEST(Run, EveryExampleRunsWarmInASecondProcessWithNothingCompiled)
{
  TempDir cache;
  size_t examples = 0;
  for (const auto& entry : std::filesystem::directory_iterator(k_examples)) {
    if (entry.path().extension() != ".jc") {
      continue;
    }
    ++examples;
    const auto file = entry.path().string();
    auto cold = run_json({file, "--cache-dir", cache.path().string(), "--check", "--repeat", "2"});
    auto warm = run_json({file, "--cache-dir", cache.path().string(), "--check", "--repeat", "2"});
    for (const auto& function : cold["functions"]) {
      EXPECT_EQ(function["check"], "pass") << file;
    }
    EXPECT_EQ(warm["totals"]["compiles"], 0) << file;
    EXPECT_EQ(warm["totals"]["misses"], 0) << file;
    // No planning or code generation either: compile_ms counts both, and nothing ran.
    EXPECT_EQ(warm["totals"]["compile_ms"].get<double>(), 0.0) << file;
    EXPECT_GT(warm["totals"]["local_hits"], 0) << file;
    for (const auto& function : warm["functions"]) {
      EXPECT_EQ(function["check"], "pass") << file;
      EXPECT_EQ(function["traces"], 1) << file;
    }
  }
  EXPECT_GE(examples, 7u);
}

// The compiler's identity and the shape profile are looked up at every start: they show by
// kind but stay out of the hit rates. A start looks kernels up only when its graph missed, so
// the rates are per kind: one cold and one warm start hit half of their graph lookups.
TEST(Run, HitRatesArePerKindAndLeaveOutTheCachesBookkeeping)
{
  TempDir cache;
  const auto file = (k_examples / "mlp.jc").string();
  auto cold = run_json({file, "--cache-dir", cache.path().string(), "--repeat", "0"});
  const auto kernels = cold["totals"]["compiles"].get<int>();
  ASSERT_GT(kernels, 0);
  run_json({file, "--cache-dir", cache.path().string(), "--repeat", "0"});
  auto result = run_cli({"stats", "--json", "--cache-dir", cache.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto stats = nlohmann::json::parse(result.out);
  EXPECT_EQ(stats["hits"], 1);             // the warm start's graph
  EXPECT_EQ(stats["misses"], 1 + kernels); // the cold start's graph and kernels
  EXPECT_EQ(stats["hit_rates"]["graph"]["hits"], 1);
  EXPECT_EQ(stats["hit_rates"]["graph"]["misses"], 1);
  EXPECT_DOUBLE_EQ(stats["hit_rates"]["graph"]["hit_rate"].get<double>(), 0.5);
  EXPECT_EQ(stats["hit_rates"]["kernel"]["hits"], 0);
  EXPECT_EQ(stats["hit_rates"]["kernel"]["misses"], kernels);
  EXPECT_FALSE(stats["hit_rates"].contains("toolchain"));
  EXPECT_FALSE(stats["hit_rates"].contains("pgo"));
  EXPECT_EQ(stats["counters"]["hit.local.toolchain"], 1);
  EXPECT_EQ(stats["counters"]["miss.local.toolchain"], 1);
  EXPECT_EQ(stats["counters"]["miss.local.pgo"], 2);
  auto text = run_cli({"stats", "--cache-dir", cache.path().string()});
  EXPECT_NE(text.out.find(fmt::format(
              "Hit rate            graph 50.0% (1 of 2), kernel 0.0% (0 of {})\n", kernels)),
            std::string::npos)
    << text.out;
  TempDir empty;
  auto fresh = run_cli({"stats", "--cache-dir", empty.path().string()});
  EXPECT_NE(fresh.out.find("Hit rate            no lookups yet\n"), std::string::npos) << fresh.out;
}

// A graph hit saves the wait for its compile: its kernels compiled side by side, so the sum
// of their compile times (what the graph entry recorded before) exceeds the cold start.
TEST(Run, TimeSavedIsTheWaitAGraphHitSkips)
{
  TempDir cache;
  const auto file = (k_examples / "attention.jc").string();
  auto cold = run_json({file, "--cache-dir", cache.path().string(), "--repeat", "0"});
  ASSERT_GT(cold["totals"]["compiles"].get<int>(), 1);
  run_cli({"zero-stats", "--cache-dir", cache.path().string()});
  auto warm = run_json({file, "--cache-dir", cache.path().string(), "--repeat", "0"});
  EXPECT_EQ(warm["totals"]["compiles"], 0);
  auto result = run_cli({"stats", "--json", "--cache-dir", cache.path().string()});
  ASSERT_EQ(result.exit_code, 0) << result.err;
  const auto saved = nlohmann::json::parse(result.out)["time_saved_ms"].get<double>();
  EXPECT_GT(saved, 0.5 * cold["totals"]["compile_ms"].get<double>());
  EXPECT_LE(saved, cold["totals"]["wall_ms"].get<double>());
}

TEST(Run, TheJsonFieldsAreTheDocumentedOnes)
{
  TempDir cache;
  auto report = run_json(
    {(k_examples / "mlp.jc").string(), "--cache-dir", cache.path().string(), "--repeat", "3"});
  ASSERT_EQ(report["functions"].size(), 1u);
  const auto& function = report["functions"][0];
  for (const char* field :
       {"name", "calls", "traces", "compiles", "memory_hits", "local_hits", "remote_hits",
        "bundle_hits", "misses", "bypasses", "check", "max_abs_err", "max_rel_err"}) {
    EXPECT_TRUE(function.contains(field)) << field;
  }
  for (const char* field :
       {"calls", "traces", "compiles", "memory_hits", "local_hits", "remote_hits", "bundle_hits",
        "misses", "bypasses", "wall_ms", "compile_ms"}) {
    EXPECT_TRUE(report["totals"].contains(field)) << field;
  }
  EXPECT_EQ(function["name"], "mlp");
  EXPECT_EQ(function["calls"], 3);
  EXPECT_EQ(function["memory_hits"], 2);
  EXPECT_EQ(function["check"], "skipped");
  EXPECT_TRUE(function["max_abs_err"].is_null());
}

TEST(Run, KeysDoNotDependOnTheCacheDirectoryOrTheWorkingDirectory)
{
  TempDir first;
  TempDir second;
  const auto file = (k_examples / "mlp.jc").string();
  util::ProcessOptions in_first;
  in_first.working_directory = first.path();
  util::ProcessOptions in_root;
  in_root.working_directory = "/";
  run_json({file, "--cache-dir", (first / "cache").string()}, 0, in_first);
  run_json({file, "--cache-dir", (second / "elsewhere").string()}, 0, in_root);
  const auto a = keys_in(first / "cache");
  EXPECT_EQ(a.size(), 4u); // the graph, two kernels, the compiler's version
  EXPECT_EQ(a, keys_in(second / "elsewhere"));
}

TEST(Run, ExplainNamesTheComponentThatChanged)
{
  TempDir cache;
  const auto file = (k_examples / "mlp.jc").string();
  run_json({file, "--cache-dir", cache.path().string()});
  const auto before = keys_in(cache.path(), "graph");
  util::ProcessOptions other_flags;
  other_flags.environment["JITCACHE_CXXFLAGS"] = "-O1 -fPIC -shared";
  run_json({file, "--cache-dir", cache.path().string()}, 0, other_flags);
  const auto after = keys_in(cache.path(), "graph");
  ASSERT_EQ(before.size(), 1u);
  ASSERT_EQ(after.size(), 2u);
  std::vector<std::string> both(after.begin(), after.end());
  auto explained = run_cli({"explain", both[0], both[1], "--cache-dir", cache.path().string()});
  EXPECT_NE(explained.out.find("1 of "), std::string::npos) << explained.out << explained.err;
  EXPECT_NE(explained.out.find("changed  cxxflags"), std::string::npos) << explained.out;
}

TEST(Run, AnUncacheableOpBypassesTheCache)
{
  TempDir dir;
  const auto program = dir / "opaque.jc";
  ASSERT_TRUE(util::write_file_atomic(program, "def f(x: f32[64]):\n    return opaque(x) * 2\n"
                                               "run f(x=f32[64])\n"));
  for (int i = 0; i < 2; ++i) {
    auto report = run_json({program.string(), "--cache-dir", (dir / "cache").string()});
    EXPECT_EQ(report["totals"]["bypasses"], 1);
    EXPECT_EQ(report["totals"]["compiles"], 1);
  }
  EXPECT_TRUE(keys_in(dir / "cache", "graph").empty());
  EXPECT_TRUE(keys_in(dir / "cache", "kernel").empty());
  auto stats = run_cli({"stats", "--cache-dir", (dir / "cache").string()});
  EXPECT_NE(stats.out.find("uncacheable_op"), std::string::npos) << stats.out;
}

TEST(Run, AFailingCompilerDegradesToTheInterpreterWithExitCode3)
{
  TempDir dir;
  const auto broken =
    write_script(dir, "broken-c++",
                 "if [ \"$1\" = --version ]; then echo 'broken 1.0'; exit 0; fi\n"
                 "echo 'kernel0.cpp:3:7: error: internal compiler error' >&2\nexit 1\n");
  util::ProcessOptions holder;
  holder.environment["JITCACHE_CXX"] = broken.string();
  auto result = run_cli({"run", (k_examples / "mlp.jc").string(), "--cache-dir",
                         (dir / "cache").string(), "--repeat", "1"},
                        holder);
  EXPECT_EQ(result.exit_code, 3) << result.err;
  EXPECT_NE(result.err.find("internal compiler error"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("ran on the interpreter"), std::string::npos) << result.err;
  EXPECT_NE(result.out.find("output f32[32, 10]"), std::string::npos) << result.out;
}

TEST(Run, AMissingCompilerDegradesToTheInterpreter)
{
  TempDir dir;
  util::ProcessOptions holder;
  holder.environment["JITCACHE_CXX"] = "/nonexistent/bin/c++";
  auto result = run_cli({"run", (k_examples / "mlp.jc").string(), "--cache-dir",
                         dir.path().string(), "--repeat", "1", "--json"},
                        holder);
  EXPECT_EQ(result.exit_code, 3);
  EXPECT_NE(result.err.find("/nonexistent/bin/c++"), std::string::npos) << result.err;
  auto report = nlohmann::json::parse(result.out);
  EXPECT_EQ(report["totals"]["calls"], 1);
  EXPECT_EQ(report["totals"]["compiles"], 0);
}

TEST(Run, ProgramErrorsExitWithCode1AndShowTheLine)
{
  TempDir dir;
  const auto program = dir / "bad.jc";
  ASSERT_TRUE(util::write_file_atomic(program, "def f(x: f32[4]):\n    return x + y\n"));
  auto result = run_cli({"run", program.string(), "--cache-dir", (dir / "cache").string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("bad.jc:2:16: error: unknown name 'y'"), std::string::npos)
    << result.err;
  EXPECT_NE(result.err.find("^"), std::string::npos) << result.err;
  // As compilers print it: the location first, and one "error:".
  EXPECT_TRUE(result.err.starts_with(program.string() + ":2:16: error: ")) << result.err;
}

// CLI11 reads "-1" into an unsigned option as its largest value: --repeat -1 ran forever.
TEST(Run, NegativeCountsAreUsageErrors)
{
  TempDir dir;
  for (const char* option : {"--repeat", "--seed"}) {
    auto result = run_cli({"run", (k_examples / "mlp.jc").string(), option, "-1", "--cache-dir",
                           (dir / "cache").string()});
    EXPECT_EQ(result.exit_code, 2) << option << ": " << result.err;
    EXPECT_NE(result.err.find(std::string(option) + ": must not be negative"), std::string::npos)
      << result.err;
  }
}

// Small inputs whose sizes multiply past int64 in a value of the function: a clear error, before
// any kernel is compiled with sizes that would overflow.
TEST(Run, ACallWhoseValuesInt64CannotIndexIsAnError)
{
  TempDir dir;
  const auto program = dir / "outer.jc";
  ASSERT_TRUE(util::write_file_atomic(
    program, "def f(x: f32[N, 1, 1], y: f32[1, M, 1], z: f32[1, 1, K]):\n"
             "    return x + y + z\n"
             "run f(x=f32[4194304, 1, 1], y=f32[1, 4194304, 1], z=f32[1, 1, 4194304])\n"));
  for (const char* repeat : {"1", "0"}) {
    auto result = run_cli(
      {"run", program.string(), "--repeat", repeat, "--cache-dir", (dir / "cache").string()});
    EXPECT_EQ(result.exit_code, 1) << repeat;
    EXPECT_NE(result.err.find("calling f with arguments of sizes [4194304, 1, 1], [1, 4194304, 1], "
                              "[1, 1, 4194304]: a value would be f32[4194304, 4194304, 4194304], "
                              "more than 2^63 bytes"),
              std::string::npos)
      << result.err;
  }
}

// Tensors that together exceed the memory left, each small enough that Linux grants it: filling
// them would end the process through the OOM killer, without a message. They are refused first:
// four inputs of a third of what is left, one input of 0.4 of it with two outputs as large, or
// small inputs whose outer sum, a value between two kernels, is 1.1 times what is left.
TEST(Run, ACallLargerThanTheMemoryLeftIsAnErrorNotAnOomKill)
{
  const auto available = util::available_memory();
  ASSERT_TRUE(available) << "/proc/meminfo is unreadable";
  const uint64_t third = *available / 3 / sizeof(float) + 1;
  const uint64_t two_fifths = *available * 2 / 5 / sizeof(float) + 1;
  TempDir dir;
  const auto inputs = dir / "inputs.jc";
  ASSERT_TRUE(util::write_file_atomic(
    inputs, fmt::format("def f(a: f32[N], b: f32[N], c: f32[N], d: f32[N]):\n"
                        "    return a + b + c + d\n"
                        "run f(a=f32[{0}], b=f32[{0}], c=f32[{0}], d=f32[{0}])\n",
                        third)));
  const auto outputs = dir / "outputs.jc";
  ASSERT_TRUE(util::write_file_atomic(outputs, fmt::format("def g(x: f32[N]):\n"
                                                           "    return x * 2.0, x * 3.0, x\n"
                                                           "run g(x=f32[{}])\n",
                                                           two_fifths)));
  const auto side = static_cast<uint64_t>(std::sqrt(static_cast<double>(*available) * 1.1 / 4));
  const auto between = dir / "between.jc";
  ASSERT_TRUE(
    util::write_file_atomic(between, fmt::format("def h(x: f32[N, 1], y: f32[1, N]):\n"
                                                 "    z = x + y\n"
                                                 "    return sum(z, axis=1) + max(z, axis=1)\n"
                                                 "run h(x=f32[{0}, 1], y=f32[1, {0}])\n",
                                                 side)));
  const std::pair<std::filesystem::path, std::string> cases[] = {
    {inputs, fmt::format("calling f(f32[{0}], f32[{0}], f32[{0}], f32[{0}]) failed: ", third)},
    {outputs, fmt::format("calling g(f32[{}]) failed: ", two_fifths)},
    {between, fmt::format("calling h(f32[{0}, 1], f32[1, {0}]) failed: ", side)}};
  for (const auto& [program, call] : cases) {
    auto result = run_cli({"run", program.string(), "--cache-dir", (dir / "cache").string()});
    EXPECT_EQ(result.exit_code, 1) << result.err;
    EXPECT_NE(result.err.find(call + "out of memory: its inputs take "), std::string::npos)
      << result.err;
    EXPECT_NE(result.err.find(" and the values it computes "), std::string::npos) << result.err;
    EXPECT_NE(result.err.find(" is available"), std::string::npos) << result.err;
  }
}

TEST(Run, InputsFromTheCommandLineReplaceRunLines)
{
  TempDir cache;
  auto report = run_json({(k_examples / "mlp.jc").string(), "--cache-dir", cache.path().string(),
                          "--input", "x=f32[7, 784]", "--input", "w1=f32[784, 256]", "--input",
                          "b1=f32[256]", "--input", "w2=f32[256, 10]", "--check"});
  EXPECT_EQ(report["functions"][0]["calls"], 1);
  EXPECT_EQ(report["functions"][0]["check"], "pass");
  auto bad = run_cli({"run", (k_examples / "mlp.jc").string(), "--cache-dir", cache.path().string(),
                      "--input", "x=f32[7, 785]"});
  EXPECT_EQ(bad.exit_code, 2);
  EXPECT_NE(bad.err.find("--input:1:"), std::string::npos) << bad.err;
  auto unclosed = run_cli({"run", (k_examples / "mlp.jc").string(), "--cache-dir",
                           cache.path().string(), "--input", "x=f32[7, 784"});
  EXPECT_EQ(unclosed.exit_code, 2);
  EXPECT_TRUE(unclosed.err.starts_with("--input:1:21: error: ')' does not close the '[' at line "
                                       "1, column 14"))
    << unclosed.err;
  auto unknown = run_cli({"run", (k_examples / "mlp.jc").string(), "--cache-dir",
                          cache.path().string(), "--function", "mpl"});
  EXPECT_EQ(unknown.exit_code, 2);
  EXPECT_NE(unknown.err.find("mlp.jc defines no function 'mpl' (it defines mlp)"),
            std::string::npos)
    << unknown.err;
}

// The compiled libraries (loadable files) a cache directory holds.
std::vector<std::filesystem::path>
library_files_in(const std::filesystem::path& cache)
{
  std::vector<std::filesystem::path> libraries;
  for (const auto& file : std::filesystem::recursive_directory_iterator(cache)) {
    if (file.path().extension() == ".so") {
      libraries.push_back(file.path());
    }
  }
  return libraries;
}

TEST(Run, VerifyChecksTheLibraryFilesAndRepairRemovesABadOne)
{
  TempDir cache;
  const auto program = (k_examples / "mlp.jc").string();
  run_json({program, "--cache-dir", cache.path().string(), "--repeat", "1"});
  const auto libraries = library_files_in(cache.path());
  ASSERT_EQ(libraries.size(), 1u); // one library per function, beside its graph entry
  {
    std::fstream library(libraries[0], std::ios::in | std::ios::out | std::ios::binary);
    library.seekp(100);
    library.put('\x55');
  }
  auto found = run_cli({"verify", "--cache-dir", cache.path().string()});
  EXPECT_EQ(found.exit_code, 1);
  EXPECT_NE(found.out.find("do not hash to its name"), std::string::npos) << found.out;
  EXPECT_EQ(run_cli({"verify", "--repair", "--cache-dir", cache.path().string()}).exit_code, 0);
  EXPECT_FALSE(std::filesystem::exists(libraries[0]));

  auto warm = run_json({program, "--cache-dir", cache.path().string(), "--repeat", "1", "--check"});
  EXPECT_EQ(warm["totals"]["compiles"], 0); // the kernels are cached: only linked again
  EXPECT_EQ(warm["functions"][0]["check"], "pass");
  EXPECT_TRUE(std::filesystem::exists(libraries[0]));
}

// Something put by hand where the library file belongs: nothing loads it, and no library can be
// stored there, so verify reports it; --repair removes an empty directory, never what one holds.
TEST(Run, VerifyReportsWhatStandsWhereALibraryFileShould)
{
  TempDir cache;
  const auto program = (k_examples / "mlp.jc").string();
  run_json({program, "--cache-dir", cache.path().string(), "--repeat", "0"});
  const auto libraries = library_files_in(cache.path());
  ASSERT_EQ(libraries.size(), 1u);
  ASSERT_TRUE(std::filesystem::remove(libraries[0]));
  ASSERT_TRUE(std::filesystem::create_directories(libraries[0] / "kept"));

  auto found = run_cli({"verify", "--cache-dir", cache.path().string()});
  EXPECT_EQ(found.exit_code, 1);
  EXPECT_NE(found.out.find(libraries[0].string() + ": not a regular file (a directory)"),
            std::string::npos)
    << found.out;
  auto kept = run_cli({"verify", "--repair", "--cache-dir", cache.path().string()});
  EXPECT_EQ(kept.exit_code, 1);
  EXPECT_NE(kept.out.find("(not removed: Directory not empty)"), std::string::npos) << kept.out;
  EXPECT_TRUE(std::filesystem::exists(libraries[0] / "kept"));

  ASSERT_TRUE(std::filesystem::remove(libraries[0] / "kept"));
  auto repaired = run_cli({"verify", "--repair", "--cache-dir", cache.path().string()});
  EXPECT_EQ(repaired.exit_code, 0) << repaired.out;
  EXPECT_NE(repaired.out.find("removed: "), std::string::npos) << repaired.out;
  EXPECT_FALSE(std::filesystem::exists(libraries[0]));
}

TEST(Run, NoCacheWritesNothing)
{
  TempDir cache;
  auto report = run_json({(k_examples / "mlp.jc").string(), "--cache-dir", cache.path().string(),
                          "--no-cache", "--repeat", "1"});
  EXPECT_EQ(report["totals"]["compiles"], 2);
  EXPECT_TRUE(keys_in(cache.path()).empty());
}

} // namespace
} // namespace jitcache::testing

namespace jitcache::testing {
namespace {

TEST(Run, ASweepCompilesTwiceAndTheProfileServesTheNextProcess)
{
  TempDir cache;
  const auto file = (k_examples / "batch_sweep.jc").string();
  auto cold = run_json({file, "--cache-dir", cache.path().string()});
  EXPECT_EQ(cold["totals"]["calls"], 128);
  EXPECT_EQ(cold["totals"]["compiles"], 2);
  EXPECT_EQ(cold["totals"]["memory_hits"], 126); // level-0 hits
  ASSERT_EQ(cold["recompiles"].size(), 1U);
  EXPECT_EQ(cold["recompiles"][0]["function"], "ffn");
  EXPECT_EQ(cold["recompiles"][0]["reason"], "a0 dtype 0 sizes [1, 256]: a0 size 0 is 2");

  auto shown = run_cli({"pgo", "show", "--json", "--cache-dir", cache.path().string()});
  ASSERT_EQ(shown.exit_code, 0) << shown.err;
  auto profiles = nlohmann::json::parse(shown.out);
  ASSERT_EQ(profiles.size(), 1U);
  EXPECT_EQ(profiles[0]["function"], "ffn");
  EXPECT_EQ(profiles[0]["dynamic"], "a0[0]");
  auto text = run_cli({"pgo", "show", "ffn", "--cache-dir", cache.path().string()});
  EXPECT_NE(text.out.find("a0[0]"), std::string::npos) << text.out;

  // The next process starts with the symbolic variant: one graph, found in the cache.
  auto warm = run_json({file, "--cache-dir", cache.path().string()});
  EXPECT_EQ(warm["totals"]["compiles"], 0);
  EXPECT_EQ(warm["totals"]["local_hits"], 1);
  EXPECT_TRUE(warm["recompiles"].empty());

  auto cleared = run_cli({"pgo", "clear", "--cache-dir", cache.path().string()});
  EXPECT_EQ(cleared.exit_code, 0) << cleared.err;
  EXPECT_NE(cleared.out.find("Removed 1 profile"), std::string::npos) << cleared.out;
  shown = run_cli({"pgo", "show", "--json", "--cache-dir", cache.path().string()});
  EXPECT_TRUE(nlohmann::json::parse(shown.out).empty());
  // Without the profile the batch starts static again (both variants are cached by now).
  auto again = run_json({file, "--cache-dir", cache.path().string()});
  EXPECT_EQ(again["recompiles"].size(), 1U);
  EXPECT_EQ(again["totals"]["compiles"], 0);
}

TEST(Run, ASweepIsCheckedAtBothEndsAndOnlyInRunLines)
{
  TempDir dir;
  const auto program = dir.path() / "bad.jc";
  ASSERT_TRUE(util::write_file_atomic(program, "def f(x: f32[B, 4], y: f32[B]):\n    return x\n"
                                               "run f(x=f32[{1..8}, 4], y=f32[1])\n"));
  auto result = run_cli({"run", program.string(), "--cache-dir", dir.path().string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("bad.jc:3:13: error: the sweep's size 8 does not fit"),
            std::string::npos)
    << result.err;
  ASSERT_TRUE(util::write_file_atomic(program, "def f(x: f32[{1..8}, 4]):\n    return x\n"));
  result = run_cli({"run", program.string(), "--cache-dir", dir.path().string()});
  EXPECT_EQ(result.exit_code, 1);
  EXPECT_NE(result.err.find("a size sweep {A..B} belongs in a run line"), std::string::npos)
    << result.err;
  ASSERT_TRUE(util::write_file_atomic(
    program, "def f(x: f32[B, 4]):\n    return x\nrun f(x=f32[{8..1}, 4])\n"));
  result = run_cli({"run", program.string(), "--cache-dir", dir.path().string()});
  EXPECT_NE(result.err.find("a sweep's last size 1 is below its first 8"), std::string::npos)
    << result.err;
}

TEST(Run, EightProcessesColdStartingTogetherCompileEachKernelOnce)
{
  const auto file = (k_examples / "transformer_block.jc").string();
  TempDir alone;
  auto single = run_json({file, "--cache-dir", alone.path().string(), "--repeat", "0"});
  const int distinct = single["totals"]["compiles"].get<int>();
  ASSERT_GT(distinct, 5);

  TempDir shared;
  std::vector<nlohmann::json> reports(8);
  std::vector<std::thread> processes;
  for (size_t i = 0; i < reports.size(); ++i) {
    processes.emplace_back([&, i] {
      reports[i] = run_json({file, "--cache-dir", shared.path().string(), "--repeat", "0"});
    });
  }
  for (auto& process : processes) {
    process.join();
  }
  int compiles = 0;
  for (const auto& report : reports) {
    compiles += report["totals"]["compiles"].get<int>();
  }
  EXPECT_EQ(compiles, distinct);
  EXPECT_FALSE(std::filesystem::exists(shared.path() / "locks") &&
               !std::filesystem::is_empty(shared.path() / "locks"));
}

TEST(EmbedExample, TheSecondProcessCompilesNothing)
{
  TempDir cache;
  util::ProcessOptions options;
  options.environment["JITCACHE_DIR"] = cache.path().string();
  options.timeout = std::chrono::seconds(120);
  auto first = util::run_process({JITCACHE_EMBED_EXAMPLE_PATH}, options);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->exit_code, 0) << first->stdout_text << first->stderr_text;
  EXPECT_EQ(first->stdout_text.find("compiles 0,"), std::string::npos) << first->stdout_text;
  auto second = util::run_process({JITCACHE_EMBED_EXAMPLE_PATH}, options);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->exit_code, 0) << second->stdout_text << second->stderr_text;
  EXPECT_NE(second->stdout_text.find("traces 1, compiles 0,"), std::string::npos)
    << second->stdout_text;
}

TEST(EmbedExample, TheReadmesStoreExampleCompilesOnceThenFindsTheObject)
{
  TempDir cache;
  util::ProcessOptions options;
  options.environment["JITCACHE_DIR"] = cache.path().string();
  options.timeout = std::chrono::seconds(120);
  auto first = util::run_process({JITCACHE_EMBED_STORE_EXAMPLE_PATH}, options);
  ASSERT_TRUE(first);
  EXPECT_EQ(first->exit_code, 0) << first->stdout_text << first->stderr_text;
  EXPECT_TRUE(first->stdout_text.starts_with("compiled the object file")) << first->stdout_text;
  auto second = util::run_process({JITCACHE_EMBED_STORE_EXAMPLE_PATH}, options);
  ASSERT_TRUE(second);
  EXPECT_EQ(second->exit_code, 0) << second->stdout_text << second->stderr_text;
  EXPECT_TRUE(second->stdout_text.starts_with("found the object file in the cache"))
    << second->stdout_text;
  // The same size both times: what was stored is what was compiled.
  EXPECT_EQ(first->stdout_text.substr(first->stdout_text.find(':')),
            second->stdout_text.substr(second->stdout_text.find(':')));
  // An invalid setting is an error that names it, not a crash.
  options.environment["JITCACHE_MAX_SIZE"] = "lots";
  auto invalid = util::run_process({JITCACHE_EMBED_STORE_EXAMPLE_PATH}, options);
  ASSERT_TRUE(invalid);
  EXPECT_EQ(invalid->exit_code, 1);
  EXPECT_NE(invalid->stderr_text.find("JITCACHE_MAX_SIZE"), std::string::npos)
    << invalid->stderr_text;
}

} // namespace
} // namespace jitcache::testing

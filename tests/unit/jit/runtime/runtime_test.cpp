// The runtime against the real compiler and a real cache directory: what is compiled, what
// is found, what the keys cover, and how a broken compiler degrades.
#include "jit/ir/printer.hpp"
#include "jit/language/program.hpp"
#include "jit/plan/planner.hpp"
#include "jit/runtime/graph_structure.hpp"
#include "jit/runtime/runtime.hpp"

#include "util/files.hpp"

#include "support/programs.hpp"
#include "support/scripts.hpp"
#include "support/temp_dir.hpp"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <map>
#include <sys/mount.h>

namespace jitcache::jit {
namespace {

using jitcache::testing::TempDir;
using jitcache::testing::write_script;

const char* const k_mlp = "def mlp(x: f32[B, 64], w1: f32[64, 32], b1: f32[32], w2: f32[32, 10]):\n"
                          "    h = relu(x @ w1 + b1)\n"
                          "    return h @ w2\n";

using jitcache::testing::graph_of;

std::unique_ptr<Runtime>
make_runtime(const std::filesystem::path& dir, std::string cxx = "c++",
             std::string cxxflags = "-O2 -fPIC -shared")
{
  RuntimeOptions options;
  options.config.dir = dir;
  options.config.cxx = std::move(cxx);
  options.config.cxxflags = std::move(cxxflags);
  options.show_progress = false;
  return std::make_unique<Runtime>(std::move(options));
}

// A runtime on `dir` that has prepared `graph` once (a cold start on an empty directory).
std::unique_ptr<Runtime>
runtime_after_preparing(const std::filesystem::path& dir, const Graph& graph)
{
  auto runtime = make_runtime(dir);
  FunctionStats cold;
  EXPECT_TRUE(runtime->prepare(graph, cold).executable) << cold.compiles;
  return runtime;
}

Key
key_of(Runtime& runtime, const Graph& graph)
{
  auto builder = runtime.graph_key(graph);
  EXPECT_TRUE(builder) << builder.error().message;
  return builder ? builder->build() : Key{};
}

size_t
entries_in(Runtime& runtime)
{
  size_t count = 0;
  EXPECT_TRUE(runtime.store()->local().for_each_key([&](const Key&) {
    ++count;
    return true;
  }));
  return count;
}

TEST(Runtime, KeysIgnoreNamesWhitespaceAndComments)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  const auto renamed = "# the same network, written differently\n"
                       "def other_name(input: f32[N, 64], a: f32[64, 32], bias: f32[32],\n"
                       "               b: f32[32, 10]):\n"
                       "    hidden   =   relu( input@a+bias )   # same ops\n"
                       "    return hidden @ b\n";
  EXPECT_EQ(key_of(*runtime, graph_of(k_mlp)), key_of(*runtime, graph_of(renamed)));
}

TEST(Runtime, KeysIgnoreTheOrderValuesAreWrittenIn)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  // Independent statements swapped: the same values, made in another order.
  EXPECT_EQ(key_of(*runtime, graph_of("def f(x: f32[4], y: f32[4]):\n"
                                      "    s = x + y\n"
                                      "    d = x - y\n"
                                      "    return s * d\n")),
            key_of(*runtime, graph_of("def f(x: f32[4], y: f32[4]):\n"
                                      "    d = x - y\n"
                                      "    s = x + y\n"
                                      "    return s * d\n")));
  // A constant output comes first here and last in the printed form, which writes it inline
  // in the return after the statements: the program and its printed form are one graph.
  const Graph graph = graph_of("def f(x: f32[4]):\n    return cast(-inf, f64), x + 1.0\n");
  EXPECT_EQ(key_of(*runtime, graph), key_of(*runtime, graph_of(print_graph(graph))));
}

TEST(Runtime, KeysChangeWithOpsConstantsDtypesAndSizes)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  const Key base = key_of(*runtime, graph_of(k_mlp));
  const std::vector<std::string> variants = {
    // another op
    "def mlp(x: f32[B, 64], w1: f32[64, 32], b1: f32[32], w2: f32[32, 10]):\n"
    "    return gelu(x @ w1 + b1) @ w2\n",
    // a constant
    "def mlp(x: f32[B, 64], w1: f32[64, 32], b1: f32[32], w2: f32[32, 10]):\n"
    "    return relu(x @ w1 + b1) @ w2 * 2\n",
    // a dtype
    "def mlp(x: f64[B, 64], w1: f64[64, 32], b1: f64[32], w2: f64[32, 10]):\n"
    "    return relu(x @ w1 + b1) @ w2\n",
    // a static size
    "def mlp(x: f32[B, 64], w1: f32[64, 32], b1: f32[32], w2: f32[32, 11]):\n"
    "    return relu(x @ w1 + b1) @ w2\n",
  };
  std::set<std::string> keys = {base.to_hex()};
  for (const auto& variant : variants) {
    auto builder = runtime->graph_key(graph_of(variant));
    ASSERT_TRUE(builder);
    EXPECT_TRUE(keys.insert(builder->build().to_hex()).second) << variant;
  }
  // The changed component is the graph, and only the graph.
  auto first = runtime->graph_key(graph_of(k_mlp));
  auto second = runtime->graph_key(graph_of(variants[1]));
  for (const auto& difference : compare_details(first->details(), second->details())) {
    EXPECT_EQ(difference.change == ComponentChange::same, difference.name != "graph")
      << difference.name;
  }
}

TEST(Runtime, ProgramsDifferingOnlyInADimensionExpressionShareNoKernel)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  // The same structure but for y's size: N + 1 against N - 1, and N * 2 against N + N,
  // which is the same expression written differently.
  const auto program = [](std::string_view y_size) {
    return graph_of(fmt::format("def f(x: f32[N], y: f32[{}]):\n"
                                "    return sum(y, axis=0) + sum(x, axis=0)\n",
                                y_size));
  };
  const Graph plus = program("N + 1");
  const Graph minus = program("N - 1");
  EXPECT_NE(key_of(*runtime, plus), key_of(*runtime, minus));
  EXPECT_NE(structural_key(plus), structural_key(minus)); // level 1 keeps them apart too
  EXPECT_EQ(key_of(*runtime, program("N * 2")), key_of(*runtime, program("N + N")));

  // Prepared one after the other in one process, each binds its own y.
  const auto run = [&](const Graph& graph, int64_t n, int64_t m) -> Expected<std::vector<Tensor>> {
    FunctionStats stats;
    auto prepared = runtime->prepare(graph, stats);
    EXPECT_TRUE(prepared.executable) << prepared.failure;
    if (!prepared.executable) {
      return make_error(ErrorCode::io, prepared.failure);
    }
    const std::vector<Tensor> inputs = {Tensor::zeros(DType::f32, {n}),
                                        Tensor::zeros(DType::f32, {m})};
    return prepared.executable->run(inputs);
  };
  EXPECT_TRUE(run(plus, 3, 4));
  auto other = run(minus, 3, 2);
  EXPECT_TRUE(other) << other.error().message;
  auto wrong = run(minus, 3, 4);
  ASSERT_FALSE(wrong);
  EXPECT_EQ(wrong.error().message, "argument 'y' of f: dimension 0 should be N-1 (2), got 4");
}

TEST(Runtime, KeysChangeWithCxxflagsAndToolchainIdentity)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  auto plain = make_runtime(dir.path());
  auto other_flags = make_runtime(dir.path(), "c++", "-O1 -fPIC -shared");
  const auto wrapper =
    write_script(dir, "c++-wrapper",
                 "if [ \"$1\" = --version ]; then echo 'wrapped c++ 99.1'; exit 0; fi\n"
                 "exec c++ \"$@\"\n");
  auto other_compiler = make_runtime(dir.path(), wrapper.string());
  const Key base = key_of(*plain, graph);
  EXPECT_NE(base, key_of(*other_flags, graph));
  EXPECT_NE(base, key_of(*other_compiler, graph));
  auto a = plain->graph_key(graph);
  auto b = other_compiler->graph_key(graph);
  bool version_changed = false;
  for (const auto& difference : compare_details(a->details(), b->details())) {
    version_changed = version_changed || (difference.name == "toolchain.version" &&
                                          difference.change == ComponentChange::changed);
  }
  EXPECT_TRUE(version_changed);
}

TEST(Runtime, ASecondRuntimeOnTheSameDirectoryCompilesNothing)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  FunctionStats cold;
  ASSERT_TRUE(make_runtime(dir.path())->prepare(graph, cold).executable);
  EXPECT_EQ(cold.compiles, 2u);
  FunctionStats warm;
  auto prepared = make_runtime(dir.path())->prepare(graph, warm);
  ASSERT_TRUE(prepared.executable);
  EXPECT_EQ(warm.compiles, 0u);
  EXPECT_EQ(warm.misses, 0u);
  EXPECT_EQ(warm.local_hits, 1u); // the graph entry holds the library of both kernels
}

TEST(Runtime, AGraphMissCompilesOnlyTheKernelsThatAreMissing)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  auto runtime = runtime_after_preparing(dir.path(), graph);
  // Remove the graph entry and one of the two kernel entries.
  std::map<std::string, std::vector<Key>> by_kind;
  ASSERT_TRUE(runtime->store()->local().for_each_key([&](const Key& key) {
    auto entries = runtime->store()->local().inspect(key);
    if (entries && !entries->empty()) {
      by_kind[entries->front().entry.kind].push_back(key);
    }
    return true;
  }));
  ASSERT_EQ(by_kind["kernel"].size(), 2u);
  ASSERT_EQ(by_kind["graph"].size(), 1u);
  ASSERT_TRUE(runtime->store()->local().remove(by_kind["graph"][0]));
  ASSERT_TRUE(runtime->store()->local().remove(by_kind["kernel"][0]));
  FunctionStats partial;
  ASSERT_TRUE(make_runtime(dir.path())->prepare(graph, partial).executable);
  EXPECT_EQ(partial.compiles, 1u);
  EXPECT_EQ(partial.local_hits, 1u); // the kernel still there
  EXPECT_EQ(partial.misses, 2u);     // the graph and the removed kernel
}

// The loadable files (compiled libraries) a cache directory holds.
std::vector<std::filesystem::path>
library_files(Runtime& runtime)
{
  std::vector<std::filesystem::path> files;
  for (int shard = 0; shard < storage::local::k_shard_count; ++shard) {
    runtime.store()->local().layout().scan_shard(shard,
                                                 [&](const storage::local::StoredFile& file) {
                                                   if (file.loadable) {
                                                     files.push_back(file.path);
                                                   }
                                                 });
  }
  return files;
}

bool
mapped_in_this_process(const std::filesystem::path& path)
{
  const auto maps = util::read_file("/proc/self/maps").value();
  return std::string_view(reinterpret_cast<const char*>(maps.data()), maps.size())
           .find(path.string()) != std::string_view::npos;
}

TEST(Runtime, AWarmStartLoadsTheLibraryWhereTheCacheKeepsIt)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  auto runtime = runtime_after_preparing(dir.path(), graph);
  const auto files = library_files(*runtime);
  ASSERT_EQ(files.size(), 1u);
  const auto entries = runtime->store()->local().inspect(key_of(*runtime, graph)).value();
  EXPECT_TRUE(entries.front().entry.find_blob("library_file"));
  EXPECT_FALSE(entries.front().entry.find_blob("library")); // not stored twice
  runtime.reset();                                          // unloads what the cold start loaded
  ASSERT_FALSE(mapped_in_this_process(files[0]));

  FunctionStats warm;
  auto prepared = make_runtime(dir.path())->prepare(graph, warm);
  ASSERT_TRUE(prepared.executable);
  EXPECT_EQ(warm.local_hits, 1u);
  EXPECT_TRUE(mapped_in_this_process(files[0])); // dlopen-ed from the cache file, not copied
}

// The start that compiles a library loads it from the file it stored too, so that a debugger
// or a profiler finds the kernels' code in the same file on every start.
TEST(Runtime, AColdStartLoadsTheLibraryFromTheFileItStored)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  auto runtime = make_runtime(dir.path());
  FunctionStats cold;
  auto prepared = runtime->prepare(graph, cold);
  ASSERT_TRUE(prepared.executable);
  EXPECT_EQ(cold.compiles, 2u);
  const auto files = library_files(*runtime);
  ASSERT_EQ(files.size(), 1u);
  EXPECT_TRUE(mapped_in_this_process(files[0]));
  EXPECT_FALSE(mapped_in_this_process("/memfd:jitcache-graph-" +
                                      key_of(*runtime, graph).to_hex().substr(0, 16)));
  EXPECT_EQ(cold.local_hits, 0u); // opening the file it wrote is not a hit
}

// A cache directory on a file system mounted noexec: the library cannot be mapped where it
// lies, and is loaded from memory instead (the bytes checked there).
TEST(Runtime, ALibraryFileThatCannotBeMappedIsLoadedFromMemory)
{
  TempDir dir;
  if (::mount("jitcache-test", dir.path().c_str(), "tmpfs", MS_NOEXEC, nullptr) != 0) {
    GTEST_SKIP() << "cannot mount a noexec tmpfs here: " << std::strerror(errno);
  }
  struct Unmount {
    std::filesystem::path path;
    ~Unmount() { ::umount2(path.c_str(), MNT_DETACH); }
  } unmount{dir.path()};
  const Graph graph = graph_of(k_mlp);
  FunctionStats cold;
  ASSERT_TRUE(make_runtime(dir.path() / "cache")->prepare(graph, cold).executable);
  FunctionStats warm;
  auto runtime = make_runtime(dir.path() / "cache");
  auto prepared = runtime->prepare(graph, warm);
  ASSERT_TRUE(prepared.executable);
  EXPECT_EQ(warm.compiles, 0u);
  EXPECT_EQ(warm.misses, 0u);
  EXPECT_EQ(warm.local_hits, 1u);
  // Loaded from a memfd named after the graph (the failed dlopen of the file leaves glibc's
  // first read-only mapping of it behind, so the file's own name proves nothing here).
  EXPECT_TRUE(mapped_in_this_process("/memfd:jitcache-graph-" +
                                     key_of(*runtime, graph).to_hex().substr(0, 16)));
}

TEST(Runtime, AMissingOrCorruptLibraryFileIsLinkedAgainWithoutCompiling)
{
  TempDir dir;
  const Graph graph = graph_of(k_mlp);
  auto runtime = runtime_after_preparing(dir.path(), graph);
  const auto file = library_files(*runtime).at(0);
  const auto image = util::read_file(file).value();

  std::filesystem::remove(file);
  FunctionStats missing;
  ASSERT_TRUE(make_runtime(dir.path())->prepare(graph, missing).executable);
  EXPECT_EQ(missing.compiles, 0u);                 // both kernels are in the cache: linked again
  EXPECT_EQ(missing.misses, 1u);                   // the graph, whose library was gone
  EXPECT_EQ(missing.local_hits, 2u);               // the kernels
  EXPECT_EQ(util::read_file(file).value(), image); // written again

  auto corrupt = image;
  corrupt[corrupt.size() / 2] ^= 0x40;
  ASSERT_TRUE(util::write_file_atomic(file, corrupt));
  FunctionStats repaired;
  auto fresh = make_runtime(dir.path());
  ASSERT_TRUE(fresh->prepare(graph, repaired).executable);
  EXPECT_EQ(repaired.compiles, 0u);
  EXPECT_EQ(repaired.misses, 1u);
  EXPECT_EQ(fresh->store()->local().read_stats().value().get(core::counter::corrupt), 1u);
  EXPECT_EQ(util::read_file(file).value(), image);
}

// A function that returns its input plans no kernel: nothing is compiled or linked, and its
// entry (a plan only) makes the next runtime's lookup a hit.
TEST(Runtime, AFunctionWithoutKernelsCompilesNothingAndIsFoundAgain)
{
  TempDir dir;
  const Graph graph = graph_of("def same(x: f32[2, 3]):\n    return x, x\n");
  ASSERT_TRUE(plan_graph(graph).kernels.empty());
  Tensor x = Tensor::zeros(DType::f32, {2, 3});
  for (int i = 0; i < 6; ++i) {
    x.data_as<float>()[i] = static_cast<float>(i) + 0.5f;
  }
  for (const char* start : {"cold", "warm"}) {
    FunctionStats stats;
    auto prepared = make_runtime(dir.path())->prepare(graph, stats);
    ASSERT_TRUE(prepared.executable) << start << ": " << prepared.failure;
    EXPECT_EQ(stats.compiles, 0u) << start;
    EXPECT_EQ(stats.local_hits, std::string_view(start) == "warm" ? 1u : 0u) << start;
    auto outputs = prepared.executable->run(std::vector<Tensor>{x});
    ASSERT_TRUE(outputs) << outputs.error().message;
    ASSERT_EQ(outputs->size(), 2u);
    EXPECT_EQ((*outputs)[0].sizes(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ((*outputs)[1].flat(5), 5.5) << start;
  }
}

TEST(Runtime, RepeatedKernelsCompileOnce)
{
  TempDir dir;
  std::string text = "def layer(x: f32[B, 32], w: f32[32, 32], b: f32[32]):\n"
                     "    return relu(x @ w + b)\n"
                     "def deep(x: f32[B, 32], w: f32[32, 32], b: f32[32]):\n";
  for (int i = 0; i < 8; ++i) {
    text += "    x = layer(x, w, b)\n";
  }
  text += "    return x\n";
  const Graph graph = graph_of(text, "deep");
  const Plan plan = plan_graph(graph);
  EXPECT_EQ(plan.kernels.size(), 1u);
  EXPECT_EQ(plan.launches.size(), 8u);
  auto runtime = make_runtime(dir.path());
  FunctionStats stats;
  ASSERT_TRUE(runtime->prepare(graph, stats).executable);
  EXPECT_EQ(stats.compiles, 1u);
  // The same kernel in another function is already loaded.
  FunctionStats other;
  ASSERT_TRUE(runtime->prepare(graph_of(text, "layer"), other).executable);
  EXPECT_EQ(other.compiles, 0u);
  EXPECT_EQ(other.memory_hits, 1u);
}

TEST(Runtime, UncacheableGraphsBypassThePersistentCache)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path());
  const Graph graph = graph_of("def f(x: f32[8]):\n    return opaque(x) * 2\n");
  FunctionStats stats;
  ASSERT_TRUE(runtime->prepare(graph, stats).executable);
  EXPECT_EQ(stats.bypasses, 1u);
  EXPECT_EQ(stats.compiles, 1u);
  EXPECT_EQ(entries_in(*runtime), 1u); // only the compiler's version, nothing of the graph
  auto counters = runtime->store()->local().read_stats();
  ASSERT_TRUE(counters);
  EXPECT_EQ(counters->get("bypass.uncacheable_op"), 1u);
}

TEST(Runtime, AFailingCompilerReturnsItsDiagnostics)
{
  TempDir dir;
  const auto broken = write_script(dir, "broken-c++",
                                   "if [ \"$1\" = --version ]; then echo 'broken 1.0'; exit 0; fi\n"
                                   "echo 'kernel.cpp:1:1: error: out of registers' >&2\nexit 1\n");
  auto runtime = make_runtime(dir / "cache", broken.string());
  FunctionStats stats;
  auto prepared = runtime->prepare(graph_of(k_mlp), stats);
  EXPECT_FALSE(prepared.executable);
  EXPECT_NE(prepared.failure.find("out of registers"), std::string::npos) << prepared.failure;
  EXPECT_EQ(entries_in(*runtime), 1u); // only the compiler's version: nothing half-done
}

TEST(Runtime, AMissingCompilerIsNamed)
{
  TempDir dir;
  auto runtime = make_runtime(dir.path(), "/nonexistent/c++");
  FunctionStats stats;
  auto prepared = runtime->prepare(graph_of(k_mlp), stats);
  EXPECT_FALSE(prepared.executable);
  EXPECT_NE(prepared.failure.find("/nonexistent/c++"), std::string::npos) << prepared.failure;
}

} // namespace
} // namespace jitcache::jit

// A warm start against its physical limit, in one process. WarmLoad_baseline reads the
// compiled library of examples/transformer_block.jc (all its kernels: the plain file the
// cache keeps), dlopens it and resolves every kernel, with no cache logic at all.
// WarmLoad_jitcache is a fresh Runtime preparing the same (already parsed) function from the
// cache: toolchain identity, graph key, the graph entry read and checked, the library file
// read, checked and loaded, every kernel resolved, statistics recorded. The ratio is jitcache /
// baseline.
#include "bench_dir.hpp"
#include "graph_library.hpp"
#include "jit/language/program.hpp"
#include "jit/runtime/runtime.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>

#include <dlfcn.h>

namespace {

using namespace jitcache;

struct Setup {
  bench::ScratchDir scratch{"warm-load"};
  std::filesystem::path cache = scratch.path() / "cache";
  jit::Graph graph;
  std::filesystem::path library;
  std::vector<std::string> symbols;
  std::string failure;

  Setup()
  {
    auto program =
      jit::load_program(std::string(JITCACHE_SOURCE_DIR) + "/examples/transformer_block.jc");
    if (!program) {
      failure = program.error().message;
      return;
    }
    graph = program->functions.back();
    auto runtime = make_runtime();
    jit::FunctionStats stats;
    if (!runtime->prepare(graph, stats).executable) {
      failure = "the program did not compile";
      return;
    }
    // The same library, as the plain file the cache keeps, and its kernels' entry points.
    if (auto found = bench::find_graph_library(runtime->store()->local())) {
      library = found->path;
      symbols = found->symbols;
    }
    if (symbols.empty()) {
      failure = "no graph entry was written";
    }
  }

  std::unique_ptr<jit::Runtime>
  make_runtime() const
  {
    jit::RuntimeOptions options;
    options.config.dir = cache;
    options.show_progress = false;
    return std::make_unique<jit::Runtime>(std::move(options));
  }
};

Setup&
setup()
{
  static Setup instance;
  return instance;
}

void
WarmLoad_baseline(benchmark::State& state)
{
  auto& s = setup();
  if (!s.failure.empty()) {
    state.SkipWithError(s.failure.c_str());
    return;
  }
  for (auto _ : state) {
    auto bytes = util::read_file(s.library);
    benchmark::DoNotOptimize(bytes);
    void* handle = ::dlopen(s.library.c_str(), RTLD_NOW | RTLD_LOCAL);
    for (const auto& symbol : s.symbols) {
      benchmark::DoNotOptimize(::dlsym(handle, symbol.c_str()));
    }
    ::dlclose(handle);
  }
  state.counters["kernels"] = static_cast<double>(s.symbols.size());
}

void
WarmLoad_jitcache(benchmark::State& state)
{
  auto& s = setup();
  if (!s.failure.empty()) {
    state.SkipWithError(s.failure.c_str());
    return;
  }
  for (auto _ : state) {
    auto runtime = s.make_runtime();
    jit::FunctionStats stats;
    auto prepared = runtime->prepare(s.graph, stats);
    if (!prepared.executable || stats.compiles != 0) {
      state.SkipWithError("the warm start compiled something");
      return;
    }
  }
  state.counters["kernels"] = static_cast<double>(s.symbols.size());
}

} // namespace

BENCHMARK(WarmLoad_baseline)->Unit(benchmark::kMicrosecond);
BENCHMARK(WarmLoad_jitcache)->Unit(benchmark::kMicrosecond);

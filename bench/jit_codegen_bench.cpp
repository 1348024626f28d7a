// Generated code quality: the kernel codegen makes for a fused chain of five elementwise ops
// (x * 2 + 1, relu, minus x * 0.5) over 4M f32 values, against a plain copy loop of the same
// length compiled by the same compiler with the same flags. Both read 16 MiB and write
// 16 MiB; the ratio line is chain time / copy time (2.0 would be half the copy's bandwidth).
#include "bench_dir.hpp"
#include "jit/build/loader.hpp"
#include "jit/build/toolchain.hpp"
#include "jit/codegen/codegen.hpp"
#include "jit/language/program.hpp"
#include "jit/plan/planner.hpp"
#include "util/files.hpp"

#include <benchmark/benchmark.h>

#include <cstring>
#include <vector>

namespace {

using namespace jitcache;

constexpr int64_t k_count = int64_t{1} << 22;

using Kernel = void (*)(void* const*, const int64_t*);
using Copy = void (*)(const float*, float*, int64_t);

struct Setup {
  bench::ScratchDir scratch{"codegen"};
  std::optional<jit::LoadedLibrary> chain_library;
  std::optional<jit::LoadedLibrary> copy_library;
  Kernel chain = nullptr;
  Copy copy = nullptr;
  std::vector<float> input = std::vector<float>(k_count);
  std::vector<float> output = std::vector<float>(k_count);
  std::string failure;

  Setup()
  {
    for (int64_t i = 0; i < k_count; ++i) {
      input[static_cast<size_t>(i)] = static_cast<float>(i % 1000) * 0.002F - 1.0F;
    }
    auto toolchain = jit::Toolchain::detect("c++", "-O2 -fPIC -shared", std::chrono::seconds(120));
    if (!toolchain) {
      failure = toolchain.error().message;
      return;
    }
    auto program = jit::parse_program(jit::SourceText{
      "chain.jc", "def chain(x: f32[N]):\n    return relu(x * 2.0 + 1.0) - x * 0.5\n"});
    const auto plan = jit::plan_graph(program->functions.front());
    if (plan.kernels.size() != 1) {
      failure = "the chain did not fuse into one kernel";
      return;
    }
    chain_library =
      build(*toolchain, "chain", jit::generate_kernel_source(plan.kernels.front(), "chain"));
    copy_library = build(*toolchain, "copy",
                         "#include <cstdint>\n"
                         "extern \"C\" void copy(const float* __restrict in, float* __restrict out,"
                         " int64_t n) {\n  for (int64_t i = 0; i < n; ++i) out[i] = in[i];\n}\n");
    if (chain_library && copy_library) {
      chain = reinterpret_cast<Kernel>(*chain_library->symbol("chain"));
      copy = reinterpret_cast<Copy>(*copy_library->symbol("copy"));
    }
  }

  std::optional<jit::LoadedLibrary>
  build(const jit::Toolchain& toolchain, const std::string& name, const std::string& source)
  {
    const auto cpp = scratch.path() / (name + ".cpp");
    const auto so = scratch.path() / (name + ".so");
    (void)util::write_file_atomic(cpp, source);
    auto outcome = toolchain.compile(cpp, so);
    if (!outcome || !outcome->succeeded) {
      failure = outcome ? outcome->diagnostics : outcome.error().message;
      return std::nullopt;
    }
    auto library = jit::LoadedLibrary::open_file(so);
    if (!library) {
      failure = library.error().message;
      return std::nullopt;
    }
    return std::move(*library);
  }
};

Setup&
setup()
{
  static Setup instance;
  return instance;
}

void
FusedChain_baseline(benchmark::State& state)
{
  auto& s = setup();
  if (!s.failure.empty()) {
    state.SkipWithError(s.failure.c_str());
    return;
  }
  for (auto _ : state) {
    s.copy(s.input.data(), s.output.data(), k_count);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * k_count * 8);
}

void
FusedChain_jitcache(benchmark::State& state)
{
  auto& s = setup();
  if (!s.failure.empty()) {
    state.SkipWithError(s.failure.c_str());
    return;
  }
  void* buffers[] = {s.input.data(), s.output.data()};
  const int64_t symbols[] = {k_count};
  for (auto _ : state) {
    s.chain(buffers, symbols);
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(state.iterations() * k_count * 8);
}

} // namespace

BENCHMARK(FusedChain_baseline)->Unit(benchmark::kMicrosecond);
BENCHMARK(FusedChain_jitcache)->Unit(benchmark::kMicrosecond);

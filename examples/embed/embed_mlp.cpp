// Embedding jitcache's reference JIT in a C++ program: a two-layer perceptron written as a
// lambda, traced on its first call, compiled through the system compiler and cached on disk
// (JITCACHE_DIR, else ~/.cache/jitcache). Run it twice: the second process compiles nothing.
//
// With EMBED_MLP_SAVE_BUNDLE=FILE it also saves what it compiled or found as a bundle
// (jitcache::artifacts::save()); a fresh process given JITCACHE_BUNDLE=FILE then runs the
// function without tracing it, and needs no compiler.
#include <jitcache/artifacts.hpp>
#include <jitcache/jit/function.hpp>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <vector>

using jitcache::jit::DType;
using jitcache::jit::Tensor;

namespace {

// Deterministic values in [-1, 1) so that every run computes the same thing.
Tensor
filled(std::vector<int64_t> sizes, float scale)
{
  Tensor tensor = Tensor::zeros(DType::f32, std::move(sizes));
  auto* data = tensor.data_as<float>();
  for (int64_t i = 0; i < tensor.numel(); ++i) {
    data[i] = scale * static_cast<float>(std::sin(0.37 * static_cast<double>(i)));
  }
  return tensor;
}

} // namespace

int
main()
{
  namespace jit = jitcache::jit;
  auto mlp = jit::function(
    "embedded_mlp", [](const Tensor& x, const Tensor& w1, const Tensor& b1, const Tensor& w2) {
      const Tensor hidden = jit::relu(jit::matmul(x, w1) * 0.0625 + b1);
      return jit::softmax(jit::matmul(hidden, w2), -1);
    });

  const Tensor x = filled({32, 256}, 1.0F);
  const Tensor w1 = filled({256, 128}, 1.0F);
  const Tensor b1 = filled({128}, 0.1F);
  const Tensor w2 = filled({128, 10}, 0.1F);

  Tensor y;
  for (int call = 0; call < 5; ++call) {
    y = mlp(x, w1, b1, w2);
  }

  // The same computation, eagerly on the interpreter, as a check.
  const Tensor expected =
    jit::softmax(jit::matmul(jit::relu(jit::matmul(x, w1) * 0.0625 + b1), w2), -1);
  double max_error = 0;
  for (int64_t i = 0; i < y.numel(); ++i) {
    max_error = std::max(max_error, std::fabs(y.flat(i) - expected.flat(i)));
  }

  const auto stats = mlp.stats();
  std::printf("calls %llu, traces %llu, compiles %llu, local hits %llu, bundle hits %llu, "
              "memory hits %llu\n",
              static_cast<unsigned long long>(stats.calls),
              static_cast<unsigned long long>(stats.traces),
              static_cast<unsigned long long>(stats.compiles),
              static_cast<unsigned long long>(stats.local_hits),
              static_cast<unsigned long long>(stats.bundle_hits),
              static_cast<unsigned long long>(stats.memory_hits));
  std::printf("prepare %.1f ms (trace %.2f, key %.2f, lookup %.2f, compile %.1f, load %.2f), "
              "execute %.2f ms\n",
              stats.trace_ms + stats.key_ms + stats.lookup_ms + stats.compile_ms + stats.load_ms,
              stats.trace_ms, stats.key_ms, stats.lookup_ms, stats.compile_ms, stats.load_ms,
              stats.execute_ms);
  std::printf("max difference from the interpreter: %.3g\n", max_error);
  if (const char* bundle = std::getenv("EMBED_MLP_SAVE_BUNDLE")) {
    auto saved = jitcache::artifacts::save();
    if (!saved) {
      std::fprintf(stderr, "saving the bundle failed: %s\n", saved.error().message.c_str());
      return 1;
    }
    std::ofstream(bundle, std::ios::binary)
      .write(reinterpret_cast<const char*>(saved->bytes.data()),
             static_cast<std::streamsize>(saved->bytes.size()));
    std::printf("saved %s: %s\n", bundle, saved->summary.to_string().c_str());
  }
  return max_error < 1e-4 && !stats.degraded ? 0 : 1;
}

// Runtime: turns graphs into Executables through the cache. One per process is enough; it
// is safe to use from several threads.
//
// prepare(graph):
//  0. level 1: the process's kernel spec cache, by the graph's structural key and its sizes
//     (a hash, no text): a graph prepared before in this process costs one lookup;
//  1. graph key = the canonical graph text + codegen version and options + toolchain;
//  2. a graph entry in the local cache holds the launch plan, the kernel keys and one shared
//     library with every kernel of the graph: one lookup and one dlopen, and nothing is
//     planned, generated or compiled;
//  3. otherwise the graph is planned, each kernel is keyed by its normalized spec and its
//     object file found in memory or in the cache, or generated and compiled (in parallel,
//     one thread per core); the objects are linked into the graph's library; compiled
//     kernels and then the graph entry are written to the cache;
//  4. graphs with an uncacheable op skip step 2 and every write (counted as a bypass).
// Single flight: threads preparing one graph at once compile it once (the kernel spec
// cache); processes sharing a cache directory take a lock file per graph key and per kernel
// key before compiling, so the others wait and then read what the first one wrote.
// A compiler that is missing or fails does not fail the call: prepare returns no
// executable, the reason and the diagnostics, and the caller runs the interpreter.
#pragma once

#include "jit/build/toolchain.hpp"
#include "jit/execute/executable.hpp"
#include "kernel_cache/kernel_cache.hpp"
#include "storage/local/compile_lock.hpp"
#include "storage/local/local_store.hpp"
#include "util/progress.hpp"
#include "util/thread_pool.hpp"

#include <jitcache/config.hpp>
#include <jitcache/jit/function_stats.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace jitcache::jit {

// The artifact kinds the runtime stores: one entry per traced function specialization (its
// launch plan, kernel keys and library) and one per kernel (its object file).
inline constexpr std::string_view k_graph_kind = "graph";
inline constexpr std::string_view k_kernel_kind = "kernel";

struct RuntimeOptions {
  Config config;
  bool use_cache = true; // false: no persistent lookups or writes (--no-cache)
  bool show_progress = util::Progress::stderr_is_terminal();
  size_t threads = 0; // compile threads; 0: config.compile_jobs
};

struct Prepared {
  std::shared_ptr<const Executable> executable; // empty: compiling failed, use the interpreter
  std::string failure;                          // why, with the compiler's diagnostics
  Key graph_key;
};

struct CompiledKernel; // one kernel's object, or why it failed (kernel_build.hpp)

class Runtime {
public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime();

  Prepared prepare(const Graph& graph, FunctionStats& stats);

  // The local store, or nullptr when caching is off.
  storage::local::LocalStore*
  store()
  {
    return m_store.get();
  }

  // The key a graph has under this runtime's toolchain, or an error if there is no compiler.
  Expected<KeyBuilder> graph_key(const Graph& graph);

  // Level 1, for counts and tests.
  kernel_cache::KernelCache&
  kernel_cache()
  {
    return m_kernel_cache;
  }

private:
  Expected<const Toolchain*> toolchain();
  KeyBuilder kernel_key(const KernelSpec& spec, const Toolchain& toolchain) const;
  // A kernel's object file from memory or the cache, counted in `stats`.
  std::optional<Bytes> find_kernel_object(const Key& key, bool use_store, FunctionStats& stats);
  std::optional<Prepared> prepare_from_graph_entry(const Graph& graph, const Key& key,
                                                   FunctionStats& stats);
  // Levels 2 and the compiler, for a graph level 1 did not have.
  Prepared prepare_uncached(const Graph& graph, FunctionStats& stats);
  // The cross-process lock for compiling `key`, when a writable cache is shared; nullopt
  // when there is none or waiting timed out (the caller compiles anyway).
  std::optional<storage::local::CompileLock> compile_lock(const Key& key, bool& waited);
  CompiledKernel compile_or_wait(const KernelSpec& spec, const Key& key, const KeyBuilder& builder,
                                 bool cacheable, const Toolchain& tools,
                                 const std::filesystem::path& dir, size_t index);
  Prepared compile_graph(const Graph& graph, const KeyBuilder& builder, const Key& key,
                         bool cacheable, FunctionStats& stats);
  // Stores a graph's entry: its plan, its kernels' keys and its library (a file's key or the
  // bytes; none for a graph without kernels).
  void put_graph_entry(const Key& key, const KeyBuilder& builder, const std::string& plan_text,
                       const std::vector<Key>& kernel_keys, std::optional<Blob> library,
                       uint64_t compile_ms);

  RuntimeOptions m_options;
  std::unique_ptr<storage::local::LocalStore> m_store;
  std::mutex m_mutex; // guards the toolchain and the loaded kernels
  std::optional<Expected<Toolchain>> m_toolchain;
  std::unordered_map<Key, Bytes, KeyHash> m_objects; // kernel objects seen by this process
  kernel_cache::KernelCache m_kernel_cache; // level 1: graph structure, then sizes -> Prepared
  std::unique_ptr<util::ThreadPool> m_pool;
};

} // namespace jitcache::jit

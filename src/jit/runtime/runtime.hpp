// Runtime: turns graphs into Executables through the cache levels. One per process is
// enough; it is safe to use from several threads.
//
// prepare(graph) asks each level in turn and fills the levels above it from what it finds:
//  1. level 1, the kernel cache: by the graph's structural key, then its sizes (a hash, no
//     text). A graph prepared before in this process costs one lookup.
//  2. levels 2 and 3, the persistent cache (find_graph): the local store, then the remote
//     tiers, by the graph key (the canonical graph text, the codegen version and options, the
//     toolchain). A graph entry holds the launch plan, the kernel keys and one shared library
//     with every kernel of the graph: one lookup and one dlopen, and nothing is planned,
//     generated or compiled.
//  3. the compiler (compile_graph), in steps with one job each: plan the graph and key its
//     kernels (plan_kernels); find their object files in memory or the cache, in one request
//     per remote tier (find_kernel_objects); generate and compile the missing ones in parallel, one
//     thread per core, writing each to the cache (compile_missing_kernels); link the objects into
//     the graph's library, keep it as a loadable file (keep_library) and load it
//     (load_library); write the graph entry (store_graph).
//     The persistent cache is read and written in those steps only.
//  Graphs with an uncacheable op skip step 2 and every write (counted as a bypass).
// Single flight: threads preparing one graph at once compile it once (the kernel cache);
// processes sharing a cache directory take a lock file per graph key and per kernel key
// before compiling, and machines sharing a remote tier a lease, so the others wait and then
// read what the first one wrote.
// A compiler that is missing or fails does not fail the call: prepare returns no
// executable, the reason and the diagnostics, and the caller runs the interpreter.
// Bundles (artifacts/): a loaded bundle's entries are a tier of the store, asked first, and its
// precompiled functions wait here (add_precompiled) for their dispatchers, which install them
// in their level-0 caches; prepare_stored() readies a precompiled variant's graph from its key
// alone, with no compiler. A recorder (record_into) notes every entry the store returned or
// wrote, and each dispatcher the variants it made, for save().
#pragma once

#include "artifacts/recorder.hpp"
#include "jit/build/kernel_build.hpp"
#include "jit/build/toolchain.hpp"
#include "jit/execute/executable.hpp"
#include "jit/plan/plan.hpp"
#include "jit/runtime/precompiled.hpp"
#include "kernel_cache/kernel_cache.hpp"
#include "storage/local/local_store.hpp"
#include "storage/tiered_store.hpp"
#include "util/progress.hpp"
#include "util/thread_pool.hpp"

#include <jitcache/config.hpp>
#include <jitcache/jit/function_stats.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <string_view>
#include <unordered_map>

namespace jitcache::jit {

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

class Runtime {
public:
  explicit Runtime(RuntimeOptions options);
  ~Runtime();

  Prepared prepare(const Graph& graph, FunctionStats& stats);

  // The persistent cache (the local store and the remote tiers), or nullptr when caching
  // is off.
  storage::TieredStore*
  store()
  {
    return m_store.get();
  }

  const Config&
  config() const
  {
    return m_options.config;
  }

  // The key a graph has under this runtime's toolchain, or an error if there is no compiler.
  Expected<KeyBuilder> graph_key(const Graph& graph);

  // A graph whose key is known (a precompiled function's), from level 1 or the store, without
  // the compiler; nullopt if the store has no usable entry for it (counted in `stats`).
  std::optional<Prepared> prepare_stored(const Graph& graph, const Key& graph_key,
                                         FunctionStats& stats);

  // Precompiled variants a bundle installed, by function identity (precompiled.hpp).
  void add_precompiled(const std::string& function, PrecompiledVariant variant);
  std::vector<PrecompiledVariant> precompiled_for(const std::string& function) const;
  // Grows by one with every add_precompiled(), so a dispatcher knows when to look again.
  uint64_t
  precompiled_generation() const
  {
    return m_precompiled_generation.load(std::memory_order_acquire);
  }

  // Notes every artifact this runtime's store returns or writes, and every variant its
  // dispatchers make, in `recorder` (nullptr: stop). REQUIRES: no other thread uses the
  // runtime meanwhile; `recorder` outlives the runtime or a later call with nullptr.
  void record_into(artifacts::Recorder* recorder);
  artifacts::Recorder*
  recorder() const
  {
    return m_recorder;
  }

  // Level 1, for counts and tests.
  kernel_cache::KernelCache&
  kernel_cache()
  {
    return m_kernel_cache;
  }

private:
  // A graph's plan with the key of each of its kernels, in the plan's order.
  struct KernelPlan {
    Plan plan;
    std::vector<KeyBuilder> builders;
    std::vector<Key> keys;
    double plan_ms = 0;
  };

  Expected<const Toolchain*> toolchain();
  KeyBuilder kernel_key(const KernelSpec& spec, const Toolchain& toolchain) const;
  // Levels 2 and the compiler, for a graph level 1 did not have.
  Prepared prepare_uncached(const Graph& graph, FunctionStats& stats);
  // The graph's entry in the persistent cache, loaded; nullopt on a miss (counted), or when
  // the entry or its library is unusable (then compiling makes a new one).
  std::optional<Prepared> find_graph(const Graph& graph, const Key& key, FunctionStats& stats);
  // The right to compile `key` among the processes and machines sharing the cache (a lock
  // file, a remote lease); waited(): another one held it, so look the key up again first.
  storage::CompileClaim claim_compile(const Key& key);
  Prepared compile_graph(const Graph& graph, const KeyBuilder& builder, const Key& key,
                         bool cacheable, FunctionStats& stats);

  // The steps of compile_graph.
  KernelPlan plan_kernels(const Graph& graph, const Toolchain& tools, FunctionStats& stats) const;
  // Each kernel's object file from memory or the persistent cache (when `use_store`), by
  // key; nullopt for those that must be compiled. Counted in `stats`.
  std::vector<std::optional<Bytes>> find_kernel_objects(const std::vector<Key>& keys,
                                                        bool use_store, FunctionStats& stats);
  // Compiles the kernels `objects` lacks and fills them in; the failure (with the
  // compiler's diagnostics) if one could not be compiled.
  Expected<void> compile_missing_kernels(const KernelPlan& kernels,
                                         std::vector<std::optional<Bytes>>& objects, bool cacheable,
                                         const Toolchain& tools, const std::filesystem::path& dir,
                                         util::Progress& progress, FunctionStats& stats);
  // On a pool thread: compiles one kernel and writes it to the cache, holding the kernel's
  // cross-process lock throughout, unless another process had the lock and wrote the kernel.
  CompiledKernel compile_or_wait(const KernelSpec& spec, const Key& key, const KeyBuilder& builder,
                                 bool cacheable, const Toolchain& tools,
                                 const std::filesystem::path& dir, size_t index);
  // Keeps a graph's linked library as a loadable file of the local store: its key, or nullopt
  // when the store cannot keep it (the entry then carries the bytes).
  std::optional<Key> keep_library(const Bytes& library);
  // Loads the library from its loadable file when there is one, else from memory, and
  // resolves each kernel's entry point in it.
  Expected<std::shared_ptr<const Executable>> load_library(const Graph& graph, KernelPlan& kernels,
                                                           const Bytes& library,
                                                           const Key& graph_key,
                                                           const std::optional<Key>& file_key);
  // Writes the graph's entry: its plan, its kernels' keys and its library (a loadable file's
  // key, or the bytes; none for a graph without kernels).
  void store_graph(const KeyBuilder& builder, const Key& key, const std::string& plan_text,
                   const std::vector<Key>& kernel_keys, std::optional<Blob> library,
                   uint64_t compile_ms);

  RuntimeOptions m_options;
  std::unique_ptr<storage::TieredStore> m_store;
  std::mutex m_mutex; // guards the toolchain and the loaded kernels
  std::optional<Expected<Toolchain>> m_toolchain;
  std::unordered_map<Key, Bytes, KeyHash> m_objects; // kernel objects seen by this process
  kernel_cache::KernelCache m_kernel_cache; // level 1: graph structure, then sizes -> Prepared
  std::unique_ptr<util::ThreadPool> m_pool;
  mutable std::mutex m_precompiled_mutex;
  std::unordered_map<std::string, std::vector<PrecompiledVariant>> m_precompiled;
  std::atomic<uint64_t> m_precompiled_generation{0};
  artifacts::Recorder* m_recorder = nullptr;
};

} // namespace jitcache::jit

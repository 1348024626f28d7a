#include "jit/runtime/runtime.hpp"

#include "core/counters.hpp"
#include "jit/build/kernel_build.hpp"
#include "jit/codegen/codegen.hpp"
#include "jit/codegen/kernel_prelude_text.hpp"
#include "jit/ir/printer.hpp"
#include "jit/plan/planner.hpp"
#include "jit/runtime/entries.hpp"
#include "jit/runtime/graph_structure.hpp"
#include "util/clock.hpp"
#include "util/hashing.hpp"
#include "util/log.hpp"

#include <jitcache/version.hpp>

#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

namespace jitcache::jit {

namespace {

using Clock = std::chrono::steady_clock;

// The codegen version and a digest of the prelude text: either changing changes every key.
const std::string&
codegen_identity()
{
  static const std::string identity = [] {
    const auto text = kernel_prelude_text();
    const auto digest =
      util::blake2b_256(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size()));
    return fmt::format("{} prelude {}", k_codegen_version, to_hex(digest).substr(0, 16));
  }();
  return identity;
}

void
add_codegen_components(KeyBuilder& builder)
{
  builder.add_string("codegen", codegen_identity());
  builder.add_string("codegen_options", codegen_options());
}

// A graph without kernels: each output is an input, or a view of one.
std::shared_ptr<const Executable>
make_kernelless_executable(const Graph& graph, Plan plan)
{
  return std::make_shared<const Executable>(graph, std::move(plan), std::vector<KernelFunction>{},
                                            std::vector<LoadedLibrary>{});
}

// Resolves each kernel's entry point in a graph's loaded library.
Expected<std::shared_ptr<const Executable>>
make_executable(const Graph& graph, Plan plan, const std::vector<Key>& keys,
                Expected<LoadedLibrary> loaded)
{
  if (!loaded) {
    return std::unexpected(loaded.error());
  }
  std::vector<KernelFunction> functions;
  for (const auto& key : keys) {
    auto symbol = loaded->symbol(kernel_symbol(key.to_hex()));
    if (!symbol) {
      return std::unexpected(symbol.error());
    }
    functions.push_back(reinterpret_cast<KernelFunction>(*symbol));
  }
  return std::make_shared<const Executable>(graph, std::move(plan), std::move(functions),
                                            std::vector<LoadedLibrary>{std::move(*loaded)});
}

// The name a graph's library loaded from memory shows in /proc/self/maps.
std::string
memory_name(const Key& graph_key)
{
  return "jitcache-graph-" + graph_key.to_hex().substr(0, 16);
}

// Loads a library the cache checked where it lies, so that debuggers and profilers see its
// file; from the checked bytes in memory when it cannot be mapped there (a cache directory
// mounted noexec, or the file replaced while it was loaded).
Expected<LoadedLibrary>
load_checked_file(const storage::local::LoadableFile& file, const Key& graph_key)
{
  auto loaded = LoadedLibrary::open_checked_file(file.path, file.fd.get());
  if (!loaded) {
    util::log_debug(
      fmt::format("loading {} from memory: {}", file.path.string(), loaded.error().message));
    loaded = LoadedLibrary::open_memory(file.image, memory_name(graph_key));
  }
  return loaded;
}

// Compiler versions remembered in the cache (kind "toolchain"), so that a warm start does
// not run the compiler at all. With compiler_check=mtime they are shared through the remote
// tiers too: that mode trusts a compiler's path, size and modification time to name it on
// every machine, and a fresh machine then learns its version in one lookup instead of a
// process. A content digest stays on the machine that computed it (the local store).
class StoreVersionCache final : public VersionCache {
public:
  explicit StoreVersionCache(Store& store) : m_store(store) {}

  std::optional<Entry>
  find(const Key& probe) override
  {
    auto entries = m_store.get(probe, k_toolchain_kind);
    if (!entries || entries->empty()) {
      return std::nullopt;
    }
    return entries->front();
  }

  void
  remember(const Key& /*probe*/, const Entry& entry) override
  {
    Entry stored = entry;
    stamp(stored);
    (void)m_store.put(stored);
  }

private:
  Store& m_store;
};

// The counter of hits on `tier`: the bundle tier, the local store or a remote tier.
uint64_t&
hits_on(std::string_view tier, FunctionStats& stats)
{
  return tier == storage::k_bundle_tier ? stats.bundle_hits
         : tier == "local"              ? stats.local_hits
                                        : stats.remote_hits;
}

} // namespace

Runtime::Runtime(RuntimeOptions options)
  : m_options(std::move(options)), m_kernel_cache(m_options.config.kernel_cache_entries)
{
  if (m_options.use_cache && !m_options.config.disable) {
    m_store = std::make_unique<storage::TieredStore>(m_options.config);
    if (m_store->local().access() == storage::local::Access::off && m_store->remotes().empty()) {
      m_store.reset();
    }
  }
}

Runtime::~Runtime() = default;

Expected<const Toolchain*>
Runtime::toolchain()
{
  std::lock_guard lock(m_mutex);
  if (!m_toolchain) {
    std::optional<StoreVersionCache> versions;
    if (m_store) {
      const bool shared = m_options.config.compiler_check == "mtime";
      versions.emplace(shared ? static_cast<Store&>(*m_store) : m_store->local());
    }
    m_toolchain =
      Toolchain::detect(m_options.config.cxx, m_options.config.cxxflags,
                        std::chrono::seconds(m_options.config.compile_timeout_s),
                        versions ? &*versions : nullptr, m_options.config.compiler_check);
  }
  if (!*m_toolchain) {
    return std::unexpected(m_toolchain->error());
  }
  return &**m_toolchain;
}

Expected<KeyBuilder>
Runtime::graph_key(const Graph& graph)
{
  auto tools = toolchain();
  if (!tools) {
    return std::unexpected(tools.error());
  }
  KeyBuilder builder;
  builder.add_string("artifact", "graph");
  builder.add_string("graph", print_graph(graph, PrintOptions{true}));
  add_codegen_components(builder);
  (*tools)->add_to_key(builder);
  return builder;
}

KeyBuilder
Runtime::kernel_key(const KernelSpec& spec, const Toolchain& tools) const
{
  KeyBuilder builder;
  builder.add_string("artifact", "kernel");
  builder.add_string("kernel", spec.serialize());
  add_codegen_components(builder);
  tools.add_to_key(builder);
  return builder;
}

Prepared
Runtime::prepare(const Graph& graph, FunctionStats& stats)
{
  // Level 1: the structure, then every size (a constant, or which symbol): no text is built.
  auto key_start = Clock::now();
  const auto spec = m_kernel_cache.store_spec(structural_key(graph), nullptr);
  const kernel_cache::ArgSpec sizes = size_words(graph);
  stats.key_ms += util::elapsed_ms(key_start);
  bool compiled_here = false;
  Prepared failure;
  auto payload =
    m_kernel_cache.get_or_compile(spec, sizes, [&]() -> kernel_cache::KernelCache::Payload {
      compiled_here = true;
      auto prepared = std::make_shared<Prepared>(prepare_uncached(graph, stats));
      if (!prepared->executable) {
        failure = *prepared; // returned below; failures are not kept in level 1
        return nullptr;
      }
      return prepared;
    });
  if (payload) {
    if (!compiled_here) {
      ++stats.memory_hits;
    }
    return *static_cast<const Prepared*>(payload.get());
  }
  if (compiled_here) {
    return failure;
  }
  return prepare_uncached(graph, stats); // another thread's compile failed: try here
}

Prepared
Runtime::prepare_uncached(const Graph& graph, FunctionStats& stats)
{
  auto key_start = Clock::now();
  auto builder = graph_key(graph);
  if (!builder) {
    stats.key_ms += util::elapsed_ms(key_start);
    return Prepared{nullptr, fmt::format("no usable C++ compiler: {}", builder.error().message),
                    Key{}};
  }
  const Key key = builder->build();
  stats.key_ms += util::elapsed_ms(key_start);
  const bool cacheable = !graph.has_uncacheable_op();
  if (!cacheable && m_store) {
    ++stats.bypasses;
    m_store->local().record(core::counter::bypass("uncacheable_op"));
  }
  if (cacheable && m_store) {
    if (auto prepared = find_graph(graph, key, stats)) {
      return std::move(*prepared);
    }
    // Missed: if another process or machine is compiling this graph, wait for it and look
    // again.
    auto claim = claim_compile(key);
    if (claim.waited()) {
      if (auto prepared = find_graph(graph, key, stats)) {
        --stats.misses; // the first look missed only because the graph was on its way
        return std::move(*prepared);
      }
    }
    return compile_graph(graph, *builder, key, cacheable, stats);
  }
  return compile_graph(graph, *builder, key, cacheable, stats);
}

std::optional<Prepared>
Runtime::find_graph(const Graph& graph, const Key& key, FunctionStats& stats)
{
  auto lookup_start = Clock::now();
  auto entries = m_store->get(key, k_graph_kind);
  stats.lookup_ms += util::elapsed_ms(lookup_start);
  if (!entries || entries->empty()) {
    ++stats.misses;
    return std::nullopt;
  }
  auto stored = read_graph_entry(entries->front());
  if (!stored) {
    util::warn_once("graph-entry", fmt::format("graph entry {} is unusable, compiling instead: {}",
                                               key.to_hex(), stored.error().message));
    ++stats.misses;
    return std::nullopt;
  }
  auto& hits = hits_on(entries->tier, stats);
  if (stored->kernel_keys.empty()) {
    ++hits;
    return Prepared{make_kernelless_executable(graph, std::move(stored->plan)), {}, key};
  }
  auto load_start = Clock::now();
  Expected<LoadedLibrary> loaded = make_error(ErrorCode::not_found, "no library");
  if (stored->library_file) {
    // The library lies in the cache as a plain file: dlopen it there.
    auto file = m_store->local().open_loadable(*stored->library_file);
    if (!file || !*file) {
      stats.load_ms += util::elapsed_ms(load_start);
      ++stats.misses; // trimmed or corrupt (counted by the store): link the kernels again
      return std::nullopt;
    }
    loaded = load_checked_file(**file, key);
  } else {
    loaded = LoadedLibrary::open_memory(stored->library, memory_name(key));
  }
  auto executable =
    make_executable(graph, std::move(stored->plan), stored->kernel_keys, std::move(loaded));
  stats.load_ms += util::elapsed_ms(load_start);
  if (!executable) {
    util::warn_once("graph-load", fmt::format("a cached graph library could not be loaded, "
                                              "compiling instead: {}",
                                              executable.error().message));
    ++stats.misses;
    return std::nullopt;
  }
  ++hits;
  return Prepared{std::move(*executable), {}, key};
}

std::optional<Prepared>
Runtime::prepare_stored(const Graph& graph, const Key& graph_key, FunctionStats& stats)
{
  const auto spec = m_kernel_cache.store_spec(structural_key(graph), nullptr);
  const kernel_cache::ArgSpec sizes = size_words(graph);
  if (auto payload = m_kernel_cache.lookup(spec, sizes)) {
    ++stats.memory_hits;
    return *static_cast<const Prepared*>(payload.get());
  }
  if (!m_store) {
    return std::nullopt;
  }
  auto prepared = find_graph(graph, graph_key, stats);
  if (prepared) {
    m_kernel_cache.store(spec, sizes, std::make_shared<Prepared>(*prepared));
  }
  return prepared;
}

void
Runtime::add_precompiled(const std::string& function, PrecompiledVariant variant)
{
  std::lock_guard lock(m_precompiled_mutex);
  m_precompiled[function].push_back(std::move(variant));
  m_precompiled_generation.fetch_add(1, std::memory_order_acq_rel);
}

std::vector<PrecompiledVariant>
Runtime::precompiled_for(const std::string& function) const
{
  std::lock_guard lock(m_precompiled_mutex);
  const auto found = m_precompiled.find(function);
  return found == m_precompiled.end() ? std::vector<PrecompiledVariant>{} : found->second;
}

void
Runtime::record_into(artifacts::Recorder* recorder)
{
  m_recorder = recorder;
  if (m_store) {
    if (recorder == nullptr) {
      m_store->set_listener(nullptr);
    } else {
      m_store->set_listener(
        [recorder](std::string_view kind, const Key& key) { recorder->note(kind, key); });
    }
  }
}

storage::CompileClaim
Runtime::claim_compile(const Key& key)
{
  return m_store ? m_store->claim(key, std::chrono::seconds(m_options.config.compile_timeout_s))
                 : storage::CompileClaim();
}

Prepared
Runtime::compile_graph(const Graph& graph, const KeyBuilder& graph_builder, const Key& key,
                       bool cacheable, FunctionStats& stats)
{
  Prepared prepared;
  prepared.graph_key = key;
  auto tools = toolchain();
  if (!tools) {
    prepared.failure = fmt::format("no usable C++ compiler: {}", tools.error().message);
    return prepared;
  }
  KernelPlan kernels = plan_kernels(graph, **tools, stats);
  const bool store = cacheable && m_store;
  if (kernels.keys.empty()) {
    // Nothing to compile or link; the entry (plan only) still makes the next start a hit.
    const std::string plan_text = kernels.plan.to_text();
    prepared.executable = make_kernelless_executable(graph, std::move(kernels.plan));
    if (store) {
      store_graph(graph_builder, key, plan_text, {}, {}, static_cast<uint64_t>(kernels.plan_ms));
    }
    return prepared;
  }

  auto objects = find_kernel_objects(kernels.keys, cacheable, stats);
  auto compile_start = Clock::now();
  auto scratch = ScratchDir::create();
  if (!scratch) {
    prepared.failure = scratch.error().message;
    return prepared;
  }
  const auto missing =
    static_cast<size_t>(std::count(objects.begin(), objects.end(), std::nullopt));
  util::Progress progress(fmt::format("jitcache: {}: compiling {} kernel{} and linking", graph.name,
                                      missing, missing == 1 ? "" : "s"),
                          missing + 1, m_options.show_progress);
  if (auto compiled = compile_missing_kernels(kernels, objects, cacheable, **tools, scratch->path(),
                                              progress, stats);
      !compiled) {
    prepared.failure = compiled.error().message;
    return prepared;
  }
  // One library for the whole graph: a warm start loads it with a single dlopen.
  std::vector<Bytes> all_objects;
  all_objects.reserve(objects.size());
  for (auto& object : objects) {
    all_objects.push_back(std::move(*object));
  }
  auto library = link_library(all_objects, **tools, scratch->path());
  progress.advance();
  progress.finish();
  const double compile_ms = util::elapsed_ms(compile_start);
  stats.compile_ms += compile_ms;
  if (!library) {
    prepared.failure = library.error().message;
    return prepared;
  }
  const std::string plan_text = kernels.plan.to_text();
  // The library goes beside the graph's entry as a loadable file, which this start and warm
  // starts dlopen where it lies; from memory (and inside the entry) if the store cannot keep
  // it. A library that then fails to load leaves its file behind, for trimming to remove.
  const auto file_key = store ? keep_library(*library) : std::nullopt;
  auto load_start = Clock::now();
  auto executable = load_library(graph, kernels, *library, key, file_key);
  stats.load_ms += util::elapsed_ms(load_start);
  if (!executable) {
    prepared.failure =
      fmt::format("the compiled kernels could not be loaded: {}", executable.error().message);
    return prepared;
  }
  prepared.executable = std::move(*executable);
  if (store) {
    // A hit on the graph saves the wait for planning, compiling and linking: their wall
    // time, not the sum of the kernels' compiles, which ran side by side (kernels that were
    // found in the cache are not counted again: the figure is a lower bound).
    store_graph(graph_builder, key, plan_text, kernels.keys,
                file_key ? Blob{"library_file", Bytes::copy_of(file_key->to_hex())}
                         : Blob{"library", *library},
                static_cast<uint64_t>(kernels.plan_ms + compile_ms));
  }
  return prepared;
}

Runtime::KernelPlan
Runtime::plan_kernels(const Graph& graph, const Toolchain& tools, FunctionStats& stats) const
{
  KernelPlan kernels;
  auto plan_start = Clock::now();
  kernels.plan = plan_graph(graph);
  kernels.plan_ms = util::elapsed_ms(plan_start);
  stats.compile_ms += kernels.plan_ms;
  auto key_start = Clock::now();
  for (const auto& spec : kernels.plan.kernels) {
    kernels.builders.push_back(kernel_key(spec, tools));
    kernels.keys.push_back(kernels.builders.back().build());
  }
  stats.key_ms += util::elapsed_ms(key_start);
  return kernels;
}

std::vector<std::optional<Bytes>>
Runtime::find_kernel_objects(const std::vector<Key>& keys, bool use_store, FunctionStats& stats)
{
  std::vector<std::optional<Bytes>> objects(keys.size());
  std::vector<Key> asked; // those this process has not seen, looked up together
  std::vector<size_t> asked_index;
  {
    std::lock_guard lock(m_mutex);
    for (size_t i = 0; i < keys.size(); ++i) {
      if (auto found = m_objects.find(keys[i]); found != m_objects.end()) {
        ++stats.memory_hits;
        objects[i] = found->second;
      } else {
        asked.push_back(keys[i]);
        asked_index.push_back(i);
      }
    }
  }
  if (!use_store || !m_store || asked.empty()) {
    return objects;
  }
  auto lookup_start = Clock::now();
  auto found = m_store->get_many(asked, k_kernel_kind);
  stats.lookup_ms += util::elapsed_ms(lookup_start);
  for (size_t n = 0; n < asked.size(); ++n) {
    const Blob* object = kernel_object(found[n]);
    if (!object) {
      ++stats.misses;
      continue;
    }
    ++hits_on(found[n].tier, stats);
    std::lock_guard lock(m_mutex);
    m_objects.emplace(asked[n], object->data);
    objects[asked_index[n]] = object->data;
  }
  return objects;
}

Expected<void>
Runtime::compile_missing_kernels(const KernelPlan& kernels,
                                 std::vector<std::optional<Bytes>>& objects, bool cacheable,
                                 const Toolchain& tools, const std::filesystem::path& dir,
                                 util::Progress& progress, FunctionStats& stats)
{
  std::vector<size_t> missing;
  for (size_t i = 0; i < objects.size(); ++i) {
    if (!objects[i]) {
      missing.push_back(i);
    }
  }
  if (missing.empty()) {
    return {};
  }
  {
    std::lock_guard lock(m_mutex);
    if (!m_pool) {
      // Only when compiling; 0 threads is one per core.
      const size_t threads =
        m_options.threads != 0 ? m_options.threads : m_options.config.compile_jobs;
      m_pool = std::make_unique<util::ThreadPool>(threads);
    }
  }
  std::vector<std::future<CompiledKernel>> futures;
  for (size_t n = 0; n < missing.size(); ++n) {
    const size_t i = missing[n];
    futures.push_back(m_pool->submit([this, &kernels, &tools, &dir, &progress, i, n, cacheable] {
      auto compiled = compile_or_wait(kernels.plan.kernels[i], kernels.keys[i], kernels.builders[i],
                                      cacheable, tools, dir, n);
      progress.advance();
      return compiled;
    }));
  }
  std::vector<CompiledKernel> compiled;
  compiled.reserve(futures.size());
  for (auto& future : futures) {
    compiled.push_back(future.get());
  }
  for (size_t n = 0; n < missing.size(); ++n) {
    if (!compiled[n].succeeded) {
      return make_error(ErrorCode::io,
                        fmt::format("compiling kernel {} of {} ({}) failed: {}", n + 1,
                                    missing.size(), kernels.plan.kernels[missing[n]].summary(),
                                    compiled[n].failure));
    }
  }
  for (size_t n = 0; n < missing.size(); ++n) {
    const size_t i = missing[n];
    if (compiled[n].from_cache) {
      // Another process or machine compiled it while this one waited.
      ++(compiled[n].from_remote ? stats.remote_hits : stats.local_hits);
      --stats.misses;
    } else {
      ++stats.compiles;
    }
    auto object = Bytes::adopt(std::move(compiled[n].object));
    {
      std::lock_guard lock(m_mutex);
      m_objects.emplace(kernels.keys[i], object);
    }
    objects[i] = std::move(object);
  }
  return {};
}

CompiledKernel
Runtime::compile_or_wait(const KernelSpec& spec, const Key& key, const KeyBuilder& builder,
                         bool cacheable, const Toolchain& tools, const std::filesystem::path& dir,
                         size_t index)
{
  auto claim = cacheable ? claim_compile(key) : storage::CompileClaim();
  if (claim.waited()) {
    auto stored = m_store->get(key, k_kernel_kind);
    if (const Blob* object = kernel_object(stored)) {
      CompiledKernel found;
      found.succeeded = true;
      found.from_cache = true;
      found.from_remote = stored->tier != m_store->local().tier();
      found.object.assign(object->data.data(), object->data.data() + object->data.size());
      return found;
    }
  }
  auto compiled = compile_kernel(spec, key, tools, dir, index);
  if (compiled.succeeded && cacheable && m_store) {
    // A failed write is counted and logged by the store.
    (void)m_store->put(make_kernel_entry(builder, key, compiled));
  }
  return compiled;
}

std::optional<Key>
Runtime::keep_library(const Bytes& library)
{
  auto file_key = m_store->local().put_loadable(library.span());
  return file_key ? std::optional<Key>(*file_key) : std::nullopt;
}

Expected<std::shared_ptr<const Executable>>
Runtime::load_library(const Graph& graph, KernelPlan& kernels, const Bytes& library,
                      const Key& graph_key, const std::optional<Key>& file_key)
{
  auto file = file_key ? m_store->local().open_loadable(*file_key)
                       : Expected<std::optional<storage::local::LoadableFile>>(std::nullopt);
  return make_executable(graph, std::move(kernels.plan), kernels.keys,
                         file && *file
                           ? load_checked_file(**file, graph_key)
                           : LoadedLibrary::open_memory(library, memory_name(graph_key)));
}

void
Runtime::store_graph(const KeyBuilder& builder, const Key& key, const std::string& plan_text,
                     const std::vector<Key>& kernel_keys, std::optional<Blob> library,
                     uint64_t compile_ms)
{
  // A failed write is counted and logged by the store.
  (void)m_store->put(
    make_graph_entry(builder, key, plan_text, kernel_keys, std::move(library), compile_ms));
}

} // namespace jitcache::jit

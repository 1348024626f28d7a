#include "jit/runtime/dispatcher.hpp"

#include "jit/execute/interpreter.hpp"
#include "jit/ir/printer.hpp"
#include "jit/runtime/graph_structure.hpp"
#include "jit/runtime/specialize.hpp"
#include "pgo/profile_store.hpp"
#include "util/clock.hpp"
#include "util/log.hpp"

#include <fmt/format.h>

#include <chrono>

namespace jitcache::jit {

namespace {

using Clock = std::chrono::steady_clock;

// A level-0 hit: a memory hit, except the first call a precompiled variant serves, which is
// the bundle's hit.
const Specialization*
served(const dispatch::CacheEntry* entry, FunctionStats& stats)
{
  const auto* specialization = static_cast<const Specialization*>(entry->payload.get());
  if (specialization->from_bundle && !specialization->used.load(std::memory_order_relaxed) &&
      !specialization->used.exchange(true)) {
    ++stats.bundle_hits;
  } else {
    ++stats.memory_hits;
  }
  return specialization;
}

} // namespace

DispatchOptions
DispatchOptions::from(const Config& config)
{
  DispatchOptions options;
  options.limits.per_function = config.recompile_limit;
  options.limits.per_process = config.accumulated_recompile_limit;
  options.assume_static_by_default = config.assume_static_by_default;
  return options;
}

Dispatcher::Dispatcher(std::string name, Runtime& runtime, DispatchOptions options, bool traced,
                       std::string identity)
  : m_name(std::move(name)), m_identity(identity.empty() ? m_name : std::move(identity)),
    m_runtime(runtime), m_options(options), m_traced(traced), m_cache(options.cache),
    m_frames(options.assume_static_by_default), m_limits(m_name, options.limits)
{
  set_strategy(options.strategy, options.recursive);
  (void)install_precompiled();
}

bool
Dispatcher::install_precompiled()
{
  const uint64_t generation = m_runtime.precompiled_generation();
  if (generation == m_precompiled_seen) {
    return false;
  }
  m_precompiled_seen = generation;
  const auto variants = m_runtime.precompiled_for(m_identity);
  for (size_t i = m_precompiled_installed; i < variants.size(); ++i) {
    const auto& variant = variants[i];
    m_cache.install_precompiled(variant.guards, variant.specialization);
    if (variant.profile) {
      // What the function learned where the bundle was made: later misses compile with it.
      m_frames.seed(variant.profile->dynamic);
      m_saved_dynamic.merge(variant.profile->dynamic);
    }
  }
  const bool installed = variants.size() > m_precompiled_installed;
  m_precompiled_installed = variants.size();
  return installed;
}

void
Dispatcher::record_variant(const Specialization& specialization, const guards::GuardSet& guards,
                           const Key& graph_key)
{
  auto* recorder = m_runtime.recorder();
  if (recorder == nullptr || !specialization.executable ||
      specialization.graph.has_uncacheable_op()) {
    return; // nothing stored to make it ready elsewhere
  }
  PrecompileRecord record;
  record.function = m_identity;
  record.guard = guards.to_string();
  record.graph_text = print_graph(specialization.graph);
  record.graph_key = graph_key;
  if (m_frames.dynamic().any()) {
    record.profile = pgo::Profile{m_name, m_profile_graph, m_frames.dynamic()};
  }
  recorder->note_entry(make_precompile_entry(record));
}

void
Dispatcher::mark_dynamic(size_t arg, size_t dim)
{
  std::lock_guard lock(m_compile_mutex);
  m_frames.mark_dynamic(arg, dim);
}

void
Dispatcher::mark_static(size_t arg, size_t dim)
{
  std::lock_guard lock(m_compile_mutex);
  m_frames.mark_static(arg, dim);
}

void
Dispatcher::set_strategy(dispatch::Strategy strategy, std::optional<dispatch::Strategy> recursive)
{
  m_strategy.store(strategy);
  m_recursive.store(recursive ? static_cast<int>(*recursive) : -1);
}

std::optional<dispatch::Strategy>
Dispatcher::recursive_strategy() const
{
  const int recursive = m_recursive.load();
  return recursive < 0 ? std::nullopt : std::optional(static_cast<dispatch::Strategy>(recursive));
}

std::string
Dispatcher::compile_failure() const
{
  std::lock_guard lock(m_compile_mutex);
  return m_compile_failure;
}

std::vector<std::string>
Dispatcher::recompile_reasons() const
{
  std::lock_guard lock(m_compile_mutex);
  return m_recompile_reasons;
}

Expected<const Specialization*>
Dispatcher::prepare(std::span<const ArgView> args, const BuildGraph& build, FunctionStats& stats)
{
  const auto strategy = dispatch::inherited_strategy().value_or(m_strategy.load());
  if (strategy == dispatch::Strategy::skip) {
    return nullptr;
  }
  if (const auto* entry = m_cache.lookup(args)) {
    return served(entry, stats);
  }
  std::lock_guard lock(m_compile_mutex);
  if (const auto* entry = m_cache.lookup(args)) {
    return served(entry, stats); // another thread compiled it meanwhile
  }
  if (install_precompiled()) {
    if (const auto* entry = m_cache.lookup(args)) {
      return served(entry, stats);
    }
  }
  return compile(args, build, strategy, stats);
}

Expected<const Specialization*>
Dispatcher::compile(std::span<const ArgView> args, const BuildGraph& build,
                    dispatch::Strategy strategy, FunctionStats& stats)
{
  if (strategy == dispatch::Strategy::run_only || m_limits.limited()) {
    return nullptr;
  }
  const auto entries = m_cache.entries();
  m_cache.record_miss(args);
  if (!entries.empty()) {
    // The newest variant's failing guard says best what changed.
    const auto* newest =
      *std::max_element(entries.begin(), entries.end(),
                        [](const auto* a, const auto* b) { return a->sequence < b->sequence; });
    auto reason = newest->guards.explain(args);
    if (!m_limits.allow(reason)) {
      return nullptr;
    }
    ++stats.recompiles;
    m_recompile_reasons.push_back(std::move(reason));
  }
  const auto build_start = Clock::now();
  ++stats.traces; // the lambda traced, or the program's function specialized to the call
  auto dynamic = m_frames.observe(args);
  auto graph = build(args, dynamic);
  if (graph && !m_profile_loaded) {
    // The profile is filed under the graph's structure, known once a graph exists.
    m_profile_loaded = true;
    load_profile(*graph);
    if (m_frames.dynamic() != dynamic) {
      dynamic = m_frames.dynamic();
      graph = build(args, dynamic);
    }
  }
  stats.trace_ms += util::elapsed_ms(build_start);
  if (!graph) {
    return std::unexpected(graph.error());
  }
  auto prepared = m_runtime.prepare(*graph, stats);
  if (!prepared.executable) {
    stats.degraded = true;
    if (m_compile_failure.empty()) {
      m_compile_failure = prepared.failure;
    }
    if (m_options.warn_when_degraded) {
      util::warn_once(
        "jit-function-" + m_name,
        fmt::format("jitcache: {}: {}; it runs on the interpreter", m_name, prepared.failure));
    }
  }
  auto specialization = std::make_shared<Specialization>();
  specialization->graph = std::move(*graph);
  specialization->executable = std::move(prepared.executable);
  const auto* entry = m_cache.insert(guards_for(specialization->graph, m_traced), specialization);
  record_variant(*specialization, entry->guards, prepared.graph_key);
  if (m_frames.dynamic().any() && m_frames.dynamic() != m_saved_dynamic) {
    save_profile();
  }
  return static_cast<const Specialization*>(entry->payload.get());
}

void
Dispatcher::load_profile(const Graph& graph)
{
  m_profile_graph = structural_key(graph).to_hex();
  auto* store = m_runtime.store();
  if (!m_options.use_profiles || store == nullptr) {
    return;
  }
  pgo::ProfileStore profiles(*store);
  if (auto profile = profiles.load(m_name, m_profile_graph)) {
    m_frames.seed(profile->dynamic);
    m_saved_dynamic = profile->dynamic;
    util::log_debug(
      fmt::format("jitcache: {}: profile makes {} dynamic", m_name, profile->dynamic.to_string()));
  }
}

void
Dispatcher::save_profile()
{
  auto* store = m_runtime.store();
  if (!m_options.use_profiles || store == nullptr || m_profile_graph.empty()) {
    return;
  }
  pgo::ProfileStore profiles(*store);
  const pgo::Profile profile{m_name, m_profile_graph, m_frames.dynamic()};
  if (profiles.save(profile)) {
    m_saved_dynamic = m_frames.dynamic();
  }
}

Expected<std::vector<Tensor>>
Dispatcher::call(std::span<const Tensor> inputs, const BuildGraph& build, const RunEager& eager,
                 FunctionStats& stats)
{
  thread_local std::vector<ArgView> views;
  arg_views_of(inputs, views);
  auto prepared = prepare(views, build, stats);
  if (!prepared) {
    return std::unexpected(prepared.error());
  }
  const dispatch::RecursiveStrategyScope scope(recursive_strategy());
  const auto execute_start = Clock::now();
  Expected<std::vector<Tensor>> results = *prepared == nullptr ? eager(inputs)
                                          : (*prepared)->executable
                                            ? (*prepared)->executable->run(inputs)
                                            : interpret((*prepared)->graph, inputs);
  stats.execute_ms += util::elapsed_ms(execute_start);
  ++stats.calls;
  return results;
}

} // namespace jitcache::jit

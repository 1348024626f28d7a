// Dispatcher: level 0 for one function of the reference JIT. It owns the function's cache of
// compiled variants (dispatch::FunctionCache), its frame state (automatic dynamic shapes),
// its recompile limits and its strategy, and loads and saves its profile.
//
// A call: look the arguments up in the function cache (no lock, no allocation); on a hit run
// the variant. On a miss (one compile at a time per function): observe the sizes, build the
// graph with the dimensions known to vary left symbolic, prepare it through the Runtime
// (levels 1 and 2), and insert a variant guarded by its parameter types. A miss after the
// first compile is a recompile, with the failing guard of the newest variant as its reason.
//
// Precompiled variants (from a bundle the runtime loaded) for the function's identity are
// installed at construction and again when the runtime has new ones at a miss; they are
// checked first. Each variant the dispatcher makes is noted in the runtime's recorder, if any,
// as a precompile artifact.
#pragma once

#include "dispatch/frame_state.hpp"
#include "dispatch/function_cache.hpp"
#include "dispatch/recompile_limits.hpp"
#include "dispatch/strategy.hpp"
#include "jit/runtime/runtime.hpp"
#include "jit/runtime/specialization.hpp"

#include <jitcache/jit/function_stats.hpp>

#include <atomic>
#include <functional>
#include <mutex>
#include <string>
#include <vector>

namespace jitcache::jit {

struct DispatchOptions {
  dispatch::Strategy strategy = dispatch::Strategy::compile;
  std::optional<dispatch::Strategy> recursive;
  dispatch::FunctionCacheOptions cache;
  dispatch::RecompileLimitOptions limits;
  bool assume_static_by_default = true;
  bool use_profiles = true;       // load and save the function's pgo profile
  bool warn_when_degraded = true; // log once when compiling fails and the interpreter runs

  static DispatchOptions from(const Config& config);
};

class Dispatcher {
public:
  // Builds the graph for a call with these arguments and dynamic dimensions.
  using BuildGraph =
    std::function<Expected<Graph>(std::span<const ArgView>, const dispatch::DynamicDims&)>;
  // Runs a call without compiled code (skip, a run-only miss).
  using RunEager = std::function<Expected<std::vector<Tensor>>(std::span<const Tensor>)>;

  // `traced`: graphs come from tracing, whose symbols stand for sizes >= 2 (specialize.hpp).
  // `identity` names the function to precompiled variants (precompiled.hpp); empty: `name`.
  Dispatcher(std::string name, Runtime& runtime, DispatchOptions options, bool traced,
             std::string identity = {});

  // The variant that serves a call with `args`, compiling it if needed and allowed; nullptr
  // when the call should run eagerly. Fails only if the graph cannot be built.
  Expected<const Specialization*> prepare(std::span<const ArgView> args, const BuildGraph& build,
                                          FunctionStats& stats);
  Expected<std::vector<Tensor>> call(std::span<const Tensor> inputs, const BuildGraph& build,
                                     const RunEager& eager, FunctionStats& stats);

  void mark_dynamic(size_t arg, size_t dim);
  void mark_static(size_t arg, size_t dim);
  void set_strategy(dispatch::Strategy strategy, std::optional<dispatch::Strategy> recursive);

  // Why compiling failed (with the compiler's diagnostics), if it ever did.
  std::string compile_failure() const;
  // Every recompile's reason so far, oldest first.
  std::vector<std::string> recompile_reasons() const;
  const std::string&
  name() const
  {
    return m_name;
  }
  dispatch::FunctionCache&
  cache()
  {
    return m_cache;
  }

private:
  // With m_compile_mutex held.
  Expected<const Specialization*> compile(std::span<const ArgView> args, const BuildGraph& build,
                                          dispatch::Strategy strategy, FunctionStats& stats);
  std::optional<dispatch::Strategy> recursive_strategy() const;
  void load_profile(const Graph& graph);
  void save_profile();
  // Installs the runtime's precompiled variants of this function not installed yet; returns
  // whether it installed any. With m_compile_mutex held (or from the constructor).
  bool install_precompiled();
  // Notes a variant just made in the runtime's recorder.
  void record_variant(const Specialization& specialization, const guards::GuardSet& guards,
                      const Key& graph_key);

  std::string m_name;
  std::string m_identity;
  Runtime& m_runtime;
  DispatchOptions m_options;
  bool m_traced;
  std::atomic<dispatch::Strategy> m_strategy{dispatch::Strategy::compile};
  std::atomic<int> m_recursive{-1}; // a Strategy, or -1 for none
  dispatch::FunctionCache m_cache;
  mutable std::mutex m_compile_mutex; // one compile at a time; guards everything below
  dispatch::FrameState m_frames;
  dispatch::RecompileLimits m_limits;
  std::vector<std::string> m_recompile_reasons;
  std::string m_compile_failure;
  bool m_profile_loaded = false;
  std::string m_profile_graph; // the structural key the profile is filed under
  dispatch::DynamicDims m_saved_dynamic;
  uint64_t m_precompiled_seen = 0; // the runtime's precompiled generation last installed
  size_t m_precompiled_installed = 0;
};

} // namespace jitcache::jit

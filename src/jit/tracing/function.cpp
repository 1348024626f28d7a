// jit::function's type-independent half: tracing a call into a graph and dispatching calls
// through a level-0 Dispatcher on the default runtime.
#include "jit/artifacts/bundles.hpp"
#include "jit/runtime/default_runtime.hpp"
#include "jit/runtime/dispatcher.hpp"
#include "jit/runtime/precompiled.hpp"
#include "jit/runtime/specialize.hpp"
#include "jit/tracing/trace_session.hpp"
#include "util/clock.hpp"

#include <jitcache/jit/function.hpp>

#include <fmt/format.h>

#include <mutex>
#include <stdexcept>

namespace jitcache::jit::detail {

namespace {

dispatch::Strategy
internal(Strategy strategy)
{
  switch (strategy) {
  case Strategy::compile: return dispatch::Strategy::compile;
  case Strategy::run_only: return dispatch::Strategy::run_only;
  case Strategy::skip: return dispatch::Strategy::skip;
  }
  return dispatch::Strategy::compile;
}

DispatchOptions
options_from_config()
{
  auto config = load_config();
  return config ? DispatchOptions::from(*config) : DispatchOptions{};
}

// Runs `body` on symbolic tensors of `types` and returns the graph it recorded.
Graph
trace(const std::string& name, const std::vector<TensorType>& types, const FunctionCore::Body& body)
{
  auto session = std::make_shared<TraceSession>(name);
  std::vector<Tensor> symbolic;
  for (size_t i = 0; i < types.size(); ++i) {
    symbolic.push_back(
      session->tensor(session->builder().parameter(fmt::format("arg{}", i), types[i])));
  }
  std::vector<ValueId> outputs;
  for (const auto& output : body(symbolic)) {
    if (!output.traced() || output.trace()->session != session) {
      throw std::invalid_argument(
        fmt::format("jit::function {}: every result must be computed from the arguments", name));
    }
    outputs.push_back(output.trace()->id);
  }
  return session->builder().finish(std::move(outputs));
}

// The process's runtime, with the configured bundle (JITCACHE_BUNDLE) loaded once, before the
// first function's dispatcher looks for precompiled variants.
Runtime&
runtime_with_bundle()
{
  static std::once_flag loaded;
  auto& runtime = default_runtime();
  std::call_once(loaded, [&runtime] { (void)load_configured_bundle(runtime); });
  return runtime;
}

} // namespace

struct FunctionCore::State {
  State(std::string function_name, const void* code)
    : name(std::move(function_name)),
      dispatcher(name, runtime_with_bundle(), options_from_config(), /*traced=*/true,
                 traced_function_identity(name, code))
  {
  }
  std::string name;
  Dispatcher dispatcher;
  mutable std::mutex mutex; // guards stats
  FunctionStats stats;
};

FunctionCore::FunctionCore(std::string name, const void* code)
  : m_state(std::make_unique<State>(std::move(name), code))
{
}

FunctionCore::~FunctionCore() = default;

FunctionStats
FunctionCore::stats() const
{
  std::lock_guard lock(m_state->mutex);
  return m_state->stats;
}

void
FunctionCore::mark_dynamic(size_t arg, size_t dim)
{
  m_state->dispatcher.mark_dynamic(arg, dim);
}

void
FunctionCore::set_strategy(Strategy strategy, std::optional<Strategy> recursive)
{
  m_state->dispatcher.set_strategy(internal(strategy),
                                   recursive ? std::optional(internal(*recursive)) : std::nullopt);
}

std::vector<std::string>
FunctionCore::recompile_reasons() const
{
  return m_state->dispatcher.recompile_reasons();
}

std::vector<Tensor>
FunctionCore::call(std::span<const Tensor> inputs, const Body& body)
{
  for (const auto& input : inputs) {
    if (!input.defined() || input.traced()) {
      throw std::invalid_argument(
        fmt::format("jit::function {}: arguments must be tensors with data", m_state->name));
    }
  }
  const auto& name = m_state->name;
  const Dispatcher::BuildGraph build = [&](std::span<const ArgView> args,
                                           const dispatch::DynamicDims& dynamic) {
    const auto types = traced_parameter_types(args, dynamic);
    try {
      return Expected<Graph>(trace(name, types, body));
    } catch (const std::invalid_argument&) {
      if (!dynamic.any()) {
        throw;
      }
      // The body does not trace with symbolic sizes (it computes with a size, say): this
      // call compiles with constants instead.
      return Expected<Graph>(trace(name, traced_parameter_types(args, {}), body));
    }
  };
  const Dispatcher::RunEager eager = [&](std::span<const Tensor> arguments) {
    return Expected<std::vector<Tensor>>(body(arguments)); // eager ops, on the interpreter
  };
  FunctionStats delta;
  auto results = m_state->dispatcher.call(inputs, build, eager, delta);
  {
    std::lock_guard lock(m_state->mutex);
    m_state->stats.add(delta);
  }
  if (!results) {
    throw std::invalid_argument(fmt::format("jit::function {}: {}", name, results.error().message));
  }
  return std::move(*results);
}

} // namespace jitcache::jit::detail

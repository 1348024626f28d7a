// jit::function's type-independent half: specializations by input dtypes and sizes, tracing,
// and running through the default runtime.
#include "jit/default_runtime.hpp"
#include "jit/interpreter.hpp"
#include "jit/program.hpp"
#include "jit/trace_session.hpp"
#include "util/log.hpp"

#include <jitcache/jit/function.hpp>

#include "util/clock.hpp"

#include <fmt/format.h>

#include <chrono>
#include <map>
#include <mutex>
#include <stdexcept>

namespace jitcache::jit::detail {

namespace {

using Clock = std::chrono::steady_clock;

// What a specialization is keyed by in memory: each input's dtype and sizes.
std::string
signature_of(std::span<const Tensor> inputs)
{
  std::string signature;
  for (const auto& input : inputs) {
    signature += describe(input);
    signature += ';';
  }
  return signature;
}

struct Specialization {
  Graph graph;
  std::shared_ptr<const Executable> executable; // empty: runs on the interpreter
};

} // namespace

struct FunctionCore::State {
  std::string name;
  mutable std::mutex mutex;
  std::map<std::string, std::shared_ptr<Specialization>> specializations;
  FunctionStats stats;
};

FunctionCore::FunctionCore(std::string name) : m_state(std::make_unique<State>())
{
  m_state->name = std::move(name);
}

FunctionCore::~FunctionCore() = default;

FunctionStats
FunctionCore::stats() const
{
  std::lock_guard lock(m_state->mutex);
  return m_state->stats;
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
  const auto signature = signature_of(inputs);
  std::shared_ptr<Specialization> specialization;
  FunctionStats delta;
  {
    std::lock_guard lock(m_state->mutex);
    if (auto found = m_state->specializations.find(signature);
        found != m_state->specializations.end()) {
      specialization = found->second;
      ++delta.memory_hits;
    }
  }
  if (!specialization) {
    // Trace: run the body on symbolic tensors with these dtypes and sizes.
    const auto trace_start = Clock::now();
    auto session = std::make_shared<TraceSession>(m_state->name);
    std::vector<Tensor> symbolic;
    for (size_t i = 0; i < inputs.size(); ++i) {
      const TensorType type = type_of(inputs[i]);
      symbolic.push_back(
        session->tensor(session->builder().parameter(fmt::format("arg{}", i), type)));
    }
    std::vector<ValueId> outputs;
    for (const auto& output : body(symbolic)) {
      if (!output.traced() || output.trace()->session != session) {
        throw std::invalid_argument(fmt::format(
          "jit::function {}: every result must be computed from the arguments", m_state->name));
      }
      outputs.push_back(output.trace()->id);
    }
    specialization = std::make_shared<Specialization>();
    specialization->graph = session->builder().finish(std::move(outputs));
    ++delta.traces;
    delta.trace_ms += util::elapsed_ms(trace_start);

    auto prepared = default_runtime().prepare(specialization->graph, delta);
    specialization->executable = prepared.executable;
    if (!prepared.executable) {
      delta.degraded = true;
      util::warn_once("jit-function-" + m_state->name,
                      fmt::format("jitcache: {}: {}; it runs on the interpreter", m_state->name,
                                  prepared.failure));
    }
    std::lock_guard lock(m_state->mutex);
    m_state->specializations.emplace(signature, specialization);
  }
  const auto execute_start = Clock::now();
  auto results = specialization->executable ? specialization->executable->run(inputs)
                                            : interpret(specialization->graph, inputs);
  delta.execute_ms += util::elapsed_ms(execute_start);
  ++delta.calls;
  {
    std::lock_guard lock(m_state->mutex);
    m_state->stats.add(delta);
  }
  if (!results) {
    throw std::invalid_argument(
      fmt::format("jit::function {}: {}", m_state->name, results.error().message));
  }
  return std::move(*results);
}

} // namespace jitcache::jit::detail

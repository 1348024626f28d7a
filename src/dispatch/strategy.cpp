#include "dispatch/strategy.hpp"

namespace jitcache::dispatch {

namespace {

thread_local std::optional<Strategy> t_recursive;

} // namespace

std::string_view
to_string(Strategy strategy)
{
  switch (strategy) {
  case Strategy::compile: return "compile";
  case Strategy::run_only: return "run_only";
  case Strategy::skip: return "skip";
  }
  return "compile";
}

std::optional<Strategy>
parse_strategy(std::string_view text)
{
  for (const auto strategy : {Strategy::compile, Strategy::run_only, Strategy::skip}) {
    if (text == to_string(strategy)) {
      return strategy;
    }
  }
  return std::nullopt;
}

std::optional<Strategy>
inherited_strategy()
{
  return t_recursive;
}

RecursiveStrategyScope::RecursiveStrategyScope(std::optional<Strategy> strategy)
  : m_previous(t_recursive), m_active(strategy.has_value())
{
  if (m_active) {
    t_recursive = strategy;
  }
}

RecursiveStrategyScope::~RecursiveStrategyScope()
{
  if (m_active) {
    t_recursive = m_previous;
  }
}

} // namespace jitcache::dispatch

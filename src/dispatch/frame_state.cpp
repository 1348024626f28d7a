#include "dispatch/frame_state.hpp"

#include <fmt/format.h>

#include <bit>

namespace jitcache::dispatch {

bool
DynamicDims::is_dynamic(size_t arg, size_t dim) const
{
  return arg < args.size() && dim < args[arg].size() && args[arg][dim];
}

bool
DynamicDims::any() const
{
  for (const auto& dims : args) {
    for (const bool dynamic : dims) {
      if (dynamic) {
        return true;
      }
    }
  }
  return false;
}

bool
DynamicDims::merge(const DynamicDims& other)
{
  bool changed = false;
  if (args.size() < other.args.size()) {
    args.resize(other.args.size());
  }
  for (size_t a = 0; a < other.args.size(); ++a) {
    if (args[a].size() < other.args[a].size()) {
      args[a].resize(other.args[a].size(), false);
    }
    for (size_t d = 0; d < other.args[a].size(); ++d) {
      if (other.args[a][d] && !args[a][d]) {
        args[a][d] = true;
        changed = true;
      }
    }
  }
  return changed;
}

std::string
DynamicDims::to_string() const
{
  std::string text;
  for (size_t a = 0; a < args.size(); ++a) {
    for (size_t d = 0; d < args[a].size(); ++d) {
      if (args[a][d]) {
        text += fmt::format("{}a{}[{}]", text.empty() ? "" : " ", a, d);
      }
    }
  }
  return text;
}

void
FrameState::ensure(size_t arg, size_t dims)
{
  for (auto* table : {&m_dynamic.args, &m_marked_static}) {
    if (table->size() <= arg) {
      table->resize(arg + 1);
    }
    if ((*table)[arg].size() < dims) {
      (*table)[arg].resize(dims, false);
    }
  }
}

void
FrameState::mark_dynamic(size_t arg, size_t dim)
{
  ensure(arg, dim + 1);
  m_dynamic.args[arg][dim] = true;
  m_marked_static[arg][dim] = false;
}

void
FrameState::mark_static(size_t arg, size_t dim)
{
  ensure(arg, dim + 1);
  m_marked_static[arg][dim] = true;
  m_dynamic.args[arg][dim] = false;
}

void
FrameState::seed(const DynamicDims& dims)
{
  for (size_t a = 0; a < dims.args.size(); ++a) {
    for (size_t d = 0; d < dims.args[a].size(); ++d) {
      ensure(a, d + 1);
      if (dims.args[a][d] && !m_marked_static[a][d]) {
        m_dynamic.args[a][d] = true;
      }
    }
  }
}

FrameState::Seen
FrameState::seen_of(const ArgView& arg)
{
  Seen seen{arg.kind, arg.dtype, {}};
  switch (arg.kind) {
  case ArgView::Kind::tensor: seen.values.assign(arg.sizes, arg.sizes + arg.rank); break;
  case ArgView::Kind::integer: seen.values.push_back(arg.integer); break;
  case ArgView::Kind::real: seen.values.push_back(std::bit_cast<int64_t>(arg.real)); break;
  }
  return seen;
}

const DynamicDims&
FrameState::observe(std::span<const ArgView> args)
{
  for (size_t a = 0; a < args.size(); ++a) {
    Seen now = seen_of(args[a]);
    ensure(a, now.values.size());
    if (a >= m_seen.size()) {
      m_seen.push_back(now);
      for (size_t d = 0; d < now.values.size(); ++d) {
        if (!m_assume_static && !m_marked_static[a][d]) {
          m_dynamic.args[a][d] = true;
        }
      }
      continue;
    }
    Seen& before = m_seen[a];
    if (before.kind != now.kind || before.dtype != now.dtype ||
        before.values.size() != now.values.size()) {
      before = std::move(now); // another kind of call altogether: nothing to generalize
      continue;
    }
    for (size_t d = 0; d < now.values.size(); ++d) {
      if (before.values[d] != now.values[d] && !m_marked_static[a][d]) {
        m_dynamic.args[a][d] = true;
      }
    }
  }
  return m_dynamic;
}

} // namespace jitcache::dispatch

// FrameState: automatic dynamic shapes for one function. It remembers the sizes (and scalar
// values) each argument had when the function was first compiled; when a later compile sees
// a different value, that dimension becomes dynamic for good, so the new variant serves
// every size (a batch sweep 1..64 costs two compiles, not 64). Dimensions can be marked
// dynamic or static up front; with assume_static_by_default off, every dimension not marked
// static is dynamic from the first compile.
#pragma once

#include <jitcache/arg_view.hpp>

#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace jitcache::dispatch {

// Per argument, per dimension (one slot for a scalar's value): dynamic or not.
struct DynamicDims {
  std::vector<std::vector<bool>> args;

  bool is_dynamic(size_t arg, size_t dim) const;
  bool any() const;
  // Sets every flag that is set in `other`; returns whether anything changed.
  bool merge(const DynamicDims& other);
  // "a0[0]" style list of the dynamic dimensions, for logs and `jitcache pgo show`.
  std::string to_string() const;
  bool operator==(const DynamicDims&) const = default;
};

class FrameState {
public:
  explicit FrameState(bool assume_static_by_default = true)
    : m_assume_static(assume_static_by_default)
  {
  }

  void mark_dynamic(size_t arg, size_t dim);
  void mark_static(size_t arg, size_t dim);
  // Dimensions known to vary, e.g. from a persisted profile.
  void seed(const DynamicDims& dims);

  // Records a call that is about to be compiled; returns the dimensions to compile dynamic.
  const DynamicDims& observe(std::span<const ArgView> args);

  const DynamicDims&
  dynamic() const
  {
    return m_dynamic;
  }

private:
  struct Seen {
    ArgView::Kind kind = ArgView::Kind::tensor;
    uint8_t dtype = 0;
    std::vector<int64_t> values; // sizes, or the scalar's bits
  };

  static Seen seen_of(const ArgView& arg);
  void ensure(size_t arg, size_t dims);

  bool m_assume_static;
  std::vector<std::vector<bool>> m_marked_static;
  std::vector<Seen> m_seen;
  DynamicDims m_dynamic;
};

} // namespace jitcache::dispatch

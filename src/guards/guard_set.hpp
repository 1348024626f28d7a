// GuardSet: the conditions under which a compiled variant may serve a call, checked against
// the call's ArgViews.
//
// Items, in the text form stored with guarded entries (items joined by "; "):
//   a0 dtype 2 sizes [s0, 128] strides [128, 1]   a tensor: dtype code, rank and each size
//                                                  (fixed, or a size symbol) and stride
//                                                  (fixed, or "?" for any)
//   a1 aligned 16                                  a tensor's data pointer alignment in bytes
//   a2 == 3        a3 == 0.5                       an integer or real scalar's value
//   s0 % 16 == 0                                   a ShapeExpr over the size symbols
//   args 3                                         the call has exactly 3 arguments
// The first appearance of a symbol in a tensor item binds it; later ones must be equal.
//
// A set compiles into a flat list of steps over a fixed array of symbol values: a check
// allocates nothing and makes no virtual call. explain() names the first failing item and why.
#pragma once

#include "guards/shape_expr.hpp"
#include "guards/static_match.hpp"

#include <jitcache/arg_view.hpp>
#include <jitcache/error.hpp>

#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

namespace jitcache::guards {

// A size or stride in a tensor item: a fixed value, a symbol, or (strides only) anything.
struct DimGuard {
  enum class Kind : uint8_t { fixed, symbol, any };
  Kind kind = Kind::fixed;
  int64_t value = 0; // fixed: the value; symbol: its index

  static DimGuard
  of(int64_t value)
  {
    return {Kind::fixed, value};
  }
  static DimGuard
  symbol(uint32_t index)
  {
    return {Kind::symbol, index};
  }
  static DimGuard
  any()
  {
    return {Kind::any, 0};
  }
  bool operator==(const DimGuard&) const = default;
};

struct TensorGuard {
  uint8_t arg = 0;
  uint8_t dtype = 0;
  std::vector<DimGuard> sizes;
  std::vector<DimGuard> strides; // empty: not checked
  bool operator==(const TensorGuard&) const = default;
};

class GuardSet {
public:
  static constexpr size_t k_max_symbols = 64;

  void add_tensor(TensorGuard guard);
  void add_alignment(uint8_t arg, uint32_t bytes);
  void add_integer(uint8_t arg, int64_t value);
  void add_real(uint8_t arg, double value);
  void add_relation(ShapeExpr relation);
  void add_arity(uint32_t count);

  // Reads the text form; errors name the item and the offset within it.
  static Expected<GuardSet> parse(std::string_view text);
  std::string to_string() const;

  bool check(std::span<const ArgView> args) const;
  // The index of the first item that fails (in check order), if any: for counting failures.
  std::optional<uint32_t> failing_item(std::span<const ArgView> args) const;
  // Fail fast: checks items with more failures first (`failures` has one count per item).
  // Relations stay last, after every size they read is bound; the text form keeps its order.
  void order_checks(std::span<const uint64_t> failures);
  // The argument an item is about (a tensor, alignment or scalar item), if any.
  std::optional<uint8_t> item_argument(uint32_t item) const;
  // Why check() fails: the failing item's text and the values it saw; empty when it passes.
  std::string explain(std::span<const ArgView> args) const;

  // A set that fixes the argument count, each argument's kind and every tensor's dtype and
  // sizes (or each scalar's value), with no alignment guard and no relation, is "static":
  // every call it admits packs to the same CallKey, and a function cache finds it by hash.
  std::optional<StaticMatch> static_match() const;

  size_t
  item_count() const
  {
    return m_items.size();
  }

private:
  struct Alignment {
    uint8_t arg = 0;
    uint32_t bytes = 0;
  };
  struct IntegerValue {
    uint8_t arg = 0;
    int64_t value = 0;
  };
  struct RealValue {
    uint8_t arg = 0;
    double value = 0;
  };
  struct Arity {
    uint32_t count = 0;
  };
  using Item = std::variant<TensorGuard, Alignment, IntegerValue, RealValue, ShapeExpr, Arity>;

  enum class StepKind : uint8_t {
    arity,
    tensor_kind,
    integer_kind,
    real_kind,
    dtype,
    rank,
    size_fixed,
    size_bind,
    size_match,
    stride_fixed,
    aligned,
    integer_value,
    real_value,
    relation,
  };
  struct Step {
    StepKind kind = StepKind::tensor_kind;
    uint8_t arg = 0;
    uint8_t dim = 0;
    uint32_t item = 0; // the item it checks, for explain() and relations
    int64_t value = 0; // a fixed value, symbol index or alignment
    double real = 0;
  };

  void add(Item item);
  void compile();
  static std::string item_text(const Item& item);
  // The index of the first failing step, or -1; `symbols` receives the bound sizes.
  int64_t first_failure(std::span<const ArgView> args, std::span<int64_t> symbols) const;

  std::vector<Item> m_items;
  std::vector<uint32_t> m_check_order; // item indices, in the order their steps run
  std::vector<Step> m_steps;
  size_t m_symbol_count = 0; // one more than the highest symbol index any item uses
};

} // namespace jitcache::guards

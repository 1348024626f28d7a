#include "guards/guard_set.hpp"

#include "guards/call_key.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdlib>
#include <numeric>
#include <optional>

namespace jitcache::guards {

namespace {

std::string
dims_text(const std::vector<DimGuard>& dims)
{
  std::vector<std::string> parts;
  parts.reserve(dims.size());
  for (const auto& dim : dims) {
    parts.push_back(dim.kind == DimGuard::Kind::fixed    ? std::to_string(dim.value)
                    : dim.kind == DimGuard::Kind::symbol ? fmt::format("s{}", dim.value)
                                                         : std::string("?"));
  }
  return fmt::format("[{}]", fmt::join(parts, ", "));
}

// A reader of one item's text; errors carry the offset within the item.
class ItemReader {
public:
  explicit ItemReader(std::string_view text) : m_text(text) {}

  void
  skip_space()
  {
    while (m_at < m_text.size() && m_text[m_at] == ' ') {
      ++m_at;
    }
  }
  bool
  accept(std::string_view token)
  {
    skip_space();
    if (m_text.substr(m_at, token.size()) == token) {
      m_at += token.size();
      return true;
    }
    return false;
  }
  bool
  done()
  {
    skip_space();
    return m_at == m_text.size();
  }
  std::unexpected<Error>
  error(std::string_view message) const
  {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("guard '{}', offset {}: {}", m_text, m_at, message));
  }
  template<typename T>
  std::optional<T>
  number()
  {
    skip_space();
    T value{};
    auto [end, ec] = std::from_chars(m_text.data() + m_at, m_text.data() + m_text.size(), value);
    if (ec != std::errc()) {
      return std::nullopt;
    }
    m_at = static_cast<size_t>(end - m_text.data());
    return value;
  }
  Expected<std::vector<DimGuard>>
  dims(bool allow_any)
  {
    std::vector<DimGuard> result;
    if (!accept("[")) {
      return error("expected '['");
    }
    while (!accept("]")) {
      if (!result.empty() && !accept(",")) {
        return error("expected ',' or ']'");
      }
      if (allow_any && accept("?")) {
        result.push_back(DimGuard::any());
      } else if (accept("s")) {
        auto index = number<uint32_t>();
        if (!index || *index >= GuardSet::k_max_symbols) {
          return error(
            fmt::format("expected a size symbol s0 to s{}", GuardSet::k_max_symbols - 1));
        }
        result.push_back(DimGuard::symbol(*index));
      } else if (auto value = number<int64_t>()) {
        result.push_back(DimGuard::of(*value));
      } else {
        return error(allow_any ? "expected a stride, a symbol or '?'"
                               : "expected a size or a symbol");
      }
    }
    return result;
  }

private:
  std::string_view m_text;
  size_t m_at = 0;
};

} // namespace

void
GuardSet::add(Item item)
{
  m_items.push_back(std::move(item));
  m_check_order.push_back(static_cast<uint32_t>(m_items.size() - 1));
  compile();
}

void
GuardSet::order_checks(std::span<const uint64_t> failures)
{
  auto count = [&](uint32_t item) { return item < failures.size() ? failures[item] : 0; };
  std::stable_sort(m_check_order.begin(), m_check_order.end(),
                   [&](uint32_t a, uint32_t b) { return count(a) > count(b); });
  compile();
}

std::optional<uint32_t>
GuardSet::failing_item(std::span<const ArgView> args) const
{
  std::array<int64_t, k_max_symbols> symbols{};
  const auto failed = first_failure(args, symbols);
  if (failed < 0) {
    return std::nullopt;
  }
  return m_steps[static_cast<size_t>(failed)].item;
}

std::optional<uint8_t>
GuardSet::item_argument(uint32_t item) const
{
  if (item >= m_items.size()) {
    return std::nullopt;
  }
  return std::visit(
    [](const auto& value) -> std::optional<uint8_t> {
      if constexpr (requires { value.arg; }) {
        return value.arg;
      } else {
        return std::nullopt;
      }
    },
    m_items[item]);
}

void
GuardSet::add_tensor(TensorGuard guard)
{
  add(std::move(guard));
}

void
GuardSet::add_alignment(uint8_t arg, uint32_t bytes)
{
  add(Alignment{arg, bytes});
}

void
GuardSet::add_integer(uint8_t arg, int64_t value)
{
  add(IntegerValue{arg, value});
}

void
GuardSet::add_real(uint8_t arg, double value)
{
  add(RealValue{arg, value});
}

void
GuardSet::add_relation(ShapeExpr relation)
{
  add(std::move(relation));
}

void
GuardSet::add_arity(uint32_t count)
{
  add(Arity{count});
}

std::optional<StaticMatch>
GuardSet::static_match() const
{
  const Arity* arity = nullptr;
  for (const auto& item : m_items) {
    if (const auto* found = std::get_if<Arity>(&item)) {
      if (arity != nullptr) {
        return std::nullopt; // two counts (only add_arity can make that): leave it to check()
      }
      arity = found;
    } else if (std::holds_alternative<Alignment>(item) || std::holds_alternative<ShapeExpr>(item)) {
      return std::nullopt;
    }
  }
  // Items name arguments a0 to a255: a larger count cannot have every argument fixed.
  if (arity == nullptr || arity->count > 256) {
    return std::nullopt;
  }
  // The views a call would present, rebuilt from the items; each argument fixed exactly once.
  std::vector<ArgView> views(arity->count);
  std::vector<bool> fixed(arity->count, false);
  std::vector<std::vector<int64_t>> sizes(arity->count);
  std::vector<StaticMatch::Stride> strides;
  auto fix = [&](uint8_t arg) {
    if (arg >= arity->count || fixed[arg]) {
      return false;
    }
    fixed[arg] = true;
    return true;
  };
  for (const auto& item : m_items) {
    if (const auto* tensor = std::get_if<TensorGuard>(&item)) {
      if (!fix(tensor->arg)) {
        return std::nullopt;
      }
      for (const auto& size : tensor->sizes) {
        if (size.kind != DimGuard::Kind::fixed) {
          return std::nullopt;
        }
        sizes[tensor->arg].push_back(size.value);
      }
      views[tensor->arg] =
        ArgView::tensor(tensor->dtype, static_cast<uint8_t>(tensor->sizes.size()),
                        sizes[tensor->arg].data(), nullptr, nullptr);
      const auto any = std::count_if(tensor->strides.begin(), tensor->strides.end(),
                                     [](auto& s) { return s.kind != DimGuard::Kind::fixed; });
      if ((any != 0 && static_cast<size_t>(any) != tensor->strides.size()) ||
          (!tensor->strides.empty() && tensor->strides.size() != tensor->sizes.size())) {
        return std::nullopt; // some strides checked and others not, or a stride per size
                             // missing: leave it to check()
      }
      for (size_t d = 0; any == 0 && d < tensor->strides.size(); ++d) {
        if (sizes[tensor->arg][d] != 1) { // a size-1 dimension takes any stride
          strides.push_back({tensor->arg, static_cast<uint8_t>(d), tensor->strides[d].value});
        }
      }
    } else if (const auto* integer = std::get_if<IntegerValue>(&item)) {
      if (!fix(integer->arg)) {
        return std::nullopt;
      }
      views[integer->arg] = ArgView::of_integer(integer->value);
    } else if (const auto* real = std::get_if<RealValue>(&item)) {
      if (!fix(real->arg)) {
        return std::nullopt;
      }
      views[real->arg] = ArgView::of_real(real->value);
    }
  }
  if (std::find(fixed.begin(), fixed.end(), false) != fixed.end()) {
    return std::nullopt;
  }
  CallKey key;
  if (!key.pack(views)) {
    return std::nullopt;
  }
  return StaticMatch(key.words(), std::move(strides));
}

// Tensor, alignment and scalar steps in check order, then relations, once every symbol is
// bound. Whichever tensor item names a symbol first binds it, so any order is valid.
void
GuardSet::compile()
{
  m_steps.clear();
  m_symbol_count = 0;
  for (const auto& item : m_items) {
    if (const auto* tensor = std::get_if<TensorGuard>(&item)) {
      for (const auto& size : tensor->sizes) {
        if (size.kind == DimGuard::Kind::symbol) {
          m_symbol_count = std::max(m_symbol_count, static_cast<size_t>(size.value) + 1);
        }
      }
    } else if (const auto* relation = std::get_if<ShapeExpr>(&item)) {
      // A relation may name symbols past the array (no tensor binds them): they read as 0.
      m_symbol_count =
        std::max<size_t>(m_symbol_count, std::min<size_t>(relation->symbol_count(), k_max_symbols));
    }
  }
  for (const uint32_t i : m_check_order) {
    if (const auto* arity = std::get_if<Arity>(&m_items[i])) {
      m_steps.push_back({StepKind::arity, 0, 0, i, arity->count, 0});
    }
  }
  std::array<bool, k_max_symbols> bound{};
  for (const uint32_t i : m_check_order) {
    const auto& item = m_items[i];
    if (const auto* tensor = std::get_if<TensorGuard>(&item)) {
      const uint8_t arg = tensor->arg;
      m_steps.push_back({StepKind::tensor_kind, arg, 0, i, 0, 0});
      m_steps.push_back({StepKind::dtype, arg, 0, i, tensor->dtype, 0});
      m_steps.push_back({StepKind::rank, arg, 0, i, static_cast<int64_t>(tensor->sizes.size()), 0});
      for (size_t d = 0; d < tensor->sizes.size(); ++d) {
        const auto& size = tensor->sizes[d];
        const auto dim = static_cast<uint8_t>(d);
        if (size.kind == DimGuard::Kind::fixed) {
          m_steps.push_back({StepKind::size_fixed, arg, dim, i, size.value, 0});
        } else if (size.kind == DimGuard::Kind::symbol) {
          auto& is_bound = bound.at(static_cast<size_t>(size.value));
          m_steps.push_back(
            {is_bound ? StepKind::size_match : StepKind::size_bind, arg, dim, i, size.value, 0});
          is_bound = true;
        }
      }
      for (size_t d = 0; d < tensor->strides.size(); ++d) {
        if (tensor->strides[d].kind == DimGuard::Kind::fixed) {
          m_steps.push_back(
            {StepKind::stride_fixed, arg, static_cast<uint8_t>(d), i, tensor->strides[d].value, 0});
        }
      }
    } else if (const auto* alignment = std::get_if<Alignment>(&item)) {
      m_steps.push_back({StepKind::tensor_kind, alignment->arg, 0, i, 0, 0});
      m_steps.push_back({StepKind::aligned, alignment->arg, 0, i, alignment->bytes, 0});
    } else if (const auto* integer = std::get_if<IntegerValue>(&item)) {
      m_steps.push_back({StepKind::integer_kind, integer->arg, 0, i, 0, 0});
      m_steps.push_back({StepKind::integer_value, integer->arg, 0, i, integer->value, 0});
    } else if (const auto* real = std::get_if<RealValue>(&item)) {
      m_steps.push_back({StepKind::real_kind, real->arg, 0, i, 0, 0});
      m_steps.push_back({StepKind::real_value, real->arg, 0, i, 0, real->value});
    }
  }
  for (const uint32_t i : m_check_order) {
    if (std::holds_alternative<ShapeExpr>(m_items[i])) {
      m_steps.push_back({StepKind::relation, 0, 0, i, 0, 0});
    }
  }
}

int64_t
GuardSet::first_failure(std::span<const ArgView> args, std::span<int64_t> symbols) const
{
  for (size_t s = 0; s < m_steps.size(); ++s) {
    const Step& step = m_steps[s];
    if (step.kind == StepKind::relation) {
      if (!std::get<ShapeExpr>(m_items[step.item]).holds(symbols)) {
        return static_cast<int64_t>(s);
      }
      continue;
    }
    if (step.kind == StepKind::arity) {
      if (args.size() != static_cast<size_t>(step.value)) {
        return static_cast<int64_t>(s);
      }
      continue;
    }
    if (step.arg >= args.size()) {
      return static_cast<int64_t>(s);
    }
    const ArgView& arg = args[step.arg];
    bool ok = true;
    switch (step.kind) {
    case StepKind::tensor_kind: ok = arg.kind == ArgView::Kind::tensor; break;
    case StepKind::integer_kind: ok = arg.kind == ArgView::Kind::integer; break;
    case StepKind::real_kind: ok = arg.kind == ArgView::Kind::real; break;
    case StepKind::dtype: ok = arg.dtype == step.value; break;
    case StepKind::rank: ok = arg.rank == step.value; break;
    case StepKind::size_fixed: ok = arg.sizes[step.dim] == step.value; break;
    case StepKind::size_bind: symbols[static_cast<size_t>(step.value)] = arg.sizes[step.dim]; break;
    case StepKind::size_match:
      ok = symbols[static_cast<size_t>(step.value)] == arg.sizes[step.dim];
      break;
    case StepKind::stride_fixed:
      ok = arg.sizes[step.dim] == 1 || arg.strides[step.dim] == step.value; // size 1: any stride
      break;
    case StepKind::aligned: ok = arg.data % static_cast<uint64_t>(step.value) == 0; break;
    case StepKind::integer_value: ok = arg.integer == step.value; break;
    case StepKind::real_value:
      ok = arg.real == step.real || (std::isnan(arg.real) && std::isnan(step.real));
      break;
    case StepKind::relation:
    case StepKind::arity: break; // handled above
    }
    if (!ok) {
      return static_cast<int64_t>(s);
    }
  }
  return -1;
}

bool
GuardSet::check(std::span<const ArgView> args) const
{
  // Only the symbols this set uses are cleared (a relation may name one no tensor binds: it
  // reads 0), not all 64 slots on every check.
  std::array<int64_t, k_max_symbols> symbols; // NOLINT(cppcoreguidelines-pro-type-member-init)
  std::fill_n(symbols.begin(), m_symbol_count, 0);
  return first_failure(args, symbols) < 0;
}

std::string
GuardSet::explain(std::span<const ArgView> args) const
{
  std::array<int64_t, k_max_symbols> symbols{};
  const auto failed = first_failure(args, symbols);
  if (failed < 0) {
    return {};
  }
  const Step& step = m_steps[static_cast<size_t>(failed)];
  const auto text = item_text(m_items[step.item]);
  if (step.kind == StepKind::arity) {
    return fmt::format("{}: the call has {} arguments", text, args.size());
  }
  if (step.kind != StepKind::relation && step.arg >= args.size()) {
    return fmt::format("{}: the call has only {} arguments", text, args.size());
  }
  const ArgView* arg = step.kind == StepKind::relation ? nullptr : &args[step.arg];
  switch (step.kind) {
  case StepKind::tensor_kind:
  case StepKind::integer_kind:
  case StepKind::real_kind:
    return fmt::format("{}: a{} is another kind of argument", text, step.arg);
  case StepKind::dtype: return fmt::format("{}: a{} has dtype {}", text, step.arg, arg->dtype);
  case StepKind::rank: return fmt::format("{}: a{} has rank {}", text, step.arg, arg->rank);
  case StepKind::size_fixed:
  case StepKind::size_match:
    return fmt::format("{}: a{} size {} is {}", text, step.arg, step.dim, arg->sizes[step.dim]);
  case StepKind::stride_fixed:
    return fmt::format("{}: a{} stride {} is {}", text, step.arg, step.dim, arg->strides[step.dim]);
  case StepKind::aligned:
    return fmt::format("{}: a{} is at address {:#x}", text, step.arg, arg->data);
  case StepKind::integer_value: return fmt::format("{}: a{} is {}", text, step.arg, arg->integer);
  case StepKind::real_value: return fmt::format("{}: a{} is {}", text, step.arg, arg->real);
  default: {
    const auto& relation = std::get<ShapeExpr>(m_items[step.item]);
    std::vector<std::string> values;
    for (uint32_t s = 0; s < std::min<size_t>(relation.symbol_count(), k_max_symbols); ++s) {
      values.push_back(fmt::format("s{} = {}", s, symbols[s]));
    }
    return fmt::format("{} is false with {}", text, fmt::join(values, ", "));
  }
  }
}

std::string
GuardSet::item_text(const Item& item)
{
  if (const auto* tensor = std::get_if<TensorGuard>(&item)) {
    auto text =
      fmt::format("a{} dtype {} sizes {}", tensor->arg, tensor->dtype, dims_text(tensor->sizes));
    if (!tensor->strides.empty()) {
      text += " strides " + dims_text(tensor->strides);
    }
    return text;
  }
  if (const auto* alignment = std::get_if<Alignment>(&item)) {
    return fmt::format("a{} aligned {}", alignment->arg, alignment->bytes);
  }
  if (const auto* integer = std::get_if<IntegerValue>(&item)) {
    return fmt::format("a{} == {}", integer->arg, integer->value);
  }
  if (const auto* real = std::get_if<RealValue>(&item)) {
    // Always with a '.' or an exponent, so that it reads back as a real.
    auto text = fmt::format("{}", real->value);
    if (text.find_first_of(".eni") == std::string::npos) {
      text += ".0";
    }
    return fmt::format("a{} == {}", real->arg, text);
  }
  if (const auto* arity = std::get_if<Arity>(&item)) {
    return fmt::format("args {}", arity->count);
  }
  return std::get<ShapeExpr>(item).to_string();
}

std::string
GuardSet::to_string() const
{
  std::vector<std::string> parts;
  parts.reserve(m_items.size());
  for (const auto& item : m_items) {
    parts.push_back(item_text(item));
  }
  return fmt::format("{}", fmt::join(parts, "; "));
}

Expected<GuardSet>
GuardSet::parse(std::string_view text)
{
  GuardSet set;
  size_t begin = 0;
  while (begin <= text.size()) {
    auto end = text.find(';', begin);
    if (end == std::string_view::npos) {
      end = text.size();
    }
    auto item = text.substr(begin, end - begin);
    while (!item.empty() && item.front() == ' ') {
      item.remove_prefix(1);
    }
    while (!item.empty() && item.back() == ' ') {
      item.remove_suffix(1);
    }
    begin = end + 1;
    if (item.empty()) {
      if (end == text.size() && set.m_items.empty()) {
        break; // the empty set
      }
      return make_error(ErrorCode::invalid_argument,
                        fmt::format("guard set '{}': an empty item", text));
    }
    if (item.starts_with("args ")) {
      ItemReader reader(item);
      reader.accept("args");
      auto count = reader.number<uint32_t>();
      if (!count || !reader.done()) {
        return reader.error("expected 'args N'");
      }
      if (std::any_of(set.m_items.begin(), set.m_items.end(),
                      [](const Item& other) { return std::holds_alternative<Arity>(other); })) {
        return reader.error("the argument count is given twice");
      }
      set.m_items.emplace_back(Arity{*count});
      continue;
    }
    if (!(item.size() > 1 && item[0] == 'a' && std::isdigit(static_cast<unsigned char>(item[1])))) {
      auto relation = ShapeExpr::parse(item);
      if (!relation) {
        return std::unexpected(relation.error());
      }
      set.m_items.emplace_back(std::move(*relation));
      continue;
    }
    ItemReader reader(item);
    reader.accept("a");
    auto arg = reader.number<unsigned>();
    if (!arg || *arg > 255) {
      return reader.error("expected an argument number a0 to a255");
    }
    const auto index = static_cast<uint8_t>(*arg);
    if (reader.accept("dtype")) {
      auto dtype = reader.number<unsigned>();
      if (!dtype || *dtype > 255 || !reader.accept("sizes")) {
        return reader.error("expected 'dtype N sizes [...]'");
      }
      auto sizes = reader.dims(false);
      if (!sizes) {
        return std::unexpected(sizes.error());
      }
      TensorGuard tensor{index, static_cast<uint8_t>(*dtype), std::move(*sizes), {}};
      if (reader.accept("strides")) {
        auto strides = reader.dims(true);
        if (!strides) {
          return std::unexpected(strides.error());
        }
        if (strides->size() != tensor.sizes.size()) {
          return reader.error("strides and sizes differ in number");
        }
        tensor.strides = std::move(*strides);
      }
      set.m_items.emplace_back(std::move(tensor));
    } else if (reader.accept("aligned")) {
      auto bytes = reader.number<uint32_t>();
      if (!bytes || *bytes == 0) {
        return reader.error("expected an alignment in bytes");
      }
      set.m_items.emplace_back(Alignment{index, *bytes});
    } else if (reader.accept("==")) {
      reader.skip_space();
      const bool real = item.find_first_of(".eni", item.find("==")) != std::string_view::npos;
      if (real) {
        auto value = reader.number<double>();
        if (!value) {
          return reader.error("expected a number");
        }
        set.m_items.emplace_back(RealValue{index, *value});
      } else {
        auto value = reader.number<int64_t>();
        if (!value) {
          return reader.error("expected an integer");
        }
        set.m_items.emplace_back(IntegerValue{index, *value});
      }
    } else {
      return reader.error("expected 'dtype', 'aligned' or '=='");
    }
    if (!reader.done()) {
      return reader.error("unexpected text after the guard");
    }
  }
  set.m_check_order.resize(set.m_items.size());
  std::iota(set.m_check_order.begin(), set.m_check_order.end(), 0U);
  set.compile();
  return set;
}

} // namespace jitcache::guards

#include "jit/ir/graph_builder.hpp"

#include "jit/ir/dim_expr.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

namespace jitcache::jit {

namespace {

std::unexpected<Error>
type_error(std::string message)
{
  return make_error(ErrorCode::invalid_argument, std::move(message));
}

bool
is_float_only(Op op)
{
  switch (op) {
  case Op::exp:
  case Op::log:
  case Op::sqrt:
  case Op::rsqrt:
  case Op::tanh:
  case Op::sigmoid:
  case Op::gelu:
  case Op::sin:
  case Op::cos:
  case Op::pow:
  case Op::mean: return true;
  default: return false;
  }
}

// Whether `op` accepts operands of `dtype`, or a message saying why not.
std::optional<std::string>
check_operand_dtype(Op op, DType dtype)
{
  if (op == Op::opaque || op == Op::equal || op == Op::not_equal) {
    return std::nullopt;
  }
  if (is_float_only(op) && !is_float(dtype)) {
    return fmt::format("{} needs a floating-point operand (f32 or f64), got {}; use cast",
                       to_string(op), to_string(dtype));
  }
  if (dtype == DType::boolean) {
    return fmt::format("{} does not accept bool operands; use cast or where", to_string(op));
  }
  return std::nullopt;
}

} // namespace

Expected<Shape>
broadcast_shapes(const Shape& a, const Shape& b)
{
  const size_t rank = std::max(a.size(), b.size());
  Shape result(rank);
  for (size_t i = 0; i < rank; ++i) {
    // Align from the right.
    const Dim* da = i < rank - a.size() ? nullptr : &a[i - (rank - a.size())];
    const Dim* db = i < rank - b.size() ? nullptr : &b[i - (rank - b.size())];
    if (!da || (da->is_static() && da->size == 1 && db)) {
      result[i] = *db;
    } else if (!db || (db->is_static() && db->size == 1) || *da == *db) {
      result[i] = *da;
    } else {
      return type_error(fmt::format("shapes {} and {} do not broadcast: dimension {} is {} in one "
                                    "and {} in the other",
                                    to_string(a), to_string(b), i, to_string(*da), to_string(*db)));
    }
  }
  return result;
}

bool
static_sizes_fit(const TensorType& type)
{
  // tensor_bytes' rule over the static sizes, without a list of them for every node: the
  // strides, which count a size 0 as 1, must fit.
  auto spanned = static_cast<int64_t>(dtype_size(type.dtype));
  for (const auto& dim : type.shape) {
    const int64_t size = dim.is_static() ? std::abs(dim.size) : 1; // reshape's -1 is checked apart
    if (__builtin_mul_overflow(spanned, std::max<int64_t>(size, 1), &spanned)) {
      return false;
    }
  }
  return true;
}

bool
constant_fits(DType dtype, double value)
{
  switch (dtype) {
  // Infinity and NaN are float constants (a mask's -inf); a finite value that would round to
  // infinity is not.
  case DType::f32:
    return !std::isfinite(value) || std::fabs(value) <= std::numeric_limits<float>::max();
  case DType::f64: return true;
  case DType::i32: return std::trunc(value) >= -0x1p31 && std::trunc(value) < 0x1p31;
  case DType::i64: return std::trunc(value) >= -0x1p63 && std::trunc(value) < 0x1p63;
  case DType::boolean: return !std::isnan(value);
  }
  return false;
}

GraphBuilder::GraphBuilder(std::string name)
{
  m_graph.name = std::move(name);
}

ValueId
GraphBuilder::add(Node node)
{
  node.location = m_location;
  m_graph.nodes.push_back(std::move(node));
  return static_cast<ValueId>(m_graph.nodes.size() - 1);
}

Expected<ValueId>
GraphBuilder::add_growing(Node node)
{
  if (!static_sizes_fit(node.type)) {
    return type_error(
      fmt::format("the result, {}, would take more than 2^63 bytes", to_string(node.type)));
  }
  return add(std::move(node));
}

Expected<int64_t>
GraphBuilder::normalize_axis(int64_t axis, size_t rank) const
{
  const auto signed_rank = static_cast<int64_t>(rank);
  if (axis < -signed_rank || axis >= signed_rank) {
    return type_error(fmt::format("axis {} is out of range for rank {}", axis, rank));
  }
  return axis < 0 ? axis + signed_rank : axis;
}

ValueId
GraphBuilder::parameter(std::string name, TensorType type)
{
  Node node;
  node.op = Op::parameter;
  node.type = std::move(type);
  node.parameter_index = static_cast<uint32_t>(m_graph.parameters.size());
  const auto id = add(std::move(node));
  m_graph.parameters.push_back(id);
  m_graph.parameter_names.push_back(std::move(name));
  return id;
}

Expected<ValueId>
GraphBuilder::constant(DType dtype, double value)
{
  if (!constant_fits(dtype, value)) {
    return type_error(
      fmt::format("the constant {} does not fit dtype {}", value, to_string(dtype)));
  }
  Node node;
  node.op = Op::constant;
  node.type = TensorType{dtype, {}};
  switch (dtype) {
  case DType::f32: node.value = static_cast<double>(static_cast<float>(value)); break;
  case DType::f64: node.value = value; break;
  case DType::i32:
  case DType::i64: node.value = std::trunc(value); break;
  case DType::boolean: node.value = value != 0 ? 1 : 0; break;
  }
  if (std::isnan(node.value)) { // one NaN: its sign and payload bits would split keys
    node.value = std::numeric_limits<double>::quiet_NaN();
  }
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::unary(Op op, ValueId x)
{
  if (auto problem = check_operand_dtype(op, type(x).dtype)) {
    return type_error(*problem);
  }
  Node node;
  node.op = op;
  node.inputs = {x};
  node.type = type(x);
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::binary(Op op, ValueId a, ValueId b)
{
  const auto& ta = type(a);
  const auto& tb = type(b);
  if (ta.dtype != tb.dtype) {
    return type_error(fmt::format("{} operands have different dtypes, {} and {}; use cast",
                                  to_string(op), to_string(ta.dtype), to_string(tb.dtype)));
  }
  if (auto problem = check_operand_dtype(op, ta.dtype)) {
    return type_error(*problem);
  }
  auto shape = broadcast_shapes(ta.shape, tb.shape);
  if (!shape) {
    return std::unexpected(shape.error());
  }
  Node node;
  node.op = op;
  node.inputs = {a, b};
  node.type = TensorType{is_comparison(op) ? DType::boolean : ta.dtype, std::move(*shape)};
  return add_growing(std::move(node));
}

Expected<ValueId>
GraphBuilder::where(ValueId condition, ValueId a, ValueId b)
{
  if (type(condition).dtype != DType::boolean) {
    return type_error(
      fmt::format("where needs a bool condition, got {}", to_string(type(condition).dtype)));
  }
  if (type(a).dtype != type(b).dtype) {
    return type_error(fmt::format("where's branches have different dtypes, {} and {}; use cast",
                                  to_string(type(a).dtype), to_string(type(b).dtype)));
  }
  auto shape = broadcast_shapes(type(condition).shape, type(a).shape);
  if (shape) {
    shape = broadcast_shapes(*shape, type(b).shape);
  }
  if (!shape) {
    return std::unexpected(shape.error());
  }
  Node node;
  node.op = Op::where;
  node.inputs = {condition, a, b};
  node.type = TensorType{type(a).dtype, std::move(*shape)};
  return add_growing(std::move(node));
}

Expected<ValueId>
GraphBuilder::cast(ValueId x, DType dtype)
{
  if (type(x).dtype == dtype) {
    return x;
  }
  if (node(x).op == Op::constant) {
    return constant(dtype, node(x).value); // folded, so a typed literal is one constant
  }
  Node node;
  node.op = Op::cast;
  node.inputs = {x};
  node.type = TensorType{dtype, type(x).shape};
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::reduce(Op op, ValueId x, std::optional<std::vector<int64_t>> axes, bool keepdim)
{
  const auto& tx = type(x);
  if (auto problem = check_operand_dtype(op, tx.dtype)) {
    return type_error(*problem);
  }
  std::vector<int64_t> normalized;
  if (!axes) {
    normalized.resize(tx.shape.size());
    std::iota(normalized.begin(), normalized.end(), 0);
  } else {
    for (auto axis : *axes) {
      auto n = normalize_axis(axis, tx.shape.size());
      if (!n) {
        return std::unexpected(n.error());
      }
      normalized.push_back(*n);
    }
    std::sort(normalized.begin(), normalized.end());
    if (std::adjacent_find(normalized.begin(), normalized.end()) != normalized.end()) {
      return type_error(fmt::format("{} names an axis twice", to_string(op)));
    }
  }
  Shape shape;
  for (size_t i = 0; i < tx.shape.size(); ++i) {
    const bool reduced =
      std::find(normalized.begin(), normalized.end(), static_cast<int64_t>(i)) != normalized.end();
    if (!reduced) {
      shape.push_back(tx.shape[i]);
    } else if (keepdim) {
      shape.push_back(Dim::of(1));
    }
  }
  Node node;
  node.op = op;
  node.inputs = {x};
  node.axes = std::move(normalized);
  node.keepdim = keepdim;
  node.type = TensorType{tx.dtype, std::move(shape)};
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::matmul(ValueId a, ValueId b)
{
  const auto& ta = type(a);
  const auto& tb = type(b);
  if (ta.shape.size() < 2 || tb.shape.size() < 2) {
    return type_error(fmt::format("matmul needs operands of rank 2 or more, got {} and {}",
                                  to_string(ta), to_string(tb)));
  }
  if (ta.dtype != tb.dtype) {
    return type_error(fmt::format("matmul operands have different dtypes, {} and {}; use cast",
                                  to_string(ta.dtype), to_string(tb.dtype)));
  }
  if (auto problem = check_operand_dtype(Op::matmul, ta.dtype)) {
    return type_error(*problem);
  }
  const auto& k_a = ta.shape[ta.shape.size() - 1];
  const auto& k_b = tb.shape[tb.shape.size() - 2];
  if (k_a != k_b) {
    return type_error(fmt::format("matmul of {} and {}: inner dimensions {} and {} differ",
                                  to_string(ta), to_string(tb), to_string(k_a), to_string(k_b)));
  }
  auto batch = broadcast_shapes(Shape(ta.shape.begin(), ta.shape.end() - 2),
                                Shape(tb.shape.begin(), tb.shape.end() - 2));
  if (!batch) {
    return type_error(fmt::format("matmul batch dimensions: {}", batch.error().message));
  }
  batch->push_back(ta.shape[ta.shape.size() - 2]);
  batch->push_back(tb.shape.back());
  Node node;
  node.op = Op::matmul;
  node.inputs = {a, b};
  node.type = TensorType{ta.dtype, std::move(*batch)};
  return add_growing(std::move(node));
}

Expected<ValueId>
GraphBuilder::reshape(ValueId x, Shape shape)
{
  const auto& tx = type(x);
  auto inferred = std::find(shape.begin(), shape.end(), Dim::of(-1));
  if (std::count(shape.begin(), shape.end(), Dim::of(-1)) > 1) {
    return type_error("reshape may infer (-1) only one dimension");
  }
  for (const auto& dim : shape) {
    if (dim.is_static() && dim.size < 0 && dim.size != -1) {
      return type_error(fmt::format("reshape to {}: negative dimension", to_string(shape)));
    }
  }
  if (!static_sizes_fit(TensorType{tx.dtype, shape})) {
    return type_error(
      fmt::format("reshape to {}: that would take more than 2^63 bytes", to_string(shape)));
  }
  auto total = element_count(tx.shape);
  if (!total) {
    return type_error(fmt::format("reshape of {}: {}", to_string(tx), total.error().message));
  }
  if (inferred != shape.end()) {
    // The -1 dimension is what the others leave of the element count, when they divide it
    // exactly as expressions: [A, B, C] to [C, -1] infers A*B.
    Shape others;
    std::copy_if(shape.begin(), shape.end(), std::back_inserter(others),
                 [](const Dim& d) { return d != Dim::of(-1); });
    auto divisor = element_count(others);
    auto quotient = divisor ? DimExpr::divide_exactly(*total, *divisor) : std::nullopt;
    if (!quotient) {
      return type_error(fmt::format("reshape of {} to {}: the -1 dimension cannot be inferred",
                                    to_string(tx), to_string(shape)));
    }
    *inferred = dim_of(*quotient);
  }
  auto count = element_count(shape);
  if (!count || *count != *total) {
    return type_error(fmt::format(
      "reshape of {} to {}: the element counts differ{}", to_string(tx), to_string(shape),
      count && (!count->constant_value() || !total->constant_value())
        ? fmt::format(" ({} and {})", total->to_string(), count->to_string())
        : ""));
  }
  if (shape == tx.shape) {
    return x;
  }
  Node node;
  node.op = Op::reshape;
  node.inputs = {x};
  node.type = TensorType{tx.dtype, std::move(shape)};
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::transpose(ValueId x, std::vector<int64_t> permutation)
{
  const auto& tx = type(x);
  const auto rank = tx.shape.size();
  if (permutation.size() != rank) {
    return type_error(fmt::format("transpose of {} needs a permutation of {} axes, got {}",
                                  to_string(tx), rank, permutation.size()));
  }
  for (auto& axis : permutation) {
    auto n = normalize_axis(axis, rank);
    if (!n) {
      return std::unexpected(n.error());
    }
    axis = *n;
  }
  auto sorted = permutation;
  std::sort(sorted.begin(), sorted.end());
  if (std::adjacent_find(sorted.begin(), sorted.end()) != sorted.end()) {
    return type_error("transpose's permutation names an axis twice");
  }
  bool identity = true;
  Shape shape;
  for (size_t i = 0; i < rank; ++i) {
    identity = identity && permutation[i] == static_cast<int64_t>(i);
    shape.push_back(tx.shape[permutation[i]]);
  }
  if (identity) {
    return x;
  }
  Node node;
  node.op = Op::transpose;
  node.inputs = {x};
  node.axes = std::move(permutation);
  node.type = TensorType{tx.dtype, std::move(shape)};
  return add(std::move(node));
}

Expected<ValueId>
GraphBuilder::broadcast_to(ValueId x, Shape shape)
{
  auto result = broadcast_shapes(type(x).shape, shape);
  if (!result || *result != shape) {
    return type_error(
      fmt::format("cannot broadcast {} to {}", to_string(type(x)), to_string(shape)));
  }
  if (shape == type(x).shape) {
    return x;
  }
  Node node;
  node.op = Op::broadcast_to;
  node.inputs = {x};
  node.type = TensorType{type(x).dtype, std::move(shape)};
  return add_growing(std::move(node));
}

Expected<ValueId>
GraphBuilder::softmax(ValueId x, int64_t axis)
{
  if (!is_float(type(x).dtype)) {
    return type_error(
      fmt::format("softmax needs a floating-point operand, got {}", to_string(type(x).dtype)));
  }
  // exp(x - max) / sum(exp(x - max)): the shift keeps exp from overflowing.
  auto peak = reduce(Op::max, x, std::vector{axis}, true);
  if (!peak) {
    return peak;
  }
  auto shifted = binary(Op::sub, x, *peak);
  auto exps = unary(Op::exp, *shifted);
  auto total = reduce(Op::sum, *exps, std::vector{axis}, true);
  return binary(Op::div, *exps, *total);
}

Expected<ValueId>
GraphBuilder::layernorm(ValueId x, int64_t axis, double eps)
{
  if (!is_float(type(x).dtype)) {
    return type_error(
      fmt::format("layernorm needs a floating-point operand, got {}", to_string(type(x).dtype)));
  }
  auto mu = reduce(Op::mean, x, std::vector{axis}, true);
  if (!mu) {
    return mu;
  }
  auto centered = binary(Op::sub, x, *mu);
  auto squares = binary(Op::mul, *centered, *centered);
  auto variance = reduce(Op::mean, *squares, std::vector{axis}, true);
  auto epsilon = constant(type(x).dtype, eps);
  if (!epsilon) {
    return epsilon;
  }
  auto shifted = binary(Op::add, *variance, *epsilon);
  auto scale = unary(Op::rsqrt, *shifted);
  return binary(Op::mul, *centered, *scale);
}

Graph
GraphBuilder::finish(std::vector<ValueId> outputs) const&
{
  Graph graph = m_graph;
  graph.outputs = std::move(outputs);
  return order_canonically(std::move(graph));
}

Graph
GraphBuilder::finish(std::vector<ValueId> outputs) &&
{
  m_graph.outputs = std::move(outputs);
  return order_canonically(std::move(m_graph));
}

} // namespace jitcache::jit

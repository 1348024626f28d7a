// The C++ operations: each one builds the same graph node the parser would. Traced inputs
// record into their session's graph; plain inputs run the one-node graph on the interpreter.
#include "jit/execute/interpreter.hpp"
#include "jit/ir/arguments.hpp"
#include "jit/ir/graph_builder.hpp"
#include "jit/tracing/trace_session.hpp"

#include <jitcache/jit/ops.hpp>

#include <fmt/format.h>

#include <functional>
#include <stdexcept>

namespace jitcache::jit {

namespace {

using Build = std::function<Expected<ValueId>(GraphBuilder&, const std::vector<ValueId>&)>;

Shape
shape_of(const std::vector<int64_t>& sizes)
{
  Shape shape;
  for (auto size : sizes) {
    shape.push_back(Dim::of(size));
  }
  return shape;
}

[[noreturn]] void
fail(std::string_view what, std::string_view message)
{
  throw std::invalid_argument(fmt::format("jitcache::jit::{}: {}", what, message));
}

Tensor
apply(std::string_view what, std::initializer_list<const Tensor*> inputs, const Build& build)
{
  std::shared_ptr<TraceSession> session;
  for (const auto* input : inputs) {
    if (!input->defined()) {
      fail(what, "an operand is an empty Tensor");
    }
    if (input->traced()) {
      if (session && session != input->trace()->session) {
        fail(what, "operands come from two different traced functions");
      }
      session = input->trace()->session;
    }
  }
  if (session) {
    std::vector<ValueId> ids;
    for (const auto* input : inputs) {
      if (!input->traced()) {
        fail(what, "a tensor from outside the traced function is used inside it; pass it as an "
                   "argument instead");
      }
      ids.push_back(input->trace()->id);
    }
    auto id = build(session->builder(), ids);
    if (!id) {
      fail(what, id.error().message);
    }
    return session->tensor(*id);
  }
  // Eager: a one-node graph on the interpreter.
  GraphBuilder builder{std::string(what)};
  std::vector<ValueId> ids;
  std::vector<Tensor> values;
  for (const auto* input : inputs) {
    ids.push_back(builder.parameter(fmt::format("x{}", ids.size()), type_of(*input)));
    values.push_back(*input);
  }
  auto id = build(builder, ids);
  if (!id) {
    fail(what, id.error().message);
  }
  auto outputs = interpret(std::move(builder).finish({*id}), values);
  if (!outputs) {
    fail(what, outputs.error().message);
  }
  return outputs->front();
}

Tensor
unary(Op op, const Tensor& x)
{
  return apply(to_string(op), {&x},
               [op](GraphBuilder& b, const std::vector<ValueId>& v) { return b.unary(op, v[0]); });
}

Tensor
binary(Op op, const Tensor& a, const Tensor& b)
{
  return apply(to_string(op), {&a, &b}, [op](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.binary(op, v[0], v[1]);
  });
}

// A scalar operand takes the tensor's dtype, as a literal does in the language.
Tensor
with_scalar(Op op, const Tensor& tensor, double scalar, bool scalar_first)
{
  return apply(to_string(op), {&tensor}, [=](GraphBuilder& g, const std::vector<ValueId>& v) {
    const auto constant = g.constant(g.type(v[0]).dtype, scalar);
    if (!constant) {
      return constant;
    }
    return scalar_first ? g.binary(op, *constant, v[0]) : g.binary(op, v[0], *constant);
  });
}

Tensor
reduction(Op op, const Tensor& x, const std::optional<std::vector<int64_t>>& axes, bool keepdim)
{
  return apply(to_string(op), {&x}, [=](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.reduce(op, v[0], axes, keepdim);
  });
}

} // namespace

Tensor
operator+(const Tensor& a, const Tensor& b)
{
  return binary(Op::add, a, b);
}
Tensor
operator-(const Tensor& a, const Tensor& b)
{
  return binary(Op::sub, a, b);
}
Tensor
operator*(const Tensor& a, const Tensor& b)
{
  return binary(Op::mul, a, b);
}
Tensor
operator/(const Tensor& a, const Tensor& b)
{
  return binary(Op::div, a, b);
}
Tensor
operator+(const Tensor& a, double b)
{
  return with_scalar(Op::add, a, b, false);
}
Tensor
operator-(const Tensor& a, double b)
{
  return with_scalar(Op::sub, a, b, false);
}
Tensor
operator*(const Tensor& a, double b)
{
  return with_scalar(Op::mul, a, b, false);
}
Tensor
operator/(const Tensor& a, double b)
{
  return with_scalar(Op::div, a, b, false);
}
Tensor
operator+(double a, const Tensor& b)
{
  return with_scalar(Op::add, b, a, true);
}
Tensor
operator-(double a, const Tensor& b)
{
  return with_scalar(Op::sub, b, a, true);
}
Tensor
operator*(double a, const Tensor& b)
{
  return with_scalar(Op::mul, b, a, true);
}
Tensor
operator/(double a, const Tensor& b)
{
  return with_scalar(Op::div, b, a, true);
}
Tensor
operator-(const Tensor& x)
{
  return unary(Op::neg, x);
}

Tensor
less(const Tensor& a, const Tensor& b)
{
  return binary(Op::less, a, b);
}
Tensor
less_equal(const Tensor& a, const Tensor& b)
{
  return binary(Op::less_equal, a, b);
}
Tensor
greater(const Tensor& a, const Tensor& b)
{
  return binary(Op::greater, a, b);
}
Tensor
greater_equal(const Tensor& a, const Tensor& b)
{
  return binary(Op::greater_equal, a, b);
}
Tensor
equal(const Tensor& a, const Tensor& b)
{
  return binary(Op::equal, a, b);
}
Tensor
not_equal(const Tensor& a, const Tensor& b)
{
  return binary(Op::not_equal, a, b);
}

Tensor
neg(const Tensor& x)
{
  return unary(Op::neg, x);
}
Tensor
abs(const Tensor& x)
{
  return unary(Op::abs, x);
}
Tensor
exp(const Tensor& x)
{
  return unary(Op::exp, x);
}
Tensor
log(const Tensor& x)
{
  return unary(Op::log, x);
}
Tensor
sqrt(const Tensor& x)
{
  return unary(Op::sqrt, x);
}
Tensor
rsqrt(const Tensor& x)
{
  return unary(Op::rsqrt, x);
}
Tensor
tanh(const Tensor& x)
{
  return unary(Op::tanh, x);
}
Tensor
sigmoid(const Tensor& x)
{
  return unary(Op::sigmoid, x);
}
Tensor
relu(const Tensor& x)
{
  return unary(Op::relu, x);
}
Tensor
gelu(const Tensor& x)
{
  return unary(Op::gelu, x);
}
Tensor
sin(const Tensor& x)
{
  return unary(Op::sin, x);
}
Tensor
cos(const Tensor& x)
{
  return unary(Op::cos, x);
}
Tensor
opaque(const Tensor& x)
{
  return unary(Op::opaque, x);
}

Tensor
pow(const Tensor& a, const Tensor& b)
{
  return binary(Op::pow, a, b);
}
Tensor
maximum(const Tensor& a, const Tensor& b)
{
  return binary(Op::maximum, a, b);
}
Tensor
minimum(const Tensor& a, const Tensor& b)
{
  return binary(Op::minimum, a, b);
}

Tensor
where(const Tensor& condition, const Tensor& a, const Tensor& b)
{
  return apply("where", {&condition, &a, &b}, [](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.where(v[0], v[1], v[2]);
  });
}

Tensor
cast(const Tensor& x, DType dtype)
{
  return apply("cast", {&x}, [dtype](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.cast(v[0], dtype);
  });
}

Tensor
sum(const Tensor& x, const std::optional<std::vector<int64_t>>& axes, bool keepdim)
{
  return reduction(Op::sum, x, axes, keepdim);
}
Tensor
mean(const Tensor& x, const std::optional<std::vector<int64_t>>& axes, bool keepdim)
{
  return reduction(Op::mean, x, axes, keepdim);
}
Tensor
max(const Tensor& x, const std::optional<std::vector<int64_t>>& axes, bool keepdim)
{
  return reduction(Op::max, x, axes, keepdim);
}
Tensor
min(const Tensor& x, const std::optional<std::vector<int64_t>>& axes, bool keepdim)
{
  return reduction(Op::min, x, axes, keepdim);
}

Tensor
matmul(const Tensor& a, const Tensor& b)
{
  return apply("matmul", {&a, &b},
               [](GraphBuilder& g, const std::vector<ValueId>& v) { return g.matmul(v[0], v[1]); });
}

Tensor
reshape(const Tensor& x, const std::vector<int64_t>& sizes)
{
  return apply("reshape", {&x}, [&](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.reshape(v[0], shape_of(sizes));
  });
}

Tensor
transpose(const Tensor& x, const std::vector<int64_t>& permutation)
{
  return apply("transpose", {&x}, [&](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.transpose(v[0], permutation);
  });
}

Tensor
broadcast_to(const Tensor& x, const std::vector<int64_t>& sizes)
{
  return apply("broadcast_to", {&x}, [&](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.broadcast_to(v[0], shape_of(sizes));
  });
}

Tensor
softmax(const Tensor& x, int64_t axis)
{
  return apply("softmax", {&x}, [axis](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.softmax(v[0], axis);
  });
}

Tensor
layernorm(const Tensor& x, int64_t axis, double eps)
{
  return apply("layernorm", {&x}, [=](GraphBuilder& g, const std::vector<ValueId>& v) {
    return g.layernorm(v[0], axis, eps);
  });
}

} // namespace jitcache::jit

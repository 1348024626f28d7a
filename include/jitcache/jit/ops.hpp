// The reference JIT's operations on Tensors, for C++ code. Inside a jit::function they are
// recorded into the graph being traced; outside one they run at once on the interpreter
// (eager mode). Shapes broadcast as in numpy; operands of one op share a dtype (use cast).
// A shape or dtype error throws std::invalid_argument naming the op and the shapes.
#pragma once

#include <jitcache/jit/tensor.hpp>

#include <optional>
#include <vector>

namespace jitcache::jit {

Tensor operator+(const Tensor& a, const Tensor& b);
Tensor operator-(const Tensor& a, const Tensor& b);
Tensor operator*(const Tensor& a, const Tensor& b);
Tensor operator/(const Tensor& a, const Tensor& b);
Tensor operator+(const Tensor& a, double b);
Tensor operator-(const Tensor& a, double b);
Tensor operator*(const Tensor& a, double b);
Tensor operator/(const Tensor& a, double b);
Tensor operator+(double a, const Tensor& b);
Tensor operator-(double a, const Tensor& b);
Tensor operator*(double a, const Tensor& b);
Tensor operator/(double a, const Tensor& b);
Tensor operator-(const Tensor& x);

Tensor less(const Tensor& a, const Tensor& b);
Tensor less_equal(const Tensor& a, const Tensor& b);
Tensor greater(const Tensor& a, const Tensor& b);
Tensor greater_equal(const Tensor& a, const Tensor& b);
Tensor equal(const Tensor& a, const Tensor& b);
Tensor not_equal(const Tensor& a, const Tensor& b);

Tensor neg(const Tensor& x);
Tensor abs(const Tensor& x);
Tensor exp(const Tensor& x);
Tensor log(const Tensor& x);
Tensor sqrt(const Tensor& x);
Tensor rsqrt(const Tensor& x);
Tensor tanh(const Tensor& x);
Tensor sigmoid(const Tensor& x);
Tensor relu(const Tensor& x);
Tensor gelu(const Tensor& x); // the tanh form
Tensor sin(const Tensor& x);
Tensor cos(const Tensor& x);
// An identity the persistent cache may not see through: a graph using it is never stored.
Tensor opaque(const Tensor& x);

Tensor pow(const Tensor& a, const Tensor& b);
Tensor maximum(const Tensor& a, const Tensor& b);
Tensor minimum(const Tensor& a, const Tensor& b);
Tensor where(const Tensor& condition, const Tensor& a, const Tensor& b);
Tensor cast(const Tensor& x, DType dtype);

// No axes: every axis. Negative axes count from the end.
Tensor sum(const Tensor& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt,
           bool keepdim = false);
Tensor mean(const Tensor& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt,
            bool keepdim = false);
Tensor max(const Tensor& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt,
           bool keepdim = false);
Tensor min(const Tensor& x, const std::optional<std::vector<int64_t>>& axes = std::nullopt,
           bool keepdim = false);

Tensor matmul(const Tensor& a, const Tensor& b);
// One size may be -1 (inferred).
Tensor reshape(const Tensor& x, const std::vector<int64_t>& sizes);
Tensor transpose(const Tensor& x, const std::vector<int64_t>& permutation);
Tensor broadcast_to(const Tensor& x, const std::vector<int64_t>& sizes);
Tensor softmax(const Tensor& x, int64_t axis = -1);
Tensor layernorm(const Tensor& x, int64_t axis = -1, double eps = 1e-5);

} // namespace jitcache::jit

#include "jit/execute/interpreter.hpp"

#include "jit/codegen/kernel_prelude.hpp"
#include "jit/execute/memory_check.hpp"
#include "jit/ir/arguments.hpp"

#include <cstring>

namespace jitcache::jit {

namespace {

template<typename F>
decltype(auto)
dispatch(DType dtype, F&& f)
{
  switch (dtype) {
  case DType::f32: return f.template operator()<float>();
  case DType::f64: return f.template operator()<double>();
  case DType::i32: return f.template operator()<int32_t>();
  case DType::i64: return f.template operator()<int64_t>();
  case DType::boolean: break;
  }
  return f.template operator()<bool>();
}

// The strides that read `sizes` broadcast to `out` (numpy rules, aligned right).
std::vector<int64_t>
broadcast_strides(const std::vector<int64_t>& sizes, const std::vector<int64_t>& out)
{
  const auto own = contiguous_strides(sizes);
  std::vector<int64_t> strides(out.size(), 0);
  const size_t offset = out.size() - sizes.size();
  for (size_t d = 0; d < sizes.size(); ++d) {
    strides[offset + d] = sizes[d] == 1 && out[offset + d] != 1 ? 0 : own[d];
  }
  return strides;
}

// Calls visit(output position, input offsets) for every element of `out`, in row-major
// order; offsets follow each input's strides.
template<size_t N, typename Visit>
void
for_each_element(const std::vector<int64_t>& out,
                 const std::array<std::vector<int64_t>, N>& strides, Visit visit)
{
  int64_t count = 1;
  for (auto size : out) {
    count *= size;
  }
  std::vector<int64_t> index(out.size(), 0);
  std::array<int64_t, N> offsets{};
  for (int64_t i = 0; i < count; ++i) {
    visit(i, offsets);
    for (size_t d = out.size(); d-- > 0;) {
      if (++index[d] < out[d]) {
        for (size_t k = 0; k < N; ++k) {
          offsets[k] += strides[k][d];
        }
        break;
      }
      for (size_t k = 0; k < N; ++k) {
        offsets[k] -= strides[k][d] * (out[d] - 1);
      }
      index[d] = 0;
    }
  }
}

template<typename T>
T
apply_unary(Op op, T x)
{
  if constexpr (std::is_same_v<T, bool>) {
    return x; // only opaque reaches here for bool
  } else {
    switch (op) {
    case Op::neg: return jc::neg(x);
    case Op::abs: return jc::abs(x);
    case Op::relu: return jc::relu(x);
    default: break;
    }
    if constexpr (std::is_floating_point_v<T>) {
      switch (op) {
      case Op::exp: return jc::exp(x);
      case Op::log: return jc::log(x);
      case Op::sqrt: return jc::sqrt(x);
      case Op::rsqrt: return jc::rsqrt(x);
      case Op::tanh: return jc::tanh(x);
      case Op::sigmoid: return jc::sigmoid(x);
      case Op::gelu: return jc::gelu(x);
      case Op::sin: return jc::sin(x);
      case Op::cos: return jc::cos(x);
      default: break;
      }
    }
    return x; // opaque
  }
}

template<typename T>
T
apply_arithmetic(Op op, T a, T b)
{
  if constexpr (std::is_same_v<T, bool>) {
    return a;
  } else {
    switch (op) {
    case Op::add: return jc::add(a, b);
    case Op::sub: return jc::sub(a, b);
    case Op::mul: return jc::mul(a, b);
    case Op::div: return jc::div(a, b);
    case Op::maximum: return jc::maximum(a, b);
    case Op::minimum: return jc::minimum(a, b);
    default: break;
    }
    if constexpr (std::is_floating_point_v<T>) {
      return jc::pow(a, b);
    }
    return a;
  }
}

template<typename T>
bool
apply_comparison(Op op, T a, T b)
{
  switch (op) {
  case Op::less: return a < b;
  case Op::less_equal: return a <= b;
  case Op::greater: return a > b;
  case Op::greater_equal: return a >= b;
  case Op::equal: return a == b;
  default: return a != b;
  }
}

class Evaluator {
public:
  Evaluator(const Graph& graph, const SymbolSizes& sizes) : m_graph(graph), m_sizes(sizes) {}

  std::vector<int64_t>
  sizes_of(ValueId id) const
  {
    return concrete_shape(m_graph.type(id).shape, m_sizes);
  }

  Tensor
  evaluate(const Node& node, ValueId id, const std::vector<Tensor>& values)
  {
    const auto out_sizes = sizes_of(id);
    Tensor out = Tensor::empty(node.type.dtype, out_sizes);
    auto input = [&](size_t i) -> const Tensor& { return values[node.inputs[i]]; };
    switch (node.op) {
    case Op::constant:
      dispatch(node.type.dtype,
               [&]<typename T>() { *out.data_as<T>() = static_cast<T>(node.value); });
      break;
    case Op::cast:
      dispatch(node.type.dtype, [&]<typename To>() {
        dispatch(input(0).dtype(), [&]<typename From>() {
          const auto* x = input(0).data_as<From>();
          auto* y = out.data_as<To>();
          for (int64_t i = 0; i < out.numel(); ++i) {
            y[i] = jc::cast<To, From>(x[i]);
          }
        });
      });
      break;
    case Op::where:
      dispatch(node.type.dtype, [&]<typename T>() {
        const auto* c = input(0).data_as<bool>();
        const auto* a = input(1).data_as<T>();
        const auto* b = input(2).data_as<T>();
        auto* y = out.data_as<T>();
        const std::array strides = {broadcast_strides(input(0).sizes(), out_sizes),
                                    broadcast_strides(input(1).sizes(), out_sizes),
                                    broadcast_strides(input(2).sizes(), out_sizes)};
        for_each_element<3>(out_sizes, strides, [&](int64_t i, const std::array<int64_t, 3>& o) {
          y[i] = c[o[0]] ? a[o[1]] : b[o[2]];
        });
      });
      break;
    case Op::sum:
    case Op::mean:
    case Op::max:
    case Op::min:
      dispatch(node.type.dtype, [&]<typename T>() { reduce<T>(node, input(0), out); });
      break;
    case Op::matmul:
      dispatch(node.type.dtype, [&]<typename T>() { matmul<T>(input(0), input(1), out); });
      break;
    case Op::reshape:
      std::memcpy(out.data(), input(0).data(),
                  static_cast<size_t>(out.numel()) * dtype_size(out.dtype()));
      break;
    case Op::transpose:
    case Op::broadcast_to: {
      std::vector<int64_t> strides;
      if (node.op == Op::transpose) {
        const auto own = contiguous_strides(input(0).sizes());
        for (auto axis : node.axes) {
          strides.push_back(own[axis]);
        }
      } else {
        strides = broadcast_strides(input(0).sizes(), out_sizes);
      }
      const auto size = dtype_size(out.dtype());
      const auto* x = static_cast<const char*>(input(0).data());
      auto* y = static_cast<char*>(out.data());
      for_each_element<1>(out_sizes, {strides}, [&](int64_t i, const std::array<int64_t, 1>& o) {
        std::memcpy(y + i * static_cast<int64_t>(size), x + o[0] * static_cast<int64_t>(size),
                    size);
      });
      break;
    }
    default:
      if (is_unary(node.op)) {
        dispatch(node.type.dtype, [&]<typename T>() {
          const auto* x = input(0).data_as<T>();
          auto* y = out.data_as<T>();
          for (int64_t i = 0; i < out.numel(); ++i) {
            y[i] = apply_unary<T>(node.op, x[i]);
          }
        });
      } else {
        binary(node, input(0), input(1), out);
      }
    }
    return out;
  }

private:
  void
  binary(const Node& node, const Tensor& a, const Tensor& b, Tensor& out) const
  {
    const std::array strides = {broadcast_strides(a.sizes(), out.sizes()),
                                broadcast_strides(b.sizes(), out.sizes())};
    dispatch(a.dtype(), [&]<typename T>() {
      const auto* x = a.data_as<T>();
      const auto* y = b.data_as<T>();
      if (is_comparison(node.op)) {
        auto* z = out.data_as<bool>();
        for_each_element<2>(out.sizes(), strides, [&](int64_t i, const std::array<int64_t, 2>& o) {
          z[i] = apply_comparison<T>(node.op, x[o[0]], y[o[1]]);
        });
      } else {
        auto* z = out.data_as<T>();
        for_each_element<2>(out.sizes(), strides, [&](int64_t i, const std::array<int64_t, 2>& o) {
          z[i] = apply_arithmetic<T>(node.op, x[o[0]], y[o[1]]);
        });
      }
    });
  }

  template<typename T>
  void
  reduce(const Node& node, const Tensor& input, Tensor& out) const
  {
    if constexpr (!std::is_same_v<T, bool>) {
      // Accumulate floats in double; integers wrap as in compiled code.
      using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
      const auto& sizes = input.sizes();
      std::vector<int64_t> kept_sizes = sizes;
      for (auto axis : node.axes) {
        kept_sizes[axis] = 1;
      }
      const auto out_strides = broadcast_strides(kept_sizes, sizes);
      std::vector<Acc> acc(static_cast<size_t>(out.numel()));
      const bool is_max = node.op == Op::max;
      const bool is_min = node.op == Op::min;
      for (auto& a : acc) {
        a = is_max   ? static_cast<Acc>(jc::lowest<T>())
            : is_min ? static_cast<Acc>(jc::highest<T>())
                     : Acc(0);
      }
      const auto* x = input.data_as<T>();
      for_each_element<1>(sizes, {out_strides}, [&](int64_t i, const std::array<int64_t, 1>& o) {
        auto& a = acc[o[0]];
        const Acc v = static_cast<Acc>(x[i]);
        a = is_max ? jc::maximum(a, v) : is_min ? jc::minimum(a, v) : jc::add(a, v);
      });
      int64_t count = 1;
      for (auto axis : node.axes) {
        count *= sizes[axis];
      }
      auto* y = out.data_as<T>();
      for (size_t i = 0; i < acc.size(); ++i) {
        y[i] = node.op == Op::mean ? static_cast<T>(acc[i] / static_cast<Acc>(count))
                                   : static_cast<T>(acc[i]);
      }
    }
  }

  template<typename T>
  void
  matmul(const Tensor& a, const Tensor& b, Tensor& out) const
  {
    if constexpr (!std::is_same_v<T, bool>) {
      using Acc = std::conditional_t<std::is_floating_point_v<T>, double, T>;
      const auto& os = out.sizes();
      const size_t rank = os.size();
      const int64_t m = os[rank - 2];
      const int64_t n = os[rank - 1];
      const int64_t k = a.sizes().back();
      std::vector<int64_t> batch(os.begin(), os.end() - 2);
      auto batch_strides = [&](const Tensor& t) {
        std::vector<int64_t> sizes(t.sizes().begin(), t.sizes().end() - 2);
        auto strides = broadcast_strides(sizes, batch);
        for (auto& s : strides) {
          s *= t.sizes()[t.rank() - 2] * t.sizes()[t.rank() - 1];
        }
        return strides;
      };
      const std::array strides = {batch_strides(a), batch_strides(b)};
      const auto* x = a.data_as<T>();
      const auto* y = b.data_as<T>();
      auto* z = out.data_as<T>();
      for_each_element<2>(batch, strides, [&](int64_t bi, const std::array<int64_t, 2>& o) {
        for (int64_t i = 0; i < m; ++i) {
          for (int64_t j = 0; j < n; ++j) {
            Acc acc = 0;
            for (int64_t p = 0; p < k; ++p) {
              acc = jc::add(acc, jc::mul(static_cast<Acc>(x[o[0] + i * k + p]),
                                         static_cast<Acc>(y[o[1] + p * n + j])));
            }
            z[bi * m * n + i * n + j] = static_cast<T>(acc);
          }
        }
      });
    }
  }

  const Graph& m_graph;
  const SymbolSizes& m_sizes;
};

} // namespace

Expected<std::vector<Tensor>>
interpret(const Graph& graph, std::span<const Tensor> inputs)
{
  auto sizes = bind_tensors(graph, inputs);
  if (!sizes) {
    return std::unexpected(sizes.error());
  }
  CallAllocation allocation(*sizes);
  allocation.add_values(graph); // every value is kept until the end
  allocation.add_copies_of(inputs);
  if (auto fits = allocation.check(graph.name, "its values on the interpreter"); !fits) {
    return std::unexpected(fits.error());
  }
  Evaluator evaluator(graph, *sizes);
  std::vector<Tensor> values(graph.nodes.size());
  for (ValueId id = 0; id < graph.nodes.size(); ++id) {
    const auto& node = graph.node(id);
    if (node.op == Op::parameter) {
      values[id] = inputs[node.parameter_index].contiguous();
      continue;
    }
    values[id] = evaluator.evaluate(node, id, values);
  }
  std::vector<Tensor> outputs;
  outputs.reserve(graph.outputs.size());
  for (auto id : graph.outputs) {
    outputs.push_back(values[id]);
  }
  return outputs;
}

} // namespace jitcache::jit

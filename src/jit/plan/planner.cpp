#include "jit/plan/planner.hpp"

#include "jit/ir/dim_expr.hpp"

#include <algorithm>
#include <map>
#include <optional>

namespace jitcache::jit {

namespace {

enum class Kind { buffer, view, fused, pending_core, core };

struct ValueInfo {
  Kind kind = Kind::buffer;
  bool has_core = false;         // fused: the inlined expression contains a core
  ValueId base = 0;              // view: the buffer value it reads
  std::vector<SizeExpr> strides; // view: strides into base, in graph symbol numbering
};

bool
reduces_trailing_axes(const Node& node, size_t input_rank)
{
  for (size_t i = 0; i < node.axes.size(); ++i) {
    if (node.axes[node.axes.size() - 1 - i] != static_cast<int64_t>(input_rank - 1 - i)) {
      return false;
    }
  }
  return true;
}

// Builds one kernel's spec; symbols are graph symbol indices until canonicalize().
class KernelBuilder {
public:
  KernelSpec spec;
  std::vector<ValueId> input_values; // the buffer value behind each kernel input

  uint32_t
  input_slot(ValueId buffer_value, const KernelBuffer& buffer)
  {
    auto found = std::find(input_values.begin(), input_values.end(), buffer_value);
    if (found != input_values.end()) {
      return static_cast<uint32_t>(found - input_values.begin());
    }
    input_values.push_back(buffer_value);
    spec.inputs.push_back(buffer);
    return static_cast<uint32_t>(spec.inputs.size() - 1);
  }

  uint32_t
  add(KernelExpr expr)
  {
    spec.exprs.push_back(std::move(expr));
    return static_cast<uint32_t>(spec.exprs.size() - 1);
  }

  // Renumbers symbols in order of first appearance in the canonical text; returns the graph
  // symbol index behind each kernel symbol.
  std::vector<uint32_t>
  canonicalize()
  {
    std::vector<uint32_t> order;
    auto renumber = [&](SizeExpr& size) {
      for (auto& symbol : size.symbols) {
        auto found = std::find(order.begin(), order.end(), symbol);
        if (found == order.end()) {
          order.push_back(symbol);
          found = order.end() - 1;
        }
        symbol = static_cast<uint32_t>(found - order.begin());
      }
      std::sort(size.symbols.begin(), size.symbols.end());
    };
    // First pass fixes the order; the sizes are renumbered in place as they are visited.
    auto visit_all = [&](auto&& visit) {
      for (auto& input : spec.inputs) {
        for (auto& size : input.shape) {
          visit(size);
        }
      }
      for (auto& size : spec.output.shape) {
        visit(size);
      }
      for (auto& size : spec.loops) {
        visit(size);
      }
      for (auto& expr : spec.exprs) {
        for (auto& size : expr.strides) {
          visit(size);
        }
      }
    };
    visit_all(renumber);
    spec.symbol_count = static_cast<uint32_t>(order.size());
    return order;
  }
};

// The graph symbols a kernel may be given: those a call binds, then the derived ones.
std::vector<std::string>
all_symbols(const Graph& graph)
{
  auto symbols = graph.symbols();
  auto derived = graph.derived_symbols();
  symbols.insert(symbols.end(), derived.begin(), derived.end());
  return symbols;
}

class Planner {
public:
  explicit Planner(const Graph& graph)
    : m_graph(graph), m_symbols(all_symbols(graph)), m_consumers(graph.nodes.size()),
      m_is_output(graph.nodes.size(), false), m_info(graph.nodes.size())
  {
    for (ValueId id = 0; id < graph.nodes.size(); ++id) {
      for (auto input : graph.node(id).inputs) {
        m_consumers[input].push_back(id);
      }
    }
    for (auto id : graph.outputs) {
      m_is_output[id] = true;
    }
  }

  Plan
  plan()
  {
    for (ValueId id = 0; id < m_graph.nodes.size(); ++id) {
      classify(id);
    }
    for (ValueId id = 0; id < m_graph.nodes.size(); ++id) {
      const auto& node = m_graph.node(id);
      if (node.op == Op::parameter) {
        m_buffer_of[id] = add_buffer(node.type, node.parameter_index);
      } else if (m_info[id].kind == Kind::buffer) {
        emit_kernel(id);
      }
    }
    for (auto id : m_graph.outputs) {
      m_plan.outputs.push_back(m_buffer_of.at(id));
    }
    return std::move(m_plan);
  }

private:
  const Shape&
  shape(ValueId id) const
  {
    return m_graph.type(id).shape;
  }

  SizeExpr
  size_of(const Dim& dim) const
  {
    if (dim.is_static()) {
      return SizeExpr{dim.size, {}};
    }
    if (dim.is_derived()) {
      // A product of symbols ("2*A*B") is one to the kernel too; any other expression is a
      // symbol of its own, whose size the call computes.
      if (auto monomial = expression_of(dim).monomial(); monomial && monomial->coefficient > 0) {
        SizeExpr size{monomial->coefficient, {}};
        for (const auto& symbol : monomial->symbols) {
          size.symbols.push_back(symbol_index(symbol));
        }
        std::sort(size.symbols.begin(), size.symbols.end());
        return size;
      }
    }
    return SizeExpr{1, {symbol_index(dim.symbol)}};
  }

  uint32_t
  symbol_index(std::string_view symbol) const
  {
    return static_cast<uint32_t>(std::find(m_symbols.begin(), m_symbols.end(), symbol) -
                                 m_symbols.begin());
  }

  std::vector<SizeExpr>
  sizes_of(const Shape& s) const
  {
    std::vector<SizeExpr> sizes;
    for (const auto& dim : s) {
      sizes.push_back(size_of(dim));
    }
    return sizes;
  }

  bool
  single_consumer_is(ValueId id, bool (*predicate)(Op)) const
  {
    return m_consumers[id].size() == 1 && predicate(m_graph.node(m_consumers[id][0]).op);
  }

  // A value that a view, matmul or reduction reads must be a buffer or a view.
  void
  require_addressable(ValueId id)
  {
    if (m_info[id].kind == Kind::pending_core || m_info[id].kind == Kind::fused) {
      m_info[id].kind = Kind::buffer;
    }
  }

  // The base buffer and strides of a buffer or view value.
  std::pair<ValueId, std::vector<SizeExpr>>
  access(ValueId id, bool materializing = false) const
  {
    if (m_info[id].kind == Kind::view || (materializing && is_view(m_graph.node(id).op))) {
      return {m_info[id].base, m_info[id].strides};
    }
    return {id, contiguous_strides(sizes_of(shape(id)))};
  }

  bool
  is_contiguous_view(ValueId id) const
  {
    return m_info[id].kind != Kind::view ||
           m_info[id].strides == contiguous_strides(sizes_of(shape(id)));
  }

  void
  classify(ValueId id)
  {
    const auto& node = m_graph.node(id);
    auto& info = m_info[id];
    const bool single_use = m_consumers[id].size() == 1 && !m_is_output[id];
    if (node.op == Op::parameter) {
      info.kind = Kind::buffer;
      return;
    }
    if (node.op == Op::constant) {
      const bool addressed =
        std::any_of(m_consumers[id].begin(), m_consumers[id].end(), [&](ValueId c) {
          return !is_elementwise(m_graph.node(c).op) && !is_reduction(m_graph.node(c).op);
        });
      info.kind = m_is_output[id] || addressed ? Kind::buffer : Kind::fused;
      return;
    }
    if (is_elementwise(node.op)) {
      for (auto input : node.inputs) {
        info.has_core =
          info.has_core || (m_info[input].kind == Kind::fused && m_info[input].has_core);
      }
      for (auto input : node.inputs) {
        if (m_info[input].kind != Kind::pending_core) {
          continue;
        }
        if (!info.has_core && shape(input) == node.type.shape) {
          m_info[input].kind = Kind::core;
          info.has_core = true;
        } else {
          m_info[input].kind = Kind::buffer;
        }
      }
      // A core is computed once per output element, so an expression holding one can only
      // be inlined where it is not broadcast.
      const bool into_elementwise =
        single_use && single_consumer_is(id, is_elementwise) &&
        (!info.has_core || m_graph.type(m_consumers[id][0]).shape == node.type.shape);
      const bool into_reduction =
        single_use && single_consumer_is(id, is_reduction) && !info.has_core;
      info.kind = into_elementwise || into_reduction ? Kind::fused : Kind::buffer;
      return;
    }
    for (auto input : node.inputs) {
      // A reduction evaluates a fused input inline, as its prologue; everything else reads
      // its inputs from memory.
      if (!(is_reduction(node.op) && m_info[input].kind == Kind::fused)) {
        require_addressable(input);
      }
    }
    if (is_reduction(node.op) || node.op == Op::matmul) {
      const bool eligible =
        single_use && single_consumer_is(id, is_elementwise) &&
        (node.op == Op::matmul || reduces_trailing_axes(node, shape(node.inputs[0]).size()));
      info.kind = eligible ? Kind::pending_core : Kind::buffer;
      return;
    }
    // A view: new strides over the same buffer.
    const ValueId input = node.inputs[0];
    if (node.op == Op::reshape && !is_contiguous_view(input)) {
      m_info[input].kind = Kind::buffer; // materialize the strided view first
    }
    auto [base, strides] = access(input);
    info.kind = m_is_output[id] ? Kind::buffer : Kind::view;
    info.base = base;
    if (node.op == Op::transpose) {
      for (auto axis : node.axes) {
        info.strides.push_back(strides[axis]);
      }
    } else if (node.op == Op::broadcast_to) {
      info.strides = broadcast(strides, shape(input), node.type.shape);
    } else {
      info.strides = contiguous_strides(sizes_of(node.type.shape));
    }
  }

  // Strides reading a value of shape `from` at each point of `to` (numpy broadcasting).
  static std::vector<SizeExpr>
  broadcast(const std::vector<SizeExpr>& strides, const Shape& from, const Shape& to)
  {
    std::vector<SizeExpr> result(to.size(), SizeExpr{0, {}});
    const size_t offset = to.size() - from.size();
    for (size_t k = 0; k < from.size(); ++k) {
      const bool stretched = from[k] == Dim::of(1) && to[offset + k] != Dim::of(1);
      result[offset + k] = stretched ? SizeExpr{0, {}} : strides[k];
    }
    return result;
  }

  uint32_t
  add_buffer(const TensorType& type, int64_t parameter)
  {
    m_plan.buffers.push_back(PlanBuffer{type.dtype, type.shape, parameter});
    return static_cast<uint32_t>(m_plan.buffers.size() - 1);
  }

  // A load of buffer-or-view `id` evaluated over `space`.
  uint32_t
  load(KernelBuilder& kernel, ValueId id, const Shape& space, bool materializing = false)
  {
    auto [base, strides] = access(id, materializing);
    const KernelBuffer buffer{m_graph.type(base).dtype, sizes_of(shape(base))};
    KernelExpr expr;
    expr.kind = KernelExpr::Kind::load;
    expr.dtype = m_graph.type(id).dtype;
    expr.buffer = kernel.input_slot(base, buffer);
    expr.strides = broadcast(strides, shape(id), space);
    return kernel.add(std::move(expr));
  }

  // The expression computing value `id` over `space`, inlining fused values. `memo` shares
  // expressions within one space; `root` is the value the kernel writes.
  uint32_t
  build(KernelBuilder& kernel, ValueId id, const Shape& space, std::map<ValueId, uint32_t>& memo,
        bool root = false)
  {
    if (auto found = memo.find(id); found != memo.end()) {
      return found->second;
    }
    const auto& node = m_graph.node(id);
    const auto kind = m_info[id].kind;
    uint32_t result = 0;
    if (node.op == Op::constant) {
      KernelExpr expr;
      expr.kind = KernelExpr::Kind::constant;
      expr.dtype = node.type.dtype;
      expr.value = node.value;
      result = kernel.add(std::move(expr));
    } else if (!root && (kind == Kind::buffer || kind == Kind::view)) {
      result = load(kernel, id, space);
    } else if (root && (kind == Kind::view || node.op == Op::parameter || is_view(node.op))) {
      result = load(kernel, id, space, true); // materializing a view: a strided copy
    } else if (kind == Kind::core || (root && (is_reduction(node.op) || node.op == Op::matmul))) {
      result = build_core(kernel, id);
    } else {
      KernelExpr expr;
      expr.kind = KernelExpr::Kind::op;
      expr.op = node.op;
      expr.dtype = node.type.dtype;
      for (auto input : node.inputs) {
        expr.args.push_back(build(kernel, input, space, memo));
      }
      result = kernel.add(std::move(expr));
    }
    memo.emplace(id, result);
    return result;
  }

  uint32_t
  build_core(KernelBuilder& kernel, ValueId id)
  {
    const auto& node = m_graph.node(id);
    auto& spec = kernel.spec;
    if (node.op == Op::matmul) {
      spec.form = KernelSpec::Form::matmul;
      const auto& out = node.type.shape;
      const Shape batch(out.begin(), out.end() - 2);
      spec.loops = sizes_of(batch);
      const auto& a_shape = shape(node.inputs[0]);
      spec.loops.push_back(size_of(out[out.size() - 2]));
      spec.loops.push_back(size_of(out[out.size() - 1]));
      spec.loops.push_back(size_of(a_shape.back()));
      spec.a = operand_load(kernel, node.inputs[0], batch, true);
      spec.b = operand_load(kernel, node.inputs[1], batch, false);
    } else {
      spec.form = KernelSpec::Form::reduction;
      spec.reduce_op = node.op;
      const ValueId input = node.inputs[0];
      const auto& in_shape = shape(input);
      spec.loops = sizes_of(in_shape);
      spec.reduced.assign(in_shape.size(), false);
      for (auto axis : node.axes) {
        spec.reduced[axis] = true;
      }
      std::map<ValueId, uint32_t> prologue_memo;
      spec.prologue = build(kernel, input, in_shape, prologue_memo);
      m_keepdim_axes = node.keepdim ? node.axes : std::vector<int64_t>{};
    }
    KernelExpr core;
    core.kind = KernelExpr::Kind::core;
    core.dtype = node.type.dtype;
    return kernel.add(std::move(core));
  }

  // A matmul operand as a load over (batch..., i, j, p).
  int64_t
  operand_load(KernelBuilder& kernel, ValueId operand, const Shape& batch, bool is_a)
  {
    auto [base, strides] = access(operand);
    const auto& s = shape(operand);
    const size_t rank = s.size();
    KernelExpr expr;
    expr.kind = KernelExpr::Kind::load;
    expr.dtype = m_graph.type(operand).dtype;
    expr.buffer =
      kernel.input_slot(base, KernelBuffer{m_graph.type(base).dtype, sizes_of(shape(base))});
    expr.strides = broadcast(std::vector<SizeExpr>(strides.begin(), strides.end() - 2),
                             Shape(s.begin(), s.end() - 2), batch);
    const SizeExpr zero{0, {}};
    const auto& row = strides[rank - 2];
    const auto& column = strides[rank - 1];
    expr.strides.push_back(is_a ? row : zero);    // i
    expr.strides.push_back(is_a ? zero : column); // j
    expr.strides.push_back(is_a ? column : row);  // p
    return kernel.add(std::move(expr));
  }

  void
  emit_kernel(ValueId id)
  {
    KernelBuilder kernel;
    m_keepdim_axes.clear();
    const auto& type = m_graph.type(id);
    std::map<ValueId, uint32_t> memo;
    const bool starts_at_core =
      is_reduction(m_graph.node(id).op) || m_graph.node(id).op == Op::matmul;
    const size_t epilogue_begin = kernel.spec.exprs.size();
    kernel.spec.result = build(kernel, id, type.shape, memo, true);
    auto& spec = kernel.spec;
    if (spec.form == KernelSpec::Form::elementwise) {
      spec.loops = sizes_of(type.shape);
    }
    // A reduction's output holds only the kept axes; keepdim's unit axes are dropped from
    // the output and from the epilogue's loads (they only ever index 0).
    Shape out_shape = type.shape;
    if (spec.form == KernelSpec::Form::reduction && !m_keepdim_axes.empty()) {
      for (auto it = m_keepdim_axes.rbegin(); it != m_keepdim_axes.rend(); ++it) {
        out_shape.erase(out_shape.begin() + *it);
      }
      if (!starts_at_core) {
        strip_epilogue_axes(spec, epilogue_begin);
      }
    }
    spec.output = KernelBuffer{type.dtype, sizes_of(out_shape)};
    const auto symbol_order = kernel.canonicalize();

    PlanLaunch launch;
    for (auto value : kernel.input_values) {
      launch.buffers.push_back(m_buffer_of.at(value));
    }
    const auto out = add_buffer(type, -1);
    m_buffer_of[id] = out;
    launch.buffers.push_back(out);
    for (auto symbol : symbol_order) {
      launch.symbols.push_back(m_symbols[symbol]);
    }
    auto text = spec.serialize();
    auto [found, inserted] = m_kernel_index.emplace(std::move(text), m_plan.kernels.size());
    if (inserted) {
      m_plan.kernels.push_back(std::move(kernel.spec));
    }
    launch.kernel = static_cast<uint32_t>(found->second);
    m_plan.launches.push_back(std::move(launch));
  }

  // Removes keepdim's unit axes from the strides of loads outside the prologue.
  void
  strip_epilogue_axes(KernelSpec& spec, size_t begin)
  {
    std::vector<bool> in_prologue(spec.exprs.size(), false);
    if (spec.prologue >= 0) {
      mark(spec, static_cast<uint32_t>(spec.prologue), in_prologue);
    }
    for (size_t i = begin; i < spec.exprs.size(); ++i) {
      auto& expr = spec.exprs[i];
      if (expr.kind != KernelExpr::Kind::load || in_prologue[i]) {
        continue;
      }
      for (auto it = m_keepdim_axes.rbegin(); it != m_keepdim_axes.rend(); ++it) {
        expr.strides.erase(expr.strides.begin() + *it);
      }
    }
  }

  static void
  mark(const KernelSpec& spec, uint32_t id, std::vector<bool>& marked)
  {
    if (marked[id]) {
      return;
    }
    marked[id] = true;
    for (auto arg : spec.exprs[id].args) {
      mark(spec, arg, marked);
    }
  }

  const Graph& m_graph;
  std::vector<std::string> m_symbols;
  std::vector<std::vector<ValueId>> m_consumers;
  std::vector<bool> m_is_output;
  std::vector<ValueInfo> m_info;
  std::map<ValueId, uint32_t> m_buffer_of;
  std::map<std::string, size_t> m_kernel_index;
  std::vector<int64_t> m_keepdim_axes; // of the reduction core of the kernel being built
  Plan m_plan;
};

} // namespace

Plan
plan_graph(const Graph& graph)
{
  return Planner(graph).plan();
}

} // namespace jitcache::jit

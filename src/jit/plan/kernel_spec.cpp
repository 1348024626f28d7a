#include "jit/plan/kernel_spec.hpp"

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::jit {

SizeExpr
operator*(const SizeExpr& a, const SizeExpr& b)
{
  SizeExpr product{a.coefficient * b.coefficient, a.symbols};
  product.symbols.insert(product.symbols.end(), b.symbols.begin(), b.symbols.end());
  std::sort(product.symbols.begin(), product.symbols.end());
  return product;
}

std::string
to_string(const SizeExpr& size)
{
  std::vector<std::string> factors;
  if (size.coefficient != 1 || size.symbols.empty()) {
    factors.push_back(std::to_string(size.coefficient));
  }
  for (auto symbol : size.symbols) {
    factors.push_back(fmt::format("s{}", symbol));
  }
  return fmt::format("{}", fmt::join(factors, "*"));
}

std::vector<SizeExpr>
contiguous_strides(const std::vector<SizeExpr>& shape)
{
  std::vector<SizeExpr> strides(shape.size());
  SizeExpr running;
  for (size_t i = shape.size(); i-- > 0;) {
    strides[i] = running;
    running = running * shape[i];
  }
  return strides;
}

namespace {

std::string
sizes_text(const std::vector<SizeExpr>& sizes)
{
  std::vector<std::string> parts;
  parts.reserve(sizes.size());
  for (const auto& size : sizes) {
    parts.push_back(to_string(size));
  }
  return fmt::format("[{}]", fmt::join(parts, ","));
}

std::string
buffer_text(const KernelBuffer& buffer)
{
  return fmt::format("{}{}", to_string(buffer.dtype), sizes_text(buffer.shape));
}

std::string_view
form_name(KernelSpec::Form form)
{
  switch (form) {
  case KernelSpec::Form::elementwise: return "elementwise";
  case KernelSpec::Form::reduction: return "reduction";
  case KernelSpec::Form::matmul: return "matmul";
  }
  return "?";
}

} // namespace

std::string
KernelSpec::serialize() const
{
  std::string out = fmt::format("kernel 1\nform {}\nsymbols {}\n", form_name(form), symbol_count);
  for (const auto& input : inputs) {
    out += fmt::format("input {}\n", buffer_text(input));
  }
  out += fmt::format("output {}\nloops {}\n", buffer_text(output), sizes_text(loops));
  if (form == Form::reduction) {
    std::string flags;
    for (bool r : reduced) {
      flags += r ? 'r' : 'p';
    }
    out += fmt::format("reduce {} {}\n", to_string(reduce_op), flags);
  }
  for (size_t i = 0; i < exprs.size(); ++i) {
    const auto& e = exprs[i];
    switch (e.kind) {
    case KernelExpr::Kind::load:
      out += fmt::format("e{} load {} in{} {}\n", i, to_string(e.dtype), e.buffer,
                         sizes_text(e.strides));
      break;
    case KernelExpr::Kind::constant:
      // Hexadecimal: exact, so two constants that differ in any bit differ here.
      out += fmt::format("e{} const {} {:a}\n", i, to_string(e.dtype), e.value);
      break;
    case KernelExpr::Kind::core: out += fmt::format("e{} core {}\n", i, to_string(e.dtype)); break;
    case KernelExpr::Kind::op: {
      std::vector<std::string> args;
      args.reserve(e.args.size());
      for (auto arg : e.args) {
        args.push_back(fmt::format("e{}", arg));
      }
      out +=
        fmt::format("e{} {} {} {}\n", i, to_string(e.op), to_string(e.dtype), fmt::join(args, " "));
      break;
    }
    }
  }
  out += fmt::format("prologue {}\na {}\nb {}\nresult e{}\n", prologue, a, b, result);
  return out;
}

std::string
KernelSpec::summary() const
{
  size_t ops = 0;
  for (const auto& e : exprs) {
    ops += e.kind == KernelExpr::Kind::op ? 1 : 0;
  }
  std::vector<std::string> ins;
  ins.reserve(inputs.size());
  for (const auto& input : inputs) {
    ins.push_back(buffer_text(input));
  }
  return fmt::format("{} ({}) -> {}, {} elementwise ops", form_name(form), fmt::join(ins, ", "),
                     buffer_text(output), ops);
}

} // namespace jitcache::jit

#include "jit/language/parser.hpp"

#include "jit/ir/dim_expr.hpp"

#include "jit/language/lexer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <charconv>
#include <string>
#include <vector>

namespace jitcache::jit {

namespace syntax {

TensorType
TypeSpec::tensor_type() const
{
  TensorType type{dtype, {}};
  type.shape.reserve(dims.size());
  for (const auto& spec : dims) {
    type.shape.push_back(spec.dim);
  }
  return type;
}

} // namespace syntax

namespace {

using syntax::Expr;

// How the whitespace before a line's first token is made.
enum class IndentationKind { spaces, tabs, tabs_and_spaces };

IndentationKind
kind_of(std::string_view indentation)
{
  const bool tabs = indentation.find('\t') != std::string_view::npos;
  const bool others = indentation.find_first_not_of('\t') != std::string_view::npos;
  return tabs && others ? IndentationKind::tabs_and_spaces
         : tabs         ? IndentationKind::tabs
                        : IndentationKind::spaces;
}

// How a line indents, for messages, run by run: "4 spaces", "a tab", "a tab and 2 spaces".
std::string
describe_indentation(std::string_view indentation)
{
  std::vector<std::string> runs;
  for (size_t start = 0; start < indentation.size();) {
    const char c = indentation[start];
    const size_t end = std::min(indentation.find_first_not_of(c, start), indentation.size());
    const std::string_view unit = c == '\t' ? "tab" : c == ' ' ? "space" : "carriage return";
    runs.push_back(end - start == 1 ? fmt::format("a {}", unit)
                                    : fmt::format("{} {}s", end - start, unit));
    start = end;
  }
  if (runs.size() < 2) {
    return runs.empty() ? "no indentation" : runs.front();
  }
  const std::string last = std::move(runs.back());
  runs.pop_back();
  return fmt::format("{} and {}", fmt::join(runs, ", "), last);
}

// A body line indented otherwise than the body's first line. As in Python, a tab is not worth
// some number of spaces: lines that differ in how they mix the two are inconsistent whatever
// they look like in an editor.
std::string
indentation_mismatch(std::string_view found, std::string_view expected, uint32_t expected_line)
{
  const bool same_kind =
    kind_of(found) == kind_of(expected) && kind_of(found) != IndentationKind::tabs_and_spaces;
  return fmt::format("{}: {} here, {} on the body's first line (line {})",
                     same_kind ? "inconsistent indentation"
                               : "inconsistent use of tabs and spaces in indentation",
                     describe_indentation(found), describe_indentation(expected), expected_line);
}

class Parser {
public:
  Parser(const SourceText& source, std::vector<Token> tokens)
    : m_source(source), m_tokens(std::move(tokens))
  {
  }

  Expected<syntax::Program>
  parse_program()
  {
    syntax::Program program;
    while (peek().kind != TokenKind::end) {
      if (peek().kind == TokenKind::newline) {
        next();
        continue;
      }
      if (!peek().indentation().empty()) {
        return error_at(peek(), "unexpected indentation");
      }
      if (is_keyword("def")) {
        auto function = parse_def();
        if (!function) {
          return std::unexpected(function.error());
        }
        program.functions.push_back(std::move(*function));
      } else if (is_keyword("run")) {
        auto run = parse_run();
        if (!run) {
          return std::unexpected(run.error());
        }
        program.runs.push_back(std::move(*run));
      } else {
        return error_at(peek(), fmt::format("expected 'def' or 'run', found {}", describe(peek())));
      }
    }
    return program;
  }

private:
  const Token&
  peek(size_t ahead = 0) const
  {
    return m_tokens[std::min(m_position + ahead, m_tokens.size() - 1)];
  }
  const Token&
  next()
  {
    const Token& token = peek();
    if (m_position < m_tokens.size() - 1) {
      ++m_position;
    }
    return token;
  }
  bool
  is_symbol(std::string_view text, size_t ahead = 0) const
  {
    return peek(ahead).kind == TokenKind::symbol && peek(ahead).text == text;
  }
  bool
  is_keyword(std::string_view text) const
  {
    return peek().kind == TokenKind::name && peek().text == text;
  }

  static std::string
  describe(const Token& token)
  {
    switch (token.kind) {
    case TokenKind::newline: return "the end of the line";
    case TokenKind::end: return "the end of the file";
    default: return fmt::format("'{}'", token.text);
    }
  }

  std::unexpected<Error>
  error_at(const Token& token, std::string_view message) const
  {
    const size_t length =
      token.kind == TokenKind::newline ? 1 : std::max<size_t>(token.text.size(), 1);
    return source_error(m_source, token.location, message, length);
  }

  Expected<Token>
  expect_symbol(std::string_view text)
  {
    if (!is_symbol(text)) {
      return error_at(peek(), fmt::format("expected '{}', found {}", text, describe(peek())));
    }
    return next();
  }

  Expected<Token>
  expect_name(std::string_view what)
  {
    if (peek().kind != TokenKind::name) {
      return error_at(peek(), fmt::format("expected {}, found {}", what, describe(peek())));
    }
    return next();
  }

  // A name that a statement, parameter or def defines: not one of the constants an
  // expression reads (true, false, inf, nan), which it could never be read back as.
  Expected<Token>
  expect_binding_name(std::string_view what)
  {
    auto name = expect_name(what);
    if (name && syntax::is_constant_name(name->text)) {
      return error_at(*name, fmt::format("'{}' is a constant and cannot be a name", name->text));
    }
    return name;
  }

  Expected<void>
  expect_newline()
  {
    if (peek().kind != TokenKind::newline && peek().kind != TokenKind::end) {
      return error_at(peek(),
                      fmt::format("expected the end of the line, found {}", describe(peek())));
    }
    next();
    return {};
  }

  Expected<int64_t>
  parse_integer(const Token& token) const
  {
    int64_t value = 0;
    auto [end, ec] =
      std::from_chars(token.text.data(), token.text.data() + token.text.size(), value);
    if (ec != std::errc() || end != token.text.data() + token.text.size()) {
      return error_at(token, fmt::format("integer '{}' is out of range", token.text));
    }
    return value;
  }

  // "{" FIRST ".." LAST "}", the opening brace already read: every size from FIRST to LAST.
  Expected<std::pair<int64_t, int64_t>>
  parse_sweep(const Token& open)
  {
    const Token& first = next();
    if (first.kind != TokenKind::integer) {
      return error_at(first, fmt::format("expected the first size of a sweep like {{1..64}}, "
                                         "found {}",
                                         describe(first)));
    }
    auto low = parse_integer(first);
    if (!low) {
      return std::unexpected(low.error());
    }
    if (auto dots = expect_symbol(".."); !dots) {
      return std::unexpected(dots.error());
    }
    const Token& last = next();
    if (last.kind != TokenKind::integer) {
      return error_at(last, fmt::format("expected the last size of a sweep like {{1..64}}, "
                                        "found {}",
                                        describe(last)));
    }
    auto high = parse_integer(last);
    if (!high) {
      return std::unexpected(high.error());
    }
    if (*high < *low) {
      return error_at(open,
                      fmt::format("a sweep's last size {} is below its first {}", *high, *low));
    }
    if (auto close = expect_symbol("}"); !close) {
      return std::unexpected(close.error());
    }
    return std::pair{*low, *high};
  }

  bool
  ends_dimension(const Token& token) const
  {
    return token.kind == TokenKind::symbol && (token.text == "," || token.text == "]");
  }

  // A dimension written as an expression ("2 * N", "(A + B) // 2"), its first token already
  // read: the tokens up to the ',' or ']' that ends it, read by DimExpr.
  Expected<Dim>
  parse_dimension_expression(const Token& first)
  {
    const Token* last = &first;
    int depth = first.text == "(" ? 1 : 0;
    while (depth > 0 || !ends_dimension(peek())) {
      if (peek().kind == TokenKind::end || peek().kind == TokenKind::newline) {
        return error_at(peek(), fmt::format("expected ',' or ']', found {}", describe(peek())));
      }
      last = &next();
      depth += last->text == "(" ? 1 : last->text == ")" ? -1 : 0;
    }
    if (last->location.line != first.location.line) {
      return error_at(first, "a dimension expression must be on one line");
    }
    const std::string_view text(
      first.text.data(),
      static_cast<size_t>(last->text.data() + last->text.size() - first.text.data()));
    size_t offset = 0;
    auto expr = DimExpr::parse(text, &offset);
    if (!expr) {
      // "dimension '...', offset N: expected ...": the caret shows where instead.
      std::string message = expr.error().message;
      if (const auto expected = message.find("expected"); expected != std::string::npos) {
        message = fmt::format("{} in the dimension '{}'", message.substr(expected), text);
      }
      SourceLocation at = first.location;
      at.column += static_cast<uint32_t>(offset);
      return source_error(m_source, at, message, 1);
    }
    return dim_of(*expr);
  }

  Expected<syntax::TypeSpec>
  parse_type()
  {
    auto dtype_token = expect_name("a dtype (f32, f64, i32, i64, bool)");
    if (!dtype_token) {
      return std::unexpected(dtype_token.error());
    }
    auto dtype = parse_dtype(dtype_token->text);
    if (!dtype) {
      return error_at(
        *dtype_token,
        fmt::format("unknown dtype '{}' (expected f32, f64, i32, i64 or bool)", dtype_token->text));
    }
    syntax::TypeSpec type{*dtype, {}, dtype_token->location};
    if (auto open = expect_symbol("["); !open) {
      return std::unexpected(open.error());
    }
    while (!is_symbol("]")) {
      const Token& token = next();
      if (token.kind == TokenKind::symbol && token.text == "{") {
        auto sweep = parse_sweep(token);
        if (!sweep) {
          return std::unexpected(sweep.error());
        }
        type.dims.push_back({Dim::of(sweep->first), token.location, *sweep});
      } else if (token.kind == TokenKind::integer && ends_dimension(peek())) {
        auto value = parse_integer(token);
        if (!value) {
          return std::unexpected(value.error());
        }
        type.dims.push_back({Dim::of(*value), token.location, std::nullopt});
      } else if (token.kind == TokenKind::name && ends_dimension(peek())) {
        type.dims.push_back({Dim::named(std::string(token.text)), token.location, std::nullopt});
      } else if (token.kind == TokenKind::integer || token.kind == TokenKind::name ||
                 (token.kind == TokenKind::symbol && (token.text == "(" || token.text == "-"))) {
        auto dim = parse_dimension_expression(token);
        if (!dim) {
          return std::unexpected(dim.error());
        }
        type.dims.push_back({*dim, token.location, std::nullopt});
      } else {
        return error_at(
          token, fmt::format("expected a dimension (a size, a name or an expression of them), "
                             "found {}",
                             describe(token)));
      }
      if (!is_symbol("]")) {
        if (auto comma = expect_symbol(","); !comma) {
          return std::unexpected(comma.error());
        }
      }
    }
    next();
    // Sizes, strides and offsets are int64 everywhere; a sweep counts at its largest size.
    std::vector<int64_t> sizes;
    for (const auto& dim : type.dims) {
      if (dim.sweep || dim.dim.is_static()) {
        sizes.push_back(dim.sweep ? dim.sweep->second : dim.dim.size);
      }
    }
    if (!tensor_bytes(type.dtype, sizes)) {
      return error_at(*dtype_token, "a tensor of this type would take more than 2^63 bytes");
    }
    return type;
  }

  // NAME ":" type, or NAME "=" type in a run line.
  Expected<syntax::Parameter>
  parse_parameter(std::string_view separator)
  {
    auto name = expect_binding_name("a parameter name");
    if (!name) {
      return std::unexpected(name.error());
    }
    if (auto sep = expect_symbol(separator); !sep) {
      return std::unexpected(sep.error());
    }
    auto type = parse_type();
    if (!type) {
      return std::unexpected(type.error());
    }
    return syntax::Parameter{std::string(name->text), name->location, std::move(*type)};
  }

  Expected<std::vector<syntax::Parameter>>
  parse_parameter_list(std::string_view separator)
  {
    std::vector<syntax::Parameter> parameters;
    if (auto open = expect_symbol("("); !open) {
      return std::unexpected(open.error());
    }
    while (!is_symbol(")")) {
      auto parameter = parse_parameter(separator);
      if (!parameter) {
        return std::unexpected(parameter.error());
      }
      parameters.push_back(std::move(*parameter));
      if (!is_symbol(")")) {
        if (auto comma = expect_symbol(","); !comma) {
          return std::unexpected(comma.error());
        }
      }
    }
    next();
    return parameters;
  }

  Expected<syntax::Function>
  parse_def()
  {
    const Token def_token = next();
    auto name = expect_binding_name("a function name");
    if (!name) {
      return std::unexpected(name.error());
    }
    syntax::Function function{std::string(name->text), name->location, {}, {}};
    auto parameters = parse_parameter_list(":");
    if (!parameters) {
      return std::unexpected(parameters.error());
    }
    function.parameters = std::move(*parameters);
    if (auto colon = expect_symbol(":"); !colon) {
      return std::unexpected(colon.error());
    }
    if (auto end = expect_newline(); !end) {
      return std::unexpected(end.error());
    }
    std::string_view body_indentation; // as the body's first line has it
    uint32_t body_line = 0;
    while (peek().kind != TokenKind::end && !peek().indentation().empty()) {
      if (body_line == 0) {
        body_indentation = peek().indentation();
        body_line = peek().location.line;
      } else if (peek().indentation() != body_indentation) {
        return error_at(peek(),
                        indentation_mismatch(peek().indentation(), body_indentation, body_line));
      }
      auto statement = parse_statement();
      if (!statement) {
        return std::unexpected(statement.error());
      }
      function.body.push_back(std::move(*statement));
    }
    if (function.body.empty()) {
      return error_at(peek(), fmt::format("function '{}' has no body", function.name));
    }
    if (!function.body.back().is_return) {
      return source_error(m_source, function.location,
                          fmt::format("function '{}' does not end with a return", function.name),
                          function.name.size());
    }
    (void)def_token;
    return function;
  }

  Expected<syntax::Statement>
  parse_statement()
  {
    syntax::Statement statement;
    statement.location = peek().location;
    if (is_keyword("return")) {
      next();
      statement.is_return = true;
    } else {
      while (true) {
        auto target = expect_binding_name("a name to assign or 'return'");
        if (!target) {
          return std::unexpected(target.error());
        }
        statement.targets.push_back({std::string(target->text), target->location});
        if (!is_symbol(",")) {
          break;
        }
        next();
      }
      if (auto equals = expect_symbol("="); !equals) {
        return std::unexpected(equals.error());
      }
    }
    while (true) {
      auto value = parse_expression();
      if (!value) {
        return std::unexpected(value.error());
      }
      statement.values.push_back(std::move(*value));
      if (!statement.is_return || !is_symbol(",")) {
        break;
      }
      next();
    }
    if (auto end = expect_newline(); !end) {
      return std::unexpected(end.error());
    }
    return statement;
  }

  Expected<syntax::Run>
  parse_run()
  {
    next();
    auto name = expect_name("the name of the function to run");
    if (!name) {
      return std::unexpected(name.error());
    }
    syntax::Run run{std::string(name->text), name->location, {}, 1};
    auto arguments = parse_parameter_list("=");
    if (!arguments) {
      return std::unexpected(arguments.error());
    }
    run.arguments = std::move(*arguments);
    if (is_keyword("repeat")) {
      next();
      if (peek().kind != TokenKind::integer) {
        return error_at(peek(), fmt::format("expected a repeat count, found {}", describe(peek())));
      }
      auto count = parse_integer(next());
      if (!count) {
        return std::unexpected(count.error());
      }
      run.repeat = static_cast<uint64_t>(*count);
    }
    if (auto end = expect_newline(); !end) {
      return std::unexpected(end.error());
    }
    return run;
  }

  static Expr
  make_binary(Expr left, const Token& op, Expr right)
  {
    Expr expr;
    expr.kind = Expr::Kind::binary;
    expr.depth = std::max(left.depth, right.depth) + 1;
    expr.location = op.location;
    expr.length = op.text.size();
    expr.text = op.text;
    expr.operands.push_back(std::move(left));
    expr.operands.push_back(std::move(right));
    return expr;
  }

  // Parsing, lowering and destroying an expression recurse as deep as its tree: past this
  // depth a program gets an error, not a stack overflow (Python stops at 200 parentheses).
  static constexpr uint32_t k_max_depth = 1000;

  std::unexpected<Error>
  too_deep(const Token& token) const
  {
    return error_at(token, fmt::format("expression more than {} operations deep (nested or "
                                       "chained); split it into several statements",
                                       k_max_depth));
  }

  Expected<Expr>
  parse_expression()
  {
    if (++m_nesting > k_max_depth) {
      return too_deep(peek());
    }
    const Token& first = peek();
    auto parsed = parse_comparison();
    --m_nesting;
    if (parsed && parsed->depth > k_max_depth) { // a call or list around a deep operand
      return too_deep(first);
    }
    return parsed;
  }

  Expected<Expr>
  parse_comparison()
  {
    auto left = parse_sum();
    if (!left) {
      return left;
    }
    for (std::string_view op : {"<", "<=", ">", ">=", "==", "!="}) {
      if (is_symbol(op)) {
        const Token op_token = next();
        auto right = parse_sum();
        if (!right) {
          return right;
        }
        return binary_within_depth(std::move(*left), op_token, std::move(*right));
      }
    }
    return left;
  }

  // `left op right`, unless that is deeper than the limit.
  Expected<Expr>
  binary_within_depth(Expr left, const Token& op, Expr right) const
  {
    if (std::max(left.depth, right.depth) >= k_max_depth) {
      return too_deep(op);
    }
    return make_binary(std::move(left), op, std::move(right));
  }

  Expected<Expr>
  parse_sum()
  {
    auto left = parse_product();
    while (left && (is_symbol("+") || is_symbol("-"))) {
      const Token op = next();
      auto right = parse_product();
      if (!right) {
        return right;
      }
      left = binary_within_depth(std::move(*left), op, std::move(*right));
    }
    return left;
  }

  Expected<Expr>
  parse_product()
  {
    auto left = parse_unary();
    while (left && (is_symbol("*") || is_symbol("/") || is_symbol("//") || is_symbol("@"))) {
      const Token op = next();
      auto right = parse_unary();
      if (!right) {
        return right;
      }
      left = binary_within_depth(std::move(*left), op, std::move(*right));
    }
    return left;
  }

  Expected<Expr>
  parse_unary()
  {
    std::vector<Token> minuses; // outermost first; a loop, as "- - - x" may be long
    while (is_symbol("-")) {
      minuses.push_back(next());
    }
    auto operand = parse_primary();
    for (auto minus = minuses.rbegin(); operand && minus != minuses.rend(); ++minus) {
      if (operand->depth >= k_max_depth) {
        return too_deep(*minus);
      }
      Expr expr;
      expr.kind = Expr::Kind::negate;
      expr.depth = operand->depth + 1;
      expr.location = minus->location;
      expr.operands.push_back(std::move(*operand));
      operand = std::move(expr);
    }
    return operand;
  }

  Expected<Expr>
  parse_primary()
  {
    const Token& token = peek();
    Expr expr;
    expr.location = token.location;
    expr.length = std::max<size_t>(token.text.size(), 1);
    expr.text = token.text;
    switch (token.kind) {
    case TokenKind::integer:
      next();
      expr.kind = Expr::Kind::integer;
      return expr;
    case TokenKind::real:
      next();
      expr.kind = Expr::Kind::real;
      return expr;
    case TokenKind::name:
      next();
      if (expr.text == "true" || expr.text == "false") {
        expr.kind = Expr::Kind::boolean;
        return expr;
      }
      if (expr.text == syntax::k_infinity || expr.text == syntax::k_not_a_number) {
        expr.kind = Expr::Kind::real;
        return expr;
      }
      if (is_symbol("(")) {
        return parse_call(std::move(expr));
      }
      expr.kind = Expr::Kind::name;
      return expr;
    default: break;
    }
    if (is_symbol("(")) {
      next();
      auto inner = parse_expression();
      if (!inner) {
        return inner;
      }
      if (auto close = expect_symbol(")"); !close) {
        return std::unexpected(close.error());
      }
      return inner;
    }
    if (is_symbol("[")) {
      next();
      expr.kind = Expr::Kind::list;
      while (!is_symbol("]")) {
        auto item = parse_expression();
        if (!item) {
          return item;
        }
        expr.depth = std::max(expr.depth, item->depth + 1);
        expr.operands.push_back(std::move(*item));
        if (!is_symbol("]")) {
          if (auto comma = expect_symbol(","); !comma) {
            return std::unexpected(comma.error());
          }
        }
      }
      next();
      return expr;
    }
    return error_at(token, fmt::format("expected an expression, found {}", describe(token)));
  }

  Expected<Expr>
  parse_call(Expr callee)
  {
    callee.kind = Expr::Kind::call;
    next(); // (
    while (!is_symbol(")")) {
      if (peek().kind == TokenKind::name && is_symbol("=", 1)) {
        const Token name = next();
        next();
        auto value = parse_expression();
        if (!value) {
          return value;
        }
        callee.depth = std::max(callee.depth, value->depth + 1);
        syntax::KeywordArg keyword{std::string(name.text), name.location, {}};
        keyword.value.push_back(std::move(*value));
        callee.keywords.push_back(std::move(keyword));
      } else {
        if (!callee.keywords.empty()) {
          return error_at(peek(), "a positional argument cannot follow a keyword argument");
        }
        auto value = parse_expression();
        if (!value) {
          return value;
        }
        callee.depth = std::max(callee.depth, value->depth + 1);
        callee.operands.push_back(std::move(*value));
      }
      if (!is_symbol(")")) {
        if (auto comma = expect_symbol(","); !comma) {
          return std::unexpected(comma.error());
        }
      }
    }
    next();
    return callee;
  }

  const SourceText& m_source;
  std::vector<Token> m_tokens;
  size_t m_position = 0;
  uint32_t m_nesting = 0; // parse_expression calls under way
};

} // namespace

Expected<syntax::Program>
parse_syntax(const SourceText& source)
{
  auto tokens = tokenize(source);
  if (!tokens) {
    return std::unexpected(tokens.error());
  }
  return Parser(source, std::move(*tokens)).parse_program();
}

} // namespace jitcache::jit

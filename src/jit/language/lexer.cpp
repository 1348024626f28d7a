#include "jit/language/lexer.hpp"

#include "jit/ir/names.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <utility>

namespace jitcache::jit {

namespace {

bool
is_digit(char c)
{
  return std::isdigit(static_cast<unsigned char>(c)) != 0;
}

} // namespace

Expected<std::vector<Token>>
tokenize(const SourceText& source)
{
  const std::string_view text = source.text;
  std::vector<Token> tokens;
  tokens.reserve(text.size() / 3 + 2); // about one token per three characters of real programs
  uint32_t line = 1;
  size_t line_start = 0;
  int depth = 0; // open brackets; newlines inside them do not end a statement
  bool at_line_start = true;
  std::vector<std::pair<char, SourceLocation>> open_brackets;
  size_t i = 0;
  if (text.starts_with("\xEF\xBB\xBF")) { // a UTF-8 byte order mark, as some editors write
    i = line_start = 3;
  }
  auto here = [&] { return SourceLocation{line, static_cast<uint32_t>(i - line_start + 1)}; };
  auto push = [&](TokenKind kind, std::string_view token_text, SourceLocation location) {
    tokens.push_back(Token{token_text, location, kind, at_line_start && depth == 0});
    at_line_start = false;
  };

  while (i < text.size()) {
    const char c = text[i];
    if (c == '\n') {
      if (depth == 0 && !at_line_start) {
        push(TokenKind::newline, text.substr(i, 1), here());
        at_line_start = true;
      }
      ++i;
      ++line;
      line_start = i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\r') {
      ++i;
      continue;
    }
    if (c == '\\') { // joins the next line to this one, as in Python
      const size_t end = text.substr(i + 1, 1) == "\r" ? i + 2 : i + 1;
      if (end >= text.size() || text[end] != '\n') {
        return source_error(source, here(), "a '\\' must end its line (it joins the next one)");
      }
      i = end + 1;
      ++line;
      line_start = i;
      continue;
    }
    if (c == '#') {
      while (i < text.size() && text[i] != '\n') {
        ++i;
      }
      continue;
    }
    const auto location = here();
    if (is_name_start(c)) {
      const size_t begin = i;
      while (i < text.size() && is_name_char(text[i])) {
        ++i;
      }
      push(TokenKind::name, text.substr(begin, i - begin), location);
      continue;
    }
    if (is_digit(c) || (c == '.' && i + 1 < text.size() && is_digit(text[i + 1]))) {
      const size_t begin = i;
      bool real = false;
      while (i < text.size() && is_digit(text[i])) {
        ++i;
      }
      // "1..64" is a range of integers, not the real "1." followed by ".64".
      if (i < text.size() && text[i] == '.' && !text.substr(i).starts_with("..")) {
        real = true;
        ++i;
        while (i < text.size() && is_digit(text[i])) {
          ++i;
        }
      }
      if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
        size_t j = i + 1;
        if (j < text.size() && (text[j] == '+' || text[j] == '-')) {
          ++j;
        }
        if (j < text.size() && is_digit(text[j])) {
          real = true;
          i = j;
          while (i < text.size() && is_digit(text[i])) {
            ++i;
          }
        }
      }
      if (i < text.size() && is_name_char(text[i])) {
        return source_error(source, location,
                            fmt::format("malformed number '{}'", text.substr(begin, i - begin + 1)),
                            i - begin + 1);
      }
      push(real ? TokenKind::real : TokenKind::integer, text.substr(begin, i - begin), location);
      continue;
    }
    static constexpr std::array two_char = {"<=", ">=", "==", "!=", "..", "//"};
    bool matched = false;
    for (std::string_view op : two_char) {
      if (text.substr(i, 2) == op) {
        push(TokenKind::symbol, text.substr(i, 2), location);
        i += 2;
        matched = true;
        break;
      }
    }
    if (matched) {
      continue;
    }
    if (std::string_view("()[]{},:=+-*/@<>").find(c) == std::string_view::npos) {
      const auto byte = static_cast<unsigned char>(c);
      return source_error(source, location,
                          byte >= 0x20 && byte < 0x7f
                            ? fmt::format("unexpected character '{}'", c)
                            : fmt::format("unexpected byte 0x{:02X} (outside comments a program "
                                          "is ASCII)",
                                          byte));
    }
    if (c == '(' || c == '[') {
      ++depth;
      open_brackets.emplace_back(c, location);
    } else if (c == ')' || c == ']') {
      if (depth == 0) {
        return source_error(source, location, fmt::format("unmatched '{}'", c));
      }
      const auto [open, open_location] = open_brackets.back();
      if ((open == '(') != (c == ')')) {
        return source_error(source, location,
                            fmt::format("'{}' does not close the '{}' at line {}, column {}", c,
                                        open, open_location.line, open_location.column));
      }
      --depth;
      open_brackets.pop_back();
    }
    push(TokenKind::symbol, text.substr(i, 1), location);
    ++i;
  }
  if (depth > 0) {
    return source_error(source, open_brackets.back().second, "this bracket is never closed");
  }
  if (!at_line_start) {
    push(TokenKind::newline, "\n", here());
  }
  tokens.push_back(Token{"", here(), TokenKind::end, false});
  return tokens;
}

} // namespace jitcache::jit

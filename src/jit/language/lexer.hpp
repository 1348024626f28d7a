// Lexer for the JIT's language: Python-like lines. A newline ends a statement except inside
// brackets; `#` starts a comment; each line's first token records its indentation.
#pragma once

#include "jit/language/source_error.hpp"

#include <jitcache/error.hpp>

#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit {

enum class TokenKind {
  name,
  integer,
  real,
  symbol, // punctuation and operators: ( ) [ ] , : = + - * / @ < <= > >= == !=
  newline,
  end,
};

struct Token {
  TokenKind kind = TokenKind::end;
  std::string_view text; // into the SourceText, which outlives the tokens
  SourceLocation location;
  bool starts_line = false;     // the first token of a logical line
  std::string_view indentation; // for a line's first token: the spaces and tabs before it
};

Expected<std::vector<Token>> tokenize(const SourceText& source);

} // namespace jitcache::jit

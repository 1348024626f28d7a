// Lexer for the JIT's language: Python-like lines. A newline ends a statement except inside
// brackets; `#` starts a comment; each line's first token records its indentation.
#pragma once

#include "jit/language/source_error.hpp"

#include <jitcache/error.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::jit {

enum class TokenKind : uint8_t {
  name,
  integer,
  real,
  symbol, // punctuation and operators: ( ) [ ] , : = + - * / @ < <= > >= == !=
  newline,
  end,
};

// 32 bytes: a program's tokens are all held at once, and a printed graph has thousands.
struct Token {
  std::string_view text; // into the SourceText, which outlives the tokens
  SourceLocation location;
  TokenKind kind = TokenKind::end;
  bool starts_line = false; // the first token of a logical line

  // For a line's first token: the spaces and tabs before it, which precede it in the source
  // (its column counts them); empty for any other token.
  std::string_view
  indentation() const
  {
    return starts_line ? std::string_view(text.data() - (location.column - 1), location.column - 1)
                       : std::string_view();
  }
};

Expected<std::vector<Token>> tokenize(const SourceText& source);

} // namespace jitcache::jit

// Parser: the JIT's text language (docs/language.md) into a syntax tree. Recursive descent,
// one token of lookahead; every error names file:line:column and shows the line.
//
//   program    := { def | run | NEWLINE }
//   def        := "def" NAME "(" [param {"," param} [","]] ")" ":" NEWLINE {INDENTED stmt}
//   param      := NAME ":" type          type := DTYPE "[" [dim {"," dim}] "]"
//   stmt       := "return" expr {"," expr} | NAME {"," NAME} "=" expr
//   run        := "run" NAME "(" [NAME "=" type {"," ...}] ")" ["repeat" INT]
//   expr       := sum [("<"|"<="|">"|">="|"=="|"!=") sum]
//   sum        := product {("+"|"-") product}
//   product    := unary {("*"|"/"|"//"|"@") unary}       ("//" divides dimensions)
//   unary      := "-" unary | primary
//   primary    := NUMBER | "true" | "false" | NAME | NAME "(" args ")" | "(" expr ")"
//               | "[" [expr {"," expr}] "]"
//   args       := [arg {"," arg}]         arg := expr | NAME "=" expr
#pragma once

#include "jit/language/source_error.hpp"
#include "jit/language/syntax.hpp"

namespace jitcache::jit {

Expected<syntax::Program> parse_syntax(const SourceText& source);

} // namespace jitcache::jit

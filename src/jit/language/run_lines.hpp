// Run lines: a `run NAME(PARAM=TYPE, ...) repeat N` of a program, checked against the
// signature of the function it calls, argument by argument, so that an error points at the
// argument that breaks it (a wrong size, a symbol bound to two sizes, a missing argument).
#pragma once

#include "jit/language/program.hpp"
#include "jit/language/syntax.hpp"

namespace jitcache::jit {

Expected<RunLine> lower_run_line(const SourceText& source, const syntax::Run& run,
                                 const Program& program);

} // namespace jitcache::jit

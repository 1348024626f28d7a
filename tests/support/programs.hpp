// Programs of the JIT's language written inline in tests: parsed, or a test failure that
// shows the error.
#pragma once

#include "jit/language/program.hpp"

#include <gtest/gtest.h>

#include <string>

namespace jitcache::testing {

inline jit::Program
program_of(const std::string& text)
{
  auto program = jit::parse_program(jit::SourceText{"test.jc", text});
  EXPECT_TRUE(program) << program.error().message;
  return program ? std::move(*program) : jit::Program{};
}

// The function `name` of the program, or its last function.
inline jit::Graph
graph_of(const std::string& text, const std::string& name = "")
{
  const auto program = program_of(text);
  const jit::Graph* graph = name.empty()
                              ? (program.functions.empty() ? nullptr : &program.functions.back())
                              : program.find(name);
  EXPECT_TRUE(graph) << "no function '" << name << "' in\n" << text;
  return graph ? *graph : jit::Graph{};
}

} // namespace jitcache::testing

// Errors in a program's text: "file:line:column: error: message", then the offending line
// and a caret under the column, as compilers print them.
#pragma once

#include "jit/ir/graph.hpp"

#include <jitcache/error.hpp>

#include <string>
#include <string_view>

namespace jitcache::jit {

struct SourceText {
  std::string path; // as given by the user; only used in messages
  std::string text;
};

// The formatted message; `length` is how many columns to underline.
std::string format_source_error(const SourceText& source, SourceLocation location,
                                std::string_view message, size_t length = 1);

std::unexpected<Error> source_error(const SourceText& source, SourceLocation location,
                                    std::string_view message, size_t length = 1);

} // namespace jitcache::jit

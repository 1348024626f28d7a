#include "jit/language/source_error.hpp"

#include <fmt/format.h>

namespace jitcache::jit {

namespace {

std::string_view
source_line(std::string_view text, uint32_t line)
{
  size_t begin = 0;
  for (uint32_t i = 1; i < line; ++i) {
    begin = text.find('\n', begin);
    if (begin == std::string_view::npos) {
      return {};
    }
    ++begin;
  }
  const auto end = text.find('\n', begin);
  return text.substr(begin, end == std::string_view::npos ? text.size() - begin : end - begin);
}

} // namespace

std::string
format_source_error(const SourceText& source, SourceLocation location, std::string_view message,
                    size_t length)
{
  auto line = source_line(source.text, location.line);
  if (!line.empty() && line.back() == '\r') {
    line.remove_suffix(1);
  }
  // Tabs in the prefix stay tabs so the caret lines up whatever the tab width.
  std::string pad;
  for (size_t i = 0; i + 1 < location.column && i < line.size(); ++i) {
    pad += line[i] == '\t' ? '\t' : ' ';
  }
  return fmt::format("{}:{}:{}: error: {}\n    {}\n    {}^{}", source.path, location.line,
                     location.column, message, line, pad,
                     std::string(length > 1 ? length - 1 : 0, '~'));
}

std::unexpected<Error>
source_error(const SourceText& source, SourceLocation location, std::string_view message,
             size_t length)
{
  return make_error(ErrorCode::invalid_argument,
                    format_source_error(source, location, message, length));
}

} // namespace jitcache::jit

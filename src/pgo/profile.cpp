#include "pgo/profile.hpp"

#include <fmt/format.h>

#include <charconv>
#include <sstream>

namespace jitcache::pgo {

namespace {

constexpr std::string_view k_magic = "jitcache-pgo 1";

Error
parse_error(size_t line, std::string_view message)
{
  return Error{ErrorCode::corrupt, fmt::format("profile line {}: {}", line, message)};
}

// "a3[1]" -> (3, 1)
bool
parse_dim(std::string_view word, size_t& arg, size_t& dim)
{
  const auto open = word.find('[');
  if (word.size() < 5 || word[0] != 'a' || open == std::string_view::npos || word.back() != ']') {
    return false;
  }
  const char* end = word.data() + open;
  if (std::from_chars(word.data() + 1, end, arg).ptr != end) {
    return false;
  }
  const char* close = word.data() + word.size() - 1;
  return std::from_chars(end + 1, close, dim).ptr == close && arg < 256 && dim < 64;
}

} // namespace

std::string
Profile::to_text() const
{
  return fmt::format("{}\nfunction {}\ngraph {}\ndynamic {}\n", k_magic, function, graph,
                     dynamic.to_string());
}

Expected<Profile>
Profile::parse(std::string_view text)
{
  std::istringstream lines{std::string(text)};
  std::string line;
  if (!std::getline(lines, line) || line != k_magic) {
    return std::unexpected(parse_error(1, fmt::format("expected '{}'", k_magic)));
  }
  Profile profile;
  auto field = [&](size_t number, std::string_view name) -> Expected<std::string> {
    if (!std::getline(lines, line) || !line.starts_with(name) || line.size() < name.size() ||
        (line.size() > name.size() && line[name.size()] != ' ')) {
      return std::unexpected(parse_error(number, fmt::format("expected '{} ...'", name)));
    }
    return line.size() > name.size() ? line.substr(name.size() + 1) : std::string();
  };
  auto function = field(2, "function");
  if (!function) {
    return std::unexpected(function.error());
  }
  auto graph = field(3, "graph");
  if (!graph) {
    return std::unexpected(graph.error());
  }
  auto dynamic = field(4, "dynamic");
  if (!dynamic) {
    return std::unexpected(dynamic.error());
  }
  profile.function = std::move(*function);
  profile.graph = std::move(*graph);
  std::istringstream words(*dynamic);
  std::string word;
  while (words >> word) {
    size_t arg = 0;
    size_t dim = 0;
    if (!parse_dim(word, arg, dim)) {
      return std::unexpected(
        parse_error(4, fmt::format("'{}' is not a dimension like a0[1]", word)));
    }
    dispatch::DynamicDims one;
    one.args.resize(arg + 1);
    one.args[arg].resize(dim + 1, false);
    one.args[arg][dim] = true;
    profile.dynamic.merge(one);
  }
  return profile;
}

KeyBuilder
profile_key(std::string_view function, std::string_view graph)
{
  KeyBuilder builder;
  builder.add_string("artifact", "pgo");
  builder.add_string("function", function);
  builder.add_string("graph", graph);
  return builder;
}

} // namespace jitcache::pgo

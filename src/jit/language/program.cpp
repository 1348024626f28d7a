#include "jit/language/program.hpp"

#include "util/files.hpp"

namespace jitcache::jit {

const Graph*
Program::find(std::string_view name) const
{
  for (const auto& graph : functions) {
    if (graph.name == name) {
      return &graph;
    }
  }
  return nullptr;
}

Expected<Program>
load_program(const std::filesystem::path& path)
{
  auto bytes = util::read_file(path);
  if (!bytes) {
    return std::unexpected(bytes.error());
  }
  return parse_program(SourceText{path.string(), std::string(bytes->begin(), bytes->end())});
}

} // namespace jitcache::jit

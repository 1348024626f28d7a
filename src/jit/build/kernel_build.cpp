#include "jit/build/kernel_build.hpp"

#include "jit/codegen/codegen.hpp"
#include "util/files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <cstdlib>
#include <string_view>
#include <system_error>

namespace jitcache::jit {

namespace {

std::string
describe_failure(const CompileOutcome& outcome, std::string_view what)
{
  auto text = outcome.timed_out ? fmt::format("{} ran past its time limit (compile_timeout)", what)
                                : fmt::format("{} exited with status {}", what, outcome.exit_code);
  if (!outcome.diagnostics.empty()) {
    text += ":\n" + outcome.diagnostics;
  }
  return text;
}

} // namespace

Expected<ScratchDir>
ScratchDir::create()
{
  auto pattern = (std::filesystem::temp_directory_path() / "jitcache-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    return std::unexpected(
      util::errno_error("cannot create a directory for compiling", pattern, errno));
  }
  return ScratchDir(pattern);
}

ScratchDir::ScratchDir(ScratchDir&& other) noexcept : m_path(std::move(other.m_path))
{
  other.m_path.clear();
}

ScratchDir::~ScratchDir()
{
  if (!m_path.empty()) {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
}

CompiledKernel
compile_kernel(const KernelSpec& spec, const Key& key, const Toolchain& toolchain,
               const std::filesystem::path& dir, size_t index)
{
  CompiledKernel result;
  result.source = generate_kernel_source(spec, kernel_symbol(key.to_hex()));
  const auto source_name = fmt::format("kernel{}.cpp", index);
  const auto object_name = fmt::format("kernel{}.o", index);
  if (auto written = util::write_file_atomic(dir / source_name, result.source, false); !written) {
    result.failure = written.error().message;
    return result;
  }
  // Relative names, run inside the scratch directory: no temporary path reaches the
  // compiler's command line or its output.
  auto outcome = toolchain.compile_object(source_name, object_name, dir);
  if (!outcome) {
    result.failure = outcome.error().message;
    return result;
  }
  result.milliseconds = outcome->milliseconds;
  if (!outcome->succeeded) {
    result.failure = describe_failure(*outcome, "the compiler");
    return result;
  }
  auto object = util::read_file(dir / object_name);
  if (!object) {
    result.failure = object.error().message;
    return result;
  }
  result.object = std::move(*object);
  result.succeeded = true;
  return result;
}

Expected<Bytes>
link_library(const std::vector<Bytes>& objects, const Toolchain& toolchain,
             const std::filesystem::path& dir)
{
  std::vector<std::filesystem::path> names;
  for (size_t i = 0; i < objects.size(); ++i) {
    names.emplace_back(fmt::format("link{}.o", i));
    if (auto written = util::write_file_atomic(dir / names.back(), objects[i].span(), false);
        !written) {
      return std::unexpected(written.error());
    }
  }
  auto outcome = toolchain.link(names, "graph.so", dir);
  if (!outcome) {
    return std::unexpected(outcome.error());
  }
  if (!outcome->succeeded) {
    return make_error(ErrorCode::io, describe_failure(*outcome, "linking the kernels"));
  }
  auto library = util::read_file(dir / "graph.so");
  if (!library) {
    return std::unexpected(library.error());
  }
  return Bytes::adopt(std::move(*library));
}

} // namespace jitcache::jit

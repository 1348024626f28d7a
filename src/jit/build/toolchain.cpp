#include "jit/build/toolchain.hpp"

#include "util/files.hpp"
#include "util/hashing.hpp"
#include "util/host_cpu.hpp"
#include "util/subprocess.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <ranges>
#include <sys/stat.h>
#include <unistd.h>

namespace jitcache::jit {

namespace {

// The first executable named `program` on PATH, or `program` itself if it has a slash.
std::optional<std::filesystem::path>
find_program(const std::string& program)
{
  if (program.find('/') != std::string::npos) {
    return ::access(program.c_str(), X_OK) == 0 ? std::optional(std::filesystem::absolute(program))
                                                : std::nullopt;
  }
  // Every start of a warm process resolves the compiler: walk PATH without streams or
  // filesystem::path arithmetic, one stat per directory.
  const char* path = std::getenv("PATH");
  const std::string_view dirs = path ? path : "/usr/local/bin:/usr/bin:/bin";
  std::string candidate;
  for (const auto dir_range : std::views::split(dirs, ':')) {
    const std::string_view dir(dir_range.begin(), dir_range.end());
    candidate.assign(dir.empty() ? "." : dir).append("/").append(program);
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate.starts_with('/') ? std::filesystem::path(candidate)
                                        : std::filesystem::absolute(candidate);
    }
  }
  return std::nullopt;
}

} // namespace

std::vector<std::string>
split_words(std::string_view text)
{
  std::vector<std::string> words;
  size_t at = 0;
  while (at < text.size()) {
    const auto start = text.find_first_not_of(" \t\n", at);
    if (start == std::string_view::npos) {
      break;
    }
    const auto end = text.find_first_of(" \t\n", start);
    words.emplace_back(text.substr(start, end == std::string_view::npos ? end : end - start));
    at = end == std::string_view::npos ? text.size() : end;
  }
  return words;
}

bool
tunes_for_host(const std::vector<std::string>& flags)
{
  return std::any_of(flags.begin(), flags.end(), [](const std::string& flag) {
    return flag == "-march=native" || flag == "-mtune=native" || flag == "-mcpu=native";
  });
}

namespace {

// The probe key of a command: every word that names an executable, with its size and
// modification time (a wrapper such as "ccache c++" is probed through both words).
KeyBuilder
version_probe(const std::vector<std::string>& command, bool with_content)
{
  std::vector<std::string> files;
  for (size_t i = 0; i < command.size(); ++i) {
    if (i > 0 && command[i].starts_with('-')) {
      continue;
    }
    const auto path =
      i == 0 ? std::optional(std::filesystem::path(command[0])) : find_program(command[i]);
    struct stat st {};
    if (path && ::stat(path->c_str(), &st) == 0) {
      files.push_back(fmt::format("{} {} {}.{:09}", path->string(), st.st_size, st.st_mtim.tv_sec,
                                  st.st_mtim.tv_nsec));
    }
  }
  KeyBuilder builder;
  builder.add_string("artifact", "compiler-version");
  builder.add_strings("command", command);
  builder.add_strings("files", files);
  if (with_content) {
    builder.add_string("content", "blake2b");
  }
  return builder;
}

// The BLAKE2b digest of the compiler's binaries: the driver and, when the driver is GCC's,
// the cc1plus it runs (where the C++ compiler proper lives).
Expected<std::string>
binaries_digest(const std::vector<std::string>& command, std::chrono::milliseconds timeout)
{
  std::vector<std::string> files = {command[0]};
  auto asked = command;
  asked.emplace_back("-print-prog-name=cc1plus");
  util::ProcessOptions options;
  options.timeout = timeout;
  if (auto answer = util::run_process(asked, options); answer && answer->exit_code == 0) {
    std::string path = answer->stdout_text;
    while (!path.empty() && (path.back() == '\n' || path.back() == ' ')) {
      path.pop_back();
    }
    if (path.starts_with('/') && ::access(path.c_str(), R_OK) == 0) {
      files.push_back(path); // clang answers with the bare name: it is its own cc1plus
    }
  }
  std::string digests;
  for (const auto& file : files) {
    auto bytes = util::read_file(file);
    if (!bytes) {
      return make_error(ErrorCode::io, fmt::format("compiler_check=content cannot read {}: {}",
                                                   file, bytes.error().message));
    }
    digests += to_hex(util::blake2b_256(*bytes));
  }
  return to_hex(
    util::blake2b_256(std::span(reinterpret_cast<const uint8_t*>(digests.data()), digests.size())));
}

// NAME=value of each variable of k_compiler_environment that is set, in the list's order.
std::vector<std::string>
compiler_environment()
{
  std::vector<std::string> set;
  for (const char* name : k_compiler_environment) {
    if (const char* value = std::getenv(name)) {
      set.push_back(fmt::format("{}={}", name, value));
    }
  }
  return set;
}

} // namespace

Expected<Toolchain>
Toolchain::detect(std::string_view cxx, std::string_view cxxflags,
                  std::chrono::milliseconds timeout, VersionCache* versions,
                  std::string_view compiler_check)
{
  Toolchain toolchain;
  toolchain.m_timeout = timeout;
  toolchain.m_flags = split_words(cxxflags);
  auto command = split_words(cxx);
  if (command.empty()) {
    return make_error(ErrorCode::config, "the compiler command (cxx) is empty");
  }
  const auto resolved = find_program(command[0]);
  if (!resolved) {
    return make_error(ErrorCode::not_found,
                      fmt::format("compiler '{}' not found (cxx = '{}'; PATH = '{}')", command[0],
                                  cxx, std::getenv("PATH") ? std::getenv("PATH") : ""));
  }
  command[0] = resolved->string();
  struct stat st {};
  ::stat(command[0].c_str(), &st);
  toolchain.m_identity.binary_size = static_cast<uint64_t>(st.st_size);
  toolchain.m_identity.binary_mtime_ns =
    int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
  toolchain.m_identity.environment = compiler_environment();

  toolchain.m_identity.command = std::move(command);
  toolchain.m_identity.check = std::string(compiler_check);
  toolchain.set_target();
  if (compiler_check.starts_with("string:")) {
    return toolchain; // the user's string names the compiler: nothing to run or read
  }
  if (auto probed = toolchain.probe_compiler(versions); !probed) {
    return std::unexpected(probed.error());
  }
  return toolchain;
}

Expected<void>
Toolchain::probe_compiler(VersionCache* versions)
{
  const auto& command = m_identity.command;
  const bool with_content = m_identity.check == "content";
  const auto probe = version_probe(command, with_content);
  const Key probe_key = probe.build();
  if (versions) {
    if (auto known = versions->find(probe_key)) {
      const Blob* version = known->find_blob("version");
      const Blob* content = known->find_blob("content");
      if (version && (!with_content || content)) {
        m_identity.version = std::string(version->data.view());
        m_identity.content = content ? std::string(content->data.view()) : std::string();
        return {};
      }
    }
  }
  const std::string cxx = fmt::format("{}", fmt::join(command, " "));
  auto version_command = command;
  version_command.emplace_back("--version");
  util::ProcessOptions options;
  options.timeout = m_timeout;
  auto version = util::run_process(version_command, options);
  if (!version) {
    return make_error(ErrorCode::not_found,
                      fmt::format("cannot run compiler '{}': {}", cxx, version.error().message));
  }
  if (version->timed_out || version->exit_code != 0) {
    return make_error(
      ErrorCode::io,
      fmt::format("compiler '{}' did not answer --version ({}): {}", cxx,
                  version->timed_out ? "timed out" : fmt::format("exit {}", version->exit_code),
                  version->stderr_text));
  }
  m_identity.version = version->stdout_text;
  if (with_content) {
    auto digest = binaries_digest(command, m_timeout);
    if (!digest) {
      return std::unexpected(digest.error());
    }
    m_identity.content = std::move(*digest);
  }
  if (versions) {
    Entry entry;
    entry.kind = std::string(k_toolchain_kind);
    entry.key = probe_key;
    entry.details = probe.details();
    entry.blobs = {Blob{"version", Bytes::copy_of(m_identity.version)}};
    if (with_content) {
      entry.blobs.push_back(Blob{"content", Bytes::copy_of(m_identity.content)});
    }
    versions->remember(probe_key, entry);
  }
  return {};
}

void
Toolchain::set_target()
{
  m_target.architecture = util::host_architecture();
  if (tunes_for_host(m_flags)) {
    m_target.cpu_features = util::host_cpu_features();
  }
}

Expected<CompileOutcome>
Toolchain::compile(const std::filesystem::path& source, const std::filesystem::path& output,
                   const std::filesystem::path& working_directory) const
{
  return run({source.string(), "-o", output.string()}, working_directory);
}

Expected<CompileOutcome>
Toolchain::compile_object(const std::filesystem::path& source, const std::filesystem::path& object,
                          const std::filesystem::path& working_directory) const
{
  return run({"-c", source.string(), "-o", object.string()}, working_directory);
}

Expected<CompileOutcome>
Toolchain::link(const std::vector<std::filesystem::path>& objects,
                const std::filesystem::path& output,
                const std::filesystem::path& working_directory) const
{
  std::vector<std::string> arguments;
  arguments.reserve(objects.size() + 5);
  for (const auto& object : objects) {
    arguments.push_back(object.string());
  }
  // Kernels call only libm and compiler helpers. Without the C++ and C libraries the driver
  // adds by default, the linker has no libstdc++ to read: 20 ms instead of 48 per link. What a
  // library leaves undefined (memcpy, say) binds to the process's libc when it is loaded.
  arguments.insert(arguments.end(), {"-nodefaultlibs", "-lm", "-lgcc", "-o", output.string()});
  return run(arguments, working_directory);
}

Expected<CompileOutcome>
Toolchain::run(const std::vector<std::string>& arguments,
               const std::filesystem::path& working_directory) const
{
  std::vector<std::string> argv = m_identity.command;
  argv.insert(argv.end(), m_flags.begin(), m_flags.end());
  argv.insert(argv.end(), arguments.begin(), arguments.end());
  util::ProcessOptions options;
  options.timeout = m_timeout;
  options.working_directory = working_directory;
  const auto start = std::chrono::steady_clock::now();
  auto result = util::run_process(argv, options);
  if (!result) {
    return std::unexpected(result.error());
  }
  CompileOutcome outcome;
  outcome.exit_code = result->exit_code;
  outcome.timed_out = result->timed_out;
  outcome.succeeded = result->exit_code == 0 && !result->timed_out;
  outcome.diagnostics = result->stderr_text + result->stdout_text;
  outcome.milliseconds = static_cast<uint64_t>(
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start)
      .count());
  return outcome;
}

void
Toolchain::add_to_key(KeyBuilder& builder) const
{
  if (m_identity.check == "mtime") {
    builder.add_strings("toolchain.command", m_identity.command)
      .add_string("toolchain.version", m_identity.version)
      .add_uint("toolchain.size", m_identity.binary_size)
      .add_int("toolchain.mtime_ns", m_identity.binary_mtime_ns);
  } else {
    // No path: a compiler installed under another prefix is the same compiler.
    auto names = m_identity.command;
    names[0] = std::filesystem::path(names[0]).filename().string();
    builder.add_strings("toolchain.command", names).add_string("toolchain.check", m_identity.check);
    if (m_identity.check == "content") {
      builder.add_string("toolchain.version", m_identity.version)
        .add_string("toolchain.content", m_identity.content);
    }
  }
  builder.add_strings("cxxflags", m_flags)
    .add_string("target.architecture", m_target.architecture)
    .add_string("target.cpu_features", m_target.cpu_features);
  // Only when one is set, so that keys made without any stay what they were.
  if (!m_identity.environment.empty()) {
    builder.add_strings("toolchain.environment", m_identity.environment);
  }
}

} // namespace jitcache::jit

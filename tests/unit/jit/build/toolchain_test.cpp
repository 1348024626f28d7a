// The toolchain against the real system compiler, and against wrapper scripts that play a
// compiler with another version, a hanging one and a failing one.
#include "jit/build/toolchain.hpp"

#include "util/files.hpp"

#include "support/scripts.hpp"
#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdlib>
#include <fstream>
#include <map>
#include <optional>

#include <dlfcn.h>
#include <sys/stat.h>

namespace jitcache::jit {

using jitcache::testing::TempDir;
using jitcache::testing::write_script;

namespace {

constexpr auto k_timeout = std::chrono::seconds(60);

Key
key_of(const Toolchain& toolchain)
{
  KeyBuilder builder;
  toolchain.add_to_key(builder);
  return builder.build();
}

// Sets an environment variable for the scope, then restores what was there.
class ScopedVariable {
public:
  ScopedVariable(const char* name, const std::string& value) : m_name(name)
  {
    if (const char* old = std::getenv(name)) {
      m_old = old;
    }
    ::setenv(name, value.c_str(), 1);
  }
  ScopedVariable(const ScopedVariable&) = delete;
  ScopedVariable& operator=(const ScopedVariable&) = delete;
  ~ScopedVariable()
  {
    if (m_old) {
      ::setenv(m_name, m_old->c_str(), 1);
    } else {
      ::unsetenv(m_name);
    }
  }

private:
  const char* m_name;
  std::optional<std::string> m_old;
};

} // namespace

TEST(Toolchain, DetectsTheSystemCompiler)
{
  auto toolchain = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout);
  ASSERT_TRUE(toolchain) << toolchain.error().message;
  const auto& identity = toolchain->identity();
  EXPECT_TRUE(std::filesystem::path(identity.command[0]).is_absolute());
  EXPECT_FALSE(identity.version.empty());
  EXPECT_GT(identity.binary_size, 0u);
  EXPECT_EQ(toolchain->flags(), (std::vector<std::string>{"-O2", "-fPIC", "-shared"}));
  EXPECT_FALSE(toolchain->target().architecture.empty());
  EXPECT_TRUE(toolchain->target().cpu_features.empty()); // these flags do not tune for the host
}

TEST(Toolchain, CompilesASharedObjectThatLoads)
{
  TempDir dir;
  const auto source = dir / "kernel.cpp";
  ASSERT_TRUE(util::write_file_atomic(
    source, std::string_view("extern \"C\" int add(int a, int b) { return a + b; }\n")));
  auto toolchain = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout).value();
  const auto output = dir / "kernel.so";
  const auto outcome = toolchain.compile(source, output).value();
  ASSERT_TRUE(outcome.succeeded) << outcome.diagnostics;
  void* handle = ::dlopen(output.c_str(), RTLD_NOW | RTLD_LOCAL);
  ASSERT_NE(handle, nullptr) << ::dlerror();
  auto* add = reinterpret_cast<int (*)(int, int)>(::dlsym(handle, "add"));
  ASSERT_NE(add, nullptr);
  EXPECT_EQ(add(40, 2), 42);
  ::dlclose(handle);
}

TEST(Toolchain, CompileErrorsComeBackAsDiagnostics)
{
  TempDir dir;
  const auto source = dir / "broken.cpp";
  ASSERT_TRUE(
    util::write_file_atomic(source, std::string_view("int f() { return undefined_name; }\n")));
  auto toolchain = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout).value();
  const auto outcome = toolchain.compile(source, dir / "broken.so").value();
  EXPECT_FALSE(outcome.succeeded);
  EXPECT_NE(outcome.exit_code, 0);
  EXPECT_NE(outcome.diagnostics.find("undefined_name"), std::string::npos) << outcome.diagnostics;
}

TEST(Toolchain, MissingCompilerIsAClearError)
{
  auto missing = Toolchain::detect("no-such-compiler-xyz", "-O2", k_timeout);
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code, ErrorCode::not_found);
  EXPECT_NE(missing.error().message.find("no-such-compiler-xyz"), std::string::npos);
  EXPECT_FALSE(Toolchain::detect("", "-O2", k_timeout));
}

TEST(Toolchain, KeyChangesWithVersionFlagsAndTarget)
{
  TempDir dir;
  // Wrappers around the real compiler that report different versions.
  const auto v1 = write_script(
    dir, "cxx-v1", "[ \"$1\" = --version ] && { echo 'fake 1.0'; exit 0; }\nexec c++ \"$@\"\n");
  const auto v2 = write_script(
    dir, "cxx-v2", "[ \"$1\" = --version ] && { echo 'fake 2.0'; exit 0; }\nexec c++ \"$@\"\n");
  const auto first = Toolchain::detect(v1.string(), "-O2 -fPIC -shared", k_timeout).value();
  const auto same = Toolchain::detect(v1.string(), "-O2  -fPIC\t-shared", k_timeout).value();
  const auto other_version = Toolchain::detect(v2.string(), "-O2 -fPIC -shared", k_timeout).value();
  const auto other_flags = Toolchain::detect(v1.string(), "-O3 -fPIC -shared", k_timeout).value();
  const auto native =
    Toolchain::detect(v1.string(), "-O2 -march=native -fPIC -shared", k_timeout).value();
  EXPECT_EQ(first.identity().version, "fake 1.0\n");
  EXPECT_EQ(key_of(first), key_of(same));
  EXPECT_NE(key_of(first), key_of(other_version));
  EXPECT_NE(key_of(first), key_of(other_flags));
  EXPECT_NE(key_of(first), key_of(native));
  EXPECT_FALSE(native.target().cpu_features.empty());
}

// An include path from the environment reaches the compiler and can put another header in a
// kernel, so it is part of the identity; a variable the compiler does not read is not.
TEST(Toolchain, KeyChangesWithTheEnvironmentThatReachesTheCompiler)
{
  TempDir dir;
  ASSERT_TRUE(util::write_file_atomic(dir / "limits",
                                      std::string_view("#error shadowed by CPLUS_INCLUDE_PATH\n")));
  const auto source = dir / "kernel.cpp";
  ASSERT_TRUE(util::write_file_atomic(source, std::string_view("#include <limits>\n")));
  const auto plain = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout).value();
  {
    ScopedVariable include_path("CPLUS_INCLUDE_PATH", dir.path().string());
    const auto shadowed = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout).value();
    const auto outcome = shadowed.compile(source, dir / "kernel.so").value();
    EXPECT_NE(outcome.diagnostics.find("shadowed by CPLUS_INCLUDE_PATH"), std::string::npos)
      << outcome.diagnostics;
    EXPECT_TRUE(std::ranges::count(shadowed.identity().environment,
                                   "CPLUS_INCLUDE_PATH=" + dir.path().string()) == 1);
    KeyBuilder a;
    KeyBuilder b;
    plain.add_to_key(a);
    shadowed.add_to_key(b);
    EXPECT_NE(a.build(), b.build());
    const auto differences = compare_details(a.details(), b.details());
    EXPECT_TRUE(std::ranges::any_of(differences, [](const auto& difference) {
      return difference.name == "toolchain.environment";
    }));
  }
  ScopedVariable unrelated("JITCACHE_TEST_UNRELATED", "1");
  const auto same = Toolchain::detect("c++", "-O2 -fPIC -shared", k_timeout).value();
  EXPECT_EQ(key_of(plain), key_of(same));
}

TEST(Toolchain, HangingAndBrokenCompilers)
{
  TempDir dir;
  const auto hangs = write_script(
    dir, "cxx-hangs", "[ \"$1\" = --version ] && { echo hangs; exit 0; }\nexec sleep 30\n");
  auto toolchain = Toolchain::detect(hangs.string(), "", std::chrono::milliseconds(300)).value();
  const auto outcome = toolchain.compile(dir / "x.cpp", dir / "x.so").value();
  EXPECT_TRUE(outcome.timed_out);
  EXPECT_FALSE(outcome.succeeded);

  const auto mute = write_script(dir, "cxx-mute", "exit 3\n");
  auto broken = Toolchain::detect(mute.string(), "", k_timeout);
  ASSERT_FALSE(broken);
  EXPECT_NE(broken.error().message.find("did not answer --version"), std::string::npos);
}

TEST(Toolchain, SplitsWords)
{
  EXPECT_EQ(split_words("  ccache   c++\t"), (std::vector<std::string>{"ccache", "c++"}));
  EXPECT_TRUE(split_words("   ").empty());
  EXPECT_TRUE(tunes_for_host({"-O2", "-mcpu=native"}));
  EXPECT_FALSE(tunes_for_host({"-O2", "-march=x86-64-v3"}));
}

} // namespace jitcache::jit

namespace jitcache::jit {
namespace {

std::filesystem::path
real_compiler()
{
  return std::filesystem::canonical(
    Toolchain::detect("c++", "-O2", k_timeout).value().identity().command[0]);
}

// The real compiler as `dir/<sub>/c++`, installed at another path (a GCC driver finds its
// cc1plus only from its own prefix, so a link stands for a second install).
std::filesystem::path
link_to_compiler(const TempDir& dir, const std::string& sub)
{
  const auto link = dir / sub / "c++";
  std::filesystem::create_directories(link.parent_path());
  std::filesystem::create_symlink(real_compiler(), link);
  return link;
}

// A copy of the compiler driver, one byte longer when `altered` (another build).
std::filesystem::path
copy_of_compiler(const TempDir& dir, const std::string& sub, bool altered)
{
  const auto copy = dir / sub / "c++";
  std::filesystem::create_directories(copy.parent_path());
  std::filesystem::copy_file(real_compiler(), copy);
  if (altered) {
    std::ofstream(copy, std::ios::app) << '\0';
  }
  return copy;
}

TEST(Toolchain, CompilerCheckDecidesWhatIdentifiesTheCompiler)
{
  TempDir dir;
  const auto a = link_to_compiler(dir, "a");
  const auto b = link_to_compiler(dir, "b");
  const auto altered = copy_of_compiler(dir, "c", true);
  const auto detect = [&](const std::filesystem::path& cxx, std::string_view check) {
    return Toolchain::detect(cxx.string(), "-O2 -fPIC -shared", k_timeout, nullptr, check).value();
  };
  // mtime: two installs of one compiler at different paths do not share.
  EXPECT_NE(key_of(detect(a, "mtime")), key_of(detect(b, "mtime")));
  // content: they do, and another binary does not.
  const auto content_a = detect(a, "content");
  EXPECT_EQ(content_a.identity().content.size(), 64u);
  EXPECT_EQ(key_of(content_a), key_of(detect(b, "content")));
  EXPECT_NE(key_of(content_a), key_of(detect(altered, "content")));
  // string: the value is the identity; nothing is run to learn a version.
  const auto pinned = detect(a, "string:gcc-12");
  EXPECT_TRUE(pinned.identity().version.empty());
  EXPECT_EQ(key_of(pinned), key_of(detect(altered, "string:gcc-12")));
  EXPECT_NE(key_of(pinned), key_of(detect(a, "string:gcc-13")));
  EXPECT_NE(key_of(pinned), key_of(content_a));
  // The copies compile.
  const auto source = dir / "k.cpp";
  ASSERT_TRUE(
    util::write_file_atomic(source, std::string_view("extern \"C\" int f() { return 1; }\n")));
  EXPECT_TRUE(content_a.compile(source, dir / "k.so").value().succeeded);
}

// The content digest is remembered with the version, under the binaries' path, size and
// modification time: a second start reads nothing.
TEST(Toolchain, TheContentDigestIsRememberedWithTheVersion)
{
  class MemoryVersions final : public VersionCache {
  public:
    std::optional<Entry>
    find(const Key& probe) override
    {
      ++finds;
      auto it = entries.find(probe);
      return it == entries.end() ? std::nullopt : std::optional(it->second);
    }
    void
    remember(const Key& probe, const Entry& entry) override
    {
      entries[probe] = entry;
    }
    std::map<Key, Entry> entries;
    int finds = 0;
  };
  TempDir dir;
  const auto a = copy_of_compiler(dir, "a", false);
  MemoryVersions versions;
  const auto first = Toolchain::detect(a.string(), "-O2", k_timeout, &versions, "content").value();
  ASSERT_EQ(versions.entries.size(), 1u);
  EXPECT_NE(versions.entries.begin()->second.find_blob("content"), nullptr);
  // Another byte at the end, the size and modification time kept: a digest read again would
  // differ, so an unchanged one shows the remembered digest was used.
  const auto mtime = std::filesystem::last_write_time(a);
  {
    std::fstream file(a, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(-1, std::ios::end);
    file.put('\x5a');
  }
  std::filesystem::last_write_time(a, mtime);
  const auto second = Toolchain::detect(a.string(), "-O2", k_timeout, &versions, "content");
  ASSERT_TRUE(second) << second.error().message;
  EXPECT_EQ(second->identity().content, first.identity().content);
  EXPECT_EQ(key_of(*second), key_of(first));
}

} // namespace
} // namespace jitcache::jit

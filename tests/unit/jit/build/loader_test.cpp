#include "jit/build/loader.hpp"
#include "jit/build/toolchain.hpp"

#include "util/files.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

namespace jitcache::jit {

using jitcache::testing::TempDir;

namespace {

// Compiles a tiny kernel with the system compiler and returns the shared object's path.
std::filesystem::path
compile_kernel(const TempDir& dir, int constant)
{
  const auto source = dir / ("k" + std::to_string(constant) + ".cpp");
  EXPECT_TRUE(util::write_file_atomic(source, "extern \"C\" int answer() { return " +
                                                std::to_string(constant) + "; }\n"));
  const auto output = dir / ("k" + std::to_string(constant) + ".so");
  auto toolchain = Toolchain::detect("c++", "-O2 -fPIC -shared", std::chrono::seconds(60)).value();
  const auto outcome = toolchain.compile(source, output).value();
  EXPECT_TRUE(outcome.succeeded) << outcome.diagnostics;
  return output;
}

int
call_answer(const LoadedLibrary& library)
{
  auto* answer = reinterpret_cast<int (*)()>(library.symbol("answer").value());
  return answer();
}

} // namespace

TEST(Loader, LoadsFromAFile)
{
  TempDir dir;
  const auto library = LoadedLibrary::open_file(compile_kernel(dir, 7)).value();
  EXPECT_EQ(call_answer(library), 7);
}

TEST(Loader, LoadsFromMemoryWithoutAFile)
{
  TempDir dir;
  const auto path = compile_kernel(dir, 11);
  const auto image = Bytes::adopt(util::read_file(path).value());
  std::filesystem::remove(path);
  const auto library = LoadedLibrary::open_memory(image, "kernel-11").value();
  EXPECT_EQ(call_answer(library), 11);
  EXPECT_EQ(library.origin(), "memory:kernel-11");

  // Two images exporting the same symbol stay apart.
  const auto other = LoadedLibrary::open_memory(
                       Bytes::adopt(util::read_file(compile_kernel(dir, 12)).value()), "kernel-12")
                       .value();
  EXPECT_EQ(call_answer(other), 12);
  EXPECT_EQ(call_answer(library), 11);
}

// The dynamic loader knows libraries by path: a new image must never be mistaken for an
// earlier one that went through the same /proc/self/fd/N, loaded or unloaded.
TEST(Loader, MemoryImagesNeverAliasAcrossReusedDescriptors)
{
  TempDir dir;
  for (int round = 0; round < 5; ++round) {
    const int value = 100 + round;
    const auto image = Bytes::adopt(util::read_file(compile_kernel(dir, value)).value());
    const auto library = LoadedLibrary::open_memory(image, "round").value();
    EXPECT_EQ(call_answer(library), value);
  }
  // One that cannot be unloaded (RTLD_NODELETE through a unique symbol) keeps its name.
  const auto source = dir / "unique.cpp";
  ASSERT_TRUE(util::write_file_atomic(
    source, std::string_view("inline int counter() { static int n = 1; return n; }\n"
                             "extern \"C\" int answer() { return counter() * 200; }\n")));
  auto toolchain = Toolchain::detect("c++", "-O2 -fPIC -shared", std::chrono::seconds(60)).value();
  ASSERT_TRUE(toolchain.compile(source, dir / "unique.so").value().succeeded);
  {
    const auto pinned =
      LoadedLibrary::open_memory(Bytes::adopt(util::read_file(dir / "unique.so").value()), "pinned")
        .value();
    EXPECT_EQ(call_answer(pinned), 200);
  }
  for (int round = 0; round < 3; ++round) {
    const auto image = Bytes::adopt(util::read_file(compile_kernel(dir, 300 + round)).value());
    EXPECT_EQ(call_answer(LoadedLibrary::open_memory(image, "after").value()), 300 + round);
  }
}

TEST(Loader, CopiesKeepTheLibraryLoaded)
{
  TempDir dir;
  const auto path = compile_kernel(dir, 5);
  std::optional<LoadedLibrary> copy;
  {
    const auto original = LoadedLibrary::open_file(path).value();
    copy = original;
  }
  EXPECT_EQ(call_answer(*copy), 5);
}

TEST(Loader, ErrorsNameWhatFailed)
{
  TempDir dir;
  const auto library = LoadedLibrary::open_file(compile_kernel(dir, 1)).value();
  auto missing = library.symbol("no_such_kernel");
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("no_such_kernel"), std::string::npos);

  auto garbage =
    LoadedLibrary::open_memory(Bytes::copy_of(std::string_view("not an ELF file")), "junk");
  ASSERT_FALSE(garbage);
  EXPECT_NE(garbage.error().message.find("junk"), std::string::npos) << garbage.error().message;

  auto absent = LoadedLibrary::open_file(dir / "absent.so");
  ASSERT_FALSE(absent);
  EXPECT_NE(absent.error().message.find("absent.so"), std::string::npos);
}

} // namespace jitcache::jit

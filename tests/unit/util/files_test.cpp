#include "util/atomic_file.hpp"
#include "util/files.hpp"
#include "util/lock_file.hpp"
#include "util/subprocess.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

namespace jitcache::util {

using jitcache::testing::TempDir;

TEST(AtomicFile, CommitMakesTheFileVisible)
{
  TempDir dir;
  const auto path = dir / "file";
  {
    auto file = AtomicFile::create(path).value();
    const std::string text = "content";
    ASSERT_TRUE(file.write(std::span(reinterpret_cast<const uint8_t*>(text.data()), text.size())));
    EXPECT_FALSE(std::filesystem::exists(path));
    ASSERT_TRUE(file.commit(true));
  }
  EXPECT_EQ(read_file(path).value().size(), 7u);
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 1);
}

TEST(AtomicFile, AbandonedWriteLeavesNothing)
{
  TempDir dir;
  {
    auto file = AtomicFile::create(dir / "file").value();
    ASSERT_TRUE(file.write(std::vector<uint8_t>(100, 1)));
  }
  EXPECT_EQ(std::distance(std::filesystem::directory_iterator(dir.path()), {}), 0);
}

TEST(Files, MissingFileIsNotFound)
{
  TempDir dir;
  auto result = read_file(dir / "missing");
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code, ErrorCode::not_found);
  EXPECT_NE(result.error().message.find("missing"), std::string::npos);
}

TEST(LockFile, ExcludesOtherProcessesAndDiesWithItsHolder)
{
  TempDir dir;
  const auto path = dir / "lock";
  auto held = LockFile::acquire(path).value();
  const pid_t child = ::fork();
  if (child == 0) {
    auto attempt = LockFile::try_acquire(path);
    ::_exit(attempt && !*attempt ? 0 : 1); // must find it taken
  }
  int status = 0;
  ::waitpid(child, &status, 0);
  EXPECT_EQ(WEXITSTATUS(status), 0);

  // flock belongs to an open file, so a second open in this process waits like anyone else.
  auto timed = LockFile::acquire_within(path, std::chrono::milliseconds(20));
  ASSERT_FALSE(timed);
  EXPECT_EQ(timed.error().code, ErrorCode::timeout);

  // A holder that dies releases the lock.
  TempDir other;
  const auto path2 = other / "lock";
  const pid_t holder = ::fork();
  if (holder == 0) {
    auto lock = LockFile::acquire(path2);
    ::kill(::getpid(), SIGKILL);
  }
  ::waitpid(holder, &status, 0);
  auto after = LockFile::try_acquire(path2);
  ASSERT_TRUE(after);
  EXPECT_TRUE(after->has_value());
}

TEST(Subprocess, CapturesOutputAndExitCode)
{
  auto result = run_process({"sh", "-c", "echo out; echo err >&2; cat; exit 3"},
                            ProcessOptions{.stdin_data = "in\n"});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->exit_code, 3);
  EXPECT_EQ(result->stdout_text, "out\nin\n");
  EXPECT_EQ(result->stderr_text, "err\n");
}

TEST(Subprocess, KillsOnTimeoutAndSetsEnvironment)
{
  ProcessOptions options;
  options.timeout = std::chrono::milliseconds(200);
  auto slow = run_process({"sleep", "10"}, options);
  ASSERT_TRUE(slow);
  EXPECT_TRUE(slow->timed_out);

  ProcessOptions env;
  env.environment["JITCACHE_TEST_VAR"] = "value";
  auto printed = run_process({"sh", "-c", "printf %s \"$JITCACHE_TEST_VAR\""}, env);
  EXPECT_EQ(printed.value().stdout_text, "value");

  auto missing = run_process({"/nonexistent/program"});
  ASSERT_FALSE(missing);
  EXPECT_NE(missing.error().message.find("/nonexistent/program"), std::string::npos);
}

} // namespace jitcache::util

namespace jitcache::util {

TEST(Files, ReadsFilesThatReportNoSize)
{
  const auto cpuinfo = read_file("/proc/self/status");
  ASSERT_TRUE(cpuinfo);
  EXPECT_GT(cpuinfo->size(), 100u);
  TempDir dir;
  const std::vector<uint8_t> exact(8192, 7); // exactly two growth steps
  ASSERT_TRUE(write_file_atomic(dir / "f", exact));
  EXPECT_EQ(read_file(dir / "f").value(), exact);
}

} // namespace jitcache::util

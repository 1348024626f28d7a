#include "storage/local/compile_lock.hpp"

#include "support/temp_dir.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace jitcache::storage::local {
namespace {

using jitcache::testing::TempDir;
using namespace std::chrono_literals;

// Runs `child` in a forked process; returns its pid.
template<typename F>
pid_t
spawn(F child)
{
  const pid_t pid = ::fork();
  if (pid == 0) {
    child();
    ::_exit(0);
  }
  return pid;
}

void
wait_for(pid_t pid)
{
  int status = 0;
  ::waitpid(pid, &status, 0);
}

// A process that takes the lock, holds it for `hold`, then exits; returns once it holds it.
pid_t
spawn_holder(const std::filesystem::path& path, std::chrono::milliseconds hold)
{
  int ready[2];
  if (::pipe(ready) != 0) {
    return -1;
  }
  const pid_t holder = spawn([&] {
    bool waited = false;
    auto lock = CompileLock::acquire(path, 10s, waited);
    char byte = 1;
    (void)::write(ready[1], &byte, 1);
    std::this_thread::sleep_for(hold);
  });
  char byte = 0;
  const bool held = ::read(ready[0], &byte, 1) == 1;
  ::close(ready[0]);
  ::close(ready[1]);
  return held ? holder : -1;
}

TEST(CompileLock, AnotherProcessWaitsForTheHolder)
{
  TempDir dir;
  const auto path = dir.path() / "locks" / "key.lock";
  const pid_t holder = spawn_holder(path, 300ms);
  ASSERT_GT(holder, 0);
  const auto start = std::chrono::steady_clock::now();
  bool waited = false;
  auto lock = CompileLock::acquire(path, 10s, waited);
  ASSERT_TRUE(lock) << lock.error().message;
  EXPECT_TRUE(waited);
  EXPECT_GE(std::chrono::steady_clock::now() - start, 100ms);
  wait_for(holder);
}

TEST(CompileLock, ADeadHoldersLockIsNotStaleAndTheFileGoesWithTheLock)
{
  TempDir dir;
  const auto path = dir.path() / "locks" / "key.lock";
  // The holder dies without releasing (no destructor runs): the kernel drops its flock.
  const pid_t holder = spawn([&] {
    bool waited = false;
    auto lock = CompileLock::acquire(path, 10s, waited);
    ::_exit(0);
  });
  wait_for(holder);
  EXPECT_TRUE(std::filesystem::exists(path)); // left behind by the dead holder
  bool waited = true;
  {
    auto lock = CompileLock::acquire(path, 1s, waited);
    ASSERT_TRUE(lock) << lock.error().message;
    EXPECT_FALSE(waited);
  }
  EXPECT_FALSE(std::filesystem::exists(path)); // a clean release removes it
}

TEST(CompileLock, AHungHolderIsOutwaited)
{
  TempDir dir;
  const auto path = dir.path() / "locks" / "key.lock";
  const pid_t holder = spawn_holder(path, 2000ms);
  ASSERT_GT(holder, 0);
  bool waited = false;
  auto lock = CompileLock::acquire(path, 200ms, waited);
  ASSERT_FALSE(lock);
  EXPECT_NE(lock.error().message.find("timed out"), std::string::npos) << lock.error().message;
  ::kill(holder, SIGKILL);
  wait_for(holder);
}

} // namespace
} // namespace jitcache::storage::local

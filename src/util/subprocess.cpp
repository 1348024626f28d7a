#include "util/subprocess.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <cerrno>
#include <csignal>
#include <cstring>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace jitcache::util {

namespace {

struct Pipe {
  UniqueFd read_end;
  UniqueFd write_end;
};

Expected<Pipe>
make_pipe()
{
  int fds[2];
  if (::pipe2(fds, O_CLOEXEC) != 0) {
    return make_error(ErrorCode::io, fmt::format("cannot create a pipe: {}", std::strerror(errno)));
  }
  return Pipe{UniqueFd(fds[0]), UniqueFd(fds[1])};
}

std::vector<std::string>
merged_environment(const std::map<std::string, std::optional<std::string>>& changes)
{
  std::vector<std::string> result;
  for (char** entry = environ; *entry; ++entry) {
    std::string_view text(*entry);
    const auto name = text.substr(0, text.find('='));
    if (!changes.contains(std::string(name))) {
      result.emplace_back(text);
    }
  }
  for (const auto& [name, value] : changes) {
    if (value) {
      result.push_back(name + "=" + *value);
    }
  }
  return result;
}

} // namespace

Expected<ProcessResult>
run_process(const std::vector<std::string>& argv, const ProcessOptions& options)
{
  if (argv.empty()) {
    return make_error(ErrorCode::invalid_argument, "run_process needs a program to run");
  }
  auto in = make_pipe();
  auto out = make_pipe();
  auto err = make_pipe();
  if (!in || !out || !err) {
    return std::unexpected(!in ? in.error() : !out ? out.error() : err.error());
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, in->read_end.get(), STDIN_FILENO);
  posix_spawn_file_actions_adddup2(&actions, out->write_end.get(), STDOUT_FILENO);
  posix_spawn_file_actions_adddup2(&actions, err->write_end.get(), STDERR_FILENO);
  if (!options.working_directory.empty()) {
    posix_spawn_file_actions_addchdir_np(&actions, options.working_directory.c_str());
  }

  std::vector<char*> args;
  args.reserve(argv.size() + 1);
  for (const auto& arg : argv) {
    args.push_back(const_cast<char*>(arg.c_str()));
  }
  args.push_back(nullptr);
  auto env_strings = merged_environment(options.environment);
  std::vector<char*> env;
  env.reserve(env_strings.size() + 1);
  for (auto& entry : env_strings) {
    env.push_back(entry.data());
  }
  env.push_back(nullptr);

  pid_t pid = 0;
  const int spawn_error = ::posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), env.data());
  posix_spawn_file_actions_destroy(&actions);
  if (spawn_error != 0) {
    return make_error(ErrorCode::not_found,
                      fmt::format("cannot run '{}': {}", argv[0], std::strerror(spawn_error)));
  }
  in->read_end.reset();
  out->write_end.reset();
  err->write_end.reset();

  ProcessResult result;
  std::string_view pending_input = options.stdin_data;
  if (pending_input.empty()) {
    in->write_end.reset();
  } else {
    ::fcntl(in->write_end.get(), F_SETFL, O_NONBLOCK);
  }
  const auto deadline = options.timeout
                          ? std::optional(std::chrono::steady_clock::now() + *options.timeout)
                          : std::nullopt;
  bool killed = false;
  char buffer[65536];
  while (out->read_end || err->read_end) {
    pollfd fds[3];
    nfds_t count = 0;
    auto watch = [&](UniqueFd& fd, short events) {
      if (fd) {
        fds[count++] = pollfd{fd.get(), events, 0};
      }
    };
    watch(out->read_end, POLLIN);
    watch(err->read_end, POLLIN);
    watch(in->write_end, POLLOUT);
    int wait_ms = -1;
    if (killed) {
      wait_ms = 1000; // a grandchild may keep the pipes open after the child died
    } else if (deadline) {
      const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        *deadline - std::chrono::steady_clock::now());
      wait_ms = static_cast<int>(std::max<int64_t>(0, left.count()));
    }
    const int ready = ::poll(fds, count, wait_ms);
    if (ready < 0 && errno != EINTR) {
      break;
    }
    if (ready == 0 && killed) {
      break;
    }
    if (ready == 0 && deadline) {
      ::kill(pid, SIGKILL);
      killed = true;
      result.timed_out = true;
      continue;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (fds[i].revents == 0) {
        continue;
      }
      if (fds[i].fd == in->write_end.get()) {
        const ssize_t n = ::write(fds[i].fd, pending_input.data(), pending_input.size());
        if (n > 0) {
          pending_input.remove_prefix(static_cast<size_t>(n));
        }
        if (n < 0 && errno != EAGAIN && errno != EINTR) {
          pending_input = {};
        }
        if (pending_input.empty()) {
          in->write_end.reset();
        }
        continue;
      }
      const bool is_out = fds[i].fd == out->read_end.get();
      const ssize_t n = ::read(fds[i].fd, buffer, sizeof buffer);
      if (n > 0) {
        (is_out ? result.stdout_text : result.stderr_text).append(buffer, static_cast<size_t>(n));
      } else if (n == 0 || (errno != EINTR && errno != EAGAIN)) {
        (is_out ? out->read_end : err->read_end).reset();
      }
    }
  }
  in->write_end.reset();

  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  } else if (WIFSIGNALED(status)) {
    result.signal = WTERMSIG(status);
  }
  return result;
}

} // namespace jitcache::util

#include "util/host_cpu.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <sstream>
#include <sys/utsname.h>
#include <vector>

namespace jitcache::util {

std::string
host_architecture()
{
  utsname host{};
  ::uname(&host);
  return host.machine;
}

std::string
host_cpu_features()
{
  // x86 lists "flags", ARM lists "Features"; the first such line describes every core.
  auto bytes = read_file("/proc/cpuinfo");
  if (!bytes) {
    return {};
  }
  std::istringstream lines(std::string(bytes->begin(), bytes->end()));
  std::string line;
  while (std::getline(lines, line)) {
    if (line.starts_with("flags") || line.starts_with("Features")) {
      std::istringstream words_in(line.substr(line.find(':') + 1));
      std::vector<std::string> words;
      for (std::string word; words_in >> word;) {
        words.push_back(word);
      }
      std::sort(words.begin(), words.end());
      return fmt::format("{}", fmt::join(words, " "));
    }
  }
  return {};
}

} // namespace jitcache::util

#include "core/config_file.hpp"

#include "util/files.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace jitcache::core {

namespace {

std::string_view
trim(std::string_view text)
{
  const auto first = text.find_first_not_of(" \t\r");
  if (first == std::string_view::npos) {
    return {};
  }
  const auto last = text.find_last_not_of(" \t\r");
  return text.substr(first, last - first + 1);
}

// The key of a "key = value" line, or empty for blank and comment lines.
std::string_view
line_key(std::string_view line)
{
  const auto text = trim(line);
  if (text.empty() || text.front() == '#') {
    return {};
  }
  return trim(text.substr(0, text.find('=')));
}

} // namespace

Expected<std::vector<ConfigSetting>>
read_config_file(const std::filesystem::path& path)
{
  auto text = util::read_text_file(path);
  if (!text) {
    if (text.error().code == ErrorCode::not_found) {
      return std::vector<ConfigSetting>{};
    }
    return make_error(ErrorCode::config, text.error().message);
  }
  std::vector<ConfigSetting> settings;
  std::istringstream lines(*text);
  std::string line;
  for (int number = 1; std::getline(lines, line); ++number) {
    const auto content = trim(line);
    if (content.empty() || content.front() == '#') {
      continue;
    }
    const auto equals = content.find('=');
    const auto key = trim(content.substr(0, equals));
    if (equals == std::string_view::npos || key.empty()) {
      return make_error(ErrorCode::config, fmt::format("{}:{}: expected 'key = value', found '{}'",
                                                       path.string(), number, content));
    }
    settings.push_back(ConfigSetting{std::string(key),
                                     std::string(trim(content.substr(equals + 1))),
                                     fmt::format("{}:{}", path.string(), number)});
  }
  return settings;
}

Expected<void>
update_config_file(const std::filesystem::path& path, std::string_view key, std::string_view value)
{
  std::string old_text;
  if (auto text = util::read_text_file(path)) {
    old_text = std::move(*text);
  } else if (text.error().code != ErrorCode::not_found) {
    return make_error(ErrorCode::config, text.error().message);
  }
  std::string new_text;
  bool replaced = false;
  std::istringstream lines(old_text);
  std::string line;
  while (std::getline(lines, line)) {
    if (line_key(line) == key) {
      if (replaced) {
        continue; // drop later duplicates: the file would otherwise contradict itself
      }
      new_text += fmt::format("{} = {}\n", key, value);
      replaced = true;
    } else {
      new_text += line + "\n";
    }
  }
  if (!replaced) {
    new_text += fmt::format("{} = {}\n", key, value);
  }
  if (auto made = util::create_directories(path.parent_path()); !made) {
    return made;
  }
  return util::write_file_atomic(path, new_text);
}

} // namespace jitcache::core

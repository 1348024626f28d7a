#include "artifacts/target.hpp"

#include "util/host_cpu.hpp"

#include <jitcache/key_builder.hpp>

#include <fmt/format.h>

#include <algorithm>

namespace jitcache::artifacts {

namespace {

constexpr std::string_view k_architecture_component = "target.architecture";
constexpr std::string_view k_features_component = "target.cpu_features";

bool
is_word(std::string_view word)
{
  return !word.empty() && std::all_of(word.begin(), word.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
           c == '.' || c == '-';
  });
}

// The words between separators; empty ones too when `keep_empty`.
std::vector<std::string>
split(std::string_view text, char separator, bool keep_empty)
{
  std::vector<std::string> words;
  size_t at = 0;
  while (at <= text.size()) {
    const size_t end = std::min(text.find(separator, at), text.size());
    if (end > at || keep_empty) {
      words.emplace_back(text.substr(at, end - at));
    }
    at = end + 1;
  }
  return words;
}

// The digest a key gives the string component `name` = `value` (key_builder.hpp).
Digest
component_digest(std::string_view name, std::string_view value)
{
  KeyBuilder builder;
  builder.add_string(name, value);
  return builder.details().front().digest;
}

const KeyComponent*
find_component(const Entry& entry, std::string_view name)
{
  const auto found = std::find_if(entry.details.begin(), entry.details.end(),
                                  [&](const KeyComponent& c) { return c.name == name; });
  return found == entry.details.end() ? nullptr : &*found;
}

} // namespace

std::string
Target::to_text() const
{
  if (architecture.empty()) {
    return "any";
  }
  if (cpu_features.empty()) {
    return architecture;
  }
  return fmt::format("{}:{}", architecture, fmt::join(cpu_features, ","));
}

Expected<Target>
Target::parse(std::string_view text)
{
  if (text == "any") {
    return Target{};
  }
  const auto colon = text.find(':');
  Target target;
  target.architecture = std::string(text.substr(0, colon));
  if (!is_word(target.architecture)) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("target '{}': the architecture must be a word of letters, "
                                  "digits, '_', '.' or '-'",
                                  text));
  }
  if (colon != std::string_view::npos) {
    target.cpu_features = split(text.substr(colon + 1), ',', true);
    if (target.cpu_features.empty() ||
        !std::all_of(target.cpu_features.begin(), target.cpu_features.end(),
                     [](const std::string& word) { return is_word(word); })) {
      return make_error(
        ErrorCode::invalid_argument,
        fmt::format("target '{}': CPU features must be words separated by commas", text));
    }
    std::sort(target.cpu_features.begin(), target.cpu_features.end());
  }
  return target;
}

std::optional<std::string>
Target::unmet_by(const Target& machine) const
{
  if (architecture.empty()) {
    return std::nullopt;
  }
  if (architecture != machine.architecture) {
    return fmt::format("it was compiled for {}, and this machine is {}", architecture,
                       machine.architecture);
  }
  auto needed = cpu_features;
  auto present = machine.cpu_features;
  std::sort(needed.begin(), needed.end());
  std::sort(present.begin(), present.end());
  std::vector<std::string> missing;
  std::set_difference(needed.begin(), needed.end(), present.begin(), present.end(),
                      std::back_inserter(missing));
  if (!missing.empty()) {
    return fmt::format("it was compiled for a CPU with {}, which this machine's CPU lacks",
                       fmt::join(missing, ", "));
  }
  return std::nullopt;
}

const Target&
host_architecture()
{
  static const Target host{util::host_architecture(), {}};
  return host;
}

const Target&
host_target()
{
  static const Target host = [] {
    Target target;
    target.architecture = host_architecture().architecture;
    target.cpu_features = split(util::host_cpu_features(), ' ', false);
    return target;
  }();
  return host;
}

Expected<Target>
target_of(const Entry& entry, const Target& builder)
{
  const auto* architecture = find_component(entry, k_architecture_component);
  if (architecture == nullptr) {
    return Target{};
  }
  Target target;
  target.architecture = architecture->summary;
  if (architecture->digest != component_digest(k_architecture_component, target.architecture)) {
    return make_error(ErrorCode::invalid_argument,
                      fmt::format("entry {}: its target architecture cannot be read back from "
                                  "its key's details",
                                  entry.key.to_hex()));
  }
  const auto* features = find_component(entry, k_features_component);
  if (features == nullptr || features->digest == component_digest(k_features_component, "")) {
    return target;
  }
  if (target.architecture == builder.architecture &&
      features->digest ==
        component_digest(k_features_component,
                         fmt::format("{}", fmt::join(builder.cpu_features, " ")))) {
    target.cpu_features = builder.cpu_features;
    return target;
  }
  return make_error(ErrorCode::invalid_argument,
                    fmt::format("entry {} was compiled for the CPU of another machine "
                                "(-march=native or alike), and which CPU features it needs "
                                "cannot be told from here",
                                entry.key.to_hex()));
}

} // namespace jitcache::artifacts

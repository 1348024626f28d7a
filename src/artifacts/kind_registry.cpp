#include "artifacts/kind_registry.hpp"

#include "util/log.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <map>

namespace jitcache::artifacts {

void
KindRegistry::add(ArtifactKind kind)
{
  m_kinds.push_back(std::move(kind));
}

const ArtifactKind*
KindRegistry::find(std::string_view name) const
{
  const auto found = std::find_if(m_kinds.begin(), m_kinds.end(),
                                  [&](const ArtifactKind& kind) { return kind.name == name; });
  return found == m_kinds.end() ? nullptr : &*found;
}

namespace {

// Checks every artifact and chooses those to install, by kind.
Expected<Summary>
choose(const Bundle& bundle, const KindRegistry& kinds, const Target* machine,
       std::map<std::string, std::vector<BundleItem>>& chosen)
{
  Summary summary;
  for (size_t i = 0; i < bundle.items.size(); ++i) {
    const auto& item = bundle.items[i];
    const auto what =
      fmt::format("artifact {} ({} {})", i + 1, item.manifest.kind, item.manifest.key.to_hex());
    const auto* kind = kinds.find(item.manifest.kind);
    if (kind == nullptr) {
      summary.skipped.push_back(fmt::format("{}: this jitcache does not know its kind", what));
      util::warn_once("bundle-kind-" + item.manifest.kind,
                      fmt::format("jitcache: a bundle holds artifacts of kind '{}', which this "
                                  "jitcache does not know (a newer one wrote it); they are "
                                  "skipped",
                                  item.manifest.kind));
      continue;
    }
    const auto& target = item.manifest.target;
    const Target& here = machine != nullptr            ? *machine
                         : target.cpu_features.empty() ? host_architecture()
                                                       : host_target();
    if (auto unmet = target.unmet_by(here)) {
      summary.skipped.push_back(fmt::format("{}: {}", what, *unmet));
      util::warn_once("bundle-target",
                      fmt::format("jitcache: a bundle holds code this machine cannot run, first "
                                  "{}: {}; it is skipped, and compiled or interpreted instead",
                                  what, *unmet));
      continue;
    }
    if (kind->check) {
      if (auto checked = kind->check(item, bundle); !checked) {
        return make_error(checked.error().code,
                          fmt::format("{}: {}", what, checked.error().message));
      }
    }
    auto& count = summary.kinds[item.manifest.kind];
    ++count.entries;
    count.bytes += item.manifest.size;
    chosen[item.manifest.kind].push_back(item);
  }
  return summary;
}

} // namespace

Expected<Summary>
check_bundle(const Bundle& bundle, const KindRegistry& kinds, const Target* machine)
{
  std::map<std::string, std::vector<BundleItem>> chosen;
  return choose(bundle, kinds, machine, chosen);
}

Expected<Summary>
install_bundle(const Bundle& bundle, const KindRegistry& kinds, const Target* machine)
{
  std::map<std::string, std::vector<BundleItem>> chosen;
  auto summary = choose(bundle, kinds, machine, chosen);
  if (!summary) {
    return summary;
  }
  for (const auto& kind : kinds.kinds()) {
    if (auto entries = chosen.find(kind.name); entries != chosen.end()) {
      kind.install(std::move(entries->second));
    }
  }
  return summary;
}

} // namespace jitcache::artifacts

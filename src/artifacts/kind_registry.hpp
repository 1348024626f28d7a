// KindRegistry: the artifact kinds a process can install from a bundle, each saying how an
// artifact of its kind is checked and installed; installing a bundle (install_bundle) goes
// through it. How each kind is recorded: entries of the store by the tiered store's listener
// (artifacts/recorder.hpp); the JIT's precompiled functions by its dispatcher.
//
// Installing is all or nothing where it can be decided up front: every artifact's check
// runs before anything is installed, and one that fails fails the whole bundle. Two things
// skip an artifact instead, with one warning each: a kind this build does not know (a newer
// bundle's), and a target this machine cannot run (artifacts/target.hpp).
#pragma once

#include "artifacts/bundle_format.hpp"

#include <jitcache/artifact_summary.hpp>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::artifacts {

struct ArtifactKind {
  std::string name;
  // Checks one artifact before anything is installed; the error names what is wrong. Empty:
  // the entry record's own checks (read_bundle) suffice.
  std::function<Expected<void>(const BundleItem&, const Bundle&)> check;
  // Installs every artifact of this kind the bundle holds. Kinds install in the order they
  // were added, so one may use what an earlier one installed.
  std::function<void(std::vector<BundleItem>)> install;
};

class KindRegistry {
public:
  void add(ArtifactKind kind);
  const ArtifactKind* find(std::string_view name) const;
  const std::vector<ArtifactKind>&
  kinds() const
  {
    return m_kinds;
  }

private:
  std::vector<ArtifactKind> m_kinds;
};

// What install_bundle() would install, checked, without installing anything.
// `machine`: the machine to install on; nullptr: this one (its CPU's features are read only
// when an artifact needs some).
Expected<Summary> check_bundle(const Bundle& bundle, const KindRegistry& kinds,
                               const Target* machine = nullptr);

// Installs a bundle read by read_bundle(): checks every artifact (an error installs
// nothing), then installs those whose kind `kinds` knows and whose target `machine` meets.
// The summary counts what was installed and says what was skipped.
Expected<Summary> install_bundle(const Bundle& bundle, const KindRegistry& kinds,
                                 const Target* machine = nullptr);

} // namespace jitcache::artifacts

// Target: the machines an artifact's code can run on. A bundle's manifest names one per
// artifact (docs/formats.md, "Bundles"), so that a machine skips what it cannot run before
// loading it.
//
//   target := "any"                                  no machine code (a profile, a plan, ...)
//           | architecture                           code for any CPU of that architecture
//           | architecture ":" feature { "," feature }   code tuned for a CPU with these features
//
// The reference JIT's keys name the target they were compiled for (components
// target.architecture and target.cpu_features, jit/build/toolchain.hpp); target_of() reads
// it back from an entry's key details.
#pragma once

#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace jitcache::artifacts {

struct Target {
  std::string architecture;              // empty: any machine
  std::vector<std::string> cpu_features; // sorted; empty: any CPU of the architecture

  std::string to_text() const;
  // The error names the text and what is wrong with it.
  static Expected<Target> parse(std::string_view text);
  // Why code built for this target cannot run on `machine`, or nullopt if it can.
  std::optional<std::string> unmet_by(const Target& machine) const;

  bool operator==(const Target&) const = default;
};

// This machine: its architecture and every feature of its CPU (read from /proc/cpuinfo once).
const Target& host_target();
// This machine's architecture alone, which is cheap to learn: enough to check a target that
// names no CPU feature.
const Target& host_architecture();

// The target of the code in `entry`, from its key's target components: "any" without them.
// The CPU features enter a key as a digest of their list; they are known when that list is
// empty (the code is not tuned for a CPU) or is `builder`'s own (the usual case: a bundle is
// made where its code was compiled). Otherwise an error: no one can say which CPU it needs.
Expected<Target> target_of(const Entry& entry, const Target& builder = host_target());

} // namespace jitcache::artifacts

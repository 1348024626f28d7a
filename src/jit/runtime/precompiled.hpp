// Precompiled functions: what makes a function ready in a fresh process without tracing, as
// an artifact of kind "precompile" (docs/formats.md, "Artifact kinds of the reference JIT"):
//
//   key    BLAKE2b of: artifact "precompile", function (its identity), graph_key, guard
//   guard  the variant's guard set (guards/guard_set.hpp), the level-0 entry's guards
//   blobs  function   the function's identity: "NAME@<16 hex digits>" for a program's
//                     function (its name and a digest of its canonical text),
//                     "NAME@build-<16 hex digits>" for a traced C++ function (its name and the
//                     build ID of its code), "NAME" for one whose code has no build ID
//          graph      the specialized graph, printed in the JIT's language (ir/printer.hpp),
//                     which parses back to the same graph
//          graph_key  the key of its graph entry (64 hex digits): the plan, the kernel keys and
//                     the library, which a bundle carries beside it
//          profile    its learned dynamic-shape profile (pgo/profile.hpp); absent when none
//
// The runtime keeps the precompiled variants a loaded bundle installed, by function identity;
// a dispatcher installs those of its function in its level-0 cache, checked first.
#pragma once

#include "guards/guard_set.hpp"
#include "jit/ir/graph.hpp"
#include "jit/runtime/specialization.hpp"
#include "pgo/profile.hpp"

#include <jitcache/entry.hpp>
#include <jitcache/error.hpp>
#include <jitcache/key.hpp>

#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace jitcache::jit {

inline constexpr std::string_view k_precompile_kind = "precompile";

// A precompile artifact's fields, as read (the graph still as text: parsing it is the
// language's job).
struct PrecompileRecord {
  std::string function;
  std::string guard;
  std::string graph_text;
  Key graph_key;
  std::optional<pgo::Profile> profile;
};

Entry make_precompile_entry(const PrecompileRecord& record);
// Reads a precompile entry; the error names the blob that is missing or malformed.
Expected<PrecompileRecord> read_precompile_entry(const Entry& entry);

// One variant ready for a function's level-0 cache.
struct PrecompiledVariant {
  guards::GuardSet guards;
  std::shared_ptr<const Specialization> specialization;
  std::optional<pgo::Profile> profile;
};

// The identity of a program's function: its name and a digest of its canonical text, so that
// a precompiled variant never serves another function of the same name.
std::string program_function_identity(const Graph& graph);

// The identity of a traced C++ function (jit::function): its name and the build ID of the
// executable or library that holds its code (`code`, an address in it), "NAME@build-<16 hex
// digits>", so that a bundle made by another build of the program, where the function may
// compute something else, traces it instead of serving it; the name alone when that object has
// no build ID.
std::string traced_function_identity(const std::string& name, const void* code);

} // namespace jitcache::jit

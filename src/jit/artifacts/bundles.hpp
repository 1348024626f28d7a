// Bundles for the reference JIT: loading one into a process or the local store, and making
// one from what a recorder noted, under the runtime's configuration (signing_key,
// trusted_keys, require_signature: a bundle must be signed by a trusted key unless
// require_signature is off).
#pragma once

#include "artifacts/bundle_format.hpp"
#include "artifacts/bundle_maker.hpp"
#include "jit/artifacts/jit_artifact_kinds.hpp"

#include <jitcache/artifact_summary.hpp>

#include <filesystem>
#include <optional>

namespace jitcache::jit {

// What read_bundle checks, from the configuration.
artifacts::BundleReadOptions bundle_read_options(const Config& config);

// Checks the whole bundle, then installs it (all of it, or nothing and an error that names
// what is wrong and where). REQUIRES: runtime.store() is not null.
Expected<artifacts::Summary> load_bundle(Runtime& runtime, const Bytes& bytes,
                                         Destination destination);
// The same for a file, read in one read; errors start with its path.
Expected<artifacts::Summary> load_bundle_file(Runtime& runtime, const std::filesystem::path& path,
                                              Destination destination);

// Loads the bundle the `bundle` setting (JITCACHE_BUNDLE) names into the process, if any. A
// bundle that cannot be loaded is one error message, and the process goes on without it (a
// failing cache never fails the computation). Returns what was installed.
std::optional<artifacts::Summary> load_configured_bundle(Runtime& runtime);

// A bundle of what `noted` lists, and of the kernels its graph entries name that the local
// cache holds; signed when signing_key is set (an unreadable key is an error). REQUIRES:
// runtime.store() is not null.
Expected<artifacts::MadeBundle> make_bundle(Runtime& runtime,
                                            const artifacts::Recorder::Noted& noted);

} // namespace jitcache::jit

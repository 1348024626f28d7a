// Making a bundle from what a recorder noted (artifacts/recorder.hpp): each entry read back
// from the store (every variant of its key, with its loadable files inline), the kept
// entries as they are, each with the target its code needs (artifacts/target.hpp).
#pragma once

#include "artifacts/bundle_format.hpp"
#include "artifacts/recorder.hpp"
#include "artifacts/target.hpp"
#include "storage/tiered_store.hpp"
#include "trust/signing_key.hpp"

#include <jitcache/artifact_summary.hpp>

#include <vector>

namespace jitcache::artifacts {

struct MakeOptions {
  int compression_level = 1;
  // Signs the bundle, and each entry in it (an entry's own signature lets it be verified
  // once it is imported into a cache under require_signature = all).
  const trust::SigningKey* signer = nullptr;
  Target builder = host_target();          // whose CPU features an entry tuned for the host needs
  std::vector<std::string> left_out_kinds; // what describes the making machine only
};

struct MadeBundle {
  std::vector<uint8_t> bytes;
  Summary summary; // what it holds, and what was left out and why
};

// An entry that can no longer be read (trimmed meanwhile) or whose target cannot be told is
// left out and listed in the summary; the bundle is made of the rest.
MadeBundle make_bundle(const Recorder::Noted& noted, storage::TieredStore& store,
                       const MakeOptions& options);

} // namespace jitcache::artifacts

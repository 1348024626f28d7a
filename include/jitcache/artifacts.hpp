// Saving and loading cache artifacts: a bundle holds what a process compiled or found in the
// cache, and loading it into a fresh process makes its jit::functions ready without tracing,
// code generation or a compiler (docs/formats.md, "Bundles").
//
//   // After a warm-up run:
//   auto saved = jitcache::artifacts::save();           // bytes and a summary
//   write_file("model.jcb", saved->bytes);
//   // In a fresh process, before or after making the functions:
//   auto installed = jitcache::artifacts::load(read_file("model.jcb"));
//
// Setting JITCACHE_BUNDLE=FILE loads a bundle when the first jit::function is made, with no
// code change. Trust follows the configuration: a bundle is signed with signing_key, and
// under require_signature = remote or all one not signed by a trusted key is refused.
#pragma once

#include <jitcache/artifact_summary.hpp>
#include <jitcache/error.hpp>

#include <cstdint>
#include <memory>
#include <span>
#include <vector>

namespace jitcache::artifacts {

struct Saved {
  std::vector<uint8_t> bytes;
  Summary summary; // entries and bytes per kind; what was left out and why
};

// A bundle of every artifact this process's jit::functions saved or hit (each once), and of
// each variant they made, ready to be loaded elsewhere. Fails only when signing_key is set
// and cannot be read, or when no cache is configured.
Expected<Saved> save();

// Checks the whole bundle, then installs it into this process: all of it, or nothing and an
// error that names what is wrong and its byte offset. Artifacts of a kind this version does
// not know, or built for a CPU this machine lacks, are skipped with one warning each.
Expected<Summary> load(std::span<const uint8_t> bytes);

// Records, while it lives, what this process's jit::functions save or hit, apart from the
// process-wide record that save() uses: for tests and for bundling one piece of work.
// REQUIRES: one at a time, made and destroyed while no jit::function is being called.
class ScopedRecorder {
public:
  ScopedRecorder();
  ~ScopedRecorder();
  ScopedRecorder(const ScopedRecorder&) = delete;
  ScopedRecorder& operator=(const ScopedRecorder&) = delete;

  // A bundle of what was recorded so far.
  Expected<Saved> save() const;

private:
  struct State;
  std::unique_ptr<State> m_state;
};

} // namespace jitcache::artifacts

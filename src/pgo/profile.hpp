// Profile: what automatic dynamic shapes learned about one function: which (argument,
// dimension) pairs turned dynamic. It is identified by the function's name and the
// structural key of its graph (not by a file path or line, so a moved or reformatted
// program keeps its profile) and only ever grows (static -> dynamic).
//
// Stored as artifact kind "pgo", blob "profile", text (format version 1):
//   jitcache-pgo 1
//   function <name>
//   graph <32 hex digits>
//   dynamic <a0[0] a1[0] ... or nothing>
// A reader refuses another version (and the function compiles static first, as without a
// profile).
#pragma once

#include "dispatch/frame_state.hpp"

#include <jitcache/error.hpp>
#include <jitcache/key_builder.hpp>

#include <string>

namespace jitcache::pgo {

struct Profile {
  std::string function;
  std::string graph; // the structural key, hex
  dispatch::DynamicDims dynamic;

  std::string to_text() const;
  static Expected<Profile> parse(std::string_view text);
};

// The key of a function's profile.
KeyBuilder profile_key(std::string_view function, std::string_view graph);

} // namespace jitcache::pgo

// How an entry names a library that the local store keeps as a loadable file, and the same
// library carried inline toward a remote tier (storage/tiered_store.hpp):
//   X_file      the blob's bytes are the loadable file's name (its content digest, in hex);
//   X.loadable  the blob's bytes are the file's bytes, on their way to or from a remote tier;
//   X           the bytes inline, where the local store cannot keep files.
// A signature covers all three the same way (trust/entry_signature.hpp).
#pragma once

#include <string_view>

namespace jitcache::core {

inline constexpr std::string_view k_file_suffix = "_file";
inline constexpr std::string_view k_loadable_suffix = ".loadable";

} // namespace jitcache::core

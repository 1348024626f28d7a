// The GNU build ID of loaded code: the linker's digest of an executable or shared library
// (ld --build-id, the default of Debian's toolchain and most others), which changes whenever
// the code does. It names "this build of the program" without hashing the file.
#pragma once

#include <optional>
#include <string>

namespace jitcache::util {

// The build ID, in hex, of the loaded object (the executable or a shared library) whose
// segments hold `code`; nullopt when no loaded object holds it or the object has no build ID.
std::optional<std::string> build_id_of_code(const void* code);

} // namespace jitcache::util

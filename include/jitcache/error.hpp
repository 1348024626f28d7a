// Expected failures travel as values: Expected<T> holds a T or an Error that says what went
// wrong and where. Exceptions are reserved for bugs and for the CLI's top level.
#pragma once

#include <expected>
#include <string>
#include <string_view>

namespace jitcache {

enum class ErrorCode {
  invalid_argument, // the caller's input is malformed (a key, a size, a name)
  io,               // an operating-system call failed
  corrupt,          // stored bytes failed a check: magic, bounds, checksum
  unsupported,      // written by a newer format version than this build reads
  no_space,         // the disk, a quota or a file-size limit is full
  config,           // a configuration value or file is invalid
  disabled,         // the tier is switched off or unusable
  not_found,        // the thing asked for does not exist
  timeout,          // an operation ran past its deadline
};

std::string_view to_string(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::io;
  std::string message;
};

template<typename T>
using Expected = std::expected<T, Error>;

inline std::unexpected<Error>
make_error(ErrorCode code, std::string message)
{
  return std::unexpected<Error>(Error{code, std::move(message)});
}

} // namespace jitcache

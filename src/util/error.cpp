#include <jitcache/error.hpp>

namespace jitcache {

std::string_view
to_string(ErrorCode code)
{
  switch (code) {
  case ErrorCode::invalid_argument: return "invalid argument";
  case ErrorCode::io: return "I/O error";
  case ErrorCode::corrupt: return "corrupt data";
  case ErrorCode::unsupported: return "unsupported format";
  case ErrorCode::no_space: return "no space";
  case ErrorCode::config: return "configuration error";
  case ErrorCode::disabled: return "disabled";
  case ErrorCode::not_found: return "not found";
  case ErrorCode::timeout: return "timeout";
  }
  return "unknown error";
}

} // namespace jitcache

#include "jit/ir/names.hpp"

#include <algorithm>
#include <cctype>

namespace jitcache::jit {

bool
is_name_start(char c)
{
  return std::isalpha(static_cast<unsigned char>(c)) || c == '_';
}

bool
is_name_char(char c)
{
  return std::isalnum(static_cast<unsigned char>(c)) || c == '_';
}

bool
is_name(std::string_view text)
{
  return !text.empty() && is_name_start(text.front()) &&
         std::all_of(text.begin(), text.end(), is_name_char);
}

} // namespace jitcache::jit

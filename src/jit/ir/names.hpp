// Names of functions, parameters, symbols and values, as the language writes them and the
// plan text stores symbols: a letter or '_', then letters, digits and '_'.
#pragma once

#include <string_view>

namespace jitcache::jit {

bool is_name_start(char c);
bool is_name_char(char c);
bool is_name(std::string_view text);

} // namespace jitcache::jit

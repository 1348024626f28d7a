// fmt's compiled part, built into the jitcache command instead of loaded from libfmt.so.
//
// Debian ships fmt's compiled functions only as a shared library, and libfmt.so needs
// libstdc++.so: loading the two is about a sixth of a warm `jitcache run` (docs/benchmarks.md).
// fmt's own header holds those functions' definitions; compiled here once, with the command's
// libstdc++ linked statically, a start loads neither library. The header-only mode would do the
// same but compiles the definitions again in every file that formats, doubling the build.
// Only the command links this file; the library and its other users keep linking libfmt.
#include <fmt/format-inl.h>

#include <locale>

FMT_BEGIN_NAMESPACE
namespace detail {

// Templates whose definitions fmt's headers leave to its compiled library: locale_ref's members
// (declared in core.h), vformat_to for files that include core.h alone, and the separators
// that format.h declares extern.
template FMT_API locale_ref::locale_ref(const std::locale& locale);
template FMT_API auto locale_ref::get<std::locale>() const -> std::locale;
template FMT_API auto thousands_sep_impl<char>(locale_ref) -> thousands_sep_result<char>;
template FMT_API auto thousands_sep_impl<wchar_t>(locale_ref) -> thousands_sep_result<wchar_t>;
template FMT_API auto decimal_point_impl(locale_ref) -> char;
template FMT_API auto decimal_point_impl(locale_ref) -> wchar_t;
template FMT_API void vformat_to(buffer<char>& out, string_view format,
                                 basic_format_args<FMT_BUFFER_CONTEXT(char)> args,
                                 locale_ref locale);

} // namespace detail
FMT_END_NAMESPACE

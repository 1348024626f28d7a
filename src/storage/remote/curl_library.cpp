#include "storage/remote/curl_library.hpp"

#include <fmt/format.h>

#include <dlfcn.h>

#include <mutex>

namespace jitcache::storage::remote {

namespace {

template<typename Function>
bool
resolve(void* handle, const char* name, Function& into, std::string& missing)
{
  into = reinterpret_cast<Function>(::dlsym(handle, name));
  if (into == nullptr) {
    missing += fmt::format(" {}", name);
  }
  return into != nullptr;
}

Expected<CurlLibrary>
open_library()
{
  void* handle = nullptr;
  std::string tried;
  for (const char* name : {"libcurl.so.4", "libcurl-gnutls.so.4"}) {
    handle = ::dlopen(name, RTLD_NOW | RTLD_LOCAL);
    if (handle != nullptr) {
      break;
    }
    tried += fmt::format("; {}", ::dlerror());
  }
  if (handle == nullptr) {
    return make_error(ErrorCode::disabled,
                      fmt::format("HTTP tiers need libcurl (apt install libcurl4){}", tried));
  }
  CurlLibrary curl;
  std::string missing;
  resolve(handle, "curl_easy_init", curl.easy_init, missing);
  resolve(handle, "curl_easy_setopt", curl.easy_setopt, missing);
  resolve(handle, "curl_easy_getinfo", curl.easy_getinfo, missing);
  resolve(handle, "curl_easy_reset", curl.easy_reset, missing);
  resolve(handle, "curl_easy_cleanup", curl.easy_cleanup, missing);
  resolve(handle, "curl_easy_strerror", curl.easy_strerror, missing);
  resolve(handle, "curl_slist_append", curl.slist_append, missing);
  resolve(handle, "curl_slist_free_all", curl.slist_free_all, missing);
  resolve(handle, "curl_multi_init", curl.multi_init, missing);
  resolve(handle, "curl_multi_setopt", curl.multi_setopt, missing);
  resolve(handle, "curl_multi_add_handle", curl.multi_add_handle, missing);
  resolve(handle, "curl_multi_remove_handle", curl.multi_remove_handle, missing);
  resolve(handle, "curl_multi_perform", curl.multi_perform, missing);
  resolve(handle, "curl_multi_poll", curl.multi_poll, missing);
  resolve(handle, "curl_multi_info_read", curl.multi_info_read, missing);
  resolve(handle, "curl_multi_cleanup", curl.multi_cleanup, missing);
  resolve(handle, "curl_multi_strerror", curl.multi_strerror, missing);
  decltype(&::curl_global_init) global_init = nullptr;
  resolve(handle, "curl_global_init", global_init, missing);
  if (!missing.empty()) {
    return make_error(ErrorCode::disabled,
                      fmt::format("the libcurl found is too old for HTTP tiers (7.66 or later is "
                                  "needed); it lacks{}",
                                  missing));
  }
  if (const CURLcode code = global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return make_error(ErrorCode::io,
                      fmt::format("libcurl failed to start: {}", curl.easy_strerror(code)));
  }
  return curl;
}

} // namespace

Expected<const CurlLibrary*>
CurlLibrary::load()
{
  static const Expected<CurlLibrary> library = open_library();
  if (!library) {
    return std::unexpected(library.error());
  }
  return &*library;
}

} // namespace jitcache::storage::remote

// CurlLibrary: libcurl, loaded with dlopen the first time an HTTP tier is used, so that a
// process without one loads no more libraries than before (the CLI's start-up test checks
// it). The functions are those of <curl/curl.h>, called through the pointers below.
//
// Thread safety: load() may be called from several threads at once; curl_global_init runs
// once, before any other function is handed out.
#pragma once

#include <jitcache/error.hpp>

#include <curl/curl.h>

namespace jitcache::storage::remote {

struct CurlLibrary {
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
  decltype(&::curl_multi_init) multi_init = nullptr;
  decltype(&::curl_multi_setopt) multi_setopt = nullptr;
  decltype(&::curl_multi_add_handle) multi_add_handle = nullptr;
  decltype(&::curl_multi_remove_handle) multi_remove_handle = nullptr;
  decltype(&::curl_multi_perform) multi_perform = nullptr;
  decltype(&::curl_multi_poll) multi_poll = nullptr;
  decltype(&::curl_multi_info_read) multi_info_read = nullptr;
  decltype(&::curl_multi_cleanup) multi_cleanup = nullptr;
  decltype(&::curl_multi_strerror) multi_strerror = nullptr;

  // The library, loaded and initialized on the first call (libcurl.so.4, else the GnuTLS
  // build); an error that says how to install it when neither loads. Never unloaded.
  static Expected<const CurlLibrary*> load();
};

} // namespace jitcache::storage::remote

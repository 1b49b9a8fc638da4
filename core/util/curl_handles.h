// RAII for libcurl, shared by the .cpp files that talk to it (the API client and the webhook
// notifier). Internal: public core/ headers do not include it, so they do not leak libcurl.
#pragma once

#include <curl/curl.h>

#include <memory>

namespace kapp::util {

// libcurl's global state, set up once for the whole process before the first handle.
inline void curl_init_once() {
  struct Global {
    Global() { curl_global_init(CURL_GLOBAL_DEFAULT); }
    ~Global() { curl_global_cleanup(); }
  };
  static Global global;
}

struct EasyDeleter {
  void operator()(CURL* handle) const { curl_easy_cleanup(handle); }
};
using EasyHandle = std::unique_ptr<CURL, EasyDeleter>;

struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

}  // namespace kapp::util

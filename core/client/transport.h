// The HTTP seam between the client and the network, as ninja's DiskInterface is for files:
// the client speaks in requests and responses, and libcurl stays in curl_transport.cpp.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "core/client/config.h"
#include "core/client/credentials.h"

namespace kapp::client {

struct HttpRequest {
  std::string method = "GET";
  std::string path;  // absolute path with query, e.g. /api/v1/namespaces?limit=500
  std::string body;
  std::string content_type;
  std::string accept = "application/json";
  std::chrono::milliseconds timeout{0};       // 0: none (streams) or the transport's default
  bool sensitive_body = false;                // never log the response body (Secrets)
  const std::atomic<bool>* cancel = nullptr;  // set to true to abort a request or stream
  CredentialSet credentials;  // filled in by the Client for each attempt; never logged
};

struct HttpResponse {
  long status = 0;
  std::string body;
  std::map<std::string, std::string> headers;  // lower-case names
};

// Receives a streamed body piece by piece; return false to stop the stream.
using DataCallback = std::function<bool(std::string_view)>;

class Transport {
 public:
  virtual ~Transport() = default;
  // Throws TransportError when no HTTP answer came back (or it was cut before its end).
  // Presents request.credentials as they are: refreshing them is the Client's job.
  virtual HttpResponse send(const HttpRequest& request) = 0;
  // Like send, but hands the body to `on_data` as it arrives instead of keeping it.
  virtual HttpResponse stream(const HttpRequest& request, const DataCallback& on_data) = 0;
};

std::unique_ptr<Transport> make_curl_transport(const RestConfig& config);

}  // namespace kapp::client

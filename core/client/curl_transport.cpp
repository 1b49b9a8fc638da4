// libcurl behind the Transport interface: a pool of easy handles (each keeps its connection
// alive, so requests reuse TLS sessions), HTTP/1.1, gzip, and the credentials the Client puts
// on each request.
#include <curl/curl.h>

#include <cctype>
#include <exception>
#include <mutex>
#include <vector>

#include "core/client/transport.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/util/curl_handles.h"
#include "core/util/limits.h"

namespace kapp::client {
namespace {

constexpr long kConnectTimeoutMs = 10000;
constexpr std::chrono::milliseconds kDefaultTimeout{60000};
constexpr std::size_t kLoggedBodyLimit = 10240;

using util::EasyHandle;
using util::Slist;

// What one transfer needs from libcurl's callbacks.
struct Transfer {
  HttpResponse response;
  const DataCallback* on_data = nullptr;
  const std::atomic<bool>* cancel = nullptr;
  bool stopped_by_callback = false;
  bool too_large = false;  // the body passed kMaxResponseBytes
  // What the data callback threw: an exception must not unwind through libcurl's C frames,
  // so it is carried past curl_easy_perform and rethrown there.
  std::exception_ptr callback_error;
};

std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  std::string line(data, size * count);
  if (line.rfind("HTTP/", 0) == 0) {
    // A new response begins (after a redirect or 100-continue). on_body needs the status early
    // to route error bodies.
    transfer->response.headers.clear();
    const auto space = line.find(' ');
    if (space != std::string::npos)
      transfer->response.status = std::strtol(line.c_str() + space + 1, nullptr, 10);
  }
  const auto colon = line.find(':');
  if (colon != std::string::npos) {
    std::string name = line.substr(0, colon);
    for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    std::string value = line.substr(colon + 1);
    const auto first = value.find_first_not_of(" \t");
    const auto last = value.find_last_not_of(" \t\r\n");
    transfer->response.headers[name] =
        first == std::string::npos ? "" : value.substr(first, last - first + 1);
  }
  return size * count;
}

std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* transfer = static_cast<Transfer*>(user);
  const std::size_t n = size * count;
  // Error bodies are always kept whole so they can be decoded into an ApiError.
  if (transfer->on_data != nullptr && transfer->response.status < 300) {
    try {
      if ((*transfer->on_data)(std::string_view(data, n))) return n;
    } catch (...) {
      transfer->callback_error = std::current_exception();
    }
    transfer->stopped_by_callback = true;
    return 0;  // makes libcurl abort the transfer
  }
  if (transfer->response.body.size() + n > util::kMaxResponseBytes) {
    transfer->too_large = true;
    transfer->stopped_by_callback = true;
    return 0;
  }
  transfer->response.body.append(data, n);
  return n;
}

int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  auto* transfer = static_cast<Transfer*>(user);
  return transfer->cancel != nullptr && transfer->cancel->load() ? 1 : 0;
}

class CurlTransport : public Transport {
 public:
  explicit CurlTransport(const RestConfig& config) : config_(config) {
    util::curl_init_once();
    base_url_ = config_.server;
    // tls-server-name: address the server by that name (SNI and verification use it) and let
    // CONNECT_TO route the connection to the real host.
    if (!config_.tls_server_name.empty()) {
      auto [scheme_end, host, port] = split_server(config_.server);
      base_url_ = config_.server.substr(0, scheme_end) + config_.tls_server_name + ":" + port;
      connect_to_ = config_.tls_server_name + ":" + port + ":" + host + ":" + port;
    }
  }

  HttpResponse send(const HttpRequest& request) override { return perform(request, nullptr); }

  HttpResponse stream(const HttpRequest& request, const DataCallback& on_data) override {
    return perform(request, &on_data);
  }

 private:
  struct ServerParts {
    std::size_t scheme_end;
    std::string host;
    std::string port;
  };

  static ServerParts split_server(const std::string& server) {
    const auto scheme = server.find("://");
    const std::size_t start = scheme == std::string::npos ? 0 : scheme + 3;
    const auto rest = server.substr(start);
    const auto slash = rest.find('/');
    const auto authority = rest.substr(0, slash);
    const auto colon = authority.rfind(':');
    if (colon == std::string::npos || authority.back() == ']') return {start, authority, "443"};
    return {start, authority.substr(0, colon), authority.substr(colon + 1)};
  }

  EasyHandle acquire() {
    std::lock_guard lock(pool_mutex_);
    if (pool_.empty()) return EasyHandle(curl_easy_init());
    auto handle = std::move(pool_.back());
    pool_.pop_back();
    return handle;
  }

  void release(EasyHandle handle) {
    std::lock_guard lock(pool_mutex_);
    pool_.push_back(std::move(handle));
  }

  static void set_blob(CURL* curl, CURLoption option, const std::string& pem) {
    curl_blob blob{const_cast<char*>(pem.data()), pem.size(), CURL_BLOB_COPY};
    curl_easy_setopt(curl, option, &blob);
  }

  void configure_tls(CURL* curl, const CredentialSet& creds) const {
    if (config_.insecure_skip_tls_verify) {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 0L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 0L);
    } else {
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
      curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    }
    if (!config_.ca_pem.empty()) set_blob(curl, CURLOPT_CAINFO_BLOB, config_.ca_pem);
    if (!creds.cert_pem.empty()) {
      set_blob(curl, CURLOPT_SSLCERT_BLOB, creds.cert_pem);
      curl_easy_setopt(curl, CURLOPT_SSLCERTTYPE, "PEM");
      set_blob(curl, CURLOPT_SSLKEY_BLOB, creds.key_pem);
      curl_easy_setopt(curl, CURLOPT_SSLKEYTYPE, "PEM");
    }
  }

  Slist build_headers(const HttpRequest& request, const CredentialSet& creds) const {
    curl_slist* list = nullptr;
    list = curl_slist_append(list, ("Accept: " + request.accept).c_str());
    if (!request.content_type.empty())
      list = curl_slist_append(list, ("Content-Type: " + request.content_type).c_str());
    if (!creds.authorization.empty())
      list = curl_slist_append(list, ("Authorization: " + creds.authorization).c_str());
    list = curl_slist_append(list, "Expect:");
    return Slist(list);
  }

  void log_request(const HttpRequest& request, const curl_slist* headers) const {
    if (!log::enabled(7)) return;
    for (auto* h = headers; h != nullptr; h = h->next)
      log::info(7, "Request Header: " + log::redact_header(h->data));
    if (log::enabled(8) && !request.body.empty()) {
      log::info(8, "Request Body: " + (request.sensitive_body
                                           ? std::string("<redacted>")
                                           : request.body.substr(0, kLoggedBodyLimit)));
    }
  }

  void log_response(const HttpRequest& request, const HttpResponse& response, double seconds,
                    long http_version) const {
    const char* protocol = http_version == CURL_HTTP_VERSION_2_0 ? " HTTP/2 " : " HTTP/1.1 ";
    log::info(6, request.method + " " + base_url_ + request.path + protocol +
                     std::to_string(response.status) + " in " +
                     std::to_string(static_cast<long>(seconds * 1000)) + " milliseconds");
    if (log::enabled(8) && !response.body.empty()) {
      log::info(8, "Response Body: " + (request.sensitive_body
                                            ? std::string("<redacted>")
                                            : response.body.substr(0, kLoggedBodyLimit)));
    }
  }

  [[noreturn]] void throw_transport(CURLcode code, const char* detail, const HttpRequest& request,
                                    std::chrono::milliseconds timeout) const {
    const std::string what = detail[0] != '\0' ? detail : curl_easy_strerror(code);
    switch (code) {
      case CURLE_COULDNT_CONNECT:
      case CURLE_COULDNT_RESOLVE_HOST:
      case CURLE_COULDNT_RESOLVE_PROXY:
        throw TransportError(
            "cannot reach the API server at " + config_.server + " (" + what +
            "); check that the cluster is running and the kubeconfig context is right");
      case CURLE_PEER_FAILED_VERIFICATION:
      case CURLE_SSL_CACERT_BADFILE:
        throw TransportError("TLS verification of the API server at " + config_.server +
                             " failed (" + what +
                             "); check certificate-authority in the kubeconfig");
      case CURLE_SSL_CERTPROBLEM:
      case CURLE_SSL_CONNECT_ERROR:
        throw TransportError(
            "TLS handshake with the API server at " + config_.server + " failed (" + what +
            "); check the client certificate, key and certificate-authority in the kubeconfig");
      case CURLE_OPERATION_TIMEDOUT:
        throw TransportError(request.method + " " + config_.server + request.path +
                                 " timed out after " + std::to_string(timeout.count()) +
                                 "ms; retry, or raise --request-timeout",
                             true);
      case CURLE_ABORTED_BY_CALLBACK:
        throw TransportError("request cancelled");
      case CURLE_PARTIAL_FILE:
      case CURLE_RECV_ERROR:
      case CURLE_SEND_ERROR:
      case CURLE_GOT_NOTHING:
      case CURLE_HTTP2_STREAM:
        throw TransportError("the API server at " + config_.server + " broke off " +
                                 request.method + " " + request.path + " (" + what +
                                 "); retry, or check the network and the server's health",
                             TransportError::Kind::ConnectionBroken);
      default:
        throw TransportError("request to the API server at " + config_.server + " failed (" + what +
                             "); retry, or check the network and kubeconfig");
    }
  }

  HttpResponse perform(const HttpRequest& request, const DataCallback* on_data) {
    const auto& creds = request.credentials;
    auto handle = acquire();
    CURL* curl = handle.get();
    curl_easy_reset(curl);
    Transfer transfer;
    transfer.on_data = on_data;
    transfer.cancel = request.cancel;
    char error[CURL_ERROR_SIZE] = {0};
    const auto url = base_url_ + request.path;
    auto headers = build_headers(request, creds);
    std::chrono::milliseconds timeout = request.timeout;
    if (timeout.count() == 0 && on_data == nullptr) {
      timeout = config_.request_timeout.count() > 0 ? config_.request_timeout : kDefaultTimeout;
    }

    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (request.method == "HEAD") curl_easy_setopt(curl, CURLOPT_NOBODY, 1L);
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
        request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE,
                       static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "kubectl-app/" KAPP_VERSION);
    // HTTP/1.1: each easy handle runs one request at a time on a connection of its own, so
    // HTTP/2 would multiplex nothing, and it costs ~35 KiB a connection (libcurl's 32 KiB
    // stream buffer and an nghttp2 session): ~0.45 MiB of the controller's idle RSS with its 10
    // watches (bench/idle_rss.py).
    curl_easy_setopt(curl, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_1_1));
    curl_easy_setopt(curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    // A peer that vanished (host down, connection dropped by a middlebox) is noticed by TCP
    // keepalive within about two minutes instead of never; what client-go's HTTP/2 pings do.
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPALIVE, 1L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPIDLE, 30L);
    curl_easy_setopt(curl, CURLOPT_TCP_KEEPINTVL, 10L);
    if (timeout.count() > 0)
      curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout.count()));
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(curl, CURLOPT_HEADERDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &transfer);
    curl_easy_setopt(curl, CURLOPT_NOPROGRESS, 0L);
    curl_easy_setopt(curl, CURLOPT_XFERINFOFUNCTION, on_progress);
    curl_easy_setopt(curl, CURLOPT_XFERINFODATA, &transfer);
    Slist connect_to;
    if (!connect_to_.empty()) {
      connect_to.reset(curl_slist_append(nullptr, connect_to_.c_str()));
      curl_easy_setopt(curl, CURLOPT_CONNECT_TO, connect_to.get());
    }
    if (!config_.proxy_url.empty())
      curl_easy_setopt(curl, CURLOPT_PROXY, config_.proxy_url.c_str());
    configure_tls(curl, creds);
    log_request(request, headers.get());

    const CURLcode code = curl_easy_perform(curl);
    double seconds = 0;
    curl_easy_getinfo(curl, CURLINFO_TOTAL_TIME, &seconds);
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &transfer.response.status);
    long http_version = 0;
    curl_easy_getinfo(curl, CURLINFO_HTTP_VERSION, &http_version);
    const bool stopped = transfer.stopped_by_callback && code == CURLE_WRITE_ERROR;
    // Unset per-request pointers before the handle goes back to the pool.
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, nullptr);
    curl_easy_setopt(curl, CURLOPT_CONNECT_TO, nullptr);
    release(std::move(handle));
    if (transfer.callback_error) std::rethrow_exception(transfer.callback_error);
    if (transfer.too_large) {
      throw Error(request.method + " " + config_.server + request.path +
                  ": the API server's answer is larger than " +
                  util::describe_bytes(util::kMaxResponseBytes) +
                  "; refusing it (narrow the request: a namespace, a selector)");
    }
    // An error status can come before the server has read the whole request; it may then
    // reset the stream, which libcurl reports as a failed transfer. The status is the answer
    // (a 401 here is what triggers the credential refresh).
    const bool answered_early =
        on_data == nullptr && transfer.response.status >= 400 &&
        (code == CURLE_PARTIAL_FILE || code == CURLE_HTTP2_STREAM || code == CURLE_HTTP2 ||
         code == CURLE_SEND_ERROR || code == CURLE_RECV_ERROR);
    if (code != CURLE_OK && !stopped && !answered_early) {
      // A stream the server ends or that we cancel is a normal end of a watch.
      if (on_data != nullptr && transfer.response.status == 200 &&
          (code == CURLE_PARTIAL_FILE || code == CURLE_RECV_ERROR || code == CURLE_HTTP2_STREAM ||
           code == CURLE_ABORTED_BY_CALLBACK || code == CURLE_OPERATION_TIMEDOUT)) {
        return transfer.response;
      }
      throw_transport(code, error, request, timeout);
    }
    log_response(request, transfer.response, seconds, http_version);
    return transfer.response;
  }

  RestConfig config_;
  std::string base_url_;
  std::string connect_to_;
  std::mutex pool_mutex_;
  std::vector<EasyHandle> pool_;
};

}  // namespace

std::unique_ptr<Transport> make_curl_transport(const RestConfig& config) {
  return std::make_unique<CurlTransport>(config);
}

}  // namespace kapp::client

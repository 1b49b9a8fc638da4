// The Notifier: HTTP(S) over libcurl, a POST of application/json that must answer 2xx; MQTT(S)
// goes to libmosquitto (mqtt_notifier.cpp), QoS 1 and acknowledged by the broker's PUBACK.
#include <curl/curl.h>

#include <memory>

#include "core/notify/mqtt_sender.h"
#include "core/notify/notifier.h"
#include "core/notify/url.h"
#include "core/util/curl_handles.h"

namespace kapp::notify {
namespace {

constexpr long kConnectTimeoutMs = 5000;
constexpr long kTotalTimeoutMs = 10000;
constexpr std::size_t kKeptBody = 200;  // of a webhook's error answer, for the message

using util::EasyHandle;
using util::Slist;

std::size_t keep_start(char* data, std::size_t size, std::size_t count, void* user) {
  auto* body = static_cast<std::string*>(user);
  const auto n = size * count;
  if (body->size() < kKeptBody) body->append(data, std::min(n, kKeptBody - body->size()));
  return n;
}

bool tls_failure(CURLcode code) {
  return code == CURLE_SSL_CONNECT_ERROR || code == CURLE_PEER_FAILED_VERIFICATION ||
         code == CURLE_SSL_CERTPROBLEM || code == CURLE_SSL_CIPHER ||
         code == CURLE_SSL_CACERT_BADFILE || code == CURLE_SSL_ISSUER_ERROR;
}

// Messages are stable for the same problem (no timings), so a condition or an event that says
// it again is not rewritten on every retry.
[[noreturn]] void throw_transfer_error(CURLcode code, const char* error, const std::string& url) {
  const auto where = redact_url(url);
  const std::string detail = *error != '\0' ? error : curl_easy_strerror(code);
  if (tls_failure(code)) throw NotifyError("TLSFailed", "TLS with " + where + " failed: " + detail);
  throw NotifyError("WebhookUnreachable",
                    "cannot deliver to " + where + ": " + curl_easy_strerror(code));
}

class CurlNotifier : public Notifier {
 public:
  void send(const std::string& url, const std::optional<Credentials>& credentials,
            const std::string& payload) override {
    util::curl_init_once();
    const auto target = parse_target(url);
    if (target.scheme == Scheme::Mqtt) return send_mqtt(url, target, credentials, payload);
    EasyHandle handle(curl_easy_init());
    if (!handle) throw NotifyError("NotifierFailed", "cannot initialise libcurl");
    CURL* curl = handle.get();
    char error[CURL_ERROR_SIZE] = {0};
    std::string body;
    curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(curl, CURLOPT_POSTFIELDS, payload.data());
    curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(payload.size()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(curl, CURLOPT_CONNECTTIMEOUT_MS, kConnectTimeoutMs);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, kTotalTimeoutMs);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, error);
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &body);
    // TLS is verified (libcurl's defaults, stated so no one relaxes them by accident).
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYPEER, 1L);
    curl_easy_setopt(curl, CURLOPT_SSL_VERIFYHOST, 2L);
    if (credentials) {
      curl_easy_setopt(curl, CURLOPT_USERNAME, credentials->username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, credentials->password.c_str());
    }
    Slist headers(curl_slist_append(nullptr, "Content-Type: application/json"));
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers.get());
    curl_easy_setopt(curl, CURLOPT_USERAGENT, "kubectl-app/" KAPP_VERSION);
    const CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) throw_transfer_error(code, error, url);
    check_answer(curl, url, credentials, body);
  }

 private:
  static void check_answer(CURL* curl, const std::string& url,
                           const std::optional<Credentials>& credentials, std::string body) {
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    if (status >= 200 && status < 300) return;
    // A webhook that echoes the request must not leak the password into status and events.
    if (credentials && !credentials->password.empty()) {
      for (auto at = body.find(credentials->password); at != std::string::npos;
           at = body.find(credentials->password, at))
        body.replace(at, credentials->password.size(), "<masked>");
    }
    throw NotifyError("WebhookRejected", "the webhook " + redact_url(url) + " answered " +
                                             std::to_string(status) +
                                             (body.empty() ? "" : ": " + body));
  }
};

}  // namespace

std::unique_ptr<Notifier> make_curl_notifier() { return std::make_unique<CurlNotifier>(); }

}  // namespace kapp::notify

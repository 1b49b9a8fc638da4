// MQTT over libmosquitto: one clean-session connection per message, PUBLISH with QoS 1, and the
// message counts as delivered only once the broker's PUBACK came back (libcurl only does QoS 0,
// where "written to the socket" is all one learns).
#include <mosquitto.h>
#include <pthread.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <memory>
#include <optional>
#include <random>

#include "core/notify/mqtt_sender.h"

namespace kapp::notify {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectTimeout = std::chrono::seconds(5);  // until the CONNACK
constexpr auto kTotalTimeout = std::chrono::seconds(10);   // until the PUBACK
constexpr int kKeepAliveSeconds = 30;
constexpr const char* kCaBundle = "/etc/ssl/certs/ca-certificates.crt";

struct MosquittoDeleter {
  void operator()(mosquitto* client) const { mosquitto_destroy(client); }
};
using Client = std::unique_ptr<mosquitto, MosquittoDeleter>;

// What the callbacks saw; they run inside mosquitto_loop() on this thread.
struct Progress {
  int connack = -1;  // the CONNACK's return code once it arrived
  int mid = -1;      // of our PUBLISH
  bool acked = false;
};

// OpenSSL writes to the socket with write(): a broker that hangs up must not SIGPIPE the
// process. Blocks SIGPIPE on this thread while the guard lives and discards one raised meanwhile.
class SigpipeBlock {
 public:
  SigpipeBlock() {
    sigset_t pipe;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    pthread_sigmask(SIG_BLOCK, &pipe, &old_);
  }
  ~SigpipeBlock() {
    sigset_t pipe, pending;
    sigemptyset(&pipe);
    sigaddset(&pipe, SIGPIPE);
    sigpending(&pending);
    const timespec now{0, 0};
    if (sigismember(&pending, SIGPIPE) == 1 && sigismember(&old_, SIGPIPE) == 0)
      sigtimedwait(&pipe, nullptr, &now);
    pthread_sigmask(SIG_SETMASK, &old_, nullptr);
  }
  SigpipeBlock(const SigpipeBlock&) = delete;
  SigpipeBlock& operator=(const SigpipeBlock&) = delete;

 private:
  sigset_t old_;
};

std::string client_id() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static const char* hex = "0123456789abcdef";
  std::string id = "kubectl-app-";
  for (auto bits = rng(); id.size() < 23; bits >>= 4) id += hex[bits & 0xf];
  return id;
}

// MQTT 3.1.1 CONNACK return codes.
std::string connack_meaning(int code) {
  static const char* meanings[] = {"",
                                   "unacceptable protocol version",
                                   "client identifier rejected",
                                   "server unavailable",
                                   "bad user name or password",
                                   "not authorised"};
  if (code >= 1 && code <= 5) return meanings[code];
  return mosquitto_connack_string(code);
}

// Messages are stable for the same problem (no timings), so a condition or an event that says
// it again is not rewritten on every retry.
[[noreturn]] void fail(int rc, int saved_errno, const std::string& where) {
  const std::string detail =
      rc == MOSQ_ERR_ERRNO ? std::string(strerror(saved_errno)) : mosquitto_strerror(rc);
  if (rc == MOSQ_ERR_TLS || rc == MOSQ_ERR_TLS_HANDSHAKE)
    throw NotifyError("TLSFailed", "TLS with " + where + " failed: " + detail);
  throw NotifyError("BrokerUnreachable", "cannot deliver to " + where + ": " + detail);
}

}  // namespace

void send_mqtt(const std::string& url, const Target& target,
               const std::optional<Credentials>& credentials, const std::string& payload) {
  static const int initialised = mosquitto_lib_init();
  (void)initialised;
  const auto where = redact_url(url);
  std::optional<SigpipeBlock> sigpipe;  // outlives the client, whose close may write too
  if (target.tls) sigpipe.emplace();
  Progress progress;
  Client client(mosquitto_new(client_id().c_str(), true, &progress));
  if (!client) throw NotifyError("NotifierFailed", "cannot create an MQTT client");
  mosquitto* mosq = client.get();
  mosquitto_int_option(mosq, MOSQ_OPT_PROTOCOL_VERSION, MQTT_PROTOCOL_V311);
  mosquitto_connect_callback_set(
      mosq, [](mosquitto*, void* obj, int rc) { static_cast<Progress*>(obj)->connack = rc; });
  mosquitto_publish_callback_set(mosq, [](mosquitto*, void* obj, int mid) {
    auto* p = static_cast<Progress*>(obj);
    if (mid == p->mid) p->acked = true;
  });
  if (credentials) {
    mosquitto_username_pw_set(mosq, credentials->username.c_str(), credentials->password.c_str());
  }
  if (target.tls) {
    // Verifies the broker's certificate and host name (mosquitto_tls_insecure_set stays off).
    const int rc = mosquitto_tls_set(mosq, kCaBundle, nullptr, nullptr, nullptr, nullptr);
    if (rc != MOSQ_ERR_SUCCESS) fail(MOSQ_ERR_TLS, 0, where);
  }

  const auto start = Clock::now();
  int rc = mosquitto_connect_async(mosq, target.host.c_str(), target.port, kKeepAliveSeconds);
  if (rc != MOSQ_ERR_SUCCESS) fail(rc, errno, where);
  while (!progress.acked) {
    const auto now = Clock::now();
    if (progress.connack < 0 && now - start >= kConnectTimeout)
      throw NotifyError("BrokerUnreachable",
                        "cannot deliver to " + where + ": no answer to CONNECT within 5s");
    if (now - start >= kTotalTimeout)
      throw NotifyError("BrokerTimeout",
                        "the broker at " + where + " did not acknowledge the message within 10s");
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        (progress.connack < 0 ? kConnectTimeout : kTotalTimeout) - (now - start));
    rc = mosquitto_loop(mosq, static_cast<int>(std::max<long long>(1, left.count())), 1);
    const int saved_errno = errno;
    if (progress.connack > 0) {
      throw NotifyError("BrokerRejected", "the broker at " + where +
                                              " refused the message: " + "connection refused: " +
                                              connack_meaning(progress.connack));
    }
    if (rc != MOSQ_ERR_SUCCESS) {
      if (progress.connack == 0 && (rc == MOSQ_ERR_CONN_LOST || rc == MOSQ_ERR_NO_CONN))
        throw NotifyError("BrokerUnreachable", "the broker at " + where +
                                                   " closed the connection before acknowledging "
                                                   "the message");
      fail(rc, saved_errno, where);
    }
    if (progress.connack == 0 && progress.mid < 0) {
      rc = mosquitto_publish(mosq, &progress.mid, target.topic.c_str(),
                             static_cast<int>(payload.size()), payload.data(), 1, false);
      if (rc != MOSQ_ERR_SUCCESS) fail(rc, errno, where);
    }
  }
  mosquitto_disconnect(mosq);
}

}  // namespace kapp::notify

// A typed-error REST client for the Kubernetes API: one per process, thread-safe.
// Objects are nlohmann::json; the transport underneath is replaceable (see transport.h).
#pragma once

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/client/config.h"
#include "core/client/resource.h"
#include "core/client/transport.h"
#include "core/names.h"

namespace kapp::client {

using nlohmann::json;

struct ListOptions {
  std::string label_selector;
  std::string field_selector;
  // Page size; every page is fetched. The API server answers the first page of a list from its
  // watch cache and every `continue` page from etcd (Kubernetes 1.33), which for a list of
  // full custom objects costs several times more: a caller that reads a whole list at once
  // (the CLI) asks for large pages.
  int limit = 500;
  // Leave out each item's metadata.managedFields while parsing (see WatchOptions).
  bool drop_managed_fields = false;
};

// What each row of a server-side Table carries besides its cells (the includeObject parameter).
enum class TableObject {
  None,      // the cells alone: the cheapest answer
  Metadata,  // the object's metadata too (its namespace, for a listing across namespaces)
};

struct WriteOptions {
  std::string field_manager = names::kFieldManager;
  bool dry_run = false;  // server-side dry run
  bool force = false;    // apply only: take over conflicting fields (only for objects we own)
  // Leave the answer's metadata.managedFields out while parsing it (see WatchOptions).
  bool drop_managed_fields = false;
};

inline constexpr std::chrono::seconds kWatchDeadlineMargin{30};

struct WatchOptions {
  std::string resource_version;  // "" starts from the current state (with synthetic ADDED events)
  std::string label_selector;
  std::string field_selector;
  // Ask the server to close the stream after this long; 0: its default. When set, the client
  // also ends the stream itself kWatchDeadlineMargin later (a paused or vanished server),
  // with a transport error (Error) the caller retries as after any broken stream.
  int timeout_seconds = 0;
  bool allow_bookmarks = true;
  const std::atomic<bool>* cancel = nullptr;
  // Leave out each object's metadata.managedFields while parsing: often half of an object's
  // bytes, and a cache never reads them (controller-runtime's caches strip them after decoding
  // with a transform; skipping them in the parser never allocates them at all).
  bool drop_managed_fields = false;
};

// One event of a watch stream: ADDED, MODIFIED, DELETED or BOOKMARK (ERROR becomes an ApiError).
struct WatchEvent {
  std::string type;
  json object;
};

struct DeleteOptions {
  std::string propagation_policy;  // Foreground, Background, Orphan; "" for the server's default
  std::string precondition_uid;
  bool dry_run = false;
};

class Client {
 public:
  Client(RestConfig config, std::unique_ptr<Transport> transport);
  // A client over libcurl for `config`.
  static std::shared_ptr<Client> connect(const RestConfig& config);

  const RestConfig& config() const { return config_; }

  // Called after every answered request with its verb and status code (for metrics).
  using RequestObserver = std::function<void(const std::string& method, long code)>;
  void set_request_observer(RequestObserver observer);

  json get(const ResourceType& type, const std::string& ns, const std::string& name);
  std::optional<json> get_if_exists(const ResourceType& type, const std::string& ns,
                                    const std::string& name);
  // Follows `continue` until the whole list is read; returns the List with all items.
  json list(const ResourceType& type, const std::string& ns, const ListOptions& options = {});
  // The same list as the server prints it, as kubectl get asks for it: a meta.k8s.io/v1 Table
  // (columnDefinitions from the CRD's additionalPrinterColumns, one row of cells per object),
  // every page's rows in one Table. The server encodes a few cells instead of whole objects.
  // A server that cannot make a Table sends the plain list: the answer then has no "rows" (and
  // its kind is not "Table"), and the caller lists the objects instead.
  json list_table(const ResourceType& type, const std::string& ns, TableObject include,
                  const ListOptions& options = {});
  json create(const ResourceType& type, const std::string& ns, const json& object,
              const WriteOptions& options = {});
  // PUT: replaces the object; fails with 409 Conflict when metadata.resourceVersion is stale.
  json update(const ResourceType& type, const json& object, const WriteOptions& options = {});
  // Server-side apply (application/apply-patch+yaml; JSON is valid YAML).
  json apply(const ResourceType& type, const json& object, const WriteOptions& options = {});
  json apply_status(const ResourceType& type, const json& object, const WriteOptions& options = {});
  json merge_patch(const ResourceType& type, const std::string& ns, const std::string& name,
                   const json& patch, const WriteOptions& options = {});
  // Returns false when the object was already gone.
  bool remove(const ResourceType& type, const std::string& ns, const std::string& name,
              const DeleteOptions& options = {});
  // Streams events to `on_event` until the server ends the stream, `on_event` returns false, or
  // options.cancel is set. Returns the last resourceVersion seen, to resume from. Throws
  // ApiError 410 Gone when that version is too old (the caller must list again). `on_event`
  // may take the event's object (move from it): the client does not read it afterwards.
  std::string watch(const ResourceType& type, const std::string& ns, const WatchOptions& options,
                    const std::function<bool(WatchEvent&)>& on_event);

  // The REST type for an apiVersion and kind, from the server's discovery (cached).
  // Throws Error when the server does not serve the kind.
  ResourceType resource_for(const std::string& api_version, const std::string& kind);
  // The same, or nullopt when the kind is not served (an optional integration's CRD, such as
  // the Prometheus Operator's or Liqo's, not installed). Throws ApiError when discovery fails.
  std::optional<ResourceType> served(const std::string& api_version, const std::string& kind);
  void forget_discovery();

  // GET on any path (/version, discovery); throws ApiError on failure.
  json get_path(const std::string& path);

  // Sends a request with rate limiting, credentials and retries, and returns the decoded body.
  // Retries as client-go's rest.Request does (rest/request.go checkWait, rest/with_retry.go):
  // - an answer 429 or 5xx with an integer Retry-After header, on any verb: after that many
  //   seconds (capped at 30 s, our bound), at most 10 retries (client-go's maxRetries);
  // - a GET whose connection broke (reset, closed, body cut short): after 1 s, as client-go's
  //   IsRetryableErrorFunc for GET does, at most 10 retries;
  // - beyond client-go, 429 without Retry-After on any verb and 500/502/503/504 without it on
  //   idempotent verbs: exponential back-off from 200 ms, at most 5 attempts in all.
  // A 401 drops the exec plugin's or token file's credential and sends once more with a fresh
  // one (client-go's exec authenticator refreshes on 401 too). Throws ApiError with the last
  // answer, TransportError when none came, ConfigError when the exec plugin fails. With
  // `managed_fields_depth` above 0, the answer is parsed without the metadata.managedFields of
  // the objects whose own keys are at that depth (util::parse_json_fast: 1 for an object, 3
  // for a list's items).
  json request(HttpRequest request, bool idempotent, int managed_fields_depth = 0);

  // How the client waits between retries: std::this_thread::sleep_for by default; tests record
  // the waits instead of sleeping.
  using Pause = std::function<void(std::chrono::milliseconds)>;
  void set_retry_pause(Pause pause);

 private:
  // Takes a token from the bucket of the resource `path` names (rate_limit_key), waiting for
  // one when it is empty.
  void wait_for_rate_limit(const std::string& path);
  // One exchange with fresh credentials, and once more after a 401 if they can be refreshed.
  HttpResponse exchange(HttpRequest& request, const DataCallback* on_data);
  void observe(const std::string& method, long code);
  json discovery_for(const std::string& api_version);
  // Follows `continue` from page to page, appending each page's `items_key` array to the first.
  json paged(const ResourceType& type, const std::string& ns, const ListOptions& options,
             const std::string& accept, const std::string& include_object, const char* items_key,
             int managed_fields_depth = 0);

  RestConfig config_;
  std::unique_ptr<Transport> transport_;
  Credentials credentials_;
  Pause pause_;
  struct TokenBucket {
    double tokens;
    std::chrono::steady_clock::time_point last_refill;
  };
  std::mutex limiter_mutex_;
  std::map<std::string, TokenBucket> buckets_;  // rate_limit_key -> its bucket
  std::mutex observer_mutex_;
  RequestObserver observer_;
  std::mutex discovery_mutex_;
  std::map<std::string, json> discovery_;  // apiVersion -> APIResourceList
};

// Decodes a failed response into an ApiError (a Status body, or whatever the server sent).
[[noreturn]] void throw_api_error(const HttpResponse& response, const std::string& method,
                                  const std::string& path);

// Which token bucket a request to `path` takes from: "<group>/<resource>" ("/pods" for the
// core group), or "" for what names no resource (discovery, /version). Each resource has a
// bucket of its own of RestConfig::qps and ::burst, as a controller-runtime client has:
// it makes one REST client per kind (apiutil.RESTClientForGVK), each with its own token
// bucket when rest.Config.RateLimiter is unset. The API server's priority and fairness,
// not the client, protects the server (controller-runtime 0.25 sets no client limit at all).
std::string rate_limit_key(std::string_view path);

// "?a=b&c=d" with URL-encoded values; empty values are left out.
std::string query_string(std::initializer_list<std::pair<std::string, std::string>> params);

}  // namespace kapp::client

#include "core/client/client.h"

#include <algorithm>
#include <charconv>
#include <thread>
#include <vector>

#include "core/errors.h"
#include "core/log.h"
#include "core/util/json_fast.h"
#include "core/util/limits.h"

namespace kapp::client {
namespace {

using std::chrono::milliseconds;

constexpr int kMaxRetries = 10;  // client-go's default maxRetries (rest/request.go NewRequest)
constexpr int kMaxAttemptsWithoutRetryAfter = 5;
constexpr auto kBaseBackoff = milliseconds(200);
constexpr int kMaxRetryAfterSeconds = 30;
constexpr auto kBrokenConnectionWait = milliseconds(1000);  // client-go's artificial Retry-After

std::string url_encode(const std::string& value) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

std::string hint_for(int code) {
  switch (code) {
    case 401:
      return "; the server rejected the credentials: refresh them or check the kubeconfig user";
    case 403:
      return "; ask a cluster admin for the permission, or use another --user/--context";
    case 429:
      return "; the server is overloaded: retry later";
    default:
      return "";
  }
}

// obj[key] when obj is an object and that is a string, else "": answers from the server are
// read without trusting their shape (a type mismatch must not escape as a library error).
std::string text_at(const json& obj, const char* key) {
  if (!obj.is_object()) return "";
  const auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : "";
}

bool retryable(int code) {
  return code == 429 || code == 500 || code == 502 || code == 503 || code == 504;
}

// The Retry-After header in whole seconds, as client-go's retryAfterSeconds reads it (an
// integer; an HTTP date or anything else counts as absent).
std::optional<int> retry_after_seconds(const HttpResponse& response) {
  const auto it = response.headers.find("retry-after");
  if (it == response.headers.end() || it->second.empty()) return std::nullopt;
  int seconds = 0;
  const char* end = it->second.data() + it->second.size();
  const auto [ptr, ec] = std::from_chars(it->second.data(), end, seconds);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return seconds;
}

// How long to wait before sending again after `response` to attempt number `attempt` (from
// 1), or nullopt when the answer is final. The rules are Client::request's.
std::optional<milliseconds> retry_delay(const HttpResponse& response, bool idempotent,
                                        int attempt) {
  const int code = static_cast<int>(response.status);
  if (code != 429 && code < 500) return std::nullopt;
  if (const auto seconds = retry_after_seconds(response)) {
    if (attempt > kMaxRetries) return std::nullopt;
    return std::chrono::seconds(std::clamp(*seconds, 0, kMaxRetryAfterSeconds));
  }
  if (attempt >= kMaxAttemptsWithoutRetryAfter) return std::nullopt;
  if (code == 429 || (idempotent && retryable(code))) return kBaseBackoff * (1 << (attempt - 1));
  return std::nullopt;
}

}  // namespace

std::string query_string(std::initializer_list<std::pair<std::string, std::string>> params) {
  std::string q;
  for (const auto& [key, value] : params) {
    if (value.empty()) continue;
    q += (q.empty() ? "?" : "&") + key + "=" + url_encode(value);
  }
  return q;
}

void throw_api_error(const HttpResponse& response, const std::string& method,
                     const std::string& path) {
  const int code = static_cast<int>(response.status);
  std::string reason, message;
  std::vector<StatusCause> causes;
  const auto status = util::parse_json_bounded(response.body);
  if (text_at(status, "kind") == "Status") {
    reason = text_at(status, "reason");
    message = text_at(status, "message");
    const auto details = status.find("details");
    if (details != status.end() && details->is_object() && details->contains("causes") &&
        (*details)["causes"].is_array()) {
      for (const auto& cause : (*details)["causes"]) {
        causes.push_back(
            {text_at(cause, "reason"), text_at(cause, "field"), text_at(cause, "message")});
      }
    }
  }
  if (reason.empty())
    reason = code == 404   ? "NotFound"
             : code == 401 ? "Unauthorized"
             : code == 403 ? "Forbidden"
                           : "Unknown";
  if (message.empty()) {
    auto body = response.body.substr(0, 200);
    std::replace(body.begin(), body.end(), '\n', ' ');
    message = "the server answered " + std::to_string(code) + " to " + method + " " + path +
              (body.empty() ? "" : ": " + body);
  }
  int retry_after = 0;
  if (auto it = response.headers.find("retry-after"); it != response.headers.end()) {
    retry_after = std::atoi(it->second.c_str());
  }
  throw ApiError(code, reason, "Error from server (" + reason + "): " + message + hint_for(code),
                 causes, retry_after);
}

Client::Client(RestConfig config, std::unique_ptr<Transport> transport)
    : config_(std::move(config)),
      transport_(std::move(transport)),
      credentials_(config_),
      pause_([](milliseconds delay) { std::this_thread::sleep_for(delay); }) {}

std::shared_ptr<Client> Client::connect(const RestConfig& config) {
  return std::make_shared<Client>(config, make_curl_transport(config));
}

std::string rate_limit_key(std::string_view path) {
  path = path.substr(0, path.find('?'));
  std::vector<std::string_view> segments;
  for (std::size_t start = 0; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    if (end > start) segments.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  // /api/<version>/... or /apis/<group>/<version>/...
  std::size_t first = 0;
  std::string group;
  if (segments.size() >= 3 && segments[0] == "api") {
    first = 2;
  } else if (segments.size() >= 4 && segments[0] == "apis") {
    group = segments[1];
    first = 3;
  } else {
    return "";
  }
  // namespaces/<ns>/<resource>/... is a namespaced resource; namespaces/<name> a Namespace.
  if (segments[first] == "namespaces" && segments.size() >= first + 3) first += 2;
  return group + "/" + std::string(segments[first]);
}

void Client::wait_for_rate_limit(const std::string& path) {
  if (config_.qps <= 0) return;
  std::unique_lock lock(limiter_mutex_);
  const auto now = std::chrono::steady_clock::now();
  // A token bucket per resource: `burst` requests at once, refilled at `qps`.
  auto& bucket = buckets_.try_emplace(rate_limit_key(path), TokenBucket{double(config_.burst), now})
                     .first->second;
  for (;;) {
    const auto at = std::chrono::steady_clock::now();
    bucket.tokens = std::min<double>(
        config_.burst,
        bucket.tokens +
            std::chrono::duration<double>(at - bucket.last_refill).count() * config_.qps);
    bucket.last_refill = at;
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return;
    }
    const auto wait = std::chrono::duration<double>((1 - bucket.tokens) / config_.qps);
    lock.unlock();
    std::this_thread::sleep_for(wait);
    lock.lock();
  }
}

void Client::set_request_observer(RequestObserver observer) {
  std::lock_guard lock(observer_mutex_);
  observer_ = std::move(observer);
}

void Client::observe(const std::string& method, long code) {
  std::lock_guard lock(observer_mutex_);
  if (observer_) observer_(method, code);
}

void Client::set_retry_pause(Pause pause) { pause_ = std::move(pause); }

HttpResponse Client::exchange(HttpRequest& request, const DataCallback* on_data) {
  auto send = [&] {
    request.credentials = credentials_.current();
    return on_data != nullptr ? transport_->stream(request, *on_data) : transport_->send(request);
  };
  auto response = send();
  // An expired exec credential or a rotated token file earns one fresh attempt.
  if (response.status == 401 && credentials_.invalidate()) {
    log::info(4, "the server rejected the credentials for " + request.method + " " + request.path +
                     "; refreshing them once");
    response = send();
  }
  return response;
}

json Client::request(HttpRequest request, bool idempotent, int managed_fields_depth) {
  for (int attempt = 1;; ++attempt) {
    wait_for_rate_limit(request.path);
    HttpResponse response;
    try {
      response = exchange(request, nullptr);
    } catch (const TransportError& e) {
      if (request.method != "GET" || !e.connection_broken() || attempt > kMaxRetries) throw;
      log::info(4, "retrying " + request.method + " " + request.path + " in " +
                       std::to_string(kBrokenConnectionWait.count()) + "ms after: " + e.what());
      pause_(kBrokenConnectionWait);
      continue;
    }
    observe(request.method, response.status);
    if (response.status >= 200 && response.status < 300) {
      if (response.body.empty()) return json::object();
      auto body = util::parse_json_fast(response.body, managed_fields_depth);
      if (body.is_discarded()) {
        throw Error("the API server sent a response that is not JSON for " + request.method + " " +
                    request.path + "; is --server pointing at a Kubernetes API server?");
      }
      return body;
    }
    const auto delay = retry_delay(response, idempotent, attempt);
    if (!delay) throw_api_error(response, request.method, request.path);
    log::info(4, "retrying " + request.method + " " + request.path + " after " +
                     std::to_string(response.status) + " in " + std::to_string(delay->count()) +
                     "ms");
    pause_(*delay);
  }
}

json Client::get_path(const std::string& path) {
  return request({.method = "GET", .path = path}, true);
}

json Client::get(const ResourceType& type, const std::string& ns, const std::string& name) {
  return request(
      {.method = "GET", .path = type.path(ns, name), .sensitive_body = type.resource == "secrets"},
      true);
}

std::optional<json> Client::get_if_exists(const ResourceType& type, const std::string& ns,
                                          const std::string& name) {
  try {
    return get(type, ns, name);
  } catch (const ApiError& e) {
    if (e.not_found()) return std::nullopt;
    throw;
  }
}

json Client::paged(const ResourceType& type, const std::string& ns, const ListOptions& options,
                   const std::string& accept, const std::string& include_object,
                   const char* items_key, int managed_fields_depth) {
  json result;
  std::string continue_token;
  do {
    const auto query =
        query_string({{"labelSelector", options.label_selector},
                      {"fieldSelector", options.field_selector},
                      {"includeObject", include_object},
                      {"limit", options.limit > 0 ? std::to_string(options.limit) : ""},
                      {"continue", continue_token}});
    auto page = request({.method = "GET",
                         .path = type.path(ns) + query,
                         .accept = accept,
                         .sensitive_body = type.resource == "secrets"},
                        true, managed_fields_depth);
    continue_token = page.contains("metadata") && page["metadata"].is_object()
                         ? text_at(page["metadata"], "continue")
                         : "";
    if (result.is_null()) {
      result = std::move(page);
    } else {
      if (page.contains(items_key) && page[items_key].is_array()) {
        for (auto& item : page[items_key]) result[items_key].push_back(std::move(item));
      }
      result["metadata"] = page["metadata"];
    }
  } while (!continue_token.empty());
  if (!result.contains(items_key) || result[items_key].is_null()) result[items_key] = json::array();
  if (!result.contains("metadata") || !result["metadata"].is_object())
    result["metadata"] = json::object();
  result["metadata"].erase("continue");
  return result;
}

json Client::list(const ResourceType& type, const std::string& ns, const ListOptions& options) {
  // An item's own keys are read at depth 3: in the List, in items, in the item.
  return paged(type, ns, options, "application/json", "", "items",
               options.drop_managed_fields ? 3 : 0);
}

json Client::list_table(const ResourceType& type, const std::string& ns, TableObject include,
                        const ListOptions& options) {
  // kubectl's Accept: a Table, or the plain list from a server that cannot make one.
  const std::string accept = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json";
  auto table =
      paged(type, ns, options, accept, include == TableObject::None ? "None" : "Metadata", "rows");
  if (text_at(table, "kind") != "Table") table.erase("rows");
  return table;
}

namespace {
std::string write_query(const WriteOptions& options, bool apply) {
  return query_string({{"fieldManager", options.field_manager},
                       {"dryRun", options.dry_run ? "All" : ""},
                       {"force", apply && options.force ? "true" : ""}});
}

// A write's answer is one object: its own keys are read at depth 1.
int answer_depth(const WriteOptions& options) { return options.drop_managed_fields ? 1 : 0; }

std::string namespace_of(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("namespace", "") : "";
}
std::string name_of(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("name", "") : "";
}
}  // namespace

json Client::create(const ResourceType& type, const std::string& ns, const json& object,
                    const WriteOptions& options) {
  return request({.method = "POST",
                  .path = type.path(ns) + write_query(options, false),
                  .body = object.dump(),
                  .content_type = "application/json"},
                 false, answer_depth(options));
}

json Client::update(const ResourceType& type, const json& object, const WriteOptions& options) {
  return request(
      {.method = "PUT",
       .path = type.path(namespace_of(object), name_of(object)) + write_query(options, false),
       .body = object.dump(),
       .content_type = "application/json"},
      false, answer_depth(options));
}

json Client::apply(const ResourceType& type, const json& object, const WriteOptions& options) {
  return request(
      {.method = "PATCH",
       .path = type.path(namespace_of(object), name_of(object)) + write_query(options, true),
       .body = object.dump(),
       .content_type = "application/apply-patch+yaml"},
      true, answer_depth(options));
}

json Client::apply_status(const ResourceType& type, const json& object,
                          const WriteOptions& options) {
  return request({.method = "PATCH",
                  .path = type.path(namespace_of(object), name_of(object)) + "/status" +
                          write_query(options, true),
                  .body = object.dump(),
                  .content_type = "application/apply-patch+yaml"},
                 true, answer_depth(options));
}

json Client::merge_patch(const ResourceType& type, const std::string& ns, const std::string& name,
                         const json& patch, const WriteOptions& options) {
  return request({.method = "PATCH",
                  .path = type.path(ns, name) + write_query(options, false),
                  .body = patch.dump(),
                  .content_type = "application/merge-patch+json"},
                 false, answer_depth(options));
}

bool Client::remove(const ResourceType& type, const std::string& ns, const std::string& name,
                    const DeleteOptions& options) {
  json body = {{"apiVersion", "v1"}, {"kind", "DeleteOptions"}};
  if (!options.propagation_policy.empty()) body["propagationPolicy"] = options.propagation_policy;
  if (!options.precondition_uid.empty())
    body["preconditions"] = {{"uid", options.precondition_uid}};
  if (options.dry_run) body["dryRun"] = json::array({"All"});
  try {
    request({.method = "DELETE",
             .path = type.path(ns, name),
             .body = body.dump(),
             .content_type = "application/json"},
            true);
    return true;
  } catch (const ApiError& e) {
    if (e.not_found()) return false;
    throw;
  }
}

}  // namespace kapp::client

namespace kapp::client {

std::string Client::watch(const ResourceType& type, const std::string& ns,
                          const WatchOptions& options,
                          const std::function<bool(WatchEvent&)>& on_event) {
  const auto query =
      query_string({{"watch", "true"},
                    {"resourceVersion", options.resource_version},
                    {"labelSelector", options.label_selector},
                    {"fieldSelector", options.field_selector},
                    {"allowWatchBookmarks", options.allow_bookmarks ? "true" : ""},
                    {"timeoutSeconds",
                     options.timeout_seconds > 0 ? std::to_string(options.timeout_seconds) : ""}});
  HttpRequest request{.method = "GET", .path = type.path(ns) + query, .cancel = options.cancel};
  // The server ends the stream at timeoutSeconds; a server that is paused or gone never does,
  // and an idle watch carries no bookmark to tell a quiet stream from a dead one (measured:
  // none in 200 s). So the client gives up a little after the server should have ended it.
  if (options.timeout_seconds > 0)
    request.timeout = std::chrono::seconds(options.timeout_seconds) + kWatchDeadlineMargin;
  std::string last_version = options.resource_version;
  std::string pending;  // events are newline-delimited JSON; a chunk may end mid-line
  bool stopped = false;

  auto handle_line = [&](std::string_view line) {
    if (line.empty()) return true;
    // The object's own keys are read at depth 2: in the event, in its object.
    auto event = util::parse_json_fast(line, options.drop_managed_fields ? 2 : 0);
    const auto kind = text_at(event, "type");
    if (kind.empty() || !event.contains("object") || !event["object"].is_object()) {
      throw Error("the API server sent an unreadable watch event for " + type.qualified() +
                  "; retry");
    }
    WatchEvent out{kind, std::move(event["object"])};
    if (kind == "ERROR") {
      const auto code = out.object.find("code");
      HttpResponse status{
          code != out.object.end() && code->is_number_integer() ? code->get<long>() : 500,
          out.object.dump(),
          {}};
      throw_api_error(status, "WATCH", request.path);
    }
    if (const auto version = text_at(out.object.value("metadata", json()), "resourceVersion");
        !version.empty())
      last_version = version;
    return on_event(out);
  };

  wait_for_rate_limit(request.path);
  const DataCallback on_data = [&](std::string_view chunk) {
    pending.append(chunk);
    std::size_t start = 0;
    for (auto newline = pending.find('\n'); newline != std::string::npos;
         newline = pending.find('\n', start)) {
      // A view, not a copy: an event can be tens of KB.
      if (!handle_line(std::string_view(pending).substr(start, newline - start))) {
        stopped = true;
        return false;
      }
      start = newline + 1;
    }
    pending.erase(0, start);
    if (pending.size() > util::kMaxWatchLineBytes) {
      throw Error("the API server sent a watch event for " + type.qualified() + " larger than " +
                  util::describe_bytes(util::kMaxWatchLineBytes) + "; refusing it");
    }
    return true;
  };
  const auto response = exchange(request, &on_data);
  observe("WATCH", response.status);
  if (response.status >= 300) throw_api_error(response, "WATCH", request.path);
  if (!stopped && !pending.empty()) handle_line(pending);
  return last_version;
}

json Client::discovery_for(const std::string& api_version) {
  {
    std::lock_guard lock(discovery_mutex_);
    if (auto it = discovery_.find(api_version); it != discovery_.end()) return it->second;
  }
  const auto path =
      api_version.find('/') == std::string::npos ? "/api/" + api_version : "/apis/" + api_version;
  json resources;
  try {
    resources = get_path(path);
  } catch (const ApiError& e) {
    if (!e.not_found()) throw;
    resources = json{{"resources", json::array()}};
  }
  std::lock_guard lock(discovery_mutex_);
  discovery_[api_version] = resources;
  return resources;
}

namespace {
std::optional<ResourceType> find_kind(const json& list, const std::string& api_version,
                                      const std::string& kind) {
  for (const auto& r : list.value("resources", json::array())) {
    const auto name = r.value("name", "");
    if (r.value("kind", "") != kind || name.find('/') != std::string::npos)
      continue;  // skip subresources
    const auto slash = api_version.find('/');
    return ResourceType{slash == std::string::npos ? "" : api_version.substr(0, slash),
                        slash == std::string::npos ? api_version : api_version.substr(slash + 1),
                        name, kind, r.value("namespaced", true)};
  }
  return std::nullopt;
}
}  // namespace

ResourceType Client::resource_for(const std::string& api_version, const std::string& kind) {
  for (int attempt = 0; attempt < 2; ++attempt) {
    if (auto found = find_kind(discovery_for(api_version), api_version, kind)) return *found;
    // The cache may predate the kind's CRD: fetch once more before giving up.
    std::lock_guard lock(discovery_mutex_);
    discovery_.erase(api_version);
  }
  throw Error("the server does not serve " + kind + " in " + api_version +
              "; check the apiVersion, or install the CRD (kubectl app install for ours)");
}

std::optional<ResourceType> Client::served(const std::string& api_version,
                                           const std::string& kind) {
  try {
    return resource_for(api_version, kind);
  } catch (const ApiError&) {
    throw;
  } catch (const Error&) {
    return std::nullopt;
  }
}

void Client::forget_discovery() {
  std::lock_guard lock(discovery_mutex_);
  discovery_.clear();
}

}  // namespace kapp::client

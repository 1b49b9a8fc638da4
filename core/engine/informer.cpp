#include "core/engine/informer.h"

#include <random>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {

constexpr auto kMinBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(30);

// Watches end every 5-10 minutes, spread so informers do not all reconnect at once.
int default_watch_timeout_seconds() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return 300 + static_cast<int>(rng() % 300);
}

std::vector<std::string> owner_uids(const json& object) {
  std::vector<std::string> uids;
  if (!object.contains("metadata")) return uids;
  for (const auto& ref : object["metadata"].value("ownerReferences", json::array())) {
    uids.push_back(ref.value("uid", ""));
  }
  return uids;
}

}  // namespace

Informer::Informer(client::Client& client, client::ResourceType type, std::string ns)
    : client_(client), type_(std::move(type)), namespace_(std::move(ns)) {}

Informer::~Informer() { stop(); }

void Informer::add_handler(EventHandler handler) {
  std::vector<json> existing;
  {
    std::lock_guard lock(mutex_);
    handlers_.push_back(handler);
    for (const auto& [key, object] : objects_) existing.push_back(object);
  }
  if (handler.on_add) {
    for (const auto& object : existing) handler.on_add(object);
  }
}

std::vector<EventHandler> Informer::handlers() const {
  std::lock_guard lock(mutex_);
  return handlers_;
}

void Informer::start() {
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this] { run(); });
}

void Informer::request_stop() {
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  cv_.notify_all();
}

void Informer::stop() {
  request_stop();
  if (thread_.joinable()) thread_.join();
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return synced_.load() || stop_.load(); }) && synced_;
}

std::optional<json> Informer::get(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(make_key(type_.namespaced ? ns : "", name));
  if (it == objects_.end()) return std::nullopt;
  return it->second;
}

std::vector<json> Informer::list(const std::string& ns) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  if (ns.empty() || !type_.namespaced) {
    for (const auto& [key, object] : objects_) out.push_back(object);
    return out;
  }
  // Keys are "namespace/name" in order: one namespace is one contiguous range.
  const auto prefix = ns + "/";
  for (auto it = objects_.lower_bound(prefix);
       it != objects_.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it)
    out.push_back(it->second);
  return out;
}

std::vector<json> Informer::owned_by(const std::string& owner_uid) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  auto it = by_owner_.find(owner_uid);
  if (it == by_owner_.end()) return out;
  for (const auto& key : it->second) out.push_back(objects_.at(key));
  return out;
}

void Informer::index_label(const std::string& label_key) {
  std::lock_guard lock(mutex_);
  indexed_labels_.insert(label_key);
}

std::vector<json> Informer::labelled(const std::string& ns, const std::string& label_key,
                                     const std::string& value) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  auto it = by_label_.find(label_key + "=" + value);
  if (it == by_label_.end()) return out;
  for (const auto& key : it->second) {
    const auto& object = objects_.at(key);
    if (ns.empty() || namespace_of(object) == ns) out.push_back(object);
  }
  return out;
}

std::vector<std::string> Informer::label_entries(const json& object) const {
  std::vector<std::string> entries;
  if (indexed_labels_.empty()) return entries;
  const auto labels = object["metadata"].value("labels", json::object());
  for (const auto& label : indexed_labels_) {
    const auto it = labels.find(label);
    if (it != labels.end() && it->is_string())
      entries.push_back(label + "=" + it->get<std::string>());
  }
  return entries;
}

void Informer::store(const json& object) {
  const auto key = key_of(object);
  erase(key);
  for (const auto& uid : owner_uids(object)) by_owner_[uid].insert(key);
  for (const auto& entry : label_entries(object)) by_label_[entry].insert(key);
  objects_[key] = object;
}

void Informer::erase(const std::string& key) {
  auto it = objects_.find(key);
  if (it == objects_.end()) return;
  for (const auto& uid : owner_uids(it->second)) {
    auto owners = by_owner_.find(uid);
    if (owners == by_owner_.end()) continue;
    owners->second.erase(key);
    if (owners->second.empty()) by_owner_.erase(owners);
  }
  for (const auto& entry : label_entries(it->second)) {
    auto labelled = by_label_.find(entry);
    if (labelled == by_label_.end()) continue;
    labelled->second.erase(key);
    if (labelled->second.empty()) by_label_.erase(labelled);
  }
  objects_.erase(it);
}

std::string Informer::relist() {
  auto list = client_.list(type_, namespace_);
  ++lists_;
  struct Change {
    json old_object, new_object;
  };
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    std::map<std::string, json> previous;
    previous.swap(objects_);
    by_owner_.clear();
    by_label_.clear();
    for (auto& item : list["items"]) {
      // List items carry no kind; handlers and reconcilers expect whole objects.
      item["apiVersion"] = type_.api_version();
      item["kind"] = type_.kind;
      const auto key = key_of(item);
      auto old = previous.find(key);
      if (old == previous.end()) {
        changes.push_back({nullptr, item});
      } else {
        if (resource_version_of(old->second) != resource_version_of(item))
          changes.push_back({old->second, item});
        previous.erase(old);
      }
      store(item);
    }
    // What is left was deleted while we were not watching.
    for (auto& [key, object] : previous) changes.push_back({object, nullptr});
    synced_ = true;
  }
  cv_.notify_all();
  for (const auto& handler : handlers()) {
    for (const auto& c : changes) {
      if (c.old_object.is_null() && handler.on_add) handler.on_add(c.new_object);
      if (!c.old_object.is_null() && !c.new_object.is_null() && handler.on_update)
        handler.on_update(c.old_object, c.new_object);
      if (c.new_object.is_null() && handler.on_delete) handler.on_delete(c.old_object);
    }
  }
  return list["metadata"].value("resourceVersion", "");
}

void Informer::apply_event(const client::WatchEvent& event) {
  if (event.type == "BOOKMARK") return;
  const auto key = key_of(event.object);
  json old_object;
  {
    std::lock_guard lock(mutex_);
    if (auto it = objects_.find(key); it != objects_.end()) old_object = it->second;
    if (event.type == "DELETED") {
      erase(key);
    } else {
      store(event.object);
    }
  }
  for (const auto& handler : handlers()) {
    if (event.type == "DELETED") {
      if (handler.on_delete) handler.on_delete(event.object);
    } else if (old_object.is_null()) {
      if (handler.on_add) handler.on_add(event.object);
    } else if (handler.on_update) {
      handler.on_update(old_object, event.object);
    }
  }
}

void Informer::run() {
  std::string version;
  auto backoff = std::chrono::duration_cast<std::chrono::seconds>(kMinBackoff);
  while (!stop_) {
    try {
      if (version.empty()) version = relist();
      ++watches_;
      version = client_.watch(
          type_, namespace_,
          {.resource_version = version,
           .timeout_seconds = watch_timeout_seconds_ > 0 ? watch_timeout_seconds_
                                                         : default_watch_timeout_seconds(),
           .cancel = &stop_},
          [this](const client::WatchEvent& event) {
            apply_event(event);
            return !stop_.load();
          });
      backoff = kMinBackoff;
      continue;  // the server ended the stream: resume from the last version seen
    } catch (const ApiError& e) {
      if (e.gone()) {
        log::info(2, "informer " + type_.qualified() + ": resourceVersion too old, listing again");
        version.clear();
        continue;
      }
      log::error("informer " + type_.qualified() + ": " + e.what() + "; retrying in " +
                 std::to_string(backoff.count()) + "s");
    } catch (const Error& e) {
      if (stop_) break;
      log::error("informer " + type_.qualified() + ": " + e.what() + "; retrying in " +
                 std::to_string(backoff.count()) + "s");
    }
    // After an error the watch may have missed events: list again once the back-off ends.
    version.clear();
    std::unique_lock lock(mutex_);
    cv_.wait_for(lock, backoff, [this] { return stop_.load(); });
    backoff = std::min<std::chrono::seconds>(backoff * 2, kMaxBackoff);
  }
}

}  // namespace kapp::engine

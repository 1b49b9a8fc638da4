#include "core/engine/informer.h"

#include <algorithm>
#include <random>
#include <stdexcept>

#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {

// The entries of namespace `ns` in a map keyed "namespace/name" (all of them for ""): one
// contiguous range, since a name holds no '/' and '0' is the character after it.
template <class Map>
auto namespace_range(Map& map, const std::string& ns) {
  if (ns.empty()) return std::pair(map.begin(), map.end());
  return std::pair(map.lower_bound(ns + "/"), map.lower_bound(ns + "0"));
}

// How long a create waits for another owner's create of the same name. A request and its
// retries usually answer well within it (a slow server can take longer: the waiter's pass
// then fails and is retried), and a worker is not held for good.
constexpr auto kClaimWait = std::chrono::seconds(60);

constexpr auto kMinBackoff = std::chrono::seconds(1);
constexpr auto kMaxBackoff = std::chrono::seconds(30);

// Watches end every 5-10 minutes, spread so informers do not all reconnect at once.
int default_watch_timeout_seconds() {
  static thread_local std::mt19937 rng{std::random_device{}()};
  return 300 + static_cast<int>(rng() % 300);
}

std::vector<std::string> owner_uids(const json& object) {
  std::vector<std::string> uids;
  const auto* refs = metadata_member(object, "ownerReferences");
  if (!refs || !refs->is_array()) return uids;
  for (const auto& ref : *refs) uids.push_back(ref.is_object() ? ref.value("uid", "") : "");
  return uids;
}

}  // namespace

Informer::Informer(client::Client& client, client::ResourceType type, std::string ns)
    : Informer(client, std::move(type),
               ns.empty() ? std::vector<std::string>{} : std::vector<std::string>{std::move(ns)}) {}

Informer::Informer(client::Client& client, client::ResourceType type,
                   std::vector<std::string> namespaces)
    : client_(client), type_(std::move(type)), namespaces_(std::move(namespaces)) {
  if (!type_.namespaced) namespaces_.clear();
  std::sort(namespaces_.begin(), namespaces_.end());
  namespaces_.erase(std::unique(namespaces_.begin(), namespaces_.end()), namespaces_.end());
}

Informer::~Informer() { stop(); }

void Informer::add_handler(EventHandler handler) {
  std::vector<json> existing;
  {
    std::lock_guard lock(mutex_);
    handlers_.push_back(handler);
    for (const auto& [key, cached] : objects_) existing.push_back(cached.object.unpack());
  }
  if (handler.on_add) {
    for (const auto& object : existing) handler.on_add(object);
  }
}

void Informer::set_transform(Transform transform) {
  if (!threads_.empty()) throw std::logic_error("Informer::set_transform after start()");
  transform_ = std::move(transform);
}

void Informer::set_label_selector(std::string selector) {
  if (!threads_.empty()) throw std::logic_error("Informer::set_label_selector after start()");
  label_selector_ = std::move(selector);
}

void Informer::set_slim(Slim slim) {
  if (!threads_.empty()) throw std::logic_error("Informer::set_slim after start()");
  slim_ = std::move(slim);
}

void Informer::remember_applied(const json& live, std::uint64_t desired_hash) {
  if (name_of(live).empty()) return;  // not an object (an empty answer): nothing to record
  const auto key = key_of(live);
  const AppliedRecord record{desired_hash, content_fingerprint(live)};
  std::lock_guard lock(mutex_);
  auto it = objects_.find(key);
  if (it == objects_.end()) {
    applied_early_[key] = record;
    return;
  }
  it->second.applied = record;
  if (!slim_) return;
  const auto cached = it->second.object.unpack();
  if (!is_slim(cached)) it->second.object = PackedObject(slim_(cached));
}

bool Informer::applied(const json& cached, std::uint64_t desired_hash) const {
  const auto key = key_of(cached);
  std::optional<AppliedRecord> record;
  {
    std::lock_guard lock(mutex_);
    if (auto it = objects_.find(key); it != objects_.end()) {
      record = it->second.applied;
    } else if (auto early = applied_early_.find(key); early != applied_early_.end()) {
      record = early->second;
    }
  }
  return record && record->desired_hash == desired_hash &&
         record->fingerprint == content_fingerprint(cached);
}

Informer::Claim Informer::claim_create(const std::string& ns, const std::string& name,
                                       const std::string& owner_uid) {
  const auto key = make_key(ns, name);
  const auto deadline = std::chrono::steady_clock::now() + kClaimWait;
  std::unique_lock lock(mutex_);
  for (;;) {
    if (objects_.count(key) > 0) return Claim::Cached;
    const auto it = claims_.find(key);
    if (it == claims_.end() || it->second.owner_uid == owner_uid) {
      claims_.insert_or_assign(key, CreateClaim{owner_uid, true, {}});
      return Claim::Claimed;
    }
    if (!it->second.in_flight || stop_) return Claim::Taken;
    ++claims_waiting_;
    const auto woken = cv_.wait_until(lock, deadline);
    --claims_waiting_;
    if (woken == std::cv_status::timeout) {
      throw Error("creating " + type_.kind + " " + key + " waited " +
                  std::to_string(kClaimWait.count()) +
                  "s for another owner's create of that name to answer; retrying");
    }
  }
}

int Informer::claims_waiting() const {
  std::lock_guard lock(mutex_);
  return claims_waiting_;
}

void Informer::end_claim(const std::string& ns, const std::string& name,
                         const std::string& owner_uid, bool created) {
  {
    std::lock_guard lock(mutex_);
    // None left when the object's watch event came before its create's answer, and another
    // owner's claim then: neither is this one's to end.
    const auto it = claims_.find(make_key(ns, name));
    if (it != claims_.end() && it->second.owner_uid == owner_uid && it->second.in_flight) {
      if (created) {
        it->second.in_flight = false;
        it->second.ended = std::chrono::steady_clock::now();
      } else {
        claims_.erase(it);
      }
    }
  }
  cv_.notify_all();
}

void Informer::transform(json& object) const {
  if (!transform_) return;
  try {
    transform_(object);
  } catch (const std::exception& e) {
    // A malformed object is cached as it came (or as far as the transform got) rather than
    // failing every list.
    log::info(2, "informer " + type_.qualified() + ": transform skips " + key_of(object) + ": " +
                     e.what());
  }
}

std::vector<EventHandler> Informer::handlers() const {
  std::lock_guard lock(mutex_);
  return handlers_;
}

void Informer::start() {
  if (!threads_.empty()) return;
  stop_ = false;
  if (namespaces_.empty()) threads_.emplace_back([this] { run(""); });
  for (const auto& ns : namespaces_) threads_.emplace_back([this, ns] { run(ns); });
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
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool Informer::wait_for_sync(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [this] { return synced_.load() || stop_.load(); }) && synced_;
}

std::optional<json> Informer::get(const std::string& ns, const std::string& name) const {
  std::lock_guard lock(mutex_);
  auto it = objects_.find(make_key(type_.namespaced ? ns : "", name));
  if (it == objects_.end()) return std::nullopt;
  return it->second.object.unpack();
}

std::vector<json> Informer::list(const std::string& ns) const {
  std::lock_guard lock(mutex_);
  std::vector<json> out;
  const auto [first, last] = namespace_range(objects_, type_.namespaced ? ns : "");
  for (auto it = first; it != last; ++it) out.push_back(it->second.object.unpack());
  return out;
}

std::vector<std::string> Informer::owned_keys(const std::string& owner_uid) const {
  std::lock_guard lock(mutex_);
  std::vector<std::string> keys;
  if (auto it = by_owner_.find(owner_uid); it != by_owner_.end())
    for (const auto* key : it->second) keys.push_back(*key);
  return keys;
}

std::vector<json> Informer::unpack_keys(const KeySet& keys) const {
  std::vector<json> out;
  out.reserve(keys.size());
  for (const auto* key : keys) out.push_back(objects_.at(*key).object.unpack());
  return out;
}

void Informer::add_index(const std::string& name, IndexFunc index) {
  std::lock_guard lock(mutex_);
  indexers_[name] = std::move(index);
}

std::vector<json> Informer::by_index(const std::string& name, const std::string& value) const {
  std::lock_guard lock(mutex_);
  if (!indexers_.count(name)) throw std::out_of_range("informer has no index " + name);
  auto it = indexed_.find(name + "=" + value);
  if (it == indexed_.end()) return {};
  return unpack_keys(it->second);
}

void Informer::index_label(const std::string& label_key) {
  add_index(label_key, [label_key](const json& object) -> std::vector<std::string> {
    const auto* labels = metadata_member(object, "labels");
    if (!labels || !labels->is_object()) return {};
    const auto it = labels->find(label_key);
    if (it == labels->end() || !it->is_string()) return {};
    return {it->get<std::string>()};
  });
}

std::vector<json> Informer::labelled(const std::string& ns, const std::string& label_key,
                                     const std::string& value) const {
  auto out = by_index(label_key, value);
  if (!ns.empty())
    std::erase_if(out, [&ns](const json& object) { return namespace_of(object) != ns; });
  return out;
}

std::vector<std::string> Informer::index_entries(const json& object) const {
  std::vector<std::string> entries;
  for (const auto& [name, index] : indexers_) {
    try {
      for (const auto& value : index(object)) entries.push_back(name + "=" + value);
    } catch (const std::exception& e) {
      // A malformed object is filed under nothing rather than ending the informer.
      log::info(2, "informer " + type_.qualified() + ": index " + name + " skips " +
                       key_of(object) + ": " + e.what());
    }
  }
  return entries;
}

bool Informer::store(json& object, std::optional<AppliedRecord> record, const json* previous) {
  auto key = key_of(object);
  if (auto early = applied_early_.find(key); early != applied_early_.end()) {
    if (!record) record = early->second;
    applied_early_.erase(early);
  }
  if (claims_.erase(key) > 0) cv_.notify_all();  // a waiting claim now finds it cached
  std::optional<json> slim;
  if (slim_ && record) slim = slim_(object);
  const auto& cached = slim ? *slim : object;
  const bool unchanged = previous != nullptr && same_but_version(*previous, cached);
  // Packed first: a failure then leaves no index entry pointing at nothing.
  auto packed = PackedObject(cached);
  const auto node = objects_.insert_or_assign(std::move(key), Cached{std::move(packed), record});
  const auto* interned = &node.first->first;
  for (const auto& uid : owner_uids(object)) by_owner_[uid].insert(interned);
  for (const auto& entry : index_entries(object)) indexed_[entry].insert(interned);
  if (slim) object = std::move(*slim);  // handlers see what the cache keeps
  return unchanged;
}

std::optional<Informer::AppliedRecord> Informer::erase(const std::string& key, const json& object) {
  const auto node = objects_.find(key);
  if (node == objects_.end()) return std::nullopt;
  const auto* interned = &node->first;
  for (const auto& uid : owner_uids(object)) {
    auto owners = by_owner_.find(uid);
    if (owners == by_owner_.end()) continue;
    owners->second.erase(interned);
    if (owners->second.empty()) by_owner_.erase(owners);
  }
  for (const auto& entry : index_entries(object)) {
    auto indexed = indexed_.find(entry);
    if (indexed == indexed_.end()) continue;
    indexed->second.erase(interned);
    if (indexed->second.empty()) indexed_.erase(indexed);
  }
  const auto record = node->second.applied;
  objects_.erase(node);
  return record;
}

std::string Informer::relist(const std::string& ns) {
  const auto listed_at = std::chrono::steady_clock::now();
  auto list =
      client_.list(type_, ns, {.label_selector = label_selector_, .drop_managed_fields = true});
  ++lists_;
  for (auto& item : list["items"]) {
    // List items carry no kind; handlers and reconcilers expect whole objects.
    item["apiVersion"] = type_.api_version();
    item["kind"] = type_.kind;
    transform(item);
  }
  struct Change {
    json old_object, new_object;
  };
  std::vector<Change> changes;
  {
    std::lock_guard lock(mutex_);
    // What this namespace's list replaces: its own range of keys ("namespace/name" sort
    // together), or everything when watching all namespaces.
    std::map<std::string, json> previous;
    for (auto [it, last] = namespace_range(objects_, ns); it != last; ++it)
      previous.emplace(it->first, it->second.object.unpack());
    std::map<std::string, AppliedRecord> records;
    for (const auto& [key, object] : previous) {
      if (auto record = erase(key, object)) records.emplace(key, *record);
    }
    for (auto& item : list["items"]) {
      const auto key = key_of(item);
      auto old = previous.find(key);
      auto record = records.find(key);
      store(item, record != records.end() ? std::optional(record->second) : std::nullopt);
      if (old == previous.end()) {
        changes.push_back({nullptr, std::move(item)});
      } else {
        if (resource_version_of(old->second) != resource_version_of(item))
          changes.push_back({std::move(old->second), std::move(item)});
        previous.erase(old);
      }
    }
    // What is left was deleted while we were not watching (their records went with them).
    for (auto& [key, object] : previous) changes.push_back({std::move(object), nullptr});
    // So was what an early record names that the list lacks (an apply that raced a deletion
    // records after the DELETED event).
    const auto [first, last] = namespace_range(applied_early_, ns);
    applied_early_.erase(first, last);
    // Likewise a claim whose create answered before the list was asked for (one still in
    // flight, or answered since, may have come after the list).
    for (auto [it, end] = namespace_range(claims_, ns); it != end;) {
      const bool before = !it->second.in_flight && it->second.ended < listed_at;
      it = before ? claims_.erase(it) : std::next(it);
    }
    listed_.insert(ns);
    synced_ = listed_.size() >= std::max<std::size_t>(namespaces_.size(), 1);
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

void Informer::apply_event(client::WatchEvent& event) {
  if (event.type == "BOOKMARK") return;
  json object = std::move(event.object);
  transform(object);
  const auto key = key_of(object);
  json old_object;
  bool unchanged = false;
  {
    std::lock_guard lock(mutex_);
    std::optional<AppliedRecord> record;
    if (auto it = objects_.find(key); it != objects_.end()) {
      old_object = it->second.object.unpack();
      record = erase(key, old_object);
    }
    if (event.type == "DELETED") {
      applied_early_.erase(key);  // the object's record went with it
      if (claims_.erase(key) > 0) cv_.notify_all();
    } else {
      unchanged = store(object, record, old_object.is_null() ? nullptr : &old_object);
    }
  }
  if (unchanged) return;  // cached with its new resourceVersion; nothing else kept changed
  for (const auto& handler : handlers()) {
    if (event.type == "DELETED") {
      if (handler.on_delete) handler.on_delete(object);
    } else if (old_object.is_null()) {
      if (handler.on_add) handler.on_add(object);
    } else if (handler.on_update) {
      handler.on_update(old_object, object);
    }
  }
}

void Informer::run(const std::string& ns) {
  std::string version;
  auto backoff = std::chrono::duration_cast<std::chrono::seconds>(kMinBackoff);
  while (!stop_) {
    try {
      if (version.empty()) version = relist(ns);
      ++watches_;
      version = client_.watch(
          type_, ns,
          {.resource_version = version,
           .label_selector = label_selector_,
           .timeout_seconds = watch_timeout_seconds_ > 0 ? watch_timeout_seconds_
                                                         : default_watch_timeout_seconds(),
           .cancel = &stop_,
           .drop_managed_fields = true},
          [this](client::WatchEvent& event) {
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
    } catch (const std::exception& e) {
      // Error, and anything a handler or a malformed object throws: never end the process.
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

// An informer keeps an in-memory copy of one resource type (list, then watch) and tells
// handlers what changed. Re-lists on 410 Gone and after errors, and reports objects that
// vanished while it was disconnected as deletions. Restricted to several namespaces, it runs
// one list-watch per namespace into one cache, as controller-runtime's multi-namespace cache.
#pragma once

#include <atomic>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/engine/packed_object.h"
#include "core/engine/transform.h"

namespace kapp::engine {

using nlohmann::json;

struct EventHandler {
  std::function<void(const json&)> on_add;
  std::function<void(const json& old_object, const json& new_object)> on_update;
  std::function<void(const json&)> on_delete;
};

class Informer {
 public:
  // `ns` empty: all namespaces.
  Informer(client::Client& client, client::ResourceType type, std::string ns = "");
  // Exactly these namespaces (empty: all). Ignored for cluster-scoped types.
  Informer(client::Client& client, client::ResourceType type, std::vector<std::string> namespaces);
  ~Informer();
  Informer(const Informer&) = delete;
  Informer& operator=(const Informer&) = delete;

  // Applied to every listed and watched object (deletions too) before it is cached and before
  // handlers see it, to keep only what the controllers read. Call before start(); replaces
  // any earlier one (the Manager installs strip_bookkeeping on each informer it makes).
  void set_transform(Transform transform);
  // Lists and watches only the objects this label selector matches (the API's labelSelector:
  // "key", "key=value", ...), as controller-runtime's cache.ByObject Label: an object whose
  // labels stop matching leaves the cache as a deletion (the API server's watch sends DELETED).
  // Call before start(); empty (the default) selects everything.
  void set_label_selector(std::string selector);
  // For owned objects: once remember_applied has recorded a key, the cache keeps that object
  // as `slim` leaves it (engine::slim_owned with the spec members a controller reads), from
  // the next event on and at once. Call before start(). A slim object is for reading: never
  // write one back (it lacks its spec). Indexes (add_index) may read only what `slim` keeps:
  // an object's entries are found again from its cached form when it changes or goes.
  void set_slim(Slim slim);
  // Records that the live object `live` (as the server or this cache gave it) holds everything
  // a desired object whose hash_of is `desired_hash` says: applied() then answers from the
  // record and the cached object's content fingerprint, without its spec. A record lasts until
  // the object is deleted (a watch DELETED or a list without it) or recorded again.
  void remember_applied(const json& live, std::uint64_t desired_hash);
  // Whether `cached` (an object of this cache) is, content for content, the one recorded with
  // this desired hash: false when either changed since, or nothing was recorded (after a
  // restart: the caller compares the whole object, then records it).
  bool applied(const json& cached, std::uint64_t desired_hash) const;
  // A claim on the name of an object this cache lacks, taken before creating it for an owner.
  // Every owner's objects are applied under one field manager, so server-side apply lets a
  // second owner's create of a name update the first owner's object, instead of answering
  // 409 Conflict, while this cache has not seen it yet; claims close that gap inside this
  // process, as client-go's controller expectations do for objects created but not yet
  // observed. claim_create answers, for the object `ns`/`name` and `owner_uid`:
  //  - Claimed: neither cached nor claimed by another owner: the caller creates it, then ends
  //    the claim with end_claim (`created` false frees the name);
  //  - Cached: the object is in the cache now: the caller reads it again;
  //  - Taken: another owner created it and the cache has not seen it yet (or the informer is
  //    stopping): the caller asks the server.
  // While another owner's create of that name is in flight it waits for its answer (one
  // request with its retries), at most 60 s, then throws kapp::Error (the pass is retried).
  // A create that failed without a clear refusal ends its claim as created: it may have been.
  // A created claim lasts until the object is cached or deleted, or a list asked for after
  // the create answered lacks it.
  enum class Claim { Claimed, Cached, Taken };
  Claim claim_create(const std::string& ns, const std::string& name, const std::string& owner_uid);
  // Ends `owner_uid`'s claim (nothing if the claim is gone or another owner's).
  void end_claim(const std::string& ns, const std::string& name, const std::string& owner_uid,
                 bool created);
  // How many claim_create calls wait for another owner's create now (for tests).
  int claims_waiting() const;
  // Handlers added after start() first receive an add for every cached object. A watched
  // update whose cached form says what the cached object said but for its resourceVersion
  // (a Pod's phase, a condition's timestamp: what the transform and slim drop) reaches no
  // handler, though the cache keeps the new version: what no controller reads cannot concern
  // one (a predicate, as controller-runtime's, decided once by what the cache keeps).
  // Handlers see objects as the cache keeps them (transformed, and slim once applied).
  void add_handler(EventHandler handler);
  // Watch streams last 5-10 minutes unless set (tests shorten it to exercise reconnects).
  void set_watch_timeout_seconds(int seconds) { watch_timeout_seconds_ = seconds; }
  void start();
  // Asks the watch to end without waiting: a stream notices within about a second (libcurl's
  // progress callback), so stopping many informers one by one would add those seconds up.
  void request_stop();
  void stop();
  bool synced() const { return synced_; }
  // Blocks until the first list has been stored, or the deadline passes.
  bool wait_for_sync(std::chrono::milliseconds timeout);

  const client::ResourceType& type() const { return type_; }
  std::optional<json> get(const std::string& ns, const std::string& name) const;
  std::vector<json> list(const std::string& ns = "") const;
  // The keys ("namespace/name", make_key) of the objects whose ownerReferences name this uid:
  // an index, not a scan of the whole cache, and no object unpacked.
  std::vector<std::string> owned_keys(const std::string& owner_uid) const;
  // A named index (client-go's Indexers): `index` gives the values an object is filed under.
  // Call before start().
  using IndexFunc = std::function<std::vector<std::string>(const json&)>;
  void add_index(const std::string& name, IndexFunc index);
  // Objects the index `name` files under `value`; throws std::out_of_range for an unknown index.
  std::vector<json> by_index(const std::string& name, const std::string& value) const;
  // Indexes objects by the value of this label (an index named after the label).
  void index_label(const std::string& label_key);
  // Objects of `ns` ("" for all) whose indexed label `label_key` has this value.
  std::vector<json> labelled(const std::string& ns, const std::string& label_key,
                             const std::string& value) const;
  // The namespaces it watches (empty: all).
  const std::vector<std::string>& namespaces() const { return namespaces_; }

  // How many times the informer listed (the first time and after 410s and errors).
  int lists() const { return lists_; }
  // How many watch streams it opened.
  int watches() const { return watches_; }

 private:
  void run(const std::string& ns);
  std::string relist(const std::string& ns);
  void apply_event(client::WatchEvent& event);  // takes the event's object
  void transform(json& object) const;
  struct AppliedRecord {
    std::uint64_t desired_hash, fingerprint;
  };
  // Caches an object whose key is not cached, with its applied record (slim if it has one;
  // `record` empty: the one remember_applied left before the object came, if any), leaves in
  // `object` the form cached (what handlers then see), and returns whether it says what
  // `previous` (the key's former cached form) said but for metadata.resourceVersion; erase
  // removes a cached one (`object` is it, unpacked: its owners and index entries are found
  // from it) and returns its record.
  bool store(json& object, std::optional<AppliedRecord> record = std::nullopt,
             const json* previous = nullptr);
  std::optional<AppliedRecord> erase(const std::string& key, const json& object);
  // Index entries point at a key of objects_ (a node's key is stable until it is erased, and
  // erase() removes its entries first): one copy of each key, however many indexes file it.
  struct KeyLess {
    bool operator()(const std::string* a, const std::string* b) const { return *a < *b; }
  };
  using KeySet = std::set<const std::string*, KeyLess>;
  std::vector<json> unpack_keys(const KeySet& keys) const;
  std::vector<std::string> index_entries(const json& object) const;
  std::vector<EventHandler> handlers() const;

  client::Client& client_;
  client::ResourceType type_;
  std::vector<std::string> namespaces_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;  // signals sync, stop and claims' changes
  struct Cached {
    PackedObject object;                   // see packed_object.h
    std::optional<AppliedRecord> applied;  // what it was last checked against
  };
  std::map<std::string, Cached> objects_;   // by key
  std::map<std::string, KeySet> by_owner_;  // owner uid -> keys
  std::map<std::string, IndexFunc> indexers_;
  std::map<std::string, KeySet> indexed_;  // "index=value" -> keys
  // Records of objects not cached yet (an apply's answer comes before its watch event).
  std::map<std::string, AppliedRecord> applied_early_;
  struct CreateClaim {
    std::string owner_uid;
    bool in_flight;                               // its create has not answered yet
    std::chrono::steady_clock::time_point ended;  // when it answered (created)
  };
  std::map<std::string, CreateClaim> claims_;  // by key; waiters wait on cv_
  int claims_waiting_ = 0;
  std::vector<EventHandler> handlers_;
  Transform transform_;         // set before start(), then only read
  Slim slim_;                   // likewise
  std::string label_selector_;  // likewise
  std::atomic<bool> stop_{false};
  std::atomic<bool> synced_{false};
  std::set<std::string> listed_;  // namespaces listed at least once
  std::atomic<int> lists_{0};
  std::atomic<int> watches_{0};
  int watch_timeout_seconds_ = 0;
  std::vector<std::thread> threads_;
};

}  // namespace kapp::engine

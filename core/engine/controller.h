// A controller turns events into keys on a work queue, and keys into calls of its reconciler
// on N workers. A reconciler is a function from an object key to done / requeue-after / error
// (an exception: the key is retried with back-off).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "core/engine/informer.h"
#include "core/engine/work_queue.h"

namespace kapp::engine {

struct Request {
  std::string namespace_name;
  std::string name;
  std::string key() const;
  static Request from_key(const std::string& key);
  bool operator==(const Request&) const = default;
};

struct Result {
  std::optional<std::chrono::milliseconds> requeue_after;
  // The pass read only cached objects and left nothing that only a later look would fix:
  // until an event concerns the key again, another pass would read the same and write
  // nothing. The periodic pass `requeue_after` asks for is then skipped (it costs a lookup),
  // and asked for again, until an event or a failure.
  bool settled = false;
  static Result done() { return {}; }
  static Result after(std::chrono::milliseconds delay) { return {delay}; }
  static Result settled_after(std::chrono::milliseconds delay) { return {delay, true}; }
};

using Reconciler = std::function<Result(const Request&)>;
// Maps an event's object to the keys it concerns (e.g. a Component to its Application).
using Mapper = std::function<std::vector<Request>(const json&)>;
// Whether an update from `old_object` to `now` (as cached) may concern the reconciler
// (controller-runtime's predicate.Funcs.UpdateFunc): false lets it go by.
using UpdatePredicate = std::function<bool(const json& old_object, const json& now)>;

// Maps an object to the owner its labels name: `name_label` holds the owner's name and
// `namespace_label` its namespace (the object's own when "" or absent). For objects that
// cannot carry an owner reference, such as those in another namespace than their owner.
Mapper owner_from_labels(const std::string& name_label, const std::string& namespace_label = "");

// Tells the controller whose pass runs on this thread that the pass wrote the status of the
// object it reconciles, and `written` is the server's answer: the watch event of exactly that
// resourceVersion, if it changes nothing but status, is the write coming back, and the
// controller's primary watch lets it go by rather than reconcile the key again to compute
// what it just wrote. Any other event of the key still counts (a write that changed nothing
// answers with the version someone else made: a change beyond status is never taken for
// ours). Outside a pass, or for another object, does nothing.
void note_own_write(const json& written);

// Tells the controller whose pass runs on this thread that the pass created `created` (the
// server's answer) of `type`: the ADDED event of exactly that resourceVersion, if watch_owned
// or watch_mapped maps it to the key of that pass alone and no later pass of the key has
// begun, is the create coming back, and is let go by (as client-go's expectations let a
// ReplicaSet controller await its own pods' creation). The pass must have judged the object
// by the create's answer, which is what that event carries. Outside a pass does nothing.
void note_own_create(const client::ResourceType& type, const json& created);

// Runs `tasks` side by side inside the pass of this thread: on this thread and on at most
// `width` - 1 threads started for the call, each taking the next task not yet begun, all
// reporting their writes to this pass (note_own_write, note_own_create). Once a task has thrown,
// no task begins; returns when the tasks begun have ended, rethrowing the first exception. A
// pass whose requests do not depend on one another so waits for the server once instead of once
// per task: the API server answers them side by side as it answers several workers. Where no
// thread can be started, the tasks run here, one after the other.
void run_side_by_side(const std::vector<std::function<void()>>& tasks, int width);

class Controller {
 public:
  Controller(std::string name, Reconciler reconciler, int workers = 2, RateLimits limits = {});
  ~Controller();
  Controller(const Controller&) = delete;
  Controller& operator=(const Controller&) = delete;

  // Reconcile the informer's own objects on every add, update and delete.
  void watch_primary(Informer& informer);
  // Reconcile the controlling owner: ownerReferences[controller=true] of `owner_kind` in API
  // group `owner_group` (controller-runtime's EnqueueRequestForOwner with OnlyControllerOwner).
  // Updates count only when `matters` (if given) says so.
  void watch_owned(Informer& informer, const std::string& owner_group,
                   const std::string& owner_kind, UpdatePredicate matters = nullptr);
  // Reconcile whatever `mapper` says an object concerns; updates only when `matters` (if
  // given) says so.
  void watch_mapped(Informer& informer, Mapper mapper, UpdatePredicate matters = nullptr);

  // Both count as a change: a settled key is reconciled again.
  void enqueue(const Request& request);
  void enqueue_after(const Request& request, std::chrono::milliseconds delay);

  void start();
  // Stops taking keys and waits for the reconciles in flight to finish.
  void stop();

  const std::string& name() const { return name_; }
  WorkQueue& queue() { return queue_; }

 private:
  void work();
  void process(const QueueItem& item);
  void changed(const std::string& key);
  // enqueue, counted in kapp_controller_events_enqueued_total by the event that asked for it.
  void enqueue_from(const Request& request, const std::string& resource, const char* event);
  // True (and the next look scheduled) when `key` settled and nothing concerned it since.
  bool skip_settled(const std::string& key);
  void remember(const std::string& key, const Result* outcome);

  friend void note_own_write(const json& written);
  friend void note_own_create(const client::ResourceType& type, const json& created);
  // Whether the update from `old_object` to `now` is the status write note_own_write recorded
  // (the record goes once its version comes).
  bool own_write(const json& old_object, const json& now);

  std::string name_;
  Reconciler reconciler_;
  int workers_;
  WorkQueue queue_;
  std::vector<std::thread> threads_;
  std::mutex settled_mutex_;
  std::unordered_map<std::string, std::chrono::milliseconds> settled_;  // key: its resync period
  std::unordered_map<std::string, bool> in_pass_;  // key: whether an event came during the pass
  std::mutex own_writes_mutex_;
  static constexpr std::size_t kOwnWritesAwaited = 4;  // per key, the newest
  // key: the resourceVersions its passes wrote, oldest first, until the watch brings them
  std::unordered_map<std::string, std::vector<std::string>> own_writes_;
  struct OwnCreate {
    std::string version;   // the create's answer's resourceVersion
    std::string pass_key;  // the key whose pass created it
  };
  // Forgets the creates of `key`'s earlier passes: a pass that runs before their events come
  // judges the objects anew (it may no longer want them), so those events count again.
  void forget_own_creates(const std::string& key);
  // Whether an ADDED `object` of `resource` that maps to `requests` is a create noted by
  // note_own_create. The record goes with the object's ADDED or DELETED event, or the key's
  // next pass (forget_own_creates): updates, the bulk of events, never take the lock for it.
  bool own_create(const std::string& resource, const json& object,
                  const std::vector<Request>& requests);
  std::unordered_map<std::string, OwnCreate> own_creates_;  // "resource key": what created it
  std::unordered_map<std::string, std::vector<std::string>> own_creates_of_;  // key: its creates
};

}  // namespace kapp::engine

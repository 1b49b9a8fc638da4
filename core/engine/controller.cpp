#include "core/engine/controller.h"

#include <algorithm>
#include <exception>

#include "core/engine/metrics.h"
#include "core/engine/object.h"
#include "core/errors.h"
#include "core/log.h"

namespace kapp::engine {
namespace {

void declare_metrics() {
  auto& m = Metrics::global();
  m.counter("kapp_controller_reconcile_total",
            "Reconciles by controller and result (success, requeue, error).");
  m.histogram("kapp_controller_reconcile_duration_seconds",
              "Time spent in one reconcile, by controller.");
  m.gauge("kapp_workqueue_depth", "Keys waiting in a controller's work queue.");
  m.histogram("kapp_workqueue_queue_duration_seconds",
              "Time a key waited in the queue before a worker took it.");
  m.counter("kapp_workqueue_retries_total", "Keys re-queued with back-off after an error.");
  m.counter("kapp_controller_events_enqueued_total",
            "Keys a watch event put in a controller's work queue, by controller, the event's "
            "resource and its type (added, updated, deleted): what triggers reconciles.");
  m.counter("kapp_controller_resync_skipped_total",
            "Periodic passes skipped: the key settled and no event concerned it since.");
}

}  // namespace

std::string Request::key() const { return make_key(namespace_name, name); }

Request Request::from_key(const std::string& key) {
  const auto slash = key.find('/');
  if (slash == std::string::npos) return {"", key};
  return {key.substr(0, slash), key.substr(slash + 1)};
}

Controller::Controller(std::string name, Reconciler reconciler, int workers, RateLimits limits)
    : name_(std::move(name)),
      reconciler_(std::move(reconciler)),
      workers_(workers),
      queue_(limits) {
  declare_metrics();
}

Controller::~Controller() { stop(); }

void Controller::changed(const std::string& key) {
  std::lock_guard lock(settled_mutex_);
  settled_.erase(key);
  if (auto pass = in_pass_.find(key); pass != in_pass_.end()) pass->second = true;
}

bool Controller::skip_settled(const std::string& key) {
  std::lock_guard lock(settled_mutex_);
  if (auto settled = settled_.find(key); settled != settled_.end()) {
    queue_.add_after(key, settled->second);
    return true;
  }
  in_pass_[key] = false;
  return false;
}

void Controller::remember(const std::string& key, const Result* outcome) {
  std::lock_guard lock(settled_mutex_);
  const auto pass = in_pass_.find(key);
  const bool event_during_pass = pass != in_pass_.end() && pass->second;
  if (pass != in_pass_.end()) in_pass_.erase(pass);
  if (outcome && outcome->settled && outcome->requeue_after && !event_during_pass) {
    settled_[key] = *outcome->requeue_after;
  } else {
    settled_.erase(key);
  }
}

void Controller::enqueue(const Request& request) {
  changed(request.key());
  queue_.add(request.key());
  Metrics::global().set("kapp_workqueue_depth", {{"name", name_}},
                        static_cast<double>(queue_.depth()));
}

void Controller::enqueue_after(const Request& request, std::chrono::milliseconds delay) {
  changed(request.key());
  queue_.add_after(request.key(), delay);
}

void Controller::watch_primary(Informer& informer) {
  const auto resource = informer.type().qualified();
  auto enqueue_object = [this, resource](const json& object, const char* event) {
    enqueue_from(Request::from_key(key_of(object)), resource, event);
  };
  informer.add_handler({[enqueue_object](const json& object) { enqueue_object(object, "added"); },
                        [this, enqueue_object](const json& old_object, const json& now) {
                          if (!own_write(old_object, now)) enqueue_object(now, "updated");
                        },
                        [this, enqueue_object](const json& object) {
                          {
                            std::lock_guard lock(own_writes_mutex_);
                            own_writes_.erase(key_of(object));
                          }
                          enqueue_object(object, "deleted");
                        }});
}

void Controller::enqueue_from(const Request& request, const std::string& resource,
                              const char* event) {
  Metrics::global().add("kapp_controller_events_enqueued_total",
                        {{"controller", name_}, {"resource", resource}, {"event", event}});
  enqueue(request);
}

namespace {
// The controller and key of the pass this thread runs, if any.
struct Pass {
  Controller* controller;
  const std::string* key;
};
thread_local Pass current_pass{nullptr, nullptr};
}  // namespace

void note_own_write(const json& written) {
  const auto pass = current_pass;
  if (pass.controller == nullptr || key_of(written) != *pass.key) return;
  const auto version = resource_version_of(written);
  if (version.empty()) return;
  std::lock_guard lock(pass.controller->own_writes_mutex_);
  // Passes may write again before the watch brings the first write back: each is awaited.
  auto& versions = pass.controller->own_writes_[*pass.key];
  if (versions.size() == Controller::kOwnWritesAwaited) versions.erase(versions.begin());
  versions.push_back(std::move(version));
}

void note_own_create(const client::ResourceType& type, const json& created) {
  const auto pass = current_pass;
  if (pass.controller == nullptr) return;
  auto version = resource_version_of(created);
  if (version.empty()) return;
  auto key = type.qualified() + " " + key_of(created);
  std::lock_guard lock(pass.controller->own_writes_mutex_);
  pass.controller->own_creates_of_[*pass.key].push_back(key);
  pass.controller->own_creates_[std::move(key)] = {std::move(version), *pass.key};
}

void run_side_by_side(const std::vector<std::function<void()>>& tasks, int width) {
  const auto pass = current_pass;
  std::atomic<std::size_t> next{0};
  std::atomic<bool> failed{false};
  std::mutex failure_mutex;
  std::exception_ptr failure;
  const auto run_tasks = [&] {
    for (auto i = next++; i < tasks.size() && !failed; i = next++) {
      try {
        tasks[i]();
      } catch (...) {
        std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        failed = true;
      }
    }
  };
  const auto wanted =
      std::min<std::size_t>(tasks.size(), static_cast<std::size_t>(std::max(width, 1)));
  {
    std::vector<std::jthread> helpers;  // joined on leaving the block, however it is left
    try {
      helpers.reserve(wanted);
      for (std::size_t i = 1; i < wanted; ++i) {
        helpers.emplace_back([&] {
          current_pass = pass;
          run_tasks();
        });
      }
    } catch (...) {
      // No thread (or no memory for one): the tasks left run on those started, this one included.
    }
    run_tasks();
  }
  if (failure) std::rethrow_exception(failure);
}

void Controller::forget_own_creates(const std::string& key) {
  std::lock_guard lock(own_writes_mutex_);
  const auto creates = own_creates_of_.find(key);
  if (creates == own_creates_of_.end()) return;
  for (const auto& create : creates->second) {
    const auto it = own_creates_.find(create);
    if (it != own_creates_.end() && it->second.pass_key == key) own_creates_.erase(it);
  }
  own_creates_of_.erase(creates);
}

bool Controller::own_create(const std::string& resource, const json& object,
                            const std::vector<Request>& requests) {
  std::lock_guard lock(own_writes_mutex_);
  if (own_creates_.empty()) return false;
  const auto it = own_creates_.find(resource + " " + key_of(object));
  if (it == own_creates_.end()) return false;
  const bool ours = it->second.version == resource_version_of(object) && requests.size() == 1 &&
                    requests.front().key() == it->second.pass_key;
  own_creates_.erase(it);
  return ours;
}

bool Controller::own_write(const json& old_object, const json& now) {
  {
    std::lock_guard lock(own_writes_mutex_);
    const auto it = own_writes_.find(key_of(now));
    if (it == own_writes_.end()) return false;
    auto& versions = it->second;
    const auto version = std::find(versions.begin(), versions.end(), resource_version_of(now));
    if (version == versions.end()) return false;
    // The watch delivers in order: the writes before this one have come back, or never will.
    versions.erase(versions.begin(), version + 1);
    if (versions.empty()) own_writes_.erase(it);
  }
  // The answer to a write that changed nothing names the version someone else made: only a
  // change of status alone is known to be ours.
  return same_but_version(old_object, now, true);
}

void Controller::watch_owned(Informer& informer, const std::string& owner_group,
                             const std::string& owner_kind, UpdatePredicate matters) {
  watch_mapped(
      informer,
      [owner_group, owner_kind](const json& object) -> std::vector<Request> {
        const auto owner = controller_of(object);
        if (owner.is_null() || !refers_to(owner, owner_group, owner_kind)) return {};
        return {Request{namespace_of(object), owner.value("name", "")}};
      },
      std::move(matters));
}

Mapper owner_from_labels(const std::string& name_label, const std::string& namespace_label) {
  return [name_label, namespace_label](const json& object) -> std::vector<Request> {
    const auto* labels = metadata_member(object, "labels");
    if (!labels || !labels->is_object()) return {};
    const auto name = labels->value(name_label, "");
    if (name.empty()) return {};
    auto ns = namespace_label.empty() ? "" : labels->value(namespace_label, "");
    return {Request{ns.empty() ? namespace_of(object) : ns, name}};
  };
}

void Controller::watch_mapped(Informer& informer, Mapper mapper, UpdatePredicate matters) {
  const auto resource = informer.type().qualified();
  auto enqueue_all = [this, resource](const std::vector<Request>& requests, const char* event) {
    for (const auto& request : requests) enqueue_from(request, resource, event);
  };
  informer.add_handler({[this, mapper, enqueue_all, resource](const json& object) {
                          const auto requests = mapper(object);
                          if (!own_create(resource, object, requests))
                            enqueue_all(requests, "added");
                        },
                        [mapper, enqueue_all, matters](const json& old_object, const json& now) {
                          if (matters && !matters(old_object, now)) return;
                          // A changed owner or label concerns both; an unchanged one, once.
                          auto requests = mapper(old_object);
                          for (auto& request : mapper(now)) {
                            if (std::find(requests.begin(), requests.end(), request) ==
                                requests.end())
                              requests.push_back(std::move(request));
                          }
                          enqueue_all(requests, "updated");
                        },
                        [this, mapper, enqueue_all, resource](const json& object) {
                          own_create(resource, object, {});
                          enqueue_all(mapper(object), "deleted");
                        }});
}

void Controller::start() {
  for (int i = 0; i < workers_; ++i) threads_.emplace_back([this] { work(); });
}

void Controller::stop() {
  queue_.shut_down();
  for (auto& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

void Controller::work() {
  while (auto item = queue_.get()) {
    process(*item);
    queue_.done(item->key);
  }
}

void Controller::process(const QueueItem& item) {
  auto& metrics = Metrics::global();
  metrics.observe("kapp_workqueue_queue_duration_seconds", {{"name", name_}}, item.waited.count());
  metrics.set("kapp_workqueue_depth", {{"name", name_}}, static_cast<double>(queue_.depth()));
  if (skip_settled(item.key)) {
    metrics.add("kapp_controller_resync_skipped_total", {{"controller", name_}});
    return;
  }
  forget_own_creates(item.key);
  const auto start = std::chrono::steady_clock::now();
  std::string result = "success";
  current_pass = {this, &item.key};
  // Ends the pass on this thread however the reconciler returns.
  struct EndPass {
    ~EndPass() { current_pass = {nullptr, nullptr}; }
  } end_pass;
  try {
    const auto outcome = reconciler_(Request::from_key(item.key));
    remember(item.key, &outcome);
    queue_.forget(item.key);
    if (outcome.requeue_after) {
      result = "requeue";
      queue_.add_after(item.key, *outcome.requeue_after);
    }
  } catch (const std::exception& e) {
    result = "error";
    remember(item.key, nullptr);
    // Conflicts are expected under concurrent writers: the next attempt reads fresh state.
    const auto* api = dynamic_cast<const ApiError*>(&e);
    if (api != nullptr && api->conflict()) {
      log::info(2, name_ + " " + item.key + ": conflict, retrying: " + e.what());
    } else {
      log::error(name_ + " " + item.key + ": " + e.what());
    }
    metrics.add("kapp_workqueue_retries_total", {{"name", name_}});
    queue_.add_rate_limited(item.key);
  }
  const std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
  metrics.add("kapp_controller_reconcile_total", {{"controller", name_}, {"result", result}});
  metrics.observe("kapp_controller_reconcile_duration_seconds", {{"controller", name_}},
                  took.count());
}

}  // namespace kapp::engine

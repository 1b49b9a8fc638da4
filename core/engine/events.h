// Kubernetes Events for what users should see (`kubectl describe`, `kubectl app status`).
// As client-go's recorder does, events are aggregated and rate limited:
// - the same event for the same object is written once per window, so a steady state that
//   keeps noticing the same thing costs no writes;
// - when it recurs after the window, the existing Event's count goes up instead of a new
//   Event being created;
// - each object has a token bucket, so one object in a tight failure loop cannot flood
//   the API server;
// - as client-go's broadcaster does, threads of the recorder's own make the writes, in the
//   order recorded for each object: a reconcile never waits on an Event (at a thousand
//   Applications converging, Events were 2 of a pass's 16 sequential requests). There are
//   several, unlike client-go's one: one at a time, on a busy API server, fell behind the
//   reconciles and wrote a converged run's last Events in the minutes after it.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <deque>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::engine {

struct EventOptions {
  std::chrono::seconds window = std::chrono::minutes(10);
  int burst = 25;                                         // events an object may emit at once
  std::chrono::seconds refill = std::chrono::minutes(5);  // then one more per this long
  // Writes waiting for the senders beyond this are dropped, and logged (client-go's
  // maxQueuedEvents).
  std::size_t max_queued = 1000;
  int senders = 4;  // writes in flight at most, each for a different object; at least 1
};

class EventRecorder {
 public:
  // Starts the sender threads; throws std::system_error when one cannot be started.
  EventRecorder(client::Client& client, std::string component, EventOptions options = {});
  // Stops the senders: the writes still queued are dropped (call flush first to send them),
  // the ones in flight are waited for, which the client's request timeout bounds.
  ~EventRecorder();
  EventRecorder(const EventRecorder&) = delete;
  EventRecorder& operator=(const EventRecorder&) = delete;

  // type: "Normal" or "Warning". Queues the write and returns; never throws, never waits on
  // the API server: an event that cannot be written is logged, one beyond the queue's bound
  // counted in kapp_events_dropped_total.
  void record(const nlohmann::json& object, const std::string& type, const std::string& reason,
              const std::string& message);
  // Waits, at most `timeout`, until nothing is queued or in flight (every write made, or failed
  // and logged). Returns false when the time ran out first, as it may while events keep being
  // recorded.
  bool flush(std::chrono::milliseconds timeout);

 private:
  using Clock = std::chrono::steady_clock;
  // One write for the sender: the Event is created, or, once the key has an Event, its count
  // patched to `count`.
  struct Pending {
    std::string key;
    std::string uid;          // of the object: its writes are sent one at a time, in order
    std::string who;          // namespace/name, for the log
    nlohmann::json involved;  // involvedObject
    std::string ns, type, reason, message;
    int count = 1;
    std::chrono::system_clock::time_point at;  // recorded: the Event's timestamp, not its write's
  };
  struct Written {
    std::string name;  // of the Event object, "" until created
    int count = 0;     // occurrences recorded
    Clock::time_point at;
  };
  struct Bucket {
    double tokens = 0;
    Clock::time_point at;
  };
  bool take_token(const std::string& uid, Clock::time_point now);
  void forget_old(Clock::time_point now);
  void stop();  // drops what is queued, joins the senders
  void send_loop();
  std::deque<Pending>::iterator next_sendable();  // the first whose object has none in flight
  void send(const Pending& pending);
  std::string create(const Pending& pending);

  client::Client& client_;
  std::string component_;
  EventOptions options_;
  std::mutex mutex_;
  std::condition_variable cv_;              // signals queued writes, sent writes and stop
  std::map<std::string, Written> written_;  // uid|type|reason|message -> the Event
  std::map<std::string, Bucket> buckets_;   // uid -> its rate limit
  std::deque<Pending> queue_;
  std::set<std::string> in_flight_;  // uids of the objects whose writes are being sent
  bool stopping_ = false;
  std::size_t dropped_ = 0;  // beyond the queue's bound, for the log's one line in a hundred
  std::vector<std::thread> senders_;
};

}  // namespace kapp::engine

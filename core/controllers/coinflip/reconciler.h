// Reconciles one CoinFlip: flip when the timer says so, record first, then deliver.
//
// At least once, never lost: a flip that records a notification is written to status before
// anything is sent, so a crash after it leaves the notification in status.notifications.queue
// for the next controller; a notification leaves the queue only in a write made after the
// receiver acknowledged it, so a crash in between sends it again (same id) rather than never.
// A steady state costs no writes: status is written only when it differs.
// The work queue never hands one key to two workers, so per-object steps need no locking.
#pragma once

#include <memory>
#include <optional>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/controllers/coinflip/backoff.h"
#include "core/controllers/coinflip/report.h"
#include "core/controllers/coinflip/spec.h"
#include "core/controllers/coinflip/state.h"
#include "core/controllers/coinflip/status_store.h"
#include "core/engine/controller.h"
#include "core/engine/events.h"
#include "core/engine/informer.h"
#include "core/notify/notifier.h"

namespace kapp::controllers::coinflip {

using nlohmann::json;

class Reconciler {
 public:
  Reconciler(client::Client& client, engine::Informer& informer, engine::EventRecorder& events,
             std::shared_ptr<notify::Notifier> notifier);

  engine::Result reconcile(const engine::Request& request);

 private:
  engine::Result reconcile_invalid(const json& object, const InvalidSpec& problem);
  // Sends the outbox oldest first until one fails; `state` loses what was acknowledged.
  Delivery deliver(const json& object, const Spec& spec, State& state);
  std::optional<notify::Credentials> credentials(const json& object, const Spec& spec);
  json write_if_changed(const json& object, const json& desired);
  void report_delivery(const json& object, const json& before, const Delivery& delivery);
  engine::Result next(const std::string& key, const State& state, const Spec& spec);

  client::Client& client_;
  engine::EventRecorder& events_;
  std::shared_ptr<notify::Notifier> notifier_;
  StatusStore store_;
  DeliveryBackoff backoff_;
};

}  // namespace kapp::controllers::coinflip

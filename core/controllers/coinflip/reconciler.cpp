#include "core/controllers/coinflip/reconciler.h"

#include <algorithm>

#include "core/client/resource.h"
#include "core/engine/object.h"
#include "core/engine/status.h"
#include "core/log.h"
#include "core/util/base64.h"

namespace kapp::controllers::coinflip {
namespace {

using std::chrono::milliseconds;

const json& status_of(const json& object) {
  static const json empty = json::object();
  const auto it = object.find("status");
  return it != object.end() && it->is_object() ? *it : empty;
}

long long generation_of(const json& object) {
  return object.contains("metadata") ? object["metadata"].value("generation", 0LL) : 0LL;
}

std::string condition_status(const json& status, const std::string& type) {
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == type) return c.value("status", "");
  }
  return "";
}

std::optional<std::string> secret_value(const json& secret, const char* key) {
  const auto data = secret.value("data", json::object());
  const auto it = data.find(key);
  if (it == data.end() || !it->is_string()) return std::nullopt;
  return util::base64_decode(it->get<std::string>());
}

}  // namespace

Reconciler::Reconciler(client::Client& client, engine::Informer& informer,
                       engine::EventRecorder& events, std::shared_ptr<notify::Notifier> notifier)
    : client_(client), events_(events), notifier_(std::move(notifier)), store_(client, informer) {}

engine::Result Reconciler::reconcile(const engine::Request& request) {
  auto object = store_.get(request);
  if (!object) {
    backoff_.succeeded(request.key());
    return engine::Result::done();  // deleted: no requeue, which also ends its timer
  }
  Spec spec;
  try {
    spec = parse_spec(object->value("spec", json()));
  } catch (const InvalidSpec& problem) {
    return reconcile_invalid(*object, problem);
  }
  try {
    const auto generation = generation_of(*object);
    auto state = read_state(status_of(*object));
    // (a) Flip when due and record the result, with any notification it makes, before sending.
    if (until_next_flip(state, spec, Clock::now()) == milliseconds(0)) {
      const auto flipped = flip(state, spec, engine::uid_of(*object), Clock::now());
      state = flipped.state;
      if (flipped.notification) {
        log::info(1, "coinflip " + request.key() + ": flip " +
                         std::to_string(flipped.notification->flip) + " makes a run of " +
                         std::to_string(flipped.notification->streak) + " tails; recording " +
                         flipped.notification->id);
      }
    }
    object = write_if_changed(
        *object, desired_status(status_of(*object), state, spec, std::nullopt, generation));
    // (b) Deliver the outbox unless backing off, and record what the receiver acknowledged.
    if (!state.queue.empty() && !backoff_.wait(request.key(), DeliveryBackoff::Clock::now())) {
      const auto before = status_of(*object);
      const auto delivery = deliver(*object, spec, state);
      object = write_if_changed(*object, desired_status(before, state, spec, delivery, generation));
      report_delivery(*object, before, delivery);
    }
    // (c) Sleep until the next flip or the next delivery attempt, whichever comes first.
    return next(request.key(), state, spec);
  } catch (const ApiError& e) {
    if (e.not_found()) return engine::Result::done();  // deleted while we worked
    throw;  // conflicts and the rest: the work queue retries with fresh state
  }
}

engine::Result Reconciler::reconcile_invalid(const json& object, const InvalidSpec& problem) {
  const auto before = status_of(object);
  const auto desired = invalid_status(before, problem, generation_of(object));
  if (engine::status_differs(before, desired)) {
    write_if_changed(object, desired);
    events_.record(object, "Warning", problem.reason(), problem.what());
  }
  return engine::Result::done();  // only a new spec can change this, and it is an event
}

Delivery Reconciler::deliver(const json& object, const Spec& spec, State& state) {
  const auto key = engine::key_of(object);
  std::size_t sent = 0;
  Delivery delivery{.ok = true};
  try {
    const auto creds = credentials(object, spec);
    for (const auto& n : state.queue) {
      notifier_->send(spec.url, creds,
                      message(n, engine::name_of(object), engine::namespace_of(object)));
      ++sent;
    }
  } catch (const notify::NotifyError& e) {
    delivery = {.ok = false, .reason = e.reason(), .message = e.what()};
  }
  state = delivered(std::move(state), sent, Clock::now());
  if (sent > 0) log::info(1, "coinflip " + key + ": " + std::to_string(sent) + " delivered");
  if (delivery.ok) {
    backoff_.succeeded(key);
  } else {
    state = failed(std::move(state), delivery.message);
    backoff_.failed(key, DeliveryBackoff::Clock::now());
    log::info(1, "coinflip " + key + ": " + delivery.message);
  }
  return delivery;
}

std::optional<notify::Credentials> Reconciler::credentials(const json& object, const Spec& spec) {
  if (spec.credentials_secret.empty()) return std::nullopt;
  const auto ns = engine::namespace_of(object);
  const auto where = "Secret " + ns + "/" + spec.credentials_secret;
  std::optional<json> secret;
  try {
    secret = client_.get_if_exists(client::resources::kSecret, ns, spec.credentials_secret);
  } catch (const Error& e) {
    throw notify::NotifyError("CredentialsUnreadable",
                              "cannot read " + where + ": " + std::string(e.what()));
  }
  if (!secret) {
    throw notify::NotifyError("CredentialsNotFound",
                              where + " (spec.notify.credentialsSecretRef) does not exist");
  }
  auto username = secret_value(*secret, "username");
  if (!username) {
    throw notify::NotifyError("CredentialsInvalid",
                              where + " has no base64 `username` key in its data");
  }
  return notify::Credentials{*username, secret_value(*secret, "password").value_or("")};
}

json Reconciler::write_if_changed(const json& object, const json& desired) {
  if (!engine::status_differs(status_of(object), desired)) return object;
  return store_.write_status(object, desired);
}

void Reconciler::report_delivery(const json& object, const json& before, const Delivery& delivery) {
  if (!delivery.ok) {
    events_.record(object, "Warning", delivery.reason, delivery.message);
  } else if (condition_status(before, "NotifierReady") == "False") {
    events_.record(object, "Normal", "NotifierRecovered",
                   "notifications are delivered again; " +
                       std::to_string(status_of(object)["notifications"].value("sent", 0LL)) +
                       " sent in all");
  }
}

engine::Result Reconciler::next(const std::string& key, const State& state, const Spec& spec) {
  auto delay = until_next_flip(state, spec, Clock::now());
  if (!state.queue.empty()) {
    const auto retry =
        backoff_.wait(key, DeliveryBackoff::Clock::now()).value_or(DeliveryBackoff::kBase);
    delay = delay ? std::min(*delay, retry) : retry;
  }
  return delay ? engine::Result::after(*delay) : engine::Result::done();
}

}  // namespace kapp::controllers::coinflip

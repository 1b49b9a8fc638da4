// What integration tests build and read: our objects (and a plain ConfigMap) as JSON, their
// status and conditions, a CoinFlip's notifications, Events, and the request counters of the
// in-process controllers.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"
#include "core/controllers/coinflip/state.h"

namespace kapp::test {

using nlohmann::json;

// An inline component: nginx with one port `http` 80, plus `fields`.
json component(const std::string& name, json fields = json::object());
// An Application of these components, with more of `spec`.
json application(const std::string& ns, const std::string& name, json components,
                 json spec = json::object());
// The ConfigMap `name` of `ns` whose data holds `key`: `value`.
json config_map(const std::string& ns, const std::string& name, const std::string& value = "v");
// Creates the Application `name` in `ns`: one component `web` (nginx, port `http` 80), accepting
// links from `allow_links_from` when it is not empty.
void create_application(const std::string& ns, const std::string& name,
                        const std::vector<std::string>& allow_links_from = {});
// The AppLink "web-to-payments" in `ns`: shop/frontend to payments/api of `to_ns`.
json app_link(const std::string& ns, const std::string& to_ns, json ports = {8080},
              const std::string& alias = "payments-api");

// The object's status as the server has it now ({} when the object is gone).
json status_of(const client::ResourceType& type, const std::string& ns, const std::string& name);
// The condition of this type in a status, or {}.
json condition(const json& status, const std::string& type);
bool exists(const client::ResourceType& type, const std::string& ns, const std::string& name);
// The phase in the status of the Application `name` of `ns` ("" while none, or once it is gone).
std::string phase(const std::string& ns, const std::string& name);
// Reads the object, lets `change` edit it and updates it; on 409 Conflict (a controller wrote
// it meanwhile, its status for one) reads it again and retries, as client-go's
// retry.RetryOnConflict. Throws the last error after 30 s.
void update_latest(const client::ResourceType& type, const std::string& ns, const std::string& name,
                   const std::function<void(nlohmann::json&)>& change);
// Whether an Event with this reason was recorded about the named object of namespace `ns`.
bool has_event(const std::string& ns, const std::string& object, const std::string& reason);

// The status of the CoinFlip `name` of `ns` (throws when there is no such CoinFlip).
json coinflip_status(const std::string& ns, const std::string& name);
// A counter of a CoinFlip's status.notifications (`field`: "sent", "pending"), 0 when unset.
std::int64_t notifications(const json& status, const char* field);
// A CoinFlip's flips to its maxFlips, from the pure functions the controller uses: what a
// receiver must get, computed independently of any reconcile.
struct ExpectedRun {
  controllers::coinflip::State last;  // after the last flip
  std::vector<controllers::coinflip::Notification> notifications;
};
ExpectedRun expected_run(const json& object);
// expected_run(object).notifications.
std::vector<controllers::coinflip::Notification> expected_notifications(const json& object);

// Write requests the controllers have made so far (the kapp_rest_client_requests_total series).
double writes();
// The same, in the text of a controller process's /metrics.
double writes(const std::string& metrics);
// Reconciles the named controller has run so far.
double reconciles(const std::string& controller);
// Its periodic passes skipped so far because the key had settled (engine::Result::settled).
double skipped_resyncs(const std::string& controller);

}  // namespace kapp::test

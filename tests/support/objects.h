// What integration tests build and read: our objects as JSON, their status and conditions,
// Events, and the request counters of the in-process controllers.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/resource.h"

namespace kapp::test {

using nlohmann::json;

// An inline component: nginx with one port `http` 80, plus `fields`.
json component(const std::string& name, json fields = json::object());
// An Application of these components, with more of `spec`.
json application(const std::string& ns, const std::string& name, json components,
                 json spec = json::object());
// The AppLink "web-to-payments" in `ns`: shop/frontend to payments/api of `to_ns`.
json app_link(const std::string& ns, const std::string& to_ns, json ports = {8080},
              const std::string& alias = "payments-api");

// The object's status as the server has it now ({} when the object is gone).
json status_of(const client::ResourceType& type, const std::string& ns, const std::string& name);
// The condition of this type in a status, or {}.
json condition(const json& status, const std::string& type);
bool exists(const client::ResourceType& type, const std::string& ns, const std::string& name);
// Reads the object, lets `change` edit it and updates it; on 409 Conflict (a controller wrote
// it meanwhile, its status for one) reads it again and retries, as client-go's
// retry.RetryOnConflict. Throws the last error after 30 s.
void update_latest(const client::ResourceType& type, const std::string& ns, const std::string& name,
                   const std::function<void(nlohmann::json&)>& change);
// Whether an Event with this reason was recorded about the named object of namespace `ns`.
bool has_event(const std::string& ns, const std::string& object, const std::string& reason);

// Write requests the controllers have made so far (the kapp_rest_client_requests_total series).
double writes();
// The same, in the text of a controller process's /metrics.
double writes(const std::string& metrics);
// Reconciles the named controller has run so far.
double reconciles(const std::string& controller);
// Its periodic passes skipped so far because the key had settled (engine::Result::settled).
double skipped_resyncs(const std::string& controller);

}  // namespace kapp::test

#include "tests/support/objects.h"

#include <chrono>

#include "core/engine/metrics.h"
#include "core/engine/object.h"
#include "core/engine/status.h"
#include "core/errors.h"
#include "tests/support/cluster.h"
#include "tests/support/metrics_text.h"

namespace kapp::test {

namespace res = client::resources;

json component(const std::string& name, json fields) {
  json c = {{"name", name}, {"image", "nginx:1.27"}, {"ports", {{{"name", "http"}, {"port", 80}}}}};
  c.update(fields);
  return c;
}

json config_map(const std::string& ns, const std::string& name, const std::string& value) {
  return {{"apiVersion", "v1"},
          {"kind", "ConfigMap"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"data", {{"key", value}}}};
}

json app_link(const std::string& ns, const std::string& to_ns, json ports,
              const std::string& alias) {
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "AppLink"},
          {"metadata", {{"name", "web-to-payments"}, {"namespace", ns}}},
          {"spec",
           {{"from", {{"application", "shop"}, {"component", "frontend"}}},
            {"to", {{"application", "payments"}, {"component", "api"}, {"namespace", to_ns}}},
            {"ports", std::move(ports)},
            {"alias", alias}}}};
}

json application(const std::string& ns, const std::string& name, json components, json spec) {
  spec["components"] = std::move(components);
  return {{"apiVersion", "kubectl-app.io/v1alpha1"},
          {"kind", "Application"},
          {"metadata", {{"name", name}, {"namespace", ns}}},
          {"spec", spec}};
}

void create_application(const std::string& ns, const std::string& name,
                        const std::vector<std::string>& allow_links_from) {
  json spec = json::object();
  if (!allow_links_from.empty()) spec["allowLinksFrom"] = allow_links_from;
  admin().create(res::kApplication, ns, application(ns, name, {component("web")}, spec));
}

json status_of(const client::ResourceType& type, const std::string& ns, const std::string& name) {
  const auto object = admin().get_if_exists(type, ns, name);
  return object ? object->value("status", json::object()) : json::object();
}

json condition(const json& status, const std::string& type) {
  return engine::find_condition(status, type);
}

bool exists(const client::ResourceType& type, const std::string& ns, const std::string& name) {
  return admin().get_if_exists(type, ns, name).has_value();
}

std::string phase(const std::string& ns, const std::string& name) {
  return status_of(res::kApplication, ns, name).value("phase", "");
}

bool has_event(const std::string& ns, const std::string& object, const std::string& reason) {
  const auto events = admin().list(res::kEvent, ns);
  for (const auto& e : events["items"]) {
    if (e["involvedObject"].value("name", "") == object && e.value("reason", "") == reason)
      return true;
  }
  return false;
}

json coinflip_status(const std::string& ns, const std::string& name) {
  return admin().get(res::kCoinFlip, ns, name).value("status", json::object());
}

std::int64_t notifications(const json& status, const char* field) {
  return status.value("notifications", json::object()).value(field, 0LL);
}

ExpectedRun expected_run(const json& object) {
  namespace cf = controllers::coinflip;
  const auto spec = cf::parse_spec(object["spec"]);
  ExpectedRun run;
  while (!cf::finished(run.last, spec)) {
    auto flipped = cf::flip(run.last, spec, engine::uid_of(object), cf::Clock::now());
    run.last = std::move(flipped.state);
    if (flipped.notification) run.notifications.push_back(*flipped.notification);
  }
  return run;
}

std::vector<controllers::coinflip::Notification> expected_notifications(const json& object) {
  return expected_run(object).notifications;
}

// Write requests the controllers have made so far (the kapp_rest_client_requests_total series).
double writes() { return writes(engine::Metrics::global().render()); }

double writes(const std::string& text) {
  return sum_series(text, "kapp_rest_client_requests_total", R"(verb="(?!GET")[A-Z]+")");
}

void update_latest(const client::ResourceType& type, const std::string& ns, const std::string& name,
                   const std::function<void(json&)>& change) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (true) {
    auto object = admin().get(type, ns, name);
    change(object);
    try {
      admin().update(type, object);
      return;
    } catch (const ApiError& e) {
      if (!e.conflict() || std::chrono::steady_clock::now() > deadline) throw;
    }
  }
}

double reconciles(const std::string& controller) {
  return sum_series(engine::Metrics::global().render(), "kapp_controller_reconcile_total",
                    "controller=\"" + controller + "\"");
}

double skipped_resyncs(const std::string& controller) {
  return sum_series(engine::Metrics::global().render(), "kapp_controller_resync_skipped_total",
                    "controller=\"" + controller + "\"");
}

}  // namespace kapp::test

#include "core/controllers/component/reconciler.h"

#include "core/controllers/component/status.h"
#include "core/engine/object.h"
#include "core/engine/owned.h"

namespace kapp::controllers::component {
namespace {

namespace res = client::resources;

}  // namespace

Reconciler::Reconciler(engine::Manager& manager)
    : client_(manager.client()),
      events_(manager.events()),
      components_(manager.informer(res::kComponent)),
      apps_(manager.informer(res::kApplication)) {}

engine::Result Reconciler::reconcile(const engine::Request& request) {
  const auto component = components_.get(request.namespace_name, request.name);
  if (!component) return engine::Result::done();
  const auto app = apps_.get(request.namespace_name, (*component)["spec"].value("application", ""));
  const auto status = component_status(*component, app);
  if (engine::write_status(client_, res::kComponent, *component, status) && !app)
    events_.record(*component, "Warning", "ApplicationNotFound",
                   status["conditions"][0].value("message", ""));
  return engine::Result::done();
}

std::vector<engine::Request> Reconciler::components_of(const std::string& ns,
                                                       const std::string& app) const {
  std::vector<engine::Request> requests;
  for (const auto& c : components_.list(ns)) {
    if (c["spec"].value("application", "") == app) {
      requests.push_back({engine::namespace_of(c), engine::name_of(c)});
    }
  }
  return requests;
}

}  // namespace kapp::controllers::component

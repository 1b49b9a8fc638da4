#include "core/controllers/component/controller.h"

#include "core/controllers/component/status.h"
#include "core/engine/object.h"
#include "core/engine/owned.h"
#include "core/engine/status.h"

namespace kapp::controllers::component {
namespace {

using engine::Request;
using engine::Result;
using nlohmann::json;
namespace res = client::resources;

}  // namespace

void setup(engine::Manager& manager) {
  auto& components = manager.informer(res::kComponent);
  auto& apps = manager.informer(res::kApplication);
  auto& client = manager.client();
  auto& events = manager.events();
  auto& controller = manager.add_controller("component", [&](const Request& r) -> Result {
    const auto component = components.get(r.namespace_name, r.name);
    if (!component) return Result::done();
    const auto app = apps.get(r.namespace_name, (*component)["spec"].value("application", ""));
    const auto status = component_status(*component, app);
    if (engine::write_status(client, res::kComponent, *component, status) && !app)
      events.record(*component, "Warning", "ApplicationNotFound",
                    status["conditions"][0].value("message", ""));
    return Result::done();
  });
  controller.watch_primary(components);
  // An Application appearing, changing or going concerns every Component that names it.
  controller.watch_mapped(apps, [&components](const json& app) {
    std::vector<Request> requests;
    for (const auto& c : components.list(engine::namespace_of(app))) {
      if (c["spec"].value("application", "") == engine::name_of(app)) {
        requests.push_back({engine::namespace_of(c), engine::name_of(c)});
      }
    }
    return requests;
  });
}

}  // namespace kapp::controllers::component

#include "core/controllers/component/controller.h"

#include <memory>

#include "core/controllers/component/reconciler.h"
#include "core/engine/object.h"

namespace kapp::controllers::component {

void setup(engine::Manager& manager) {
  namespace res = client::resources;
  auto reconciler = std::make_shared<Reconciler>(manager);
  auto& controller = manager.add_controller(
      "component", [reconciler](const engine::Request& r) { return reconciler->reconcile(r); });
  controller.watch_primary(manager.informer(res::kComponent));
  // An Application appearing, changing or going concerns every Component that names it.
  controller.watch_mapped(
      manager.informer(res::kApplication), [reconciler](const nlohmann::json& app) {
        return reconciler->components_of(engine::namespace_of(app), engine::name_of(app));
      });
}

}  // namespace kapp::controllers::component

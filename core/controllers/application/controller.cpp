#include "core/controllers/application/controller.h"

#include <memory>

#include "core/controllers/application/reconciler.h"
#include "core/engine/object.h"
#include "core/names.h"

namespace kapp::controllers::application {

void setup(engine::Manager& manager) {
  namespace res = client::resources;
  using engine::Request;
  auto reconciler = std::make_shared<Reconciler>(manager);
  auto& controller = manager.add_controller(
      "application", [reconciler](const Request& r) { return reconciler->reconcile(r); });
  controller.watch_primary(manager.informer(res::kApplication));
  controller.watch_mapped(
      manager.informer(res::kComponent), [](const json& c) -> std::vector<Request> {
        return {Request{engine::namespace_of(c), c["spec"].value("application", "")}};
      });
  for (const auto* type :
       {&res::kDeployment, &res::kStatefulSet, &res::kService, &res::kNetworkPolicy}) {
    controller.watch_owned(manager.informer(*type), names::kGroup, "Application");
  }
  const auto app_of_labelled = engine::owner_from_labels(names::kApplicationLabel);
  controller.watch_mapped(manager.informer(res::kPersistentVolumeClaim), app_of_labelled);
  controller.watch_mapped(manager.informer(res::kPod), app_of_labelled);
}

}  // namespace kapp::controllers::application

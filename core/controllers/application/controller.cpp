#include "core/controllers/application/controller.h"

#include <memory>

#include "core/controllers/application/reconciler.h"
#include "core/controllers/application/status.h"
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
  // A workload's status changes several times on its way up (observedGeneration, replicas,
  // conditions' reasons); only what the status reads of it concerns its Application.
  for (const auto* type : {&res::kDeployment, &res::kStatefulSet}) {
    controller.watch_owned(manager.informer(*type), names::kGroup, "Application",
                           workload_update_matters);
  }
  for (const auto* type : {&res::kService, &res::kNetworkPolicy})
    controller.watch_owned(manager.informer(*type), names::kGroup, "Application");
  const auto app_of_labelled = engine::owner_from_labels(names::kApplicationLabel);
  controller.watch_mapped(manager.informer(res::kPersistentVolumeClaim), app_of_labelled);
  // A pod concerns its Application only while it fails (pod_failure is all the status reads
  // of pods): one created, Running or deleted without failing changes nothing. An update
  // maps the old pod too, so a failure that ends is seen.
  controller.watch_mapped(manager.informer(res::kPod),
                          [app_of_labelled](const json& pod) -> std::vector<Request> {
                            try {
                              if (!pod_failure(pod)) return {};
                            } catch (const std::exception&) {
                              // A malformed pod: its Application's pass will say so.
                            }
                            return app_of_labelled(pod);
                          });
}

}  // namespace kapp::controllers::application

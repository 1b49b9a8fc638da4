#include "core/controllers/applink/controller.h"

#include <memory>

#include "core/controllers/applink/reconciler.h"
#include "core/engine/object.h"
#include "core/names.h"

namespace kapp::controllers::applink {

void setup(engine::Manager& manager, const std::string& cluster_domain) {
  namespace res = client::resources;
  auto reconciler = std::make_shared<Reconciler>(manager, cluster_domain);
  auto& controller = manager.add_controller(
      "applink", [reconciler](const engine::Request& r) { return reconciler->reconcile(r); });
  controller.watch_primary(manager.informer(res::kAppLink));
  // Consent, components and ports live in the Applications at both ends.
  controller.watch_mapped(manager.informer(res::kApplication), [reconciler](const json& app) {
    return reconciler->links_of(engine::namespace_of(app), engine::name_of(app));
  });
  controller.watch_mapped(manager.informer(res::kComponent), [reconciler](const json& c) {
    const auto app = c.value("spec", json::object()).value("application", "");
    return reconciler->links_of(engine::namespace_of(c), app);
  });
  controller.watch_owned(manager.informer(res::kService), names::kGroup, "AppLink");
  controller.watch_mapped(manager.informer(res::kNetworkPolicy),
                          engine::owner_from_labels(names::kLinkLabel, names::kLinkNamespaceLabel));
}

}  // namespace kapp::controllers::applink

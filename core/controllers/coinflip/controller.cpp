#include "core/controllers/coinflip/controller.h"

#include "core/client/resource.h"
#include "core/controllers/coinflip/reconciler.h"

namespace kapp::controllers::coinflip {

void setup(engine::Manager& manager, std::shared_ptr<notify::Notifier> notifier) {
  if (!notifier) notifier = notify::make_curl_notifier();
  auto& informer = manager.informer(client::resources::kCoinFlip);
  // Shared by the controller's workers and kept alive by the reconcile function the manager owns.
  auto reconciler =
      std::make_shared<Reconciler>(manager.client(), informer, manager.events(), notifier);
  auto& controller = manager.add_controller(
      "coinflip", [reconciler](const engine::Request& r) { return reconciler->reconcile(r); });
  controller.watch_primary(informer);
}

}  // namespace kapp::controllers::coinflip

#include "core/controllers/registry.h"

#include "core/controllers/application/controller.h"
#include "core/controllers/applink/controller.h"
#include "core/controllers/coinflip/controller.h"
#include "core/controllers/component/controller.h"

namespace kapp::controllers {

void setup_all(engine::Manager& manager, const Options& options) {
  application::setup(manager);
  component::setup(manager);
  applink::setup(manager, options.cluster_domain);
  coinflip::setup(manager);
}

}  // namespace kapp::controllers

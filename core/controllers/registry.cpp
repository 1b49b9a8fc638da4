#include "core/controllers/registry.h"

#include "core/controllers/application/controller.h"
#include "core/controllers/coinflip/setup.h"
#include "core/controllers/component/controller.h"

namespace kapp::controllers {

void setup_all(engine::Manager& manager, const Options& /*options: used by the AppLink controller*/) {
  application::setup(manager);
  component::setup(manager);
  coinflip::setup(manager);
}

}  // namespace kapp::controllers

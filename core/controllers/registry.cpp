#include "core/controllers/registry.h"

namespace kapp::controllers {

void setup_all(engine::Manager&) {}

}  // namespace kapp::controllers

#include "tests/support/controller.h"

#include "core/client/config.h"
#include "core/controllers/registry.h"
#include "core/log.h"
#include "tests/support/cluster.h"

namespace kapp::test {

RunningControllers::RunningControllers(const std::string& ns, std::chrono::milliseconds resync)
    : RunningControllers(std::vector<std::string>{ns}, resync) {}

RunningControllers::RunningControllers(std::vector<std::string> namespaces,
                                       std::chrono::milliseconds resync)
    : client_(client::Client::connect(client::load_config({.kubeconfig = admin_kubeconfig()}))) {
  install_crds();
  engine::ManagerOptions options;
  options.namespaces = std::move(namespaces);
  options.metrics_bind = "0";
  options.health_bind = "0";
  options.resync_period = resync;
  manager_ = std::make_unique<engine::Manager>(*client_, options);
  controllers::setup_all(*manager_);
  thread_ = std::thread([this] {
    try {
      manager_->run(stop_);
    } catch (const std::exception& e) {
      log::error(std::string("controllers stopped: ") + e.what());
    }
  });
}

RunningControllers::~RunningControllers() {
  stop_ = true;
  thread_.join();
}

}  // namespace kapp::test

#include "core/controllers/applink/status.h"

#include "core/engine/status.h"

namespace kapp::controllers::applink {

json link_status(const Spec& spec, long long generation, const LinkState& state,
                 const std::string& host, const OffloadingState& offloading) {
  const char* phase = state.ready() ? "Ready" : state.failed() ? "Failed" : "Pending";
  const auto message =
      state.ready() ? spec.alias + " reaches " + spec.to.ref() + " at " + host : state.message;
  json conditions =
      json::array({engine::condition("Ready", state.ready(), state.reason, message, generation)});
  if (offloading.wanted) {
    conditions.push_back(engine::condition("OffloadingReady", offloading.reason == "Offloaded",
                                           offloading.reason, offloading.message, generation));
  }
  json status = {{"phase", phase},
                 {"observedGeneration", generation},
                 {"fromRef", spec.from.application + "/" + spec.from.component},
                 {"toRef", spec.to.ref()},
                 {"conditions", conditions}};
  if (state.ready()) status["host"] = host;
  return status;
}

}  // namespace kapp::controllers::applink

// The Component reconciler: from a Component's key to its status, read from the Application it
// names. It makes no objects (the Application controller does); a class of its own so that
// tests can reach it, and controller.h registers it and its watches.
#pragma once

#include <string>
#include <vector>

#include "core/engine/manager.h"

namespace kapp::controllers::component {

class Reconciler {
 public:
  explicit Reconciler(engine::Manager& manager);

  // Always done: a Component changes only when it or its Application does, and both are
  // watched. Writes status only when it differs, with a Warning event when the Application
  // is missing. Throws ApiError (the key is retried with back-off).
  engine::Result reconcile(const engine::Request& request);

  // The Components naming Application `ns/app` (from the cache), for the watch of
  // Applications: one appearing, changing or going concerns every Component that names it.
  std::vector<engine::Request> components_of(const std::string& ns, const std::string& app) const;

 private:
  client::Client& client_;
  engine::EventRecorder& events_;
  engine::Informer& components_;
  engine::Informer& apps_;
};

}  // namespace kapp::controllers::component

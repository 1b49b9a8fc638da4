// The AppLink reconciler: from a link's key to its alias Service, its NetworkPolicy in the
// target namespace and its status. A class of its own so that tests can reach it.
#pragma once

#include <string>

#include "core/controllers/applink/spec.h"
#include "core/controllers/applink/status.h"
#include "core/engine/manager.h"
#include "core/engine/owned.h"

namespace kapp::controllers::applink {

// Named indexes of the AppLink informer: the "namespace/application" a link comes from and
// the one it goes to, so an Application's change finds its links without a scan.
inline constexpr const char* kFromIndex = "applink-from";
inline constexpr const char* kToIndex = "applink-to";

class Reconciler {
 public:
  // Adds kFromIndex and kToIndex to the manager's AppLink informer (before it starts).
  Reconciler(engine::Manager& manager, std::string cluster_domain);

  // done / requeue after the resync period; throws ApiError (the key is retried with back-off).
  engine::Result reconcile(const engine::Request& request);

  // The links concerning an Application (from or to it), for watches of Applications and
  // Components.
  std::vector<engine::Request> links_of(const std::string& ns, const std::string& app) const;

 private:
  LinkState sync(const json& link, const Spec& spec, engine::DesiredObjects& desired);
  LinkState check_target(const Spec& spec, json& policy_ports) const;
  // Removes the link's NetworkPolicy in the target namespace, if it is there and ours.
  void remove_target_policy(const Spec& spec);
  // The other namespace offloaded like the offloaded end's, when one end is (Liqo).
  OffloadingState offload(const Spec& spec);
  void drop_offloading(const Spec& spec);
  // Who takes over the link's NamespaceOffloading of `ns` when it lets go (null: nobody).
  json offloading_heir(const Spec& spec, const std::string& ns) const;
  bool offloaded(const Endpoint& end) const;
  void finalize(const json& link, const Spec& spec);
  void report(const json& link, const Spec& spec, const LinkState& state,
              const OffloadingState& offloading);

  engine::Manager& manager_;
  client::Client& client_;
  std::string cluster_domain_;
  engine::Informer& links_;
  engine::Informer& apps_;
  engine::Informer& components_;
  engine::Informer& services_;
  engine::Informer& policies_;
};

}  // namespace kapp::controllers::applink

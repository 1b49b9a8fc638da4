// The AppLink controller: a component of one application reaching a component of another,
// in another namespace. In the source namespace an ExternalName Service (the alias) points at
// the target component's Service FQDN; in the target namespace a NetworkPolicy admits the
// source component's pods on the linked ports, once the target consents (allowLinksFrom). A
// finalizer removes what lives in the other namespace when the link goes.
#pragma once

#include <string>

#include "core/engine/manager.h"

namespace kapp::controllers::applink {

// Registers the controller and its watches on `manager` (before Manager::run).
void setup(engine::Manager& manager, const std::string& cluster_domain);

}  // namespace kapp::controllers::applink

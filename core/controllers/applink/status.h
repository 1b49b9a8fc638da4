// An AppLink's status from what the controller found. Pure: the reconciler observes, this
// decides what it means for users.
#pragma once

#include <string>

#include <nlohmann/json.hpp>

#include "core/controllers/applink/spec.h"

namespace kapp::controllers::applink {

using nlohmann::json;

// Why a link is not Ready, or "Linked" when it is. Each reason names what users can act on:
// Pending: TargetNotFound, SourceNotFound, NotAllowedByTarget, PortNotServed,
//          NamespaceNotWatched;
// Failed:  AliasTaken (a Service the link does not own has its alias; never overwritten),
//          PolicyTaken (likewise, the NetworkPolicy's name in the target namespace),
//          InvalidAlias (longer than a Service name may be: set spec.alias).
struct LinkState {
  std::string reason = "Linked";
  std::string message;
  bool ready() const { return reason == "Linked"; }
  bool failed() const {
    return reason == "AliasTaken" || reason == "PolicyTaken" || reason == "InvalidAlias";
  }
};

// What the status says about offloading: set when either side's namespace is offloaded.
struct OffloadingState {
  bool wanted = false;
  std::string reason;  // Offloaded, OffloadingConflict, CRDNotInstalled, Pending
  std::string message;
};

// status: phase (Ready, Pending, Failed), observedGeneration, host (the alias's FQDN, once
// Ready), fromRef, toRef, conditions Ready (and OffloadingReady when offloading is involved),
// without lastTransitionTime (engine::write_status adds it).
json link_status(const Spec& spec, long long generation, const LinkState& state,
                 const std::string& host, const OffloadingState& offloading = {});

}  // namespace kapp::controllers::applink

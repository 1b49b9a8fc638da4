// A namespace's Liqo NamespaceOffloading: one per namespace, named "offloading", and shared by
// whatever needs the namespace offloaded (its Applications, AppLinks reaching it). It has one
// owner, the first to ask; a later request that the live object already satisfies shares it,
// and one asking for something else is a conflict reported to the asker. Nobody writes over
// another's: two different requests cannot flap.
#pragma once

#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/client/client.h"

namespace kapp::controllers::common {

using nlohmann::json;

struct OffloadingOutcome {
  bool installed = true;  // false: Liqo's CRD is not served (CRDNotInstalled)
  std::string conflict;   // set when another owner's object asks for something else
  std::string error;      // a refused write
};

// Whether `live` already asks for every spec field `desired` asks for (what a requester needs
// from a shared object; extra fields of the live one do not matter).
bool offloading_satisfies(const json& live, const json& desired);

// Applies `desired` (a NamespaceOffloading) when absent or when it is the requester's own
// (`is_ours(live)`) and differs; leaves another owner's alone and reports a conflict when it
// does not satisfy `desired`. `requester` names the asker in messages. Reads the object (its
// CRD is optional, so it is not cached): a steady state costs one GET and no write.
// Throws ApiError for failures other than a refused write.
OffloadingOutcome ensure_offloading(client::Client& client, const json& desired,
                                    const std::function<bool(const json&)>& is_ours);

// Lets go of the namespace's NamespaceOffloading if `is_ours` says it is the requester's: hands
// it to the next asker when there is one (`heir`: a merge patch of metadata naming the new
// owner, so the namespace is never un-offloaded in between), else deletes it. Throws ApiError.
void release_offloading(client::Client& client, const std::string& ns,
                        const std::function<bool(const json&)>& is_ours, const json& heir);

}  // namespace kapp::controllers::common

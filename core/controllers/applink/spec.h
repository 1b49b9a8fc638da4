// What an AppLink asks for, read once from its spec with the CRD's defaults. `from` and `to`
// are immutable (a CEL rule of the CRD), so a link's objects in the other namespace keep their
// place for its whole life; `ports` and `alias` may change.
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::controllers::applink {

using nlohmann::json;

struct Endpoint {
  std::string namespace_name;
  std::string application;
  std::string component;
  // "team-b/payments/api", as status.toRef and messages print it.
  std::string ref() const { return namespace_name + "/" + application + "/" + component; }
};

struct Spec {
  std::string name;  // the AppLink's
  Endpoint from;     // in the AppLink's namespace
  Endpoint to;
  std::vector<int> ports;  // Service ports of the target the source dials; empty: all
  std::string alias;       // the ExternalName Service's name in the source namespace
};

// The AppLink object's spec with defaults: alias "<to.component>-<to.namespace>", to.namespace
// the link's own when absent. Missing fields read as empty strings (the CRD requires them).
Spec parse_spec(const json& link);

}  // namespace kapp::controllers::applink

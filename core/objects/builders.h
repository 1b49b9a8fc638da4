// Objects built from command-line flags (`kubectl app create NAME --component ...`).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::objects {

using nlohmann::json;

// "name=web,image=nginx:1.27,replicas=2,port=http:80:8080,expose=LoadBalancer,metrics=http,
//  workload=StatefulSet,volume=data:/data:1Gi" -> an inline component. Throws UsageError.
json component_from_flag(const std::string& text);
// "web->api" or "web->api:8080,8443" -> an internalCommunications entry.
json communication_from_flag(const std::string& text);

json application(const std::string& name, const std::string& ns,
                 const std::vector<json>& components, const std::vector<json>& communications);
// A Component object joining `app`; `spec` is a component as component_from_flag builds it.
json component(const std::string& ns, const std::string& app, json spec);

struct CoinFlipFlags {
  std::string interval = "2s";
  int threshold = 3;
  std::string notify;
  std::optional<long long> seed;
  std::optional<long long> max_flips;
  std::string credentials_secret;
};
json coinflip(const std::string& name, const std::string& ns, const CoinFlipFlags& flags);

// An AppLink from `from` ("APP/COMPONENT" in `ns`) to `to` ("APP/COMPONENT" in `to_namespace`);
// `ports` and `alias` are left out when empty (all ports; the CRD's default alias). Throws
// UsageError when `from` or `to` is not APP/COMPONENT.
json app_link(const std::string& name, const std::string& ns, const std::string& from,
              const std::string& to, const std::string& to_namespace, const std::vector<int>& ports,
              const std::string& alias);

}  // namespace kapp::objects

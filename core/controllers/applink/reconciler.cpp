#include "core/controllers/applink/reconciler.h"

#include "core/controllers/common/namespace_offloading.h"
#include "core/engine/finalizers.h"
#include "core/engine/object.h"
#include "core/engine/status.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/names.h"
#include "core/render/applink.h"

namespace kapp::controllers::applink {
namespace {

using engine::Request;
using engine::Result;
namespace res = client::resources;

std::string app_key(const std::string& ns, const std::string& app) { return ns + "/" + app; }

std::string join(const std::vector<int>& ports) {
  std::string out;
  for (int p : ports) out += (out.empty() ? "" : ", ") + std::to_string(p);
  return out;
}

// Whether a NetworkPolicy is this link's: its labels name the link (no owner reference can).
bool is_link_object(const json& live, const Spec& spec) {
  if (engine::controller_of(live).is_object()) return false;  // someone's, by owner reference
  const auto labels = live.value("metadata", json::object()).value("labels", json::object());
  return labels.value(names::kLinkLabel, "") == spec.name &&
         labels.value(names::kLinkNamespaceLabel, "") == spec.from.namespace_name;
}

}  // namespace

Reconciler::Reconciler(engine::Manager& manager, std::string cluster_domain)
    : manager_(manager),
      client_(manager.client()),
      cluster_domain_(std::move(cluster_domain)),
      links_(manager.informer(res::kAppLink)),
      apps_(manager.informer(res::kApplication)),
      components_(manager.informer(res::kComponent)),
      services_(manager.informer(res::kService)),
      policies_(manager.informer(res::kNetworkPolicy)) {
  links_.add_index(kFromIndex, [](const json& link) -> std::vector<std::string> {
    const auto spec = parse_spec(link);
    return {app_key(spec.from.namespace_name, spec.from.application)};
  });
  links_.add_index(kToIndex, [](const json& link) -> std::vector<std::string> {
    const auto spec = parse_spec(link);
    return {app_key(spec.to.namespace_name, spec.to.application)};
  });
}

std::vector<Request> Reconciler::links_of(const std::string& ns, const std::string& app) const {
  std::vector<Request> requests;
  for (const auto* index : {kFromIndex, kToIndex}) {
    for (const auto& link : links_.by_index(index, app_key(ns, app)))
      requests.push_back({engine::namespace_of(link), engine::name_of(link)});
  }
  return requests;
}

Result Reconciler::reconcile(const Request& request) {
  const auto link = links_.get(request.namespace_name, request.name);
  if (!link) return Result::done();
  const auto spec = parse_spec(*link);
  if (engine::being_deleted(*link)) {
    finalize(*link, spec);
    return Result::done();
  }
  // The policy in the other namespace cannot carry an owner reference: hold the link's
  // deletion until it is gone.
  if (render::crosses_namespaces(spec) && manager_.watches(spec.to.namespace_name))
    engine::add_finalizer(client_, res::kAppLink, *link, names::kLinkFinalizer);
  engine::DesiredObjects desired;
  const auto state = sync(*link, spec, desired);
  engine::prune_owned(client_, {&services_, &policies_}, engine::uid_of(*link), desired);
  if (!state.ready() && manager_.watches(spec.to.namespace_name)) remove_target_policy(spec);
  const auto offloading = state.ready() ? offload(spec) : OffloadingState{};
  // Offloading objects are not cached: look for one to remove only if the last status had one.
  const auto had = engine::find_condition(link->value("status", json::object()), "OffloadingReady");
  if (!offloading.wanted && !had.empty()) drop_offloading(spec);
  report(*link, spec, state, offloading);
  return Result::after(manager_.options().resync_period);
}

LinkState Reconciler::sync(const json& link, const Spec& spec, engine::DesiredObjects& desired) {
  if (!manager_.watches(spec.to.namespace_name)) {
    return {"NamespaceNotWatched",
            "namespace " + spec.to.namespace_name +
                " is not watched by this controller; run it with --namespace " +
                spec.to.namespace_name + " as well, or for all namespaces"};
  }
  if (!apps_.get(spec.from.namespace_name, spec.from.application)) {
    return {"SourceNotFound",
            "application " + spec.from.namespace_name + "/" + spec.from.application + " not found"};
  }
  json policy_ports;
  if (auto state = check_target(spec, policy_ports); !state.ready()) return state;
  if (spec.alias.size() > 63) {  // a DNS-1035 label: only a defaulted alias can be this long
    return {"InvalidAlias",
            "the alias " + spec.alias +
                " is longer than the 63 characters of a "
                "Service name; set a shorter spec.alias (kubectl app link --alias)"};
  }
  const auto alias = render::alias_service(link, spec, cluster_domain_);
  desired.want(alias);
  if (!engine::apply_owned(client_, services_, alias, engine::uid_of(link))) {
    return {"AliasTaken", "Service " + spec.from.namespace_name + "/" + spec.alias +
                              " already exists and is not owned by this link; set another "
                              "spec.alias (kubectl app link --alias) or delete that Service"};
  }
  const auto policy = render::link_policy(link, spec, policy_ports);
  desired.want(policy);
  const auto ours = [&spec](const json& live) { return is_link_object(live, spec); };
  if (!engine::apply_owned(client_, policies_, policy, engine::uid_of(link), ours)) {
    return {"PolicyTaken", "NetworkPolicy " + engine::key_of(policy) +
                               " already exists and is not this link's; delete it"};
  }
  return {};
}

LinkState Reconciler::check_target(const Spec& spec, json& policy_ports) const {
  const auto target = spec.to.namespace_name + "/" + spec.to.application;
  const auto app = apps_.get(spec.to.namespace_name, spec.to.application);
  if (!app) return {"TargetNotFound", "application " + target + " not found"};
  if (!render::accepts_links_from(*app, spec.from.namespace_name)) {
    return {"NotAllowedByTarget", "application " + target + " does not accept links from " +
                                      "namespace " + spec.from.namespace_name + ": add \"" +
                                      spec.from.namespace_name + "\" to its spec.allowLinksFrom"};
  }
  std::vector<json> joined;
  for (const auto& c : components_.list(spec.to.namespace_name))
    if (c.value("spec", json::object()).value("application", "") == spec.to.application)
      joined.push_back(c);
  const auto model = render::make_model(*app, joined);
  const auto* component = model.find(spec.to.component);
  if (component == nullptr) {
    return {"TargetNotFound", "application " + target + " has no component " + spec.to.component};
  }
  const auto ports = render::link_ports(spec, *component);
  if (!ports.unserved.empty()) {
    std::vector<int> served;
    for (const auto& p : component->spec.value("ports", json::array()))
      served.push_back(p.value("port", 0));
    return {"PortNotServed", spec.to.ref() + " does not serve port " + join(ports.unserved) +
                                 " (it serves " + (served.empty() ? "none" : join(served)) +
                                 "); fix spec.ports"};
  }
  policy_ports = ports.policy_ports;
  return {};
}

void Reconciler::remove_target_policy(const Spec& spec) {
  const auto name = render::link_policy_name(spec);
  const auto live = policies_.get(spec.to.namespace_name, name);
  if (!live || !is_link_object(*live, spec)) return;  // not ours: never touched
  log::info(1, "removing NetworkPolicy " + engine::key_of(*live) + " of link " +
                   spec.from.namespace_name + "/" + spec.name);
  client_.remove(res::kNetworkPolicy, spec.to.namespace_name, name,
                 {.precondition_uid = engine::uid_of(*live)});
}

OffloadingState Reconciler::offload(const Spec& spec) {
  if (spec.from.namespace_name == spec.to.namespace_name) return {};
  const auto offloading_of = [this](const Endpoint& end) {
    const auto app = apps_.get(end.namespace_name, end.application);
    return app ? app->value("spec", json::object()).value("offloading", json()) : json();
  };
  const auto from = offloading_of(spec.from), to = offloading_of(spec.to);
  if (from.is_null() && to.is_null()) return {};
  OffloadingState state{true, "Offloaded", ""};
  if (!from.is_null() && !to.is_null()) {
    state.message = "both namespaces are offloaded by their applications";
    return state;
  }
  const auto& offloaded = from.is_null() ? spec.to : spec.from;
  const auto& other = from.is_null() ? spec.from : spec.to;
  const auto desired =
      render::link_offloading(spec, other.namespace_name, from.is_null() ? to : from);
  const auto outcome = common::ensure_offloading(
      client_, desired, [&spec](const json& live) { return is_link_object(live, spec); });
  if (!outcome.installed)
    return {true, "CRDNotInstalled", "Liqo (offloading.liqo.io) is not installed"};
  if (!outcome.conflict.empty()) return {true, "Conflict", outcome.conflict};
  if (!outcome.error.empty()) return {true, "ApplyFailed", outcome.error};
  state.message = "namespace " + other.namespace_name + " is offloaded with EnforceSameName, as " +
                  offloaded.namespace_name + " is, so " + spec.alias + " resolves on every cluster";
  return state;
}

bool Reconciler::offloaded(const Endpoint& end) const {
  const auto app = apps_.get(end.namespace_name, end.application);
  return app && app->value("spec", json::object()).contains("offloading");
}

json Reconciler::offloading_heir(const Spec& spec, const std::string& ns) const {
  // An Application of the namespace that asks for offloading, first: its own controller
  // reference, and none of the link's labels.
  for (const auto& app : apps_.list(ns)) {
    if (!app.value("spec", json::object()).contains("offloading")) continue;
    return {{"metadata",
             {{"labels", {{names::kLinkLabel, nullptr}, {names::kLinkNamespaceLabel, nullptr}}},
              {"ownerReferences", json::array({engine::controller_reference(app)})}}}};
  }
  // Else another link that reaches this namespace from an offloaded application.
  for (const auto& other : links_.list()) {
    const auto o = parse_spec(other);
    if (o.name == spec.name && o.from.namespace_name == spec.from.namespace_name) continue;
    const bool needs = (o.to.namespace_name == ns && offloaded(o.from)) ||
                       (o.from.namespace_name == ns && offloaded(o.to));
    if (needs && o.from.namespace_name != o.to.namespace_name) {
      return {
          {"metadata",
           {{"labels",
             {{names::kLinkLabel, o.name}, {names::kLinkNamespaceLabel, o.from.namespace_name}}}}}};
    }
  }
  return nullptr;
}

void Reconciler::drop_offloading(const Spec& spec) {
  const auto ours = [&spec](const json& live) { return is_link_object(live, spec); };
  for (const auto* ns : {&spec.from.namespace_name, &spec.to.namespace_name})
    common::release_offloading(client_, *ns, ours, offloading_heir(spec, *ns));
}

void Reconciler::finalize(const json& link, const Spec& spec) {
  if (!engine::has_finalizer(link, names::kLinkFinalizer)) return;
  // Also when the status never said so: it may have failed to be written after the create.
  if (render::crosses_namespaces(spec)) drop_offloading(spec);
  // The alias would go with the link (garbage collection), but only after a while: now.
  engine::prune_owned(client_, {&services_, &policies_}, engine::uid_of(link), {});
  // The cache may lag behind a policy created just now: ask the server before letting go.
  const auto name = render::link_policy_name(spec);
  const auto live = client_.get_if_exists(res::kNetworkPolicy, spec.to.namespace_name, name);
  if (live && is_link_object(*live, spec)) {
    client_.remove(res::kNetworkPolicy, spec.to.namespace_name, name,
                   {.precondition_uid = engine::uid_of(*live)});
  }
  engine::remove_finalizer(client_, res::kAppLink, link, names::kLinkFinalizer);
  manager_.events().record(link, "Normal", "Unlinked",
                           "removed the NetworkPolicy in namespace " + spec.to.namespace_name);
}

void Reconciler::report(const json& link, const Spec& spec, const LinkState& state,
                        const OffloadingState& offloading) {
  const auto status = link_status(spec, engine::generation_of(link), state,
                                  render::link_host(spec, cluster_domain_), offloading);
  if (!engine::write_status(client_, res::kAppLink, link, status)) return;
  const auto before = engine::find_condition(link.value("status", json::object()), "Ready");
  if (before.value("reason", "") == state.reason) return;
  manager_.events().record(link, state.ready() ? "Normal" : "Warning", state.reason,
                           status["conditions"][0].value("message", ""));
}

}  // namespace kapp::controllers::applink

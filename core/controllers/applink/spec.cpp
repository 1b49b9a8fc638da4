#include "core/controllers/applink/spec.h"

#include "core/engine/object.h"

namespace kapp::controllers::applink {

Spec parse_spec(const json& link) {
  const auto spec = link.value("spec", json::object());
  const auto from = spec.value("from", json::object());
  const auto to = spec.value("to", json::object());
  Spec s;
  s.name = engine::name_of(link);
  s.from = {engine::namespace_of(link), from.value("application", ""), from.value("component", "")};
  s.to = {to.value("namespace", s.from.namespace_name), to.value("application", ""),
          to.value("component", "")};
  for (const auto& p : spec.value("ports", json::array()))
    if (p.is_number_integer()) s.ports.push_back(p.get<int>());
  s.alias = spec.value("alias", s.to.component + "-" + s.to.namespace_name);
  return s;
}

}  // namespace kapp::controllers::applink

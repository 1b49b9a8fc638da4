#include "plugin/watch.h"

#include "core/errors.h"

namespace kapp::cli {

void follow(
    client::Client& client, const client::ResourceType& type, const std::string& ns,
    const std::string& name, std::string resource_version,
    const std::function<bool(const std::string& event, const nlohmann::json& object)>& on_change) {
  client::WatchOptions options;
  if (!name.empty()) options.field_selector = "metadata.name=" + name;
  bool more = true;
  while (more) {
    options.resource_version = resource_version;
    try {
      resource_version = client.watch(type, ns, options, [&](const client::WatchEvent& event) {
        if (event.type == "BOOKMARK") return true;
        auto object = event.object;
        object["apiVersion"] = type.api_version();
        object["kind"] = type.kind;
        more = on_change(event.type, object);
        return more;
      });
    } catch (const ApiError& e) {
      if (!e.gone()) throw;
      // Too old: what changed meanwhile is in the current state, which the next list shows.
      const auto list = client.list(type, ns, {.field_selector = options.field_selector});
      resource_version = list["metadata"].value("resourceVersion", "");
      for (auto item : list["items"]) {
        item["apiVersion"] = type.api_version();
        item["kind"] = type.kind;
        if (more) more = on_change("MODIFIED", item);
      }
    }
  }
}

}  // namespace kapp::cli

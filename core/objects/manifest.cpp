#include "core/objects/manifest.h"

#include <algorithm>

#include "core/errors.h"
#include "core/yaml/yaml.h"

namespace kapp::objects {
namespace {

int rank(const json& object) {
  const auto kind = string_field(object, "kind");
  if (kind == "Namespace") return 0;
  if (kind == "CustomResourceDefinition") return 1;
  if (kind == "Application") return 3;
  if (kind == "Component") return 5;  // after the Application it joins
  return 4;
}

void require_string(const Manifest& m, const json& parent, const char* field,
                    const std::string& path) {
  if (!parent.contains(field) || !parent[field].is_string() ||
      parent[field].get<std::string>().empty()) {
    throw InputError(m.describe() + ": " + path + " is required");
  }
}

}  // namespace

std::string Manifest::describe() const {
  std::string who = string_field(object, "kind");
  if (who.empty()) who = "object";
  if (object.is_object() && object.contains("metadata")) {
    const auto ns = string_field(object["metadata"], "namespace");
    const auto name = string_field(object["metadata"], "name");
    if (!name.empty()) who += " " + (ns.empty() ? name : ns + "/" + name);
  }
  return who + " (" + source + ":" + std::to_string(line) + ")";
}

std::string string_field(const json& object, const char* key) {
  if (!object.is_object()) return "";
  const auto it = object.find(key);
  return it != object.end() && it->is_string() ? it->get<std::string>() : "";
}

int Manifest::line_of(const std::string& pointer_in_object) const {
  const int found = positions ? positions->line_of(pointer + pointer_in_object) : 0;
  return found > 0 ? found : line;
}

bool is_ours(const json& object) {
  return string_field(object, "apiVersion").rfind("kubectl-app.io/", 0) == 0;
}

std::vector<Manifest> parse_manifests(const std::string& text, const std::string& source) {
  std::vector<Manifest> manifests;
  for (auto& doc : yaml::parse_documents(text, source)) {
    // A List (as `kubectl get -o yaml` prints) stands for its items.
    const auto kind = doc.value.is_object() ? doc.value.find("kind") : doc.value.end();
    if (kind != doc.value.end() && *kind == "List" && doc.value.contains("items") &&
        doc.value["items"].is_array()) {
      for (std::size_t i = 0; i < doc.value["items"].size(); ++i) {
        const auto pointer = "/items/" + std::to_string(i);
        const int line = doc.positions->line_of(pointer);
        manifests.push_back(
            {doc.value["items"][i], source, line, doc.index, doc.positions, pointer});
      }
    } else {
      manifests.push_back(
          {std::move(doc.value), source, doc.line, doc.index, std::move(doc.positions), ""});
    }
  }
  return manifests;
}

void prepare(std::vector<Manifest>& manifests, const std::string& default_namespace) {
  if (manifests.empty())
    throw InputError("no objects in the input; pass a file with at least one document");
  for (auto& m : manifests) {
    if (!m.object.is_object())
      throw InputError(m.describe() + ": a document must be a mapping (an object)");
    require_string(m, m.object, "apiVersion", "apiVersion");
    require_string(m, m.object, "kind", "kind");
    if (!m.object.contains("metadata") || !m.object["metadata"].is_object()) {
      throw InputError(m.describe() + ": metadata is required");
    }
    require_string(m, m.object["metadata"], "name", "metadata.name");
    if (is_ours(m.object) && string_field(m.object["metadata"], "namespace").empty()) {
      m.object["metadata"]["namespace"] = default_namespace;
    }
    if (string_field(m.object, "kind") == "Component" && is_ours(m.object)) {
      if (!m.object.contains("spec") || !m.object["spec"].is_object())
        throw InputError(m.describe() + ": spec is required");
      require_string(m, m.object["spec"], "application", "spec.application");
    }
  }
  std::stable_sort(manifests.begin(), manifests.end(), [](const Manifest& a, const Manifest& b) {
    return rank(a.object) < rank(b.object);
  });
}

}  // namespace kapp::objects

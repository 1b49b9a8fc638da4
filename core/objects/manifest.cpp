#include "core/objects/manifest.h"

#include <algorithm>

#include "core/errors.h"
#include "core/yaml/yaml.h"

namespace kapp::objects {
namespace {

int rank(const json& object) {
  const auto kind = object.value("kind", "");
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
  std::string who = object.value("kind", std::string("object"));
  if (object.contains("metadata") && object["metadata"].is_object()) {
    const auto ns = object["metadata"].value("namespace", "");
    const auto name = object["metadata"].value("name", "");
    if (!name.empty()) who += " " + (ns.empty() ? name : ns + "/" + name);
  }
  return who + " (" + source + ":" + std::to_string(line) + ")";
}

bool is_ours(const json& object) {
  return object.value("apiVersion", "").rfind("kubectl-app.io/", 0) == 0;
}

std::vector<Manifest> parse_manifests(const std::string& text, const std::string& source) {
  std::vector<Manifest> manifests;
  for (auto& doc : yaml::parse_documents(text, source)) {
    // A List (as `kubectl get -o yaml` prints) stands for its items.
    if (doc.value.is_object() && doc.value.value("kind", "") == "List" &&
        doc.value.contains("items")) {
      for (auto& item : doc.value["items"]) manifests.push_back({item, source, doc.line});
    } else {
      manifests.push_back({std::move(doc.value), source, doc.line});
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
    if (is_ours(m.object) && m.object["metadata"].value("namespace", "").empty()) {
      m.object["metadata"]["namespace"] = default_namespace;
    }
    if (m.object.value("kind", "") == "Component" && is_ours(m.object)) {
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

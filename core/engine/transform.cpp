#include "core/engine/transform.h"

#include <string_view>

#include "core/names.h"

namespace kapp::engine {

void strip_bookkeeping(json& object) {
  if (!object.is_object()) return;
  auto metadata = object.find("metadata");
  if (metadata == object.end() || !metadata->is_object()) return;
  metadata->erase("managedFields");
  auto annotations = metadata->find("annotations");
  if (annotations == metadata->end() || !annotations->is_object()) return;
  annotations->erase("kubectl.kubernetes.io/last-applied-configuration");
  if (annotations->empty()) metadata->erase(annotations);
}

namespace {

// FNV-1a, fed piece by piece.
class Fnv1a {
 public:
  void add(std::string_view bytes) {
    for (const unsigned char byte : bytes) {
      hash_ ^= byte;
      hash_ *= 1099511628211ULL;  // the FNV prime
    }
  }
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 14695981039346656037ULL;  // the FNV offset basis
};

}  // namespace

std::uint64_t hash_of(const json& object) {
  Fnv1a hash;
  hash.add(object.dump());
  return hash.value();
}

bool is_slim(const json& object) {
  return object.is_object() && object.contains(kFingerprintMember);
}

std::uint64_t content_fingerprint(const json& object) {
  if (is_slim(object)) return object[kFingerprintMember].get<std::uint64_t>();
  // Each member's name and canonical text, in order, without copying the object.
  Fnv1a hash;
  const auto add = [&hash](const std::string& key, const json& value) {
    hash.add(key);
    hash.add(value.dump());
  };
  if (object.is_object()) {
    for (const auto& [key, value] : object.items()) {
      if (key != "apiVersion" && key != "kind" && key != "metadata" && key != "status")
        add(key, value);
    }
  }
  if (const auto metadata = object.find("metadata");
      metadata != object.end() && metadata->is_object()) {
    for (const char* key : {"uid", "labels", "ownerReferences"}) {
      if (const auto it = metadata->find(key); it != metadata->end())
        add(std::string("metadata.") + key, *it);
    }
  }
  return hash.value();
}

namespace {

// Of metadata, what identity, ownership, pruning, indexes and status read; of the labels,
// this project's own (kubectl-app.io/...), which map objects to their reconcilers.
json slim_metadata(const json& metadata) {
  json slim = json::object();
  for (const char* key : {"name", "namespace", "uid", "resourceVersion", "generation",
                          "ownerReferences", "deletionTimestamp", "finalizers"}) {
    if (auto it = metadata.find(key); it != metadata.end()) slim[key] = *it;
  }
  if (auto labels = metadata.find("labels"); labels != metadata.end() && labels->is_object()) {
    const auto prefix = std::string(names::kGroup) + "/";
    json ours = json::object();
    for (const auto& [key, value] : labels->items())
      if (key.starts_with(prefix)) ours[key] = value;
    slim["labels"] = std::move(ours);
  }
  return slim;
}

// Conditions keep type, status and reason, and their message while not True (what a failure
// reports); timestamps go.
void slim_conditions(json& status) {
  auto conditions = status.find("conditions");
  if (conditions == status.end() || !conditions->is_array()) return;
  for (auto& c : *conditions) {
    if (!c.is_object()) continue;
    const auto state = c.find("status");  // never throws, whatever the status holds
    const bool holds = state != c.end() && *state == "True";
    for (auto it = c.begin(); it != c.end();) {
      const auto& key = it.key();
      const bool keep =
          key == "type" || key == "status" || key == "reason" || (key == "message" && !holds);
      it = keep ? std::next(it) : c.erase(it);
    }
  }
}

}  // namespace

json slim_owned(const json& object, const std::vector<std::string>& spec_members) {
  if (!object.is_object() || is_slim(object)) return object;
  json slim = json::object();
  for (const char* key : {"apiVersion", "kind"}) {
    if (auto it = object.find(key); it != object.end()) slim[key] = *it;
  }
  if (auto it = object.find("metadata"); it != object.end() && it->is_object())
    slim["metadata"] = slim_metadata(*it);
  if (auto it = object.find("status"); it != object.end()) {
    slim["status"] = *it;
    if (it->is_object()) slim_conditions(slim["status"]);
  }
  if (auto spec = object.find("spec"); spec != object.end() && spec->is_object()) {
    for (const auto& member : spec_members) {
      if (auto it = spec->find(member); it != spec->end()) slim["spec"][member] = *it;
    }
  }
  slim[kFingerprintMember] = content_fingerprint(object);
  return slim;
}

}  // namespace kapp::engine

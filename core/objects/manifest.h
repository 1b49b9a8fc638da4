// Objects read from files for `kubectl app create -f`: where each came from, checks that need
// no server, and the order to send them in (Namespaces, Applications, then Components last).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/yaml/yaml.h"

namespace kapp::objects {

using nlohmann::json;

struct Manifest {
  json object;
  std::string source;  // file name, or "<stdin>"
  int line = 1;        // where its document starts
  int index = 1;       // 1-based, among the documents of its source
  // Where its nodes are in the source (null when it does not come from a file), and its JSON
  // pointer there: "" for a document, "/items/3" for an item of a List.
  std::shared_ptr<const yaml::Positions> positions;
  std::string pointer;
  // The line of the node at `pointer` (RFC 6901) in this object, or of its nearest ancestor.
  int line_of(const std::string& pointer_in_object) const;
  // "Application demo/shop (shop.yaml:12)": how errors name it.
  std::string describe() const;
};

std::vector<Manifest> parse_manifests(const std::string& text, const std::string& source);

// Checks what needs no server and fills in the namespace of our kinds. Throws InputError naming
// the document and field. Sorts into the order objects must be created in.
void prepare(std::vector<Manifest>& manifests, const std::string& default_namespace);

bool is_ours(const json& object);

// The string at object[key]; "" when `object` is not an object or the member is absent or not
// a string. For reading user documents whatever their shape.
std::string string_field(const json& object, const char* key);

}  // namespace kapp::objects

// Objects read from files for `kubectl app create -f`: where each came from, checks that need
// no server, and the order to send them in (Namespaces, Applications, then Components last).
#pragma once

#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::objects {

using nlohmann::json;

struct Manifest {
  json object;
  std::string source;  // file name, or "<stdin>"
  int line = 1;        // where its document starts
  // "Application demo/shop (shop.yaml:12)": how errors name it.
  std::string describe() const;
};

std::vector<Manifest> parse_manifests(const std::string& text, const std::string& source);

// Checks what needs no server and fills in the namespace of our kinds. Throws InputError naming
// the document and field. Sorts into the order objects must be created in.
void prepare(std::vector<Manifest>& manifests, const std::string& default_namespace);

bool is_ours(const json& object);

}  // namespace kapp::objects

#include "core/objects/diff.h"

#include <algorithm>

namespace kapp::objects {

std::string diff_file_name(const json& object) {
  const auto api_version = object.value("apiVersion", "");
  const auto slash = api_version.find('/');
  const auto group = slash == std::string::npos ? "" : api_version.substr(0, slash) + ".";
  const auto version = slash == std::string::npos ? api_version : api_version.substr(slash + 1);
  const auto metadata = object.value("metadata", json::object());
  return group + version + "." + object.value("kind", "") + "." + metadata.value("namespace", "") +
         "." + metadata.value("name", "");
}

json diff_view(json object, bool show_managed_fields) {
  if (!show_managed_fields && object.is_object() && object.contains("metadata") &&
      object["metadata"].is_object())
    object["metadata"].erase("managedFields");
  return object;
}

namespace {

constexpr const char* kMask = "***";
constexpr const char* kMaskBefore = "*** (before)";
constexpr const char* kMaskAfter = "*** (after)";

json* data_of(json& object) {
  if (!object.is_object() || !object.contains("data") || !object["data"].is_object())
    return nullptr;
  return &object["data"];
}

}  // namespace

void mask_secret_data(json& live, json& merged) {
  if (!merged.is_object() || merged.value("apiVersion", "") != "v1" ||
      merged.value("kind", "") != "Secret")
    return;
  json* from = data_of(live);
  json* to = data_of(merged);
  if (from != nullptr) {
    for (auto& [key, value] : from->items()) {
      if (to != nullptr && to->contains(key)) {
        if ((*to)[key] != value) {
          value = kMaskBefore;
          (*to)[key] = kMaskAfter;
          continue;
        }
        (*to)[key] = kMask;
      }
      value = kMask;
    }
  }
  if (to == nullptr) return;
  for (auto& [key, value] : to->items()) {
    if (from == nullptr || !from->contains(key)) value = kMask;
  }
}

DiffCommand diff_command(const std::optional<std::string>& external, const std::string& from,
                         const std::string& to) {
  if (!external || external->empty()) return {"diff", {"-u", "-N", from, to}};
  std::vector<std::string> words;
  std::string::size_type start = 0;
  for (;;) {
    const auto space = external->find(' ', start);
    words.push_back(external->substr(start, space - start));
    if (space == std::string::npos) break;
    start = space + 1;
  }
  DiffCommand command{words[0], {from, to}};
  const auto allowed = [](char c) {  // Go's [a-zA-Z0-9-=]: ASCII only, whatever the locale
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '=';
  };
  for (std::size_t i = 1; i < words.size(); ++i) {
    const auto& word = words[i];
    if (!word.empty() && std::all_of(word.begin(), word.end(), allowed))
      command.args.push_back(word);
  }
  return command;
}

}  // namespace kapp::objects

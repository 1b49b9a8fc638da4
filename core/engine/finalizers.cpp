#include "core/engine/finalizers.h"

#include <algorithm>

#include "core/engine/object.h"

namespace kapp::engine {
namespace {

json finalizers_of(const json& object) {
  return object.value("metadata", json::object()).value("finalizers", json::array());
}

json write_finalizers(client::Client& client, const client::ResourceType& type, const json& object,
                      json finalizers) {
  const json patch = {
      {"metadata",
       {{"finalizers", std::move(finalizers)}, {"resourceVersion", resource_version_of(object)}}}};
  return client.merge_patch(type, namespace_of(object), name_of(object), patch);
}

}  // namespace

bool has_finalizer(const json& object, const std::string& finalizer) {
  const auto list = finalizers_of(object);
  return std::find(list.begin(), list.end(), finalizer) != list.end();
}

bool being_deleted(const json& object) {
  return object.value("metadata", json::object()).contains("deletionTimestamp");
}

json add_finalizer(client::Client& client, const client::ResourceType& type, const json& object,
                   const std::string& finalizer) {
  if (has_finalizer(object, finalizer)) return object;
  auto list = finalizers_of(object);
  list.push_back(finalizer);
  return write_finalizers(client, type, object, std::move(list));
}

json remove_finalizer(client::Client& client, const client::ResourceType& type, const json& object,
                      const std::string& finalizer) {
  if (!has_finalizer(object, finalizer)) return object;
  auto list = finalizers_of(object);
  list.erase(std::remove(list.begin(), list.end(), finalizer), list.end());
  return write_finalizers(client, type, object, std::move(list));
}

}  // namespace kapp::engine

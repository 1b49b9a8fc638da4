#include "core/controllers/coinflip/status_store.h"

#include "core/engine/object.h"
#include "core/names.h"

namespace kapp::controllers::coinflip {

using client::resources::kCoinFlip;

StatusStore::StatusStore(client::Client& client, engine::Informer& informer)
    : client_(client), informer_(informer) {}

std::optional<json> StatusStore::get(const engine::Request& request) {
  auto cached = informer_.get(request.namespace_name, request.name);
  std::lock_guard lock(mutex_);
  const auto it = written_.find(request.key());
  if (it == written_.end()) return cached;
  // resourceVersions are opaque: only compare them for equality. A version our own writes
  // replaced means the cache lags behind; any other means it caught up (or someone else
  // wrote after us), and from then on the cache is the truth.
  if (cached && it->second.outdated.count(engine::resource_version_of(*cached)))
    return it->second.object;
  written_.erase(it);
  return cached;
}

json StatusStore::write_status(const json& object, const json& status) {
  auto body = object;
  body["status"] = status;
  const auto ns = engine::namespace_of(object), name = engine::name_of(object);
  auto stored =
      client_.request({.method = "PUT",
                       .path = kCoinFlip.path(ns, name) + "/status" +
                               client::query_string({{"fieldManager", names::kFieldManager}}),
                       .body = body.dump(),
                       .content_type = "application/json"},
                      false);
  std::lock_guard lock(mutex_);
  auto& written = written_[engine::make_key(ns, name)];
  written.outdated.insert(engine::resource_version_of(object));
  written.object = stored;
  return stored;
}

}  // namespace kapp::controllers::coinflip

#include "core/engine/owned.h"

#include "core/engine/applied.h"
#include "core/engine/controller.h"
#include "core/engine/object.h"
#include "core/engine/status.h"
#include "core/engine/transform.h"
#include "core/errors.h"
#include "core/log.h"
#include "core/names.h"

namespace kapp::engine {
namespace {

std::string desired_key(const std::string& kind, const std::string& ns, const std::string& name) {
  return kind + "/" + ns + "/" + name;
}

// Creates `desired` that a synced cache says is absent, without reading it first: a server-side
// apply without force creates it, and answers 409 Conflict if an object of that name now
// holds other values in fields that other managers own. Returns the object created, or null
// on that conflict.
json create_absent(client::Client& client, const client::ResourceType& type, const json& desired) {
  try {
    return client.apply(type, desired,
                        {.field_manager = names::kFieldManager, .drop_managed_fields = true});
  } catch (const ApiError& e) {
    if (!e.conflict()) throw;
    log::info(2, "apply of " + type.kind + " " + key_of(desired) +
                     " conflicts with another field manager; reading it");
    return nullptr;
  }
}

enum class Creation { Created, Taken, Present };

// Creates `desired`, which `cache` (synced) lacks, for `owner_uid` under a claim on its name
// (Informer::claim_create): Present when it exists after all (cached meanwhile, or a conflict:
// the caller reads it), Taken when another owner of ours created it a moment ago.
Creation create_claimed(client::Client& client, Informer& cache, const json& desired,
                        const std::string& owner_uid, std::uint64_t desired_hash, json* answer) {
  const auto ns = namespace_of(desired), name = name_of(desired);
  switch (cache.claim_create(ns, name, owner_uid)) {
    case Informer::Claim::Taken:
      return Creation::Taken;
    case Informer::Claim::Cached:
      return Creation::Present;
    case Informer::Claim::Claimed:
      break;
  }
  // Ends the claim however this returns. A create that failed without a clear refusal (a
  // timeout, a broken connection, a 5xx) may have been made: the name stays taken until the
  // watch or a list says, rather than freed for another owner's apply to update it.
  struct EndClaim {
    Informer& cache;
    const std::string &ns, &name, &owner_uid;
    bool created = true;
    ~EndClaim() { cache.end_claim(ns, name, owner_uid, created); }
  } claim{cache, ns, name, owner_uid};
  json created;
  try {
    created = create_absent(client, cache.type(), desired);
  } catch (const ApiError& e) {
    if (e.code() >= 400 && e.code() < 500) claim.created = false;  // refused: nothing made
    throw;
  }
  if (created.is_null()) {  // a conflict: someone else's object holds the name
    claim.created = false;
    return Creation::Present;
  }
  cache.remember_applied(created, desired_hash);
  note_own_create(cache.type(), created);
  if (answer) *answer = std::move(created);
  return Creation::Created;
}

}  // namespace

void DesiredObjects::want(const json& object) {
  keys_.insert(desired_key(object.value("kind", ""), namespace_of(object), name_of(object)));
}

bool DesiredObjects::wants(const std::string& kind, const json& object) const {
  return wants(kind, namespace_of(object), name_of(object));
}

bool DesiredObjects::wants(const std::string& kind, const std::string& ns,
                           const std::string& name) const {
  return keys_.count(desired_key(kind, ns, name)) > 0;
}

bool DesiredObjects::wants_kind(const std::string& kind) const {
  const auto prefix = kind + "/";
  const auto it = keys_.lower_bound(prefix);
  return it != keys_.end() && it->compare(0, prefix.size(), prefix) == 0;
}

bool apply_owned(client::Client& client, Informer& cache, const json& desired,
                 const std::string& owner_uid, const AdoptRule& adopt) {
  return apply_owned(client, cache, desired, cache.get(namespace_of(desired), name_of(desired)),
                     owner_uid, adopt);
}

bool apply_owned(client::Client& client, Informer& cache, const json& desired,
                 std::optional<json> live, const std::string& owner_uid, const AdoptRule& adopt,
                 json* created) {
  const auto ns = namespace_of(desired), name = name_of(desired);
  const auto desired_hash = hash_of(desired);
  if (!live && cache.synced()) {
    switch (create_claimed(client, cache, desired, owner_uid, desired_hash, created)) {
      case Creation::Created:
        return true;
      case Creation::Taken:  // read it from the server, then judge it (adopt included)
        break;
      case Creation::Present:
        live = cache.get(ns, name);
        break;
    }
  }
  std::string checked_version;
  if (!live) {
    live = client.get_if_exists(cache.type(), ns, name);
    if (live) checked_version = resource_version_of(*live);
  }
  if (live) {
    if (!controlled_by(*live, owner_uid) && !(adopt && adopt(*live))) return false;
    if (cache.applied(*live, desired_hash)) return true;
    // No record (a restart) and the whole object at hand: compare it, as a record would.
    if (!is_slim(*live) && already_applied(desired, *live)) {
      cache.remember_applied(*live, desired_hash);
      return true;
    }
  }
  auto applied = desired;
  if (!checked_version.empty()) applied["metadata"]["resourceVersion"] = checked_version;
  cache.remember_applied(
      client.apply(
          cache.type(), applied,
          {.field_manager = names::kFieldManager, .force = true, .drop_managed_fields = true}),
      desired_hash);
  return true;
}

void prune_owned(client::Client& client, const std::vector<Informer*>& caches,
                 const std::string& owner_uid, const DesiredObjects& desired) {
  for (auto* cache : caches) {
    const auto& type = cache->type();
    for (const auto& key : cache->owned_keys(owner_uid)) {
      const auto [ns, name] = Request::from_key(key);
      if (desired.wants(type.kind, ns, name)) continue;
      const auto object = cache->get(ns, name);
      if (!object || !controlled_by(*object, owner_uid)) continue;
      log::info(1, "pruning " + type.kind + " " + key);
      client.remove(type, ns, name,
                    {.propagation_policy = "Background", .precondition_uid = uid_of(*object)});
    }
  }
}

bool write_status(client::Client& client, const client::ResourceType& type, const json& object,
                  json status) {
  const auto current = object.value("status", json::object());
  if (status.contains("conditions"))
    status["conditions"] =
        merge_conditions(current.value("conditions", json::array()), status["conditions"]);
  if (!status_differs(current, status)) return false;
  const auto written = client.apply_status(
      type,
      {{"apiVersion", type.api_version()},
       {"kind", type.kind},
       {"metadata", {{"name", name_of(object)}, {"namespace", namespace_of(object)}}},
       {"status", status}},
      {.field_manager = names::kFieldManager, .force = true, .drop_managed_fields = true});
  note_own_write(written);
  return true;
}

}  // namespace kapp::engine

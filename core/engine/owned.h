// The steps every reconciler repeats on the objects it controls: apply what changed (never
// over an object it does not control), prune what a pass no longer wants, and write status
// only when it changed. Together they make a steady state cost no writes.
#pragma once

#include <functional>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/client/client.h"
#include "core/engine/informer.h"

namespace kapp::engine {

using nlohmann::json;

// What one reconcile pass wants to exist, by kind, namespace and name: prune keeps these.
class DesiredObjects {
 public:
  void want(const json& object);
  bool wants(const std::string& kind, const json& object) const;
  bool wants(const std::string& kind, const std::string& ns, const std::string& name) const;
  bool wants_kind(const std::string& kind) const;

 private:
  std::set<std::string> keys_;  // "Kind/namespace/name"
};

// May a live object that has no controller reference to the owner be written anyway? (A
// retained PersistentVolumeClaim carries no owner reference; its labels say whose it is.)
using AdoptRule = std::function<bool(const json& live)>;

// Server-side applies `desired` (field manager names::kFieldManager, force) unless the live
// object in `cache` already says everything it says: the cache's applied record for it
// (Informer::applied: the same desired object, and the live content unchanged since it was
// applied or checked), or else, with no record (after a restart), engine::already_applied on
// the whole cached object, which is then recorded. Each apply records its answer. An object a
// synced cache lacks is created by an apply without force, with no read first: Kubernetes
// answers 409 Conflict when an object of that name exists and other managers own fields it
// would change (server-side apply's conflict rule), and only then is the server asked, as it
// is for an object missing from a cache that has not synced; that apply carries the
// resourceVersion that was checked (a 409 then means someone else created it meanwhile).
// A create from a synced cache holds a claim on the name (Informer::claim_create): all owners
// apply under one field manager, so without it a second owner's create would update an object
// the first created a moment ago; a name another owner's create took is read from the server.
// (While the cache has not synced, the read comes first and the create is not claimed.)
// Returns false, writing nothing, when an object of that name exists and is not controlled by
// `owner_uid` nor accepted by `adopt`: the never-take-over rule. (A foreign object, made by
// another field manager within the cache's lag, that already holds every value `desired` sets
// is shared, not refused: apply without force has no create-only precondition.) Throws
// ApiError on a refused request, kapp::Error when another owner's create of the name does not
// answer within a minute.
bool apply_owned(client::Client& client, Informer& cache, const json& desired,
                 const std::string& owner_uid, const AdoptRule& adopt = nullptr);
// The same, with `live` the cached object as the caller has just read it (cache.get of the
// desired object's namespace and name): a pass that looks at it first reads the cache once.
// Every create's answer is noted as the current pass's own (note_own_create: its ADDED event
// reconciles nothing), so the pass must judge the object by that answer, which `created`
// (if given) receives; it is left alone when this call created nothing.
bool apply_owned(client::Client& client, Informer& cache, const json& desired,
                 std::optional<json> live, const std::string& owner_uid,
                 const AdoptRule& adopt = nullptr, json* created = nullptr);

// Deletes every object in `caches` controlled by `owner_uid` that `desired` does not want,
// with a uid precondition (never a newer object of the same name). Reads (unpacks) only the
// cached objects `desired` lacks: a steady pass reads none. Throws ApiError.
void prune_owned(client::Client& client, const std::vector<Informer*>& caches,
                 const std::string& owner_uid, const DesiredObjects& desired);

// Writes `status` to the status subresource of `object` (of `type`) by server-side apply,
// unless it says what the object's status already says. lastTransitionTime of each condition
// is carried over while its status is unchanged (the API conventions). Returns whether it
// wrote; a write is noted as the current pass's own (note_own_write). Throws ApiError.
bool write_status(client::Client& client, const client::ResourceType& type, const json& object,
                  json status);

}  // namespace kapp::engine

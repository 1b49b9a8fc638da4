// Transforms an informer applies to every object before caching it (controller-runtime's
// cache.Options.DefaultTransform and ByObject transforms): what the controllers never read
// need not sit in memory for the life of the process.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::engine {

using nlohmann::json;

// Edits an object in place; it must keep metadata.name, metadata.namespace and
// metadata.resourceVersion (the cache's key and its relist change detection).
using Transform = std::function<void(json&)>;

// The Manager's default for every informer: removes metadata.managedFields and the
// kubectl.kubernetes.io/last-applied-configuration annotation (and `annotations` if that
// leaves it empty). Only bookkeeping goes: spec and status stay, which `already_applied`
// compares against the desired objects. A PUT of a cached object is still safe: the server
// keeps the live managedFields when a request carries none.
void strip_bookkeeping(json& object);

// FNV-1a (64-bit) of an object's canonical JSON (members sorted, as json::dump writes them):
// the same value in every process and version, so it may identify content across restarts.
std::uint64_t hash_of(const json& object);

// What identifies an object's content for the cache's applied records (Informer::applied):
// FNV-1a of the names and canonical JSON of its uid, labels, owner references and every
// top-level member but apiVersion, kind, metadata and status (a process-local value: records
// are not kept across restarts). Annotations are left out: other controllers add theirs to our
// objects (deployment.kubernetes.io/revision) and the renderers set none. For a slim object, the
// fingerprint it carries.
std::uint64_t content_fingerprint(const json& object);

// The member a slim object keeps its fingerprint in (no Kubernetes field begins with '$').
inline constexpr const char* kFingerprintMember = "$fingerprint";

// Reduces an object to apiVersion, kind, metadata (name, namespace, uid, resourceVersion,
// generation, the labels of names::kGroup (kubectl-app.io/...: the application, component and
// link labels that map objects to reconcilers and adopt claims; the app.kubernetes.io ones
// nothing reads), ownerReferences, deletionTimestamp, finalizers), status (conditions
// without timestamps, their message only while not True) and the listed members of its spec,
// and adds its content fingerprint (kFingerprintMember). What an informer keeps of an owned
// object once a reconciler has checked it (Informer::set_slim): identity, ownership, pruning
// and status read those; the listed spec members are what else a controller reads (immutable
// fields). Copies only what it keeps (the cache slims every event of a recorded object).
// Idempotent: a slim object comes back as it is.
json slim_owned(const json& object, const std::vector<std::string>& spec_members);
// What Informer::set_slim takes: slim_owned with the spec members bound.
using Slim = std::function<json(const json&)>;
bool is_slim(const json& object);

}  // namespace kapp::engine

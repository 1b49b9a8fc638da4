// Transforms an informer applies to every object before caching it (controller-runtime's
// cache.Options.DefaultTransform and ByObject transforms): what the controllers never read
// need not sit in memory for the life of the process.
#pragma once

#include <functional>

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

}  // namespace kapp::engine

// What the verbs that write share, so that each kind of write has one path: create's (every
// object checked, dry-run on the server, then applied) and delete's (with --wait).
#pragma once

#include <string>
#include <vector>

#include "core/client/client.h"
#include "core/client/resource.h"
#include "core/objects/manifest.h"
#include "plugin/cli.h"

namespace kapp::cli {

// An object of the user's input with its REST type, from the server's discovery.
struct Planned {
  objects::Manifest manifest;
  client::ResourceType type;
};
// Finds each object's type, fills in `ns` for namespaced objects that name none and drops the
// namespace of cluster-scoped ones. Throws InputError naming the document for a kind the
// server does not serve, ApiError when discovery fails.
std::vector<Planned> resolve(client::Client& client, std::vector<objects::Manifest> manifests,
                             const std::string& ns);

// The namespace objects go to: -n, else the context's; a client-side dry run needs no
// kubeconfig, so there it is -n or "default".
std::string target_namespace(const cxxopts::ParseResult& parsed, Session& session, DryRun mode);

// Creates or updates `manifests` (already objects::prepare'd) as `kubectl app create` does:
// Components' Applications must exist, the server validates every object in a dry run before
// any is written, then each is applied. Prints "kind.group/name created|configured|unchanged",
// or the objects as `format` (-o) when given. Not for DryRun::Client (nothing to send).
int create_objects(Session& session, std::vector<objects::Manifest> manifests, DryRun mode,
                   const std::string& format);

// --wait, --timeout and --ignore-not-found, as `delete` has them.
void add_delete_flags(cxxopts::Options& options);
// Deletes the objects `names` of `type` in the session's namespace as `kubectl app delete`
// does, following --dry-run, --ignore-not-found and --wait (until finalizers are done, within
// --timeout) of `parsed`. Prints `kind.group "name" deleted` for each.
int delete_objects(const cxxopts::ParseResult& parsed, Session& session,
                   const client::ResourceType& type, const std::vector<std::string>& names);

}  // namespace kapp::cli

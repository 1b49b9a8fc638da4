// What `kubectl app diff` compares, as kubectl diff prepares it (kubernetes/kubectl
// pkg/cmd/diff/diff.go): one file per object in a LIVE and a MERGED directory, named
// group.version.kind.namespace.name, holding the object as YAML without
// metadata.managedFields, Secret data masked; then `diff -u -N LIVE MERGED`, or the program
// of KUBECTL_EXTERNAL_DIFF. Pure logic: the plugin writes the files and runs the program.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::objects {

using nlohmann::json;

// "apps.v1.Deployment.demo.web", "v1.Namespace..demo" (a cluster-scoped object has an empty
// namespace), "kubectl-app.io.v1alpha1.Application.demo.shop": kubectl's InfoObject.Name(),
// the group left out with its dot when empty. From the object's apiVersion, kind, and
// metadata.namespace and name.
std::string diff_file_name(const json& object);

// The object as the diff shows it: metadata.managedFields dropped unless
// `show_managed_fields` (kubectl diff --show-managed-fields); everything else, status and
// resourceVersion included, stays, as in kubectl. A null object (absent) stays null.
json diff_view(json object, bool show_managed_fields);

// kubectl's Masker for v1 Secrets (when `merged` is one): every value of `data` becomes
// "***", and a key whose value differs between the two becomes "*** (before)" in `live` and
// "*** (after)" in `merged`, so a change shows without its content. `live` may be null (the
// object does not exist yet). Other kinds are left alone.
void mask_secret_data(json& live, json& merged);

// The program that compares the directories and its arguments.
struct DiffCommand {
  std::string program;
  std::vector<std::string> args;
};

// kubectl's DiffProgram.getCommand: without KUBECTL_EXTERNAL_DIFF (`external` empty or
// unset), `diff -u -N FROM TO`. Otherwise `external` is split on single spaces: the first
// word is the program, and each further word made only of ASCII letters, digits, '-' and '='
// is passed after FROM and TO (others are dropped, as kubectl drops them).
DiffCommand diff_command(const std::optional<std::string>& external, const std::string& from,
                         const std::string& to);

}  // namespace kapp::objects

// Offline validation of the documents `create -f` sends: each is checked as the API server
// would check it, with no cluster. Our kinds against the OpenAPI v3 schemas of the embedded
// CRDs (crds/*.yaml) and their CEL rules restated in C++; Kubernetes' built-in kinds by their
// metadata only. Messages are worded as the server's field errors.
#pragma once

#include <string>
#include <vector>

#include "core/objects/manifest.h"

namespace kapp::validation {

// One thing wrong with a document, as the API server words a field error.
struct Problem {
  std::string field;    // "spec.components[1].replicas"; "" for the document as a whole
  std::string detail;   // "Invalid value: -3: should be greater than or equal to 0"
  std::string pointer;  // RFC 6901 pointer of the node in the object, for its line
};

struct Result {
  std::vector<Problem> problems;
  // False for a kind of a group this binary holds no schema for (a third-party CRD's): only
  // its apiVersion, kind and metadata were checked; the server checks the rest.
  bool fully_checked = true;
};

// Checks one object (any JSON value: a document of any shape) as the API server checks it on
// create with strict field validation (`kubectl create --validate=strict`):
// - apiVersion and kind are strings; a kind of our group or of a built-in Kubernetes group
//   that does not exist there is refused ("no matches for kind", as kubectl's RESTMapper);
// - metadata: name (a DNS-1123 subdomain, or label for kinds whose names are labels),
//   namespace (a DNS-1123 label), labels and annotations (maps of strings, keys and values
//   as apimachinery's validation allows), no unknown field;
// - our kinds: the schema (types, required, enum, bounds, patterns) with the Kubernetes
//   extensions (null pruned unless nullable, defaults applied before the checks, unknown fields
//   refused unless x-kubernetes-preserve-unknown-fields, x-kubernetes-int-or-string,
//   x-kubernetes-list-type set/map), then the CEL rules that need no old object.
// `status` is not checked: the server drops it on create (status subresource).
// Never throws for the shape of `object`.
Result validate(const nlohmann::json& object);

// "shop.yaml:12: document 2, Application "shop": spec.components[1].replicas: Invalid value:
// -3: should be greater than or equal to 0": file, line of the field (or of its nearest
// ancestor present), the document's index, kind and name when known, then the problem.
std::string describe(const objects::Manifest& manifest, const Problem& problem);

// Validates every manifest; throws InvalidInput holding one line (as describe()) per problem
// of every document, so that nothing is sent when one document is bad. Documents of kinds
// not fully checked are passed over (for the caller to warn about, or for the server).
// Returns the manifests that were not fully checked.
std::vector<const objects::Manifest*> check_all(const std::vector<objects::Manifest>& manifests);

// The CEL rules of the CRDs that only the API server can check, for --help: transition rules
// (immutable fields) need the old object.
inline constexpr const char* kServerOnlyRules =
    "Component spec.application is immutable; an AppLink's spec.from and spec.to are immutable";

}  // namespace kapp::validation

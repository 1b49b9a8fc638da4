// kubectl app validate -f FILE: every document checked offline, with no cluster and no
// kubeconfig, by the checks `create` runs before it sends anything (core/validation).
#include <iostream>

#include "core/errors.h"
#include "core/validation/validator.h"
#include "plugin/commands.h"
#include "plugin/manifests.h"

namespace kapp::cli {

cxxopts::Options validate_options() {
  auto options = new_options(
      "validate -f FILE [-f FILE...]",
      std::string("Check every document of the files offline, as the API server would on create: "
                  "our kinds against the OpenAPI schemas of the CRDs built into this binary and "
                  "the rules the CRDs state in CEL (unique component, port and volume names, "
                  "communications naming components of the application and ports they serve, at "
                  "least one component, AppLink names of at most 63 characters, ...); Kubernetes' "
                  "built-in kinds by their metadata; unknown kinds and unknown fields refused. "
                  "Needs no cluster. Exit 0 when every document is valid, 1 with one line per "
                  "problem (file:line, document, field, rule) otherwise. Only the server checks "
                  "the rules that compare with the stored object (") +
          validation::kServerOnlyRules +
          ") and the schemas of other groups' kinds: use 'kubectl app create --dry-run=server'.",
      "  # Check a file before creating it; no cluster is needed\n"
      "  kubectl app validate -f samples/shop.yaml\n"
      "\n"
      "  # Check what a generator prints\n"
      "  ./render.sh | kubectl app validate -f -");
  options.add_options()("f,filename",
                        "Files to validate (YAML or JSON, several documents; '-' "
                        "reads stdin)",
                        cxxopts::value<std::vector<std::string>>(), value_kind::kFile);
  return options;
}

int run_validate(const Args& args) {
  auto options = validate_options();
  const auto parsed = parse(options, args);
  if (!parsed.count("filename"))
    throw UsageError("nothing to validate; pass -f FILE, or see 'kubectl app validate --help'");
  const auto manifests = read_manifests(parsed);
  for (const auto* m : validation::check_all(manifests)) {
    std::cerr << "Warning: "
              << validation::describe(*m, {"",
                                           "no schema for this kind here; only "
                                           "its apiVersion, kind and metadata "
                                           "were checked (--dry-run=server checks "
                                           "the rest)",
                                           ""})
              << "\n";
  }
  for (const auto& m : manifests) std::cout << object_ref(m.object) << " valid\n";
  return 0;
}

}  // namespace kapp::cli

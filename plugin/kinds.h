// Our kinds as the CLI names them: `kubectl app get kapp`, `delete coinflip x`, ...
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "core/client/resource.h"

namespace kapp::cli {

// application(s)/kapp, component(s)/kcomp, applink(s), coinflip(s). Throws UsageError.
const client::ResourceType& kind_named(const std::string& name);
const std::vector<const client::ResourceType*>& all_kinds();
// Every name kind_named takes (without the .kubectl-app.io suffix) with the kind's plural, as
// "kapp" -> "applications", in name order; for the shell completion.
std::vector<std::pair<std::string, std::string>> kind_names();

}  // namespace kapp::cli

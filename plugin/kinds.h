// Our kinds as the CLI names them: `kubectl app get kapp`, `delete coinflip x`, ...
#pragma once

#include <string>
#include <vector>

#include "core/client/resource.h"

namespace kapp::cli {

// application(s)/kapp, component(s)/kcomp, applink(s), coinflip(s). Throws UsageError.
const client::ResourceType& kind_named(const std::string& name);
const std::vector<const client::ResourceType*>& all_kinds();

}  // namespace kapp::cli

// The documents of -f, as every verb that reads files takes them.
#pragma once

#include <vector>

#include "core/objects/manifest.h"
#include "plugin/cli.h"

namespace kapp::cli {

// Every document of the files of -f/--filename (repeatable, comma-separated as kubectl's;
// "-" reads stdin), in order; a List stands for its items. Throws InputError for a file that
// cannot be read or parsed (naming file and line), or when the files hold no object at all.
std::vector<objects::Manifest> read_manifests(const cxxopts::ParseResult& parsed);

}  // namespace kapp::cli

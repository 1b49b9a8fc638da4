// Which strings may be written as plain (unquoted) YAML scalars and still read back as strings.
#pragma once

#include <string>

namespace kapp::yaml {

// True when every YAML reader we know of resolves the plain scalar `s` as the string `s`:
// YAML 1.2's core schema, YAML 1.1's types (bool, int, float, null, timestamp, merge, value;
// https://yaml.org/type/) and go-yaml v2's resolver, which kubectl reads YAML with
// (sigs.k8s.io/yaml → goyaml.v2 resolve.go, plus encode.go's base-60 check). False for the
// empty string and for leading or trailing blanks, which a plain scalar drops. It errs towards
// false: a string quoted without need still reads back the same. Syntax (indicators such as
// `- `, `: `, ` #`) is not judged here; the emitter quotes that by itself.
bool plain_reads_as_string(const std::string& s);

}  // namespace kapp::yaml

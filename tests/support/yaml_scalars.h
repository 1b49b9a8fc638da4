// Strings whose plain YAML form is not that string to some reader: what `-o yaml` must quote.
// Shared by the unit tests (our parser) and the integration tests (kubectl reads them back).
#pragma once

#include <string>
#include <vector>

namespace kapp::test {

// Every kind of plain scalar that some YAML 1.1 or 1.2 resolver (go-yaml v2's among them)
// reads as something other than a string.
inline const std::vector<std::string> kSpecial = {
    // null
    "", "~", "null", "Null", "NULL",
    // booleans in every YAML 1.1 spelling
    "y", "Y", "yes", "Yes", "YES", "n", "N", "no", "No", "NO", "true", "True", "TRUE", "false",
    "False", "FALSE", "on", "On", "ON", "off", "Off", "OFF",
    // integers: underscores, binary, octal, hex (Go's upper-case prefixes too), base 60
    "1_000", "0b101", "0B101", "-0b1", "0b_", "0o17", "0O17", "017", "08", "0x1F", "0X1F", "+0x1F",
    "0x_0A_74_AE", "0b1010_0111", "+685_230", "123", "0", "-0", "+1", "-1", "1:20", "190:20:30",
    "-1:20",
    // floats: sign, exponent, dot forms, base 60, infinities and NaN in all cases
    "1.5", "+1.5", "-1.5e-3", "1e5", "1E5", "1.", ".5", ".", "6.8523015e+5", "685.230_15e+03",
    "1_0.5", "1:20.5", "190:20:30.15", ".inf", ".Inf", ".INF", "+.inf", "-.inf", "-.Inf", "-.INF",
    ".nan", ".NaN", ".NAN",
    // merge and value keys
    "<<", "=",
    // dates and timestamps
    "2001-12-14", "2002-1-2", "2001-12-14t21:59:43.10-05:00", "2001-12-14T21:59:43.10Z",
    "2001-12-14 21:59:43.10 -5", "2001-12-15 2:59:43.10",
    // blanks a plain scalar would drop
    " ", " a", "a ", "\t", "a\t"};

// Strings whose plain form is syntax rather than a type: the emitter must quote them too.
inline const std::vector<std::string> kSyntax = {
    "-",  "- a", "?",  "? a", ":",     "a: b", "#x",  "a #b", "&a", "*a",
    "!a", "|",   ">",  "'",   "\"",    "%",    "@",   "`",    "{",  "}",
    "[",  "]",   ",a", "a,b", "--- a", "---",  "...", "... a"};

// Strings no reader takes for another type, printed plain as kubectl prints them.
inline const std::vector<std::string> kPlain = {
    "500m",      "100Mi", "nginx:1.27", "10.0.0.1", "1.27.3", "v1",  "hello world",
    "yesterday", "onion", "2001-12",    "0xZZ",     "12:70",  "1_a", "http://x:80/y"};

}  // namespace kapp::test

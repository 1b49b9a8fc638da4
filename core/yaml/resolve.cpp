#include "core/yaml/resolve.h"

#include <algorithm>
#include <regex>

namespace kapp::yaml {
namespace {

// Words every resolver maps by name. YAML 1.1 bool (https://yaml.org/type/bool.html), null
// (null.html), merge `<<` (merge.html) and value `=` (value.html); YAML 1.2 core's infinities
// and NaN; go-yaml v2's resolveMapList adds `+.inf` and reads y/Y/n/N as booleans.
const std::regex& words() {
  static const std::regex re(
      "~|null|Null|NULL"
      "|y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF"
      "|[-+]?\\.(inf|Inf|INF|nan|NaN|NAN)|<<|=");
  return re;
}

// Numbers, matched with every `_` removed: YAML 1.1 ignores underscores in numbers
// (int.html, float.html) and go-yaml v2 removes them all before strconv.ParseInt(s, 0, 64),
// which also reads Go's 0X, 0B and 0O prefixes. Digit runs may be empty where YAML 1.1's
// regexps allow a run of underscores only (`0b_`, `0x_`).
const std::regex& numbers() {
  static const std::regex re(
      "[-+]?("
      "0[bB][01]*|0[oO][0-7]*|0[xX][0-9a-fA-F]*"           // binary, octal, hex (1.1, 1.2, Go)
      "|[0-9]+"                                            // decimal, and 1.1's 0-prefixed octal
      "|[0-9]+(:[0-5]?[0-9])+(\\.[0-9]*)?"                 // 1.1 base 60; go-yaml's base60float
      "|([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][-+]?[0-9]+)?"  // 1.2 float; go-yaml's yamlStyleFloat
      "|[0-9]*\\.[0-9]*([eE][-+][0-9]+)?"  // 1.1 float ([0-9.] in its page is a typo for [0-9_])
      ")");
  return re;
}

// YAML 1.1 timestamps (timestamp.html) and go-yaml v2's parseTimestamp formats, which also
// take one-digit months, days and time fields (2006-1-2T15:4:5.999999999Z07:00).
const std::regex& timestamps() {
  static const std::regex re(
      "[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}"
      "(([Tt]|[ \\t]+)[0-9]{1,2}:[0-9]{1,2}:[0-9]{1,2}(\\.[0-9]*)?"
      "([ \\t]*(Z|[-+][0-9]{1,2}(:?[0-9]{2})?))?)?");
  return re;
}

bool blank(char c) { return c == ' ' || c == '\t'; }

}  // namespace

bool plain_reads_as_string(const std::string& s) {
  if (s.empty() || blank(s.front()) || blank(s.back())) return false;
  if (std::regex_match(s, words())) return false;
  // Numbers and timestamps begin with a sign, a digit or a dot in every resolver (go-yaml v2's
  // resolveTable hints); anything else that is not a word above is a string.
  const char first = s.front();
  if (!(first == '-' || first == '+' || first == '.' || (first >= '0' && first <= '9')))
    return true;
  if (std::regex_match(s, timestamps())) return false;
  std::string digits = s;
  digits.erase(std::remove(digits.begin(), digits.end(), '_'), digits.end());
  return !std::regex_match(digits, numbers());
}

}  // namespace kapp::yaml

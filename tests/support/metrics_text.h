// Reading counters back from a Prometheus text exposition (what /metrics serves), for tests.
#pragma once

#include <regex>
#include <string>

namespace kapp::test {

// The sum of the values of every `family` series whose labels start with what `labels`
// (an ECMAScript regex) matches; 0 when none does. E.g. `controller="application"`.
inline double sum_series(const std::string& text, const std::string& family,
                         const std::string& labels) {
  const std::regex series(family + "\\{" + labels + "[^}]*\\} (\\S+)");
  double total = 0;
  for (std::sregex_iterator it(text.begin(), text.end(), series), end; it != end; ++it)
    total += std::stod((*it)[1]);
  return total;
}

}  // namespace kapp::test

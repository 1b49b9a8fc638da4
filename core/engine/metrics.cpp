#include "core/engine/metrics.h"

#include <charconv>
#include <cmath>
#include <cstdint>
#include <stdexcept>

namespace kapp::engine {

struct Metrics::Series {
  double value = 0;                    // counter or gauge
  std::vector<std::uint64_t> buckets;  // histogram: per bucket, not cumulative; last is +Inf
  double sum = 0;
  std::uint64_t count = 0;
};

struct Metrics::Family {
  Type type;
  std::string help;
  std::vector<double> bounds;            // histogram upper bounds, without +Inf
  std::vector<std::string> label_names;  // fixed by the first series
  std::map<Labels, Series> series;       // ordered, so rendering is sorted for free

  static const char* name_of(Type t) {
    return t == Type::Counter ? "counter" : t == Type::Gauge ? "gauge" : "histogram";
  }
};

namespace {

bool is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_'; }
bool is_digit(char c) { return c >= '0' && c <= '9'; }

// [a-zA-Z_:][a-zA-Z0-9_:]*
bool valid_metric_name(const std::string& name) {
  if (name.empty() || is_digit(name[0])) return false;
  for (char c : name) {
    if (!is_alpha(c) && !is_digit(c) && c != ':') return false;
  }
  return true;
}

// [a-zA-Z_][a-zA-Z0-9_]*, and names starting with "__" are reserved for Prometheus itself.
bool valid_label_name(const std::string& name) {
  if (name.empty() || is_digit(name[0]) || name.rfind("__", 0) == 0) return false;
  for (char c : name) {
    if (!is_alpha(c) && !is_digit(c)) return false;
  }
  return true;
}

// Shortest text that reads back to the same double, like Go's strconv 'g' with precision -1,
// which is what client_golang writes.
std::string format_value(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, value);
  return std::string(buffer, result.ptr);
}

std::string escape(const std::string& text, bool quotes) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    if (c == '\\') {
      out += "\\\\";
    } else if (c == '\n') {
      out += "\\n";
    } else if (c == '"' && quotes) {
      out += "\\\"";
    } else {
      out += c;
    }
  }
  return out;
}

// `{a="x",b="y"}`, with `le` appended for histogram buckets; empty when there is nothing.
std::string format_labels(const Labels& labels, const std::string& le = "") {
  if (labels.empty() && le.empty()) return "";
  std::string out = "{";
  for (const auto& [name, value] : labels) {
    if (out.size() > 1) out += ',';
    out += name + "=\"" + escape(value, true) + '"';
  }
  if (!le.empty()) out += std::string(out.size() > 1 ? "," : "") + "le=\"" + le + '"';
  return out + '}';
}

std::string join_names(const std::vector<std::string>& names) {
  std::string out;
  for (const auto& name : names) out += (out.empty() ? "" : ",") + name;
  return "{" + out + "}";
}

std::vector<std::string> names_of(const Labels& labels) {
  std::vector<std::string> names;
  for (const auto& label : labels) names.push_back(label.first);
  return names;
}

void check_label_names(const std::string& metric, const Labels& labels, bool histogram) {
  const auto names = names_of(labels);
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (!valid_label_name(names[i]) || (histogram && names[i] == "le")) {
      throw std::logic_error("metric " + metric + ": invalid label name \"" + names[i] + "\"");
    }
    for (std::size_t j = 0; j < i; ++j) {
      if (names[i] == names[j]) {
        throw std::logic_error("metric " + metric + ": label \"" + names[i] + "\" given twice");
      }
    }
  }
}

// Drops a trailing +Inf (it is always rendered) and insists on strictly increasing bounds,
// as client_golang does, since otherwise the cumulative counts would not be monotonic.
std::vector<double> check_buckets(const std::string& name, std::vector<double> bounds) {
  if (!bounds.empty() && std::isinf(bounds.back()) && bounds.back() > 0) bounds.pop_back();
  for (std::size_t i = 0; i < bounds.size(); ++i) {
    if (std::isnan(bounds[i]) || (i > 0 && !(bounds[i - 1] < bounds[i]))) {
      throw std::logic_error("histogram " + name + ": buckets must be strictly increasing");
    }
  }
  return bounds;
}

void render_histogram(std::string& out, const std::string& name, const std::vector<double>& bounds,
                      const Labels& labels, const std::vector<std::uint64_t>& buckets, double sum,
                      std::uint64_t count) {
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    cumulative += buckets[i];
    const auto le = i < bounds.size() ? format_value(bounds[i]) : "+Inf";
    out += name + "_bucket" + format_labels(labels, le) + ' ' + std::to_string(cumulative) + '\n';
  }
  out += name + "_sum" + format_labels(labels) + ' ' + format_value(sum) + '\n';
  out += name + "_count" + format_labels(labels) + ' ' + std::to_string(count) + '\n';
}

}  // namespace

Metrics::Metrics() = default;
Metrics::~Metrics() = default;

Metrics& Metrics::global() {
  // Leaked on purpose: a static object would be destroyed at exit while workers may still count.
  static Metrics* const registry = new Metrics();
  return *registry;
}

void Metrics::counter(const std::string& name, const std::string& help) {
  declare(name, help, Type::Counter, {});
}

void Metrics::gauge(const std::string& name, const std::string& help) {
  declare(name, help, Type::Gauge, {});
}

void Metrics::histogram(const std::string& name, const std::string& help,
                        std::vector<double> buckets) {
  declare(name, help, Type::Histogram, check_buckets(name, std::move(buckets)));
}

void Metrics::declare(const std::string& name, const std::string& help, Type type,
                      std::vector<double> buckets) {
  if (!valid_metric_name(name)) throw std::logic_error("invalid metric name \"" + name + "\"");
  std::lock_guard lock(mutex_);
  const auto found = families_.find(name);
  if (found == families_.end()) {
    families_.emplace(name, std::make_unique<Family>(Family{type, help, std::move(buckets)}));
  } else if (found->second->type != type) {
    throw std::logic_error("metric " + name + " is already declared as a " +
                           Family::name_of(found->second->type));
  }
}

Metrics::Series& Metrics::series(const std::string& name, Type type, const Labels& labels) {
  const auto found = families_.find(name);
  if (found == families_.end()) throw std::logic_error("metric " + name + " is not declared");
  Family& family = *found->second;
  if (family.type != type) {
    throw std::logic_error("metric " + name + " is a " + Family::name_of(family.type) + ", not a " +
                           Family::name_of(type));
  }
  if (const auto existing = family.series.find(labels); existing != family.series.end()) {
    return existing->second;
  }
  // A new series: its label names must be valid and the same as the family's other series.
  if (family.series.empty()) {
    check_label_names(name, labels, type == Type::Histogram);
    family.label_names = names_of(labels);
  } else if (names_of(labels) != family.label_names) {
    throw std::logic_error("metric " + name + ": labels " + join_names(names_of(labels)) +
                           " differ from " + join_names(family.label_names) + " used before");
  }
  Series& created = family.series[labels];
  if (type == Type::Histogram) created.buckets.assign(family.bounds.size() + 1, 0);
  return created;
}

void Metrics::add(const std::string& name, const Labels& labels, double value) {
  // Counters only go up; rate() would read a decrease as a restart.
  if (!(value >= 0)) throw std::logic_error("counter " + name + " cannot be decreased");
  std::lock_guard lock(mutex_);
  series(name, Type::Counter, labels).value += value;
}

void Metrics::set(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  series(name, Type::Gauge, labels).value = value;
}

void Metrics::observe(const std::string& name, const Labels& labels, double value) {
  std::lock_guard lock(mutex_);
  Series& target = series(name, Type::Histogram, labels);
  const auto& bounds = families_.at(name)->bounds;
  std::size_t bucket = 0;
  while (bucket < bounds.size() && !(value <= bounds[bucket])) ++bucket;
  ++target.buckets[bucket];
  target.sum += value;
  ++target.count;
}

std::string Metrics::render() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    out += "# HELP " + name + ' ' + escape(family->help, false) + '\n';
    out += "# TYPE " + name + ' ' + Family::name_of(family->type) + '\n';
    for (const auto& [labels, s] : family->series) {
      if (family->type == Type::Histogram) {
        render_histogram(out, name, family->bounds, labels, s.buckets, s.sum, s.count);
      } else {
        out += name + format_labels(labels) + ' ' + format_value(s.value) + '\n';
      }
    }
  }
  return out;
}

std::vector<double> Metrics::default_buckets() {
  return {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

}  // namespace kapp::engine

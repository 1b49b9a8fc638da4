// A small thread-safe Prometheus registry for the controller engine: counters, gauges and
// histograms with labels, rendered in the text exposition format 0.0.4 for /metrics.
// Misuse (an undeclared name, the wrong type, a bad name) is a programming error and throws
// std::logic_error, so it shows up in the first test run rather than as a silent gap on a graph.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

namespace kapp::engine {

// Label name/value pairs, rendered in the order given. Every series of one family must use the
// same names in the same order (like a client_golang *Vec), so no series can appear twice.
using Labels = std::vector<std::pair<std::string, std::string>>;

class Metrics {
 public:
  Metrics();
  ~Metrics();
  Metrics(const Metrics&) = delete;
  Metrics& operator=(const Metrics&) = delete;

  // The process registry. Never destroyed, so threads still running at exit can use it.
  static Metrics& global();

  // Declares a family once (HELP/TYPE lines); calling again with the same name is a no-op, and
  // with the same name but another type throws.
  void counter(const std::string& name, const std::string& help);
  void gauge(const std::string& name, const std::string& help);
  // `buckets` are the upper bounds, strictly increasing; +Inf is always added.
  void histogram(const std::string& name, const std::string& help,
                 std::vector<double> buckets = default_buckets());

  // Counter: increases by `value`, which must not be negative.
  void add(const std::string& name, const Labels& labels, double value = 1);
  // Gauge: replaces the value.
  void set(const std::string& name, const Labels& labels, double value);
  // Histogram: counts `value` in every bucket whose bound is >= value.
  void observe(const std::string& name, const Labels& labels, double value);

  // Families sorted by name, series sorted by label values.
  std::string render() const;

  // client_golang's DefBuckets: 0.005 .. 10 (seconds).
  static std::vector<double> default_buckets();

 private:
  enum class Type { Counter, Gauge, Histogram };
  struct Series;
  struct Family;

  void declare(const std::string& name, const std::string& help, Type type,
               std::vector<double> buckets);
  // The series for `labels`, created on first use; the caller holds mutex_.
  Series& series(const std::string& name, Type type, const Labels& labels);

  mutable std::mutex mutex_;
  std::map<std::string, std::unique_ptr<Family>> families_;
};

}  // namespace kapp::engine

#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <limits>
#include <stdexcept>
#include <thread>
#include <vector>

#include "core/engine/metrics.h"

using kapp::engine::Labels;
using kapp::engine::Metrics;

namespace {

struct Command {
  int exit_code;
  std::string output;  // stdout and stderr together
};

Command run_with_input(const std::string& command, const std::string& input) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("kapp-metrics-" + std::to_string(::getpid()) + ".txt");
  std::ofstream(path) << input;
  FILE* pipe = ::popen((command + " < '" + path.string() + "' 2>&1").c_str(), "r");
  REQUIRE(pipe != nullptr);
  std::string output;
  std::array<char, 4096> buffer{};
  while (const auto n = std::fread(buffer.data(), 1, buffer.size(), pipe))
    output.append(buffer.data(), n);
  const int status = ::pclose(pipe);
  std::filesystem::remove(path);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, output};
}

}  // namespace

TEST_CASE("a counter renders HELP, TYPE and one line per label set") {
  Metrics m;
  m.counter("kapp_reconcile_total", "Reconciles by controller and result.");
  m.add("kapp_reconcile_total", {{"controller", "app"}, {"result", "success"}});
  m.add("kapp_reconcile_total", {{"controller", "app"}, {"result", "error"}}, 2);
  m.add("kapp_reconcile_total", {{"controller", "app"}, {"result", "success"}}, 0.5);
  CHECK(m.render() ==
        "# HELP kapp_reconcile_total Reconciles by controller and result.\n"
        "# TYPE kapp_reconcile_total counter\n"
        "kapp_reconcile_total{controller=\"app\",result=\"error\"} 2\n"
        "kapp_reconcile_total{controller=\"app\",result=\"success\"} 1.5\n");
}

TEST_CASE("a gauge keeps the last value set") {
  Metrics m;
  m.gauge("kapp_workqueue_depth", "Keys waiting.");
  m.set("kapp_workqueue_depth", {}, 7);
  m.set("kapp_workqueue_depth", {}, 3);
  CHECK(m.render() ==
        "# HELP kapp_workqueue_depth Keys waiting.\n"
        "# TYPE kapp_workqueue_depth gauge\n"
        "kapp_workqueue_depth 3\n");
}

TEST_CASE("a histogram renders cumulative buckets up to +Inf, then _sum and _count") {
  Metrics m;
  m.histogram("kapp_reconcile_duration_seconds", "Time in one reconcile.", {0.25, 0.5, 1});
  for (double v : {0.25, 0.5, 0.5, 2.0}) {
    m.observe("kapp_reconcile_duration_seconds", {{"controller", "app"}}, v);
  }
  CHECK(m.render() ==
        "# HELP kapp_reconcile_duration_seconds Time in one reconcile.\n"
        "# TYPE kapp_reconcile_duration_seconds histogram\n"
        "kapp_reconcile_duration_seconds_bucket{controller=\"app\",le=\"0.25\"} 1\n"
        "kapp_reconcile_duration_seconds_bucket{controller=\"app\",le=\"0.5\"} 3\n"
        "kapp_reconcile_duration_seconds_bucket{controller=\"app\",le=\"1\"} 3\n"
        "kapp_reconcile_duration_seconds_bucket{controller=\"app\",le=\"+Inf\"} 4\n"
        "kapp_reconcile_duration_seconds_sum{controller=\"app\"} 3.25\n"
        "kapp_reconcile_duration_seconds_count{controller=\"app\"} 4\n");
}

TEST_CASE("a histogram without labels puts only le in its bucket lines") {
  Metrics m;
  m.histogram("wait_seconds", "Waits.", {1});
  m.observe("wait_seconds", {}, 0.5);
  CHECK(m.render() ==
        "# HELP wait_seconds Waits.\n"
        "# TYPE wait_seconds histogram\n"
        "wait_seconds_bucket{le=\"1\"} 1\n"
        "wait_seconds_bucket{le=\"+Inf\"} 1\n"
        "wait_seconds_sum 0.5\n"
        "wait_seconds_count 1\n");
}

TEST_CASE("the default buckets are client_golang's DefBuckets") {
  CHECK(Metrics::default_buckets() ==
        std::vector<double>{0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10});
}

TEST_CASE("label values escape backslash, double quote and newline") {
  Metrics m;
  m.gauge("g", "h");
  m.set("g", {{"path", "C:\\dir \"x\"\nnext"}}, 1);
  CHECK(m.render() == "# HELP g h\n# TYPE g gauge\ng{path=\"C:\\\\dir \\\"x\\\"\\nnext\"} 1\n");
}

TEST_CASE("HELP text escapes backslash and newline but keeps quotes") {
  Metrics m;
  m.gauge("g", "a \\ \"b\"\nc");
  CHECK(m.render() == "# HELP g a \\\\ \"b\"\\nc\n# TYPE g gauge\n");
}

TEST_CASE("values are written like Go: shortest form, +Inf, -Inf and NaN") {
  Metrics m;
  m.gauge("g", "h");
  m.set("g", {{"v", "a"}}, 0.1);
  m.set("g", {{"v", "b"}}, 1e6);
  m.set("g", {{"v", "c"}}, -std::numeric_limits<double>::infinity());
  m.set("g", {{"v", "d"}}, std::numeric_limits<double>::quiet_NaN());
  m.set("g", {{"v", "e"}}, 1e21);
  CHECK(m.render() ==
        "# HELP g h\n# TYPE g gauge\n"
        "g{v=\"a\"} 0.1\ng{v=\"b\"} 1e+06\ng{v=\"c\"} -Inf\ng{v=\"d\"} NaN\ng{v=\"e\"} 1e+21\n");
}

TEST_CASE("families render sorted by name and series sorted by label values") {
  Metrics m;
  m.gauge("zeta", "z");
  m.counter("alpha_total", "a");
  m.set("zeta", {{"k", "b"}}, 2);
  m.set("zeta", {{"k", "a"}}, 1);
  m.add("alpha_total", {});
  CHECK(m.render() ==
        "# HELP alpha_total a\n# TYPE alpha_total counter\nalpha_total 1\n"
        "# HELP zeta z\n# TYPE zeta gauge\nzeta{k=\"a\"} 1\nzeta{k=\"b\"} 2\n");
}

TEST_CASE("declaring a family again is a no-op that keeps its series") {
  Metrics m;
  m.counter("c_total", "first");
  m.add("c_total", {}, 2);
  m.counter("c_total", "second");
  CHECK(m.render() == "# HELP c_total first\n# TYPE c_total counter\nc_total 2\n");
}

TEST_CASE("using an undeclared metric throws logic_error") {
  Metrics m;
  CHECK_THROWS_AS(m.add("nope_total", {}), std::logic_error);
  CHECK_THROWS_AS(m.set("nope", {}, 1), std::logic_error);
  CHECK_THROWS_AS(m.observe("nope_seconds", {}, 1), std::logic_error);
}

TEST_CASE("using a metric as another type throws logic_error") {
  Metrics m;
  m.counter("c_total", "h");
  m.gauge("g", "h");
  CHECK_THROWS_AS(m.set("c_total", {}, 1), std::logic_error);
  CHECK_THROWS_AS(m.observe("g", {}, 1), std::logic_error);
  CHECK_THROWS_AS(m.gauge("c_total", "h"), std::logic_error);
}

TEST_CASE("invalid metric and label names throw logic_error") {
  Metrics m;
  CHECK_THROWS_AS(m.counter("1st_total", "h"), std::logic_error);
  CHECK_THROWS_AS(m.gauge("has-dash", "h"), std::logic_error);
  CHECK_THROWS_AS(m.gauge("", "h"), std::logic_error);
  m.gauge("g", "h");
  CHECK_THROWS_AS(m.set("g", {{"bad-name", "x"}}, 1), std::logic_error);
  CHECK_THROWS_AS(m.set("g", {{"__reserved", "x"}}, 1), std::logic_error);
  CHECK_THROWS_AS(m.set("g", {{"a", "x"}, {"a", "y"}}, 1), std::logic_error);
  m.histogram("h_seconds", "h");
  CHECK_THROWS_AS(m.observe("h_seconds", {{"le", "1"}}, 1), std::logic_error);
}

TEST_CASE("every series of a family must use the same label names") {
  Metrics m;
  m.counter("c_total", "h");
  m.add("c_total", {{"verb", "GET"}, {"code", "200"}});
  CHECK_THROWS_AS(m.add("c_total", {{"code", "200"}, {"verb", "GET"}}), std::logic_error);
  CHECK_THROWS_AS(m.add("c_total", {}), std::logic_error);
}

TEST_CASE("a counter cannot be decreased") {
  Metrics m;
  m.counter("c_total", "h");
  CHECK_THROWS_AS(m.add("c_total", {}, -1), std::logic_error);
}

TEST_CASE("histogram buckets must be strictly increasing") {
  Metrics m;
  CHECK_THROWS_AS(m.histogram("h_seconds", "h", {1, 0.5}), std::logic_error);
  CHECK_THROWS_AS(m.histogram("h_seconds", "h", {1, 1}), std::logic_error);
}

TEST_CASE("concurrent adds and observes from many threads sum exactly") {
  Metrics m;
  m.counter("c_total", "h");
  m.histogram("h_seconds", "h", {1});
  constexpr int kThreads = 8;
  constexpr int kEach = 5000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&m, t] {
      for (int i = 0; i < kEach; ++i) {
        m.add("c_total", {{"shared", "yes"}});
        m.add("c_total", {{"shared", "no" + std::to_string(t)}});
        m.observe("h_seconds", {}, 0.5);
        if (i % 1000 == 0) (void)m.render();  // rendering while others write must be safe
      }
    });
  }
  for (auto& thread : threads) thread.join();
  const auto text = m.render();
  CHECK_THAT(text, Catch::Contains("c_total{shared=\"yes\"} 40000\n"));
  CHECK_THAT(text, Catch::Contains("c_total{shared=\"no7\"} 5000\n"));
  CHECK_THAT(text, Catch::Contains("h_seconds_bucket{le=\"1\"} 40000\n"));
  CHECK_THAT(text, Catch::Contains("h_seconds_count 40000\n"));
}

TEST_CASE("the global registry is one instance for every thread") {
  Metrics* seen = nullptr;
  std::thread([&seen] { seen = &Metrics::global(); }).join();
  CHECK(seen == &Metrics::global());
}

TEST_CASE("promtool check metrics finds no problem in a registry with all three types") {
  Metrics m;
  m.counter("kapp_controller_reconcile_total", "Reconciles by controller and result.");
  m.gauge("kapp_workqueue_depth", "Keys waiting in a controller's work queue.");
  m.histogram("kapp_controller_reconcile_duration_seconds", "Time spent in one reconcile.");
  m.add("kapp_controller_reconcile_total", {{"controller", "app"}, {"result", "success"}}, 3);
  m.add("kapp_controller_reconcile_total", {{"controller", "app"}, {"result", "error"}});
  m.set("kapp_workqueue_depth", {{"name", "app"}}, 2);
  m.set("kapp_workqueue_depth", {{"name", "quote\"back\\slash\nline"}}, 0);
  for (double v : {0.001, 0.02, 0.3, 4.0, 60.0}) {
    m.observe("kapp_controller_reconcile_duration_seconds", {{"controller", "app"}}, v);
  }
  const auto result = run_with_input("promtool check metrics", m.render());
  INFO("promtool is in the Debian package prometheus (hack/install-deps.sh installs it)");
  INFO(result.output);
  CHECK(result.exit_code == 0);
  CHECK(result.output.empty());
}

// Integration test runner. A failed test case leaves a `keep` mark in the cluster directory so
// tests/cluster/down.sh keeps the control plane's logs for a post-mortem.
#define CATCH_CONFIG_MAIN
#include <catch2/catch.hpp>

#include <fstream>

#include "tests/support/cluster.h"

namespace {
bool failing = false;

struct KeepLogsOnFailure : Catch::TestEventListenerBase {
  using TestEventListenerBase::TestEventListenerBase;
  void testCaseStarting(const Catch::TestCaseInfo&) override { failing = false; }
  bool assertionEnded(const Catch::AssertionStats& stats) override {
    if (!stats.assertionResult.isOk()) failing = true;
    return true;
  }
  void testCaseEnded(const Catch::TestCaseStats& stats) override {
    if (stats.totals.assertions.failed > 0)
      std::ofstream(kapp::test::cluster_dir() + "/keep") << "failed\n";
  }
};
}  // namespace

CATCH_REGISTER_LISTENER(KeepLogsOnFailure)

bool kapp::test::test_failing() { return failing; }

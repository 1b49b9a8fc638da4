// The status a CoinFlip shows: phase, conditions, and the rule that unchanged status is not
// written again.
#include <catch2/catch.hpp>

#include "core/controllers/coinflip/report.h"
#include "core/engine/status.h"

using kapp::controllers::coinflip::Delivery;
using kapp::controllers::coinflip::desired_status;
using kapp::controllers::coinflip::invalid_status;
using kapp::controllers::coinflip::InvalidSpec;
using kapp::controllers::coinflip::phase_of;
using kapp::controllers::coinflip::Spec;
using kapp::controllers::coinflip::State;
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

Spec spec_with_max(std::optional<std::int64_t> max_flips) {
  Spec spec;
  spec.interval = 100ms;
  spec.seed = 7;
  spec.max_flips = max_flips;
  spec.url = "mqtt://user:pw@broker:1883/coinflip/alerts";
  return spec;
}

State with_pending(std::int64_t flips, std::size_t pending) {
  State state;
  state.flips = flips;
  for (std::size_t i = 0; i < pending; ++i) state.queue.push_back({"id", 1, 3, "t"});
  return state;
}

}  // namespace

TEST_CASE("a CoinFlip is Completed once maxFlips is reached and nothing is pending") {
  const auto spec = spec_with_max(10);
  CHECK(phase_of(with_pending(5, 0), spec) == "Running");
  CHECK(phase_of(with_pending(10, 1), spec) == "Running");
  CHECK(phase_of(with_pending(10, 0), spec) == "Completed");
  CHECK(phase_of(with_pending(10, 0), spec_with_max(std::nullopt)) == "Running");
}

TEST_CASE("an unchanged status is not written again") {
  const auto spec = spec_with_max(10);
  const auto first = desired_status(json::object(), with_pending(4, 1), spec, std::nullopt, 2);
  const auto again = desired_status(first, with_pending(4, 1), spec, std::nullopt, 2);
  CHECK_FALSE(kapp::engine::status_differs(first, again));
}

TEST_CASE("status records observedGeneration on itself and on its conditions") {
  const auto status = desired_status(json::object(), {}, spec_with_max(10), std::nullopt, 3);
  CHECK(status["observedGeneration"] == 3);
  CHECK(kapp::engine::find_condition(status, "Flipping")["observedGeneration"] == 3);
}

TEST_CASE("NotifierReady is Unknown until a notification was sent") {
  const auto status = desired_status(json::object(), {}, spec_with_max(10), std::nullopt, 1);
  CHECK(kapp::engine::find_condition(status, "NotifierReady")["status"] == "Unknown");
}

TEST_CASE("a failed delivery makes NotifierReady False with its reason, until one succeeds") {
  const auto spec = spec_with_max(10);
  const auto down = desired_status(json::object(), with_pending(3, 1), spec,
                                   Delivery{false, "BrokerUnreachable", "cannot deliver"}, 1);
  CHECK(kapp::engine::find_condition(down, "NotifierReady")["status"] == "False");
  CHECK(kapp::engine::find_condition(down, "NotifierReady")["reason"] == "BrokerUnreachable");
  // A later reconcile that sent nothing keeps what the last attempt said.
  const auto later = desired_status(down, with_pending(4, 1), spec, std::nullopt, 1);
  CHECK(kapp::engine::find_condition(later, "NotifierReady")["reason"] == "BrokerUnreachable");
  const auto up = desired_status(later, with_pending(4, 0), spec, Delivery{true}, 1);
  CHECK(kapp::engine::find_condition(up, "NotifierReady")["status"] == "True");
  CHECK(kapp::engine::find_condition(up, "NotifierReady")["message"] ==
        "the last notification reached mqtt://broker:1883/coinflip/alerts");
}

TEST_CASE("Flipping turns False with MaxFlipsReached when the coin stops") {
  const auto status =
      desired_status(json::object(), with_pending(10, 0), spec_with_max(10), std::nullopt, 1);
  CHECK(kapp::engine::find_condition(status, "Flipping")["status"] == "False");
  CHECK(kapp::engine::find_condition(status, "Flipping")["reason"] == "MaxFlipsReached");
  CHECK(status["phase"] == "Completed");
}

TEST_CASE("an invalid spec fails the CoinFlip with the problem as its condition") {
  const auto running =
      desired_status(json::object(), with_pending(4, 1), spec_with_max(10), std::nullopt, 1);
  const auto status = invalid_status(
      running, InvalidSpec("InvalidInterval", "spec.interval 50ms is below the minimum of 100ms"),
      2);
  CHECK(status["phase"] == "Failed");
  CHECK(status["observedGeneration"] == 2);
  CHECK(kapp::engine::find_condition(status, "Flipping")["reason"] == "InvalidInterval");
  CHECK(kapp::engine::find_condition(status, "Flipping")["message"] ==
        "spec.interval 50ms is below the minimum of 100ms");
  CHECK(status["notifications"]["pending"] == 1);  // nothing recorded is dropped
}

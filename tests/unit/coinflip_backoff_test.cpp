// How long the CoinFlip controller waits before trying a broker again.
#include <catch2/catch.hpp>

#include "core/controllers/coinflip/backoff.h"

using kapp::controllers::coinflip::DeliveryBackoff;
using namespace std::chrono_literals;

TEST_CASE("delivery back-off doubles from 500ms and is capped at 30s") {
  CHECK(DeliveryBackoff::delay(1) == 500ms);
  CHECK(DeliveryBackoff::delay(2) == 1s);
  CHECK(DeliveryBackoff::delay(5) == 8s);
  CHECK(DeliveryBackoff::delay(7) == 30s);
  CHECK(DeliveryBackoff::delay(1000) == 30s);
}

TEST_CASE("a CoinFlip that failed waits out its back-off, and success resets it") {
  DeliveryBackoff backoff;
  const auto t0 = DeliveryBackoff::Clock::now();
  CHECK_FALSE(backoff.wait("ns/a", t0).has_value());
  backoff.failed("ns/a", t0);
  backoff.failed("ns/a", t0);
  CHECK(backoff.wait("ns/a", t0) == 1s);
  CHECK_FALSE(backoff.wait("ns/b", t0).has_value());  // per object
  CHECK_FALSE(backoff.wait("ns/a", t0 + 1s).has_value());
  backoff.succeeded("ns/a");
  backoff.failed("ns/a", t0);
  CHECK(backoff.wait("ns/a", t0) == 500ms);
}

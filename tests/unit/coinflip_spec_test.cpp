// Reading a CoinFlip's spec: the CRD's defaults, and what the controller refuses.
#include <catch2/catch.hpp>

#include "core/controllers/coinflip/spec.h"
#include "core/notify/url.h"

using kapp::controllers::coinflip::InvalidSpec;
using kapp::controllers::coinflip::parse_interval;
namespace cf = kapp::controllers::coinflip;  // cf::parse_spec: applink has a parse_spec too
using namespace std::chrono_literals;
using nlohmann::json;

namespace {

json spec_with_url(const std::string& url) { return {{"notify", {{"url", url}}}}; }

std::string refusal(const json& spec) {
  try {
    cf::parse_spec(spec);
  } catch (const InvalidSpec& e) {
    return e.reason() + ": " + e.what();
  }
  return "";
}

}  // namespace

TEST_CASE("the spec's defaults are the CRD's") {
  const auto spec = cf::parse_spec(spec_with_url("mqtt://broker:1883/coinflip/alerts"));
  CHECK(spec.interval == 2s);
  CHECK(spec.threshold == 3);
  CHECK_FALSE(spec.seed.has_value());
  CHECK_FALSE(spec.max_flips.has_value());
  CHECK(spec.credentials_secret.empty());
}

TEST_CASE("a full spec is read as written") {
  const auto spec = cf::parse_spec({{"interval", "250ms"},
                                    {"threshold", 4},
                                    {"seed", -5},
                                    {"maxFlips", 100},
                                    {"notify",
                                     {{"url", "https://hooks.example.com/coin"},
                                      {"credentialsSecretRef", {{"name", "creds"}}}}}});
  CHECK(spec.interval == 250ms);
  CHECK(spec.threshold == 4);
  CHECK(spec.seed == -5);
  CHECK(spec.max_flips == 100);
  CHECK(spec.url == "https://hooks.example.com/coin");
  CHECK(spec.credentials_secret == "creds");
}

TEST_CASE("intervals in ms, s, m and h are understood") {
  CHECK(parse_interval("100ms") == 100ms);
  CHECK(parse_interval("2s") == 2s);
  CHECK(parse_interval("5m") == 5min);
  CHECK(parse_interval("1h") == 1h);
}

TEST_CASE("an interval below 100ms is refused with a clear message") {
  auto spec = spec_with_url("mqtt://broker:1883/t");
  spec["interval"] = "50ms";
  CHECK(refusal(spec) == "InvalidInterval: spec.interval 50ms is below the minimum of 100ms");
  spec["interval"] = "0s";
  CHECK_THAT(refusal(spec), Catch::StartsWith("InvalidInterval"));
}

TEST_CASE("a malformed or absurd interval is refused") {
  CHECK_THROWS_AS(parse_interval("2"), InvalidSpec);
  CHECK_THROWS_AS(parse_interval("1.5s"), InvalidSpec);
  CHECK_THROWS_AS(parse_interval("999999999999h"), InvalidSpec);
}

TEST_CASE("a threshold outside 1..32 is refused") {
  auto spec = spec_with_url("mqtt://broker:1883/t");
  spec["threshold"] = 0;
  CHECK_THAT(refusal(spec), Catch::StartsWith("InvalidThreshold"));
}

TEST_CASE("an MQTT URL without a topic is refused") {
  CHECK(refusal(spec_with_url("mqtt://broker:1883")) ==
        "InvalidURL: spec.notify.url \"mqtt://broker:1883\" has no topic; use "
        "mqtt://host:port/topic");
}

TEST_CASE("a URL of another scheme, or without host, is refused") {
  CHECK_THAT(refusal(spec_with_url("amqp://broker/q")), Catch::StartsWith("InvalidURL"));
  CHECK_THAT(refusal(spec_with_url("http:///path")), Catch::StartsWith("InvalidURL"));
  CHECK_THAT(refusal(spec_with_url("mqtt://broker:99999/t")), Catch::StartsWith("InvalidURL"));
  CHECK_THAT(refusal(spec_with_url("")), Catch::StartsWith("InvalidURL"));
}

TEST_CASE("an mqtts URL is accepted: libmosquitto speaks TLS") {
  CHECK(refusal(spec_with_url("mqtts://broker:8883/t")).empty());
}

TEST_CASE("a password in the URL never appears in a refusal") {
  const auto refused = refusal(spec_with_url("mqtt://alice:s3cret@broker:1883"));
  CHECK_THAT(refused, Catch::StartsWith("InvalidURL"));
  CHECK_THAT(refused, !Catch::Contains("s3cret"));
  CHECK(kapp::notify::redact_url("https://u:p@h:8443/x?y") == "https://h:8443/x?y");
}

TEST_CASE("a password in a text that is not a URL never appears in a refusal") {
  // Found by the URL fuzz target: an unparseable URL was quoted whole.
  const auto refused = refusal(spec_with_url("//s://bob:s3cret@host/t"));
  CHECK_THAT(refused, Catch::StartsWith("InvalidURL"));
  CHECK_THAT(refused, !Catch::Contains("s3cret"));
}

TEST_CASE("IPv6 hosts are accepted") {
  CHECK(kapp::notify::parse_target("mqtt://[::1]:1883/a/b").host == "::1");
  CHECK(kapp::notify::parse_target("mqtt://[::1]:1883/a/b").topic == "a/b");
}

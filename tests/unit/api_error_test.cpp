#include <catch2/catch.hpp>

#include "core/client/client.h"
#include "core/errors.h"
#include "core/log.h"

using kapp::ApiError;
using kapp::client::HttpResponse;
using kapp::client::throw_api_error;

namespace {
ApiError decode(long status, const std::string& body,
                std::map<std::string, std::string> headers = {}) {
  try {
    throw_api_error(HttpResponse{status, body, std::move(headers)}, "GET", "/apis/x");
  } catch (const ApiError& e) {
    return e;
  }
  FAIL("throw_api_error did not throw");
  throw;
}
}  // namespace

TEST_CASE("a Status body becomes an ApiError with its reason, message and causes") {
  const auto e = decode(422, R"({"kind":"Status","status":"Failure","reason":"Invalid",
    "message":"Application.kubectl-app.io \"x\" is invalid: spec: Invalid value",
    "details":{"causes":[{"reason":"FieldValueInvalid","field":"spec.components","message":"bad"}]},"code":422})");
  CHECK(e.invalid());
  CHECK(e.reason() == "Invalid");
  CHECK(std::string(e.what()) ==
        "Error from server (Invalid): Application.kubectl-app.io \"x\" is invalid: spec: Invalid "
        "value");
  REQUIRE(e.causes().size() == 1);
  CHECK(e.causes()[0].field == "spec.components");
}

TEST_CASE("a not-found Status reads like kubectl's message") {
  const auto e = decode(
      404,
      R"({"kind":"Status","reason":"NotFound","message":"applications.kubectl-app.io \"shop\" not found"})");
  CHECK(e.not_found());
  CHECK(std::string(e.what()) ==
        "Error from server (NotFound): applications.kubectl-app.io \"shop\" not found");
}

TEST_CASE("a body that is not a Status still gives a one-line error with the status code") {
  const auto e = decode(502, "<html>\nbad gateway\n</html>");
  CHECK(e.code() == 502);
  CHECK_THAT(e.what(),
             Catch::Contains("the server answered 502 to GET /apis/x: <html> bad gateway </html>"));
  CHECK(std::string(e.what()).find('\n') == std::string::npos);
}

TEST_CASE("an unauthorized answer tells the user to refresh credentials") {
  const auto e =
      decode(401, R"({"kind":"Status","reason":"Unauthorized","message":"Unauthorized"})");
  CHECK(e.unauthorized());
  CHECK_THAT(e.what(), Catch::EndsWith("refresh them or check the kubeconfig user"));
}

TEST_CASE("Retry-After is kept for the retry loop") {
  const auto e =
      decode(429, R"({"kind":"Status","reason":"TooManyRequests","message":"slow down"})",
             {{"retry-after", "3"}});
  CHECK(e.retry_after_seconds() == 3);
}

TEST_CASE("authorization headers are masked in logs") {
  CHECK(kapp::log::redact_header("Authorization: Bearer s3cr3t") ==
        "Authorization: Bearer <masked>");
  CHECK(kapp::log::redact_header("authorization: Basic dXNlcjpwYXNz") ==
        "authorization: Basic <masked>");
  CHECK(kapp::log::redact_header("Accept: application/json") == "Accept: application/json");
}

#include <catch2/catch.hpp>

#include <vector>

#include "core/util/base64.h"

using kapp::util::base64_decode;
using kapp::util::base64_encode;

TEST_CASE("base64 round-trips every length remainder") {
  for (const std::string& s :
       std::vector<std::string>{"", "a", "ab", "abc", "abcd", std::string("\0\xff\x10", 3)}) {
    CHECK(base64_decode(base64_encode(s)) == s);
  }
  CHECK(base64_encode("hello") == "aGVsbG8=");
}

TEST_CASE("base64 decoding ignores line breaks and rejects foreign characters") {
  CHECK(base64_decode("aGVs\nbG8=") == std::string("hello"));
  CHECK_FALSE(base64_decode("aGV*bG8=").has_value());
}

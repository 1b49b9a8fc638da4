// The informer cache's storage: an object packed and unpacked is the same object.
#include "core/engine/packed_object.h"

#include <catch2/catch.hpp>

#include "core/util/files.h"

using kapp::engine::PackedObject;
using nlohmann::json;

TEST_CASE("a packed object unpacks equal to the object it was made from") {
  const auto pod =
      json::parse(kapp::util::read_file(KAPP_SOURCE_DIR "/tests/fixtures/objects/pod.json", "pod"));
  CHECK(PackedObject(pod).unpack() == pod);
}

TEST_CASE("a packed object keeps integers and floating numbers apart") {
  const json object = {{"replicas", 3}, {"ratio", 0.5}, {"big", 9007199254740993LL}, {"neg", -1}};
  const auto back = PackedObject(object).unpack();
  CHECK(back["replicas"].is_number_integer());
  CHECK(back["ratio"].is_number_float());
  CHECK(back["big"].get<long long>() == 9007199254740993LL);
  CHECK(back == object);
}

TEST_CASE("a packed object keeps non-ASCII strings, nulls and empty collections") {
  const json object = {{"name", "caf\u00e9 \u2603"},
                       {"none", nullptr},
                       {"list", json::array()},
                       {"map", json::object()}};
  CHECK(PackedObject(object).unpack() == object);
}

TEST_CASE("a packed object is smaller than its JSON text") {
  const auto pod =
      json::parse(kapp::util::read_file(KAPP_SOURCE_DIR "/tests/fixtures/objects/pod.json", "pod"));
  CHECK(PackedObject(pod).size() < pod.dump().size());
}

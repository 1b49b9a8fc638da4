#include "core/engine/packed_object.h"

namespace kapp::engine {

PackedObject::PackedObject(const nlohmann::json& object)
    : bytes_(nlohmann::json::to_msgpack(object)) {
  bytes_.shrink_to_fit();
}

nlohmann::json PackedObject::unpack() const { return nlohmann::json::from_msgpack(bytes_); }

}  // namespace kapp::engine

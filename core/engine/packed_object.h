// How an informer holds a cached object: MessagePack bytes instead of a parsed json tree.
// A json tree costs 6 to 7.6 bytes of heap per byte of JSON (a std::map node and a
// std::string per member, 16 bytes per value: bench/results/memory-profile.md); MessagePack
// costs under one, and decoding an object on each read costs about what copying the tree did
// (the cache hands out copies either way).
#pragma once

#include <cstdint>
#include <vector>

#include <nlohmann/json.hpp>

namespace kapp::engine {

class PackedObject {
 public:
  // Encodes any json value. Never throws but std::bad_alloc.
  explicit PackedObject(const nlohmann::json& object);
  // The value it was made from, equal to it (numbers keep their type: integer or floating).
  nlohmann::json unpack() const;
  // Heap bytes held (the encoding's size).
  std::size_t size() const { return bytes_.size(); }

 private:
  std::vector<std::uint8_t> bytes_;
};

}  // namespace kapp::engine

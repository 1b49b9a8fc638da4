#include "core/controllers/coinflip/coin.h"

namespace kapp::controllers::coinflip {
namespace {

// SplitMix64's finaliser: a bijection whose every output bit depends on every input bit, so
// consecutive flip numbers give independent-looking bits. Fixed here, unlike std::hash, so the
// sequence of a seed is the same on every platform and in every release.
std::uint64_t mix(std::uint64_t x) {
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

constexpr std::uint64_t kGolden = 0x9e3779b97f4a7c15ULL;

}  // namespace

std::uint64_t seed_for(std::optional<std::int64_t> spec_seed, const std::string& uid) {
  if (spec_seed) return static_cast<std::uint64_t>(*spec_seed);
  // FNV-1a over the uid, then mixed: any uid spreads over the whole 64 bits.
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (const unsigned char c : uid) h = (h ^ c) * 0x100000001b3ULL;
  return mix(h);
}

Side toss(std::uint64_t seed, std::int64_t flip) {
  const auto bits = mix(mix(seed) + static_cast<std::uint64_t>(flip) * kGolden);
  return (bits >> 63) != 0 ? Side::Tails : Side::Heads;
}

}  // namespace kapp::controllers::coinflip

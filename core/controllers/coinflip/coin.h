// The coin: flip n of a CoinFlip is a pure function of (seed, n), so a controller that restarts,
// retries a conflicting write, or runs on another replica can never rewrite history.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace kapp::controllers::coinflip {

enum class Side { Heads, Tails };

// spec.seed when set; otherwise one derived from the object's uid, which is random per object
// yet stable for its whole life, so no random seed has to be stored anywhere.
std::uint64_t seed_for(std::optional<std::int64_t> spec_seed, const std::string& uid);

// The outcome of flip number `flip` (1, 2, 3, ...) of the coin with `seed`.
Side toss(std::uint64_t seed, std::int64_t flip);

inline char letter(Side side) { return side == Side::Heads ? 'H' : 'T'; }

}  // namespace kapp::controllers::coinflip

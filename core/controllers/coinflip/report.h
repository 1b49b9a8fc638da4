// The status a CoinFlip should show: its state (state.h) plus phase, observedGeneration and the
// conditions Flipping and NotifierReady. Pure, so "write only when it changed" is a comparison.
#pragma once

#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "core/controllers/coinflip/spec.h"
#include "core/controllers/coinflip/state.h"

namespace kapp::controllers::coinflip {

using nlohmann::json;

// What the last delivery attempt of this reconcile did; none when nothing was sent.
struct Delivery {
  bool ok = false;
  std::string reason;  // CamelCase, when !ok
  std::string message;
};

// Running while flipping or while notifications wait; Completed after maxFlips with an empty
// outbox. (Failed is for specs that cannot run: see invalid_status.)
std::string phase_of(const State& state, const Spec& spec);

// The whole status for a valid spec. `current` is the status as stored (for the conditions'
// lastTransitionTime and the NotifierReady of earlier reconciles); `url` is shown redacted.
json desired_status(const json& current, const State& state, const Spec& spec,
                    const std::optional<Delivery>& delivery, long long generation);

// The status of a CoinFlip whose spec cannot run: phase Failed, Flipping False with the
// problem as reason and message; counters and outbox untouched.
json invalid_status(const json& current, const InvalidSpec& problem, long long generation);

}  // namespace kapp::controllers::coinflip

// The CoinFlip controller: one flip per spec.interval on the engine's timers, and a
// notification to a message queue or webhook on every run of spec.threshold tails.
#pragma once

#include <memory>

#include "core/engine/manager.h"
#include "core/notify/notifier.h"

namespace kapp::controllers::coinflip {

// Registers the controller and its informer on `manager` (before manager.run()). `notifier`
// defaults to the libcurl one (mqtt://, http(s)://).
void setup(engine::Manager& manager, std::shared_ptr<notify::Notifier> notifier = nullptr);

}  // namespace kapp::controllers::coinflip

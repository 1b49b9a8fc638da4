// Waiting on a condition with a deadline, never a sleep standing in for synchronisation.
#pragma once

#include <chrono>
#include <functional>

namespace kapp::test {

// Polls `condition` every `poll` until it holds (true) or `timeout` passes (false).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds timeout = std::chrono::seconds(30),
                std::chrono::milliseconds poll = std::chrono::milliseconds(100));

}  // namespace kapp::test

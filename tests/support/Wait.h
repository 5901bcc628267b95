#pragma once

#include <functional>

namespace tickscope::test {

// Spins the event loop until `done` holds or `timeoutMs` passed; returns `done()`.
// Generous timeouts are the rule: the machine is shared and noisy.
bool waitUntil(const std::function<bool()> &done, int timeoutMs = 30000);

// Runs the event loop for `ms` milliseconds.
void spin(int ms);

} // namespace tickscope::test

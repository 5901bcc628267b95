#pragma once

#include "BenchOptions.h"
#include "Report.h"

namespace tickscope::bench {

// --concurrency clients, each in a loop: TCP connect, WebSocket upgrade with the token,
// wait for `hello`, send a close frame and drop the connection, start over.
namespace HandshakeScenario {

ScenarioResult run(const BenchOptions &options);

} // namespace HandshakeScenario

} // namespace tickscope::bench

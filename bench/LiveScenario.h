#pragma once

#include "BenchOptions.h"
#include "Report.h"

namespace tickscope::bench {

// Producers publish to --symbols symbols while --viewers viewers subscribed to all of them
// receive: sustained acked publish rate, delivered rate, end-to-end and ack latency,
// continuity per viewer and symbol, and the CPU and memory it took.
namespace LiveScenario {

ScenarioResult run(const BenchOptions &options, int viewers);
QStringList symbolNames(int count);

} // namespace LiveScenario

} // namespace tickscope::bench

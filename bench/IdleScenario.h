#pragma once

#include "BenchOptions.h"
#include "Report.h"

namespace tickscope::bench {

// Opens --viewers idle viewers, each subscribed to one symbol, and measures how much the
// server's resident memory grew per viewer.
namespace IdleScenario {

ScenarioResult run(const BenchOptions &options);

} // namespace IdleScenario

} // namespace tickscope::bench

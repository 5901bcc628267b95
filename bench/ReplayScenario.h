#pragma once

#include "BenchOptions.h"
#include "Report.h"

namespace tickscope::bench {

// Publishes --ticks ticks of one symbol, then times one viewer that subscribes with
// since {epoch, seq: {S: first - 1}} until it has q == last; optionally also the same
// read through `history` commands, page by page.
namespace ReplayScenario {

ScenarioResult run(const BenchOptions &options);

} // namespace ReplayScenario

} // namespace tickscope::bench

#pragma once

#include "BenchOptions.h"
#include "Report.h"

namespace tickscope::bench {

// The desktop app under load, as a user would run it: its window watches --symbols symbols
// with the first on the chart (window "all"); the chart's symbol first gets --history
// ticks, then producers publish --rate ticks/s over all symbols. The figures come from the
// app's own frame-time counter on its /metrics page (frames/s, frame intervals, GUI-thread
// work per frame), with what rendered them and the ticks the window received.
namespace DesktopScenario {

ScenarioResult run(const BenchOptions &options);

} // namespace DesktopScenario

} // namespace tickscope::bench

#pragma once

#include <QtGlobal>

namespace tickscope {

class Clock
{
public:
    // Wall-clock time in microseconds since the Unix epoch.
    static qint64 nowUs();
    // Monotonic time in nanoseconds, for latencies and rate limits.
    static qint64 monotonicNs();
};

} // namespace tickscope

#pragma once

#include <QtGlobal>
#include <ctime>

namespace tickscope::bench {

// Clock reads for the hot paths: one vDSO call each, no Qt indirection.
namespace BenchClock {

// Wall clock in microseconds since the Unix epoch: what producers put in `t`, and what
// viewers compare it with (same machine, same clock).
inline qint64 wallUs()
{
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return qint64(ts.tv_sec) * 1'000'000 + ts.tv_nsec / 1000;
}

inline qint64 monoNs()
{
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return qint64(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec;
}

// CPU time of the calling thread, in seconds.
inline double threadCpuSeconds()
{
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

} // namespace BenchClock

} // namespace tickscope::bench

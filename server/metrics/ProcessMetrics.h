#pragma once

#include <prometheus/collectable.h>
#include <prometheus/metric_family.h>
#include <vector>

namespace tickscope {

// The standard Prometheus process metrics, read when collected: process_cpu_seconds_total,
// process_resident_memory_bytes, process_virtual_memory_bytes, process_open_fds,
// process_max_fds, process_start_time_seconds. On Linux all come from /proc/self and
// getrlimit; on other Unix systems only CPU time (getrusage), open fds (/dev/fd) and max fds;
// elsewhere none. A value that cannot be read is left out rather than reported as 0.
class ProcessMetrics : public prometheus::Collectable
{
public:
    ProcessMetrics();

    std::vector<prometheus::MetricFamily> Collect() const override;

private:
    double m_startTimeSeconds = -1; // fixed for the process, so read once
};

} // namespace tickscope

#pragma once

#include "LatencyHistogram.h"
#include "ViewerClient.h"

#include <array>
#include <memory>
#include <vector>

namespace tickscope::bench {

// The viewers of one thread. Every method must be called in that thread (WorkerThread::run).
class ViewerPool
{
public:
    struct Snapshot
    {
        ViewerClient::Counters counters;
        LatencyHistogram latency; // every viewer
        // Per ViewerClient::Config::latencyGroup.
        std::array<LatencyHistogram, 2> groupLatency;
        double seconds = 0;    // since reset()
        double cpuSeconds = 0; // this thread's CPU since reset()
    };

    ViewerPool();
    ~ViewerPool();

    ViewerClient *add(const ViewerClient::Config &config);
    void closeAll();
    void clear();

    int size() const { return int(m_viewers.size()); }
    int subscribedCount() const;
    int failedCount() const;
    QStringList failures(int max = 5) const;

    // Starts a measurement window: counters and latency from now on.
    void reset();
    Snapshot snapshot() const;
    void setRecording(bool recording) { m_recording = recording; }

    void setTargets(const QHash<QString, qint64> &lastSeq);
    int completeCount() const;
    QStringList shortfalls(int max = 5) const;
    Continuity continuity() const;
    const std::vector<std::unique_ptr<ViewerClient>> &viewers() const { return m_viewers; }

private:
    std::vector<std::unique_ptr<ViewerClient>> m_viewers;
    std::array<LatencyHistogram, 2> m_latency;
    bool m_recording = false;
    qint64 m_resetNs = 0;
    double m_resetCpu = 0;
};

} // namespace tickscope::bench

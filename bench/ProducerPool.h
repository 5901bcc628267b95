#pragma once

#include "LatencyHistogram.h"
#include "ProducerClient.h"

#include <QTimer>
#include <memory>
#include <vector>

namespace tickscope::bench {

// The producers of one thread, with the pacing timer that spreads a target rate over them.
// Every method must be called in that thread (WorkerThread::run).
class ProducerPool
{
public:
    struct Snapshot
    {
        qint64 ackedTicks = 0;
        qint64 errors = 0;
        LatencyHistogram ackLatency;
        double seconds = 0;
        double cpuSeconds = 0;
    };

    ProducerPool();
    ~ProducerPool();

    ProducerClient *add(const ProducerClient::Config &config);
    // rate: ticks per second over all producers; 0: as fast as acknowledgements allow.
    void startPublishing(double rate);
    void stop();
    void closeAll();
    void clear();

    int readyCount() const;
    int failedCount() const;
    QStringList failures(int max = 5) const;
    bool isDrained() const;
    bool isFinished() const;
    qint64 ackedTotal() const;
    qint64 errorsTotal() const;
    QHash<QString, qint64> firstSeq() const;
    QHash<QString, qint64> lastSeq() const;

    void reset();
    Snapshot snapshot() const;

private:
    void onPace();

    std::vector<std::unique_ptr<ProducerClient>> m_producers;
    LatencyHistogram m_ackLatency;
    bool m_recording = false;
    std::unique_ptr<QTimer> m_pacer;
    double m_rate = 0;
    qint64 m_lastPaceNs = 0;
    qint64 m_resetNs = 0;
    double m_resetCpu = 0;
    qint64 m_errorsAtReset = 0;
};

} // namespace tickscope::bench

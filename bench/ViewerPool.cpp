#include "ViewerPool.h"

#include "BenchClock.h"

namespace tickscope::bench {

ViewerPool::ViewerPool() = default;

ViewerPool::~ViewerPool() = default;

ViewerClient *ViewerPool::add(const ViewerClient::Config &config)
{
    const std::size_t group = config.latencyGroup == 1 ? 1 : 0;
    auto viewer = std::make_unique<ViewerClient>(config, &m_latency[group], &m_recording);
    viewer->start();
    m_viewers.push_back(std::move(viewer));
    return m_viewers.back().get();
}

void ViewerPool::closeAll()
{
    for (const auto &viewer : m_viewers)
        viewer->close();
}

void ViewerPool::clear()
{
    m_viewers.clear();
}

int ViewerPool::subscribedCount() const
{
    int count = 0;
    for (const auto &viewer : m_viewers)
        count += viewer->isSubscribed() && !viewer->hasFailed();
    return count;
}

int ViewerPool::failedCount() const
{
    int count = 0;
    for (const auto &viewer : m_viewers)
        count += viewer->hasFailed();
    return count;
}

QStringList ViewerPool::failures(int max) const
{
    QStringList result;
    for (const auto &viewer : m_viewers) {
        if (viewer->hasFailed() && result.size() < max)
            result.append(viewer->failure());
    }
    return result;
}

void ViewerPool::reset()
{
    for (const auto &viewer : m_viewers)
        viewer->resetCounters();
    for (LatencyHistogram &latency : m_latency)
        latency.clear();
    m_recording = true;
    m_resetNs = BenchClock::monoNs();
    m_resetCpu = BenchClock::threadCpuSeconds();
}

ViewerPool::Snapshot ViewerPool::snapshot() const
{
    Snapshot result;
    for (const auto &viewer : m_viewers) {
        result.counters.ticks += viewer->counters().ticks;
        result.counters.frames += viewer->counters().frames;
        result.counters.bytes += viewer->counters().bytes;
    }
    result.groupLatency = m_latency;
    result.latency = m_latency[0];
    result.latency.merge(m_latency[1]);
    result.seconds = double(BenchClock::monoNs() - m_resetNs) / 1e9;
    result.cpuSeconds = BenchClock::threadCpuSeconds() - m_resetCpu;
    return result;
}

void ViewerPool::setTargets(const QHash<QString, qint64> &lastSeq)
{
    for (const auto &viewer : m_viewers)
        viewer->setTargets(lastSeq);
}

int ViewerPool::completeCount() const
{
    int count = 0;
    for (const auto &viewer : m_viewers)
        count += viewer->isComplete();
    return count;
}

QStringList ViewerPool::shortfalls(int max) const
{
    QStringList result;
    for (const auto &viewer : m_viewers) {
        if (!viewer->isComplete() && result.size() < max)
            result.append(viewer->shortfall().mid(0, 3).join(u", "_qs));
    }
    return result;
}

Continuity ViewerPool::continuity() const
{
    Continuity total;
    for (const auto &viewer : m_viewers)
        total.add(viewer->continuity());
    return total;
}

} // namespace tickscope::bench

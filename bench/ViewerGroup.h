#pragma once

#include "ViewerPool.h"
#include "WorkerThread.h"

#include <functional>
#include <memory>
#include <vector>

namespace tickscope::bench {

// Viewers spread round-robin over one or more threads, driven from the main thread.
class ViewerGroup
{
public:
    explicit ViewerGroup(int threads);
    ~ViewerGroup();

    void add(const ViewerClient::Config &config);
    int size() const { return m_count; }
    int subscribedCount();
    int failedCount();
    QStringList failures();

    void reset();
    // Counters summed, latency merged, CPU summed over the threads.
    ViewerPool::Snapshot snapshot();
    void setTargets(const QHash<QString, qint64> &lastSeq);
    int completeCount();
    QStringList shortfalls();
    Continuity continuity();
    void closeAll();
    // Runs f(pool) in each pool's thread.
    void forEach(const std::function<void(ViewerPool &)> &f);

private:
    struct Shard
    {
        std::unique_ptr<WorkerThread> thread;
        std::unique_ptr<ViewerPool> pool;
    };
    std::vector<Shard> m_shards;
    int m_count = 0;
};

} // namespace tickscope::bench

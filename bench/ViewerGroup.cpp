#include "ViewerGroup.h"

namespace tickscope::bench {

ViewerGroup::ViewerGroup(int threads)
{
    for (int i = 0; i < threads; ++i) {
        Shard shard;
        shard.thread = std::make_unique<WorkerThread>(u"viewers-%1"_qs.arg(i));
        shard.pool = std::make_unique<ViewerPool>();
        m_shards.push_back(std::move(shard));
    }
}

ViewerGroup::~ViewerGroup()
{
    // The sockets live in the worker threads: destroy them there.
    forEach([](ViewerPool &pool) { pool.clear(); });
}

void ViewerGroup::forEach(const std::function<void(ViewerPool &)> &f)
{
    for (Shard &shard : m_shards)
        shard.thread->run([&] { f(*shard.pool); });
}

void ViewerGroup::add(const ViewerClient::Config &config)
{
    Shard &shard = m_shards[std::size_t(m_count++) % m_shards.size()];
    shard.thread->run([&] { shard.pool->add(config); });
}

int ViewerGroup::subscribedCount()
{
    int count = 0;
    forEach([&](ViewerPool &pool) { count += pool.subscribedCount(); });
    return count;
}

int ViewerGroup::failedCount()
{
    int count = 0;
    forEach([&](ViewerPool &pool) { count += pool.failedCount(); });
    return count;
}

QStringList ViewerGroup::failures()
{
    QStringList result;
    forEach([&](ViewerPool &pool) { result += pool.failures(); });
    return result.mid(0, 5);
}

void ViewerGroup::reset()
{
    forEach([](ViewerPool &pool) { pool.reset(); });
}

ViewerPool::Snapshot ViewerGroup::snapshot()
{
    ViewerPool::Snapshot total;
    forEach([&](ViewerPool &pool) {
        const ViewerPool::Snapshot part = pool.snapshot();
        total.counters.ticks += part.counters.ticks;
        total.counters.frames += part.counters.frames;
        total.counters.bytes += part.counters.bytes;
        total.latency.merge(part.latency);
        for (std::size_t g = 0; g < total.groupLatency.size(); ++g)
            total.groupLatency[g].merge(part.groupLatency[g]);
        total.seconds = std::max(total.seconds, part.seconds);
        total.cpuSeconds += part.cpuSeconds;
    });
    return total;
}

void ViewerGroup::setTargets(const QHash<QString, qint64> &lastSeq)
{
    forEach([&](ViewerPool &pool) { pool.setTargets(lastSeq); });
}

int ViewerGroup::completeCount()
{
    int count = 0;
    forEach([&](ViewerPool &pool) { count += pool.completeCount(); });
    return count;
}

QStringList ViewerGroup::shortfalls()
{
    QStringList result;
    forEach([&](ViewerPool &pool) { result += pool.shortfalls(); });
    return result.mid(0, 5);
}

Continuity ViewerGroup::continuity()
{
    Continuity total;
    forEach([&](ViewerPool &pool) { total.add(pool.continuity()); });
    return total;
}

void ViewerGroup::closeAll()
{
    forEach([](ViewerPool &pool) { pool.closeAll(); });
}

} // namespace tickscope::bench

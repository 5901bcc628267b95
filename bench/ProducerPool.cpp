#include "ProducerPool.h"

#include "BenchClock.h"

namespace tickscope::bench {

ProducerPool::ProducerPool() = default;

ProducerPool::~ProducerPool() = default;

ProducerClient *ProducerPool::add(const ProducerClient::Config &config)
{
    const auto seed = quint64(m_producers.size() + 1) * 0x9E3779B97F4A7C15ull;
    auto producer = std::make_unique<ProducerClient>(config, &m_ackLatency, &m_recording, seed);
    producer->start();
    m_producers.push_back(std::move(producer));
    return m_producers.back().get();
}

void ProducerPool::startPublishing(double rate)
{
    m_rate = rate;
    for (const auto &producer : m_producers)
        producer->setPaced(rate > 0);
    if (rate > 0) {
        m_pacer = std::make_unique<QTimer>();
        m_pacer->setTimerType(Qt::PreciseTimer);
        // A few wake-ups per batch interval: finer pacing only costs the tool CPU.
        int batch = 1;
        for (const auto &producer : m_producers)
            batch = std::max(batch, producer->batchSize());
        const double batchMs = 1000.0 * batch / (rate / double(m_producers.size()));
        m_pacer->setInterval(std::clamp(int(batchMs / 4), 1, 50));
        QObject::connect(m_pacer.get(), &QTimer::timeout, m_pacer.get(), [this] { onPace(); });
        m_lastPaceNs = BenchClock::monoNs();
        m_pacer->start();
    }
    for (const auto &producer : m_producers)
        producer->pump();
}

void ProducerPool::onPace()
{
    const qint64 now = BenchClock::monoNs();
    const double seconds = double(now - m_lastPaceNs) / 1e9;
    m_lastPaceNs = now;
    const double share = m_rate / double(m_producers.size()) * seconds;
    for (const auto &producer : m_producers) {
        producer->addCredit(share);
        producer->pump();
    }
}

void ProducerPool::stop()
{
    if (m_pacer)
        m_pacer->stop();
    for (const auto &producer : m_producers)
        producer->stop();
}

void ProducerPool::closeAll()
{
    stop();
    for (const auto &producer : m_producers)
        producer->close();
}

void ProducerPool::clear()
{
    m_pacer.reset();
    m_producers.clear();
}

int ProducerPool::readyCount() const
{
    int count = 0;
    for (const auto &producer : m_producers)
        count += producer->isReady() && !producer->hasFailed();
    return count;
}

int ProducerPool::failedCount() const
{
    int count = 0;
    for (const auto &producer : m_producers)
        count += producer->hasFailed();
    return count;
}

QStringList ProducerPool::failures(int max) const
{
    QStringList result;
    for (const auto &producer : m_producers) {
        if (producer->hasFailed() && result.size() < max)
            result.append(producer->failure());
    }
    return result;
}

bool ProducerPool::isDrained() const
{
    for (const auto &producer : m_producers) {
        if (!producer->isDrained() && !producer->hasFailed())
            return false;
    }
    return true;
}

bool ProducerPool::isFinished() const
{
    for (const auto &producer : m_producers) {
        if (!producer->isFinished() && !producer->hasFailed())
            return false;
    }
    return true;
}

qint64 ProducerPool::ackedTotal() const
{
    qint64 total = 0;
    for (const auto &producer : m_producers)
        total += producer->ackedTotal();
    return total;
}

qint64 ProducerPool::errorsTotal() const
{
    qint64 total = 0;
    for (const auto &producer : m_producers)
        total += producer->errors();
    return total;
}

QHash<QString, qint64> ProducerPool::firstSeq() const
{
    QHash<QString, qint64> result;
    for (const auto &producer : m_producers) {
        for (auto it = producer->firstSeq().cbegin(); it != producer->firstSeq().cend(); ++it) {
            auto found = result.find(it.key());
            if (found == result.end() || it.value() < *found)
                result.insert(it.key(), it.value());
        }
    }
    return result;
}

QHash<QString, qint64> ProducerPool::lastSeq() const
{
    QHash<QString, qint64> result;
    for (const auto &producer : m_producers) {
        for (auto it = producer->lastSeq().cbegin(); it != producer->lastSeq().cend(); ++it) {
            if (it.value() > result.value(it.key(), 0))
                result.insert(it.key(), it.value());
        }
    }
    return result;
}

void ProducerPool::reset()
{
    for (const auto &producer : m_producers)
        producer->resetCounters();
    m_ackLatency.clear();
    m_recording = true;
    m_resetNs = BenchClock::monoNs();
    m_resetCpu = BenchClock::threadCpuSeconds();
    m_errorsAtReset = errorsTotal();
}

ProducerPool::Snapshot ProducerPool::snapshot() const
{
    Snapshot result;
    for (const auto &producer : m_producers)
        result.ackedTicks += producer->ackedTicks();
    result.errors = errorsTotal() - m_errorsAtReset;
    result.ackLatency = m_ackLatency;
    result.seconds = double(BenchClock::monoNs() - m_resetNs) / 1e9;
    result.cpuSeconds = BenchClock::threadCpuSeconds() - m_resetCpu;
    return result;
}

} // namespace tickscope::bench

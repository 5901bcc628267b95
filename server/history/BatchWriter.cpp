#include "BatchWriter.h"

#include "core/Clock.h"

namespace tickscope {

BatchWriter::BatchWriter(TickHistory *history, int flushWindowMs, qint64 maxPendingTicks,
                         QObject *parent)
    : QObject(parent), m_history(history), m_windowMs(std::max(1, flushWindowMs)),
      m_maxPending(maxPendingTicks)
{
    m_timer.setSingleShot(true);
    m_timer.setTimerType(Qt::PreciseTimer);
    connect(&m_timer, &QTimer::timeout, this, &BatchWriter::flush);
}

bool BatchWriter::isFull() const
{
    return pendingTicks() >= m_maxPending;
}

bool BatchWriter::submit(TickList ticks, Ack ack)
{
    if (ticks.isEmpty())
        return true;
    if (pendingTicks() + ticks.size() > m_maxPending)
        return false;
    qint64 now = -1;
    for (Tick &tick : ticks) {
        if (tick.timeUs < 0) {
            if (now < 0)
                now = Clock::nowUs();
            tick.timeUs = now;
        }
    }
    if (ack)
        m_pendingAcks.push_back({m_pending.size(), ticks.size(), std::move(ack)});
    m_pending.append(std::move(ticks));
    if (m_pending.size() >= FlushAtTicks) {
        flush();
        return true;
    }
    // An idle store writes at the end of this event-loop pass (whatever every producer's
    // frames of this pass brought): waiting a window would only add latency. A busy
    // store gathers for a window, so batches grow with the load.
    const int wait = m_inFlight == 0 ? 0 : m_windowMs;
    if (!m_timer.isActive() || m_timer.remainingTime() > wait)
        m_timer.start(wait);
    return true;
}

void BatchWriter::flush()
{
    m_timer.stop();
    if (m_pending.isEmpty())
        return;
    if (m_inFlight >= MaxInFlight) {
        // The store is behind; the batch keeps growing until a write returns.
        return;
    }
    TickList batch = std::move(m_pending);
    m_pending = TickList();
    std::vector<PendingAck> acks = std::move(m_pendingAcks);
    m_pendingAcks.clear();
    ++m_inFlight;
    m_inFlightTicks += batch.size();
    const qsizetype batchSize = batch.size();
    m_history->store()->append(
        std::move(batch), this,
        [this, acks = std::move(acks), batchSize](const StoreThread::AppendResult &result) {
            --m_inFlight;
            m_inFlightTicks -= batchSize;
            m_lastWriteFailed = !result.ok;
            if (result.ok) {
                const auto chunks = m_history->commit(result.ticks);
                emit committed(chunks, Clock::monotonicNs(), result.ticks.size(), result.seconds);
            } else {
                emit writeFailed(result.error, result.seconds);
            }
            for (const PendingAck &pending : acks) {
                pending.ack(result.ok, result.ticks.mid(pending.offset, pending.count),
                            result.error);
            }
            // What gathered behind this write goes out now if the store is idle again or its
            // window already ran out while the store was full.
            if (!m_pending.isEmpty() && (m_inFlight == 0 || !m_timer.isActive()))
                flush();
            maybeFinishDrain();
        });
}

void BatchWriter::adoptCommitted(const TickList &ticks)
{
    const auto chunks = m_history->commit(ticks);
    if (!chunks.empty())
        emit committed(chunks, Clock::monotonicNs(), 0, 0.0);
}

void BatchWriter::drain(std::function<void()> done)
{
    m_drainWaiters.push_back(std::move(done));
    flush();
    maybeFinishDrain();
}

void BatchWriter::maybeFinishDrain()
{
    if (m_drainWaiters.empty())
        return;
    if (!m_pending.isEmpty()) {
        flush();
        return;
    }
    if (m_inFlight > 0)
        return;
    auto waiters = std::move(m_drainWaiters);
    m_drainWaiters.clear();
    for (const auto &waiter : waiters)
        waiter();
}

} // namespace tickscope

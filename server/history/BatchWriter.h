#pragma once

#include "TickHistory.h"

#include <QObject>
#include <QTimer>
#include <deque>
#include <functional>

namespace tickscope {

// Collects ticks from every producer and writes them to the store in batches: one
// transaction (or one Redis round trip) per batch instead of one per tick. While the
// store is idle a batch is what one event-loop pass brought; while a write is in flight
// ticks gather for up to one flush window. Only after the store committed a batch does
// it enter the history and reach viewers, and only then are producers acknowledged.
class BatchWriter : public QObject
{
    Q_OBJECT
public:
    // Called once the ticks of one submit() are durable (ok) or refused (!ok);
    // `ticks` are those of that submit, with q assigned when ok.
    using Ack = std::function<void(bool ok, const TickList &ticks, const QString &error)>;

    BatchWriter(TickHistory *history, int flushWindowMs, qint64 maxPendingTicks,
                QObject *parent = nullptr);

    // Queues ticks for the next flush. Ticks with timeUs < 0 are stamped now. Returns
    // false, queuing nothing, when the writer is full (the store is behind).
    bool submit(TickList ticks, Ack ack = {});

    bool isFull() const;
    qint64 pendingTicks() const { return m_pending.size() + m_inFlightTicks; }
    int flushWindowMs() const { return m_windowMs; }
    bool lastWriteFailed() const { return m_lastWriteFailed; }
    // A health probe found the store reachable again.
    void clearWriteFailure() { m_lastWriteFailed = false; }

    // Writes what is pending now, then calls `done` once nothing is in flight.
    void drain(std::function<void()> done);

    // Ticks another server committed to a shared store (q assigned there): they enter
    // the history and reach viewers like ours. Ticks older than what we have are skipped.
    void adoptCommitted(const TickList &ticks);

signals:
    // A committed batch, serialized per symbol, with the (monotonic) time it was
    // committed, its size and how long the store took.
    void committed(const std::vector<tickscope::TickChunkPtr> &chunks, qint64 committedNs,
                   qint64 tickCount, double storeSeconds);
    void writeFailed(const QString &error, double storeSeconds);

private:
    struct PendingAck
    {
        qsizetype offset;
        qsizetype count;
        Ack ack;
    };
    void flush();
    void maybeFinishDrain();

    TickHistory *m_history;
    int m_windowMs;
    qint64 m_maxPending;
    QTimer m_timer;
    TickList m_pending;
    std::vector<PendingAck> m_pendingAcks;
    int m_inFlight = 0;
    qint64 m_inFlightTicks = 0;
    bool m_lastWriteFailed = false;
    std::vector<std::function<void()>> m_drainWaiters;

    static constexpr int MaxInFlight = 4;
    static constexpr qsizetype FlushAtTicks = 50000;
};

} // namespace tickscope

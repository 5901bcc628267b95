#pragma once

#include "TickChunk.h"

#include <QHash>

#include <deque>

namespace tickscope {

// The most recent committed ticks of every symbol, serialized, within a byte budget.
// Replays and slow viewers read from here; what is older comes from the store.
class TickCache
{
public:
    explicit TickCache(qint64 budgetBytes) : m_budget(budgetBytes) {}

    void add(const TickChunkPtr &chunk);

    // The oldest q the cache holds for `symbol`, or 0 when it holds none.
    qint64 oldestSeq(const QString &symbol) const;

    // Appends to `out` (comma-separated, and after a comma when `out` is not empty) ticks of `symbol` from
    // `seq` on, up to about maxBytes (at least one tick), and returns how many ticks it
    // appended. Returns 0 when `seq` is not in the cache.
    qint64 read(const QString &symbol, qint64 seq, qint64 maxTicks, qint64 maxBytes,
                QByteArray &out) const;

    // Forgets ticks below `seq` (retention trimmed them from the store).
    void dropBefore(const QString &symbol, qint64 seq);

    qint64 bytes() const { return m_bytes; }

private:
    void evict();

    qint64 m_budget;
    qint64 m_bytes = 0;
    size_t m_liveChunks = 0;
    QHash<QString, std::deque<TickChunkPtr>> m_chunks;
    // Commit order across symbols, for evicting the oldest first.
    std::deque<std::weak_ptr<const TickChunk>> m_order;
};

} // namespace tickscope

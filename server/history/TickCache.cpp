#include "TickCache.h"

#include <algorithm>

namespace tickscope {

void TickCache::add(const TickChunkPtr &chunk)
{
    m_chunks[chunk->symbol].push_back(chunk);
    m_order.push_back(chunk);
    ++m_liveChunks;
    if (m_order.size() > 2 * m_liveChunks + 1024) {
        // dropBefore() leaves expired entries behind; sweep them now and then.
        std::erase_if(m_order, [](const auto &weak) { return weak.expired(); });
    }
    m_bytes += chunk->json.size() + qint64(chunk->offsets.size() * sizeof(int));
    evict();
}

void TickCache::evict()
{
    while (m_bytes > m_budget && !m_order.empty()) {
        const TickChunkPtr oldest = m_order.front().lock();
        m_order.pop_front();
        if (!oldest)
            continue; // dropBefore() already removed it
        auto it = m_chunks.find(oldest->symbol);
        if (it == m_chunks.end())
            continue;
        auto &chunks = it.value();
        // Chunks of one symbol are evicted in the order they were added, so the
        // oldest one is at the front unless dropBefore() already removed it.
        if (!chunks.empty() && chunks.front() == oldest) {
            chunks.pop_front();
            --m_liveChunks;
            m_bytes -= oldest->json.size() + qint64(oldest->offsets.size() * sizeof(int));
        }
        if (chunks.empty())
            m_chunks.erase(it);
    }
}

qint64 TickCache::oldestSeq(const QString &symbol) const
{
    const auto it = m_chunks.constFind(symbol);
    if (it == m_chunks.cend() || it->empty())
        return 0;
    return it->front()->firstSeq;
}

qint64 TickCache::read(const QString &symbol, qint64 seq, qint64 maxTicks, qint64 maxBytes,
                       QByteArray &out) const
{
    const auto it = m_chunks.constFind(symbol);
    if (it == m_chunks.cend() || it->empty())
        return 0;
    const auto &chunks = *it;
    if (seq < chunks.front()->firstSeq || seq > chunks.back()->lastSeq)
        return 0;
    auto pos = std::upper_bound(chunks.begin(), chunks.end(), seq,
                                [](qint64 q, const TickChunkPtr &c) { return q < c->firstSeq; });
    --pos;
    qint64 appended = 0;
    qint64 written = 0;
    for (; pos != chunks.end() && appended < maxTicks; ++pos) {
        const TickChunk &chunk = **pos;
        if (seq > chunk.lastSeq)
            continue;
        if (chunk.firstSeq > seq)
            break; // a hole (ticks another server wrote): the rest comes from the store
        const qint64 available = std::min(chunk.lastSeq - seq + 1, maxTicks - appended);
        // The largest n whose bytes fit in what is left of the budget (at least one
        // tick overall, so that a reader always makes progress).
        qint64 n = available;
        const qint64 room = maxBytes - written;
        if (chunk.range(seq, n).size() > room) {
            qint64 lo = 0;
            qint64 hi = available;
            while (lo < hi) {
                const qint64 mid = (lo + hi + 1) / 2;
                if (chunk.range(seq, mid).size() <= room)
                    lo = mid;
                else
                    hi = mid - 1;
            }
            n = (lo == 0 && appended == 0) ? 1 : lo;
        }
        if (n == 0)
            break;
        if (!out.isEmpty())
            out.append(',');
        const QByteArrayView bytes = chunk.range(seq, n);
        out.append(bytes.data(), bytes.size());
        written += bytes.size() + 1;
        appended += n;
        seq += n;
        if (seq <= chunk.lastSeq)
            break; // the budget cut this chunk short
    }
    return appended;
}

void TickCache::dropBefore(const QString &symbol, qint64 seq)
{
    auto it = m_chunks.find(symbol);
    if (it == m_chunks.end())
        return;
    auto &chunks = it.value();
    while (!chunks.empty() && chunks.front()->lastSeq < seq) {
        m_bytes -= chunks.front()->json.size() +
                   qint64(chunks.front()->offsets.size() * sizeof(int));
        chunks.pop_front();
        --m_liveChunks;
    }
    if (chunks.empty())
        m_chunks.erase(it);
}

} // namespace tickscope

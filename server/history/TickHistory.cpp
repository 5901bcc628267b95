#include "TickHistory.h"

#include "core/TickJson.h"

namespace tickscope {

TickHistory::TickHistory(StoreThread *store, qint64 cacheBytes, QObject *parent)
    : QObject(parent), m_store(store), m_cache(cacheBytes)
{
}

void TickHistory::open(std::function<void(bool, const QString &)> done)
{
    m_store->open(this, [this, done = std::move(done)](StoreThread::OpenResult result) {
        if (result.ok) {
            m_open = true;
            m_epoch = result.epoch;
            for (const SymbolState &state : std::as_const(result.symbols))
                m_states.insert(state.symbol, state);
        }
        done(result.ok, result.error);
    });
}

std::optional<SymbolState> TickHistory::state(const QString &symbol) const
{
    const auto it = m_states.constFind(symbol);
    if (it == m_states.cend())
        return std::nullopt;
    return *it;
}

QList<SymbolState> TickHistory::states() const
{
    return m_states.values();
}

std::vector<TickChunkPtr> TickHistory::commit(const TickList &ticks)
{
    // One hash lookup per tick (the batch's own index); symbol states are read and
    // written once per symbol and batch.
    struct Entry
    {
        std::shared_ptr<TickChunk> chunk;
        qint64 knownSeq = 0; // newest q known before this batch
        const Tick *last = nullptr;
    };
    std::vector<Entry> entries;
    QHash<QString, size_t> index;
    index.reserve(32);
    for (const Tick &tick : ticks) {
        auto it = index.constFind(tick.symbol);
        if (it == index.cend()) {
            Entry entry;
            const auto known = m_states.constFind(tick.symbol);
            entry.knownSeq = known != m_states.cend() ? known->lastSeq : 0;
            it = index.insert(tick.symbol, entries.size());
            entries.push_back(std::move(entry));
        }
        Entry &entry = entries[*it];
        // With a shared store another server's ticks may arrive after newer ones of
        // ours: what is older than what we have is in the store, not news.
        if (tick.seq <= entry.knownSeq)
            continue;
        if (!entry.chunk) {
            entry.chunk = std::make_shared<TickChunk>();
            entry.chunk->symbol = tick.symbol;
            entry.chunk->firstSeq = tick.seq;
            entry.chunk->json.reserve(qsizetype{80} * 16);
        } else {
            entry.chunk->json.append(',');
        }
        TickChunk &chunk = *entry.chunk;
        chunk.offsets.push_back(int(chunk.json.size()));
        TickJson::append(chunk.json, tick);
        chunk.lastSeq = tick.seq;
        entry.last = &tick;
    }
    std::vector<TickChunkPtr> result;
    result.reserve(entries.size());
    for (Entry &entry : entries) {
        if (!entry.chunk)
            continue;
        SymbolState &state = m_states[entry.chunk->symbol];
        if (state.symbol.isEmpty())
            state.symbol = entry.chunk->symbol;
        // The store assigns q: with a shared store the ticks between the newest we knew
        // and this one were stored by another server (they are in the store, not lost).
        if (state.firstSeq == 0)
            state.firstSeq = state.lastSeq + 1;
        state.lastSeq = entry.last->seq;
        state.lastTimeUs = entry.last->timeUs;
        state.lastPrice = entry.last->price;
        m_cache.add(entry.chunk);
        result.push_back(std::move(entry.chunk));
    }
    return result;
}

void TickHistory::applyTrim(const QList<SymbolState> &symbols)
{
    for (const SymbolState &trimmed : symbols) {
        auto it = m_states.find(trimmed.symbol);
        if (it == m_states.end())
            continue;
        // Ticks committed after the trim ran may already be newer than its view.
        if (trimmed.firstSeq == 0) {
            if (it->lastSeq == trimmed.lastSeq)
                it->firstSeq = 0;
            else
                it->firstSeq = std::max(it->firstSeq, trimmed.lastSeq + 1);
        } else {
            it->firstSeq = std::max(it->firstSeq, trimmed.firstSeq);
        }
        m_cache.dropBefore(trimmed.symbol, it->firstSeq == 0 ? it->lastSeq + 1 : it->firstSeq);
    }
}

bool TickHistory::read(const QString &symbol, qint64 seq, qint64 maxTicks, qint64 maxBytes,
                       Slice *out, QObject *context, std::function<void(Slice)> done)
{
    out->json.clear();
    out->count = m_cache.read(symbol, seq, maxTicks, maxBytes, out->json);
    if (out->count > 0) {
        out->firstSeq = seq;
        out->lastSeq = seq + out->count - 1;
        return true;
    }
    const int limit = int(std::min<qint64>(maxTicks, std::max<qint64>(1, maxBytes / 64)));
    m_store->read(symbol, seq, limit, context,
                  [done = std::move(done)](StoreThread::ReadResult result) {
                      Slice slice;
                      slice.ok = result.ok;
                      slice.error = result.error;
                      slice.json = std::move(result.json);
                      slice.count = result.count;
                      slice.firstSeq = result.firstSeq;
                      slice.lastSeq = result.lastSeq;
                      done(std::move(slice));
                  });
    return false;
}

} // namespace tickscope

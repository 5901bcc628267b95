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
    std::vector<std::shared_ptr<TickChunk>> chunks;
    QHash<QString, size_t> index;
    for (const Tick &tick : ticks) {
        // With a shared store another server's ticks may arrive after newer ones of
        // ours: what is older than what we have is in the store, not news.
        const auto known = m_states.constFind(tick.symbol);
        if (known != m_states.cend() && tick.seq <= known->lastSeq)
            continue;
        auto it = index.constFind(tick.symbol);
        TickChunk *chunk;
        if (it == index.cend()) {
            auto created = std::make_shared<TickChunk>();
            created->symbol = tick.symbol;
            created->firstSeq = tick.seq;
            created->json.reserve(80 * 16);
            index.insert(tick.symbol, chunks.size());
            chunks.push_back(created);
            chunk = created.get();
        } else {
            chunk = chunks[*it].get();
            chunk->json.append(',');
        }
        chunk->offsets.push_back(int(chunk->json.size()));
        TickJson::append(chunk->json, tick);
        chunk->lastSeq = tick.seq;

        SymbolState &state = m_states[tick.symbol];
        if (state.symbol.isEmpty())
            state.symbol = tick.symbol;
        // The store assigns q: with a shared store the ticks between the newest we knew
        // and this one were stored by another server (they are in the store, not lost).
        if (state.firstSeq == 0)
            state.firstSeq = state.lastSeq + 1;
        state.lastSeq = tick.seq;
        state.lastTimeUs = tick.timeUs;
        state.lastPrice = tick.price;
    }
    std::vector<TickChunkPtr> result;
    result.reserve(chunks.size());
    for (auto &chunk : chunks) {
        m_cache.add(chunk);
        result.push_back(std::move(chunk));
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

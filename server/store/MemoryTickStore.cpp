#include "MemoryTickStore.h"

#include "store/StoreInput.h"

#include <algorithm>

namespace tickscope {

namespace {

bool notOpen(QString *error)
{
    if (error)
        *error = u"history store memory is not open"_qs;
    return false;
}

} // namespace

MemoryTickStore::MemoryTickStore() = default;
MemoryTickStore::~MemoryTickStore() = default;

bool MemoryTickStore::open(QString *)
{
    if (m_epoch.isEmpty())
        m_epoch = StoreInput::newEpoch();
    m_open = true;
    return true;
}

void MemoryTickStore::close()
{
    m_open = false;
}

QList<SymbolState> MemoryTickStore::symbols() const
{
    QList<SymbolState> out;
    out.reserve(m_histories.size());
    for (const History &history : m_histories)
        out.append(history.state);
    std::sort(out.begin(), out.end(),
              [](const SymbolState &a, const SymbolState &b) { return a.symbol < b.symbol; });
    return out;
}

std::optional<SymbolState> MemoryTickStore::symbol(const QString &symbol) const
{
    const auto it = m_histories.constFind(symbol);
    if (it == m_histories.cend())
        return std::nullopt;
    return it->state;
}

bool MemoryTickStore::append(TickList &ticks, QString *error)
{
    if (!m_open)
        return notOpen(error);
    // Everything that can fail is checked before anything changes: all or nothing.
    if (!StoreInput::checkTicks(ticks, error))
        return false;
    StoreInput::normalize(ticks);
    History *history = nullptr;
    for (Tick &tick : ticks) {
        if (!history || history->state.symbol != tick.symbol) {
            history = &m_histories[tick.symbol];
            history->state.symbol = tick.symbol;
        }
        SymbolState &state = history->state;
        tick.seq = ++state.lastSeq;
        if (state.firstSeq == 0)
            state.firstSeq = tick.seq;
        state.lastTimeUs = tick.timeUs;
        state.lastPrice = tick.price;
        history->entries.push_back({tick.timeUs, tick.price, tick.size});
    }
    return true;
}

bool MemoryTickStore::read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
                           QString *error)
{
    out->clear();
    if (!m_open)
        return notOpen(error);
    const auto it = m_histories.constFind(symbol);
    if (it == m_histories.cend() || it->entries.empty() || limit <= 0)
        return true;
    const History &history = *it;
    const qint64 first = history.state.firstSeq;
    const qint64 start = std::max(fromSeq, first) - first;
    const qint64 count = qint64(history.entries.size());
    if (start >= count)
        return true;
    const qint64 end = std::min(count, start + limit);
    out->reserve(end - start);
    // One shared copy of the symbol string for the whole page.
    const QString name = history.state.symbol;
    for (qint64 i = start; i < end; ++i) {
        const Entry &entry = history.entries[size_t(i)];
        out->append(Tick{name, first + i, entry.timeUs, entry.price, entry.size});
    }
    return true;
}

qint64 MemoryTickStore::trim(const RetentionPolicy &policy, qint64 nowUs, QString *error)
{
    if (!m_open) {
        notOpen(error);
        return -1;
    }
    if (!StoreInput::checkPolicy(policy, error))
        return -1;
    qint64 removed = 0;
    for (History &history : m_histories) {
        SymbolState &state = history.state;
        if (history.entries.empty())
            continue;
        size_t drop = 0;
        if (policy.maxTicksPerSymbol > 0 &&
            qint64(history.entries.size()) > policy.maxTicksPerSymbol)
            drop = history.entries.size() - size_t(policy.maxTicksPerSymbol);
        if (policy.maxAgeUs > 0) {
            const qint64 cutoff = nowUs - policy.maxAgeUs;
            while (drop < history.entries.size() && history.entries[drop].timeUs < cutoff)
                ++drop;
        }
        if (drop == 0)
            continue;
        history.entries.erase(history.entries.begin(), history.entries.begin() + qsizetype(drop));
        removed += qint64(drop);
        state.firstSeq = history.entries.empty() ? 0 : state.firstSeq + qint64(drop);
    }
    return removed;
}

} // namespace tickscope

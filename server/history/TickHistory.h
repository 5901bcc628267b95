#pragma once

#include "StoreThread.h"
#include "TickCache.h"

#include <QHash>
#include <QObject>

#include <optional>
#include <vector>

namespace tickscope {

// The socket thread's view of the history: the epoch, every symbol's state, recent
// ticks in memory, and reads that fall back to the store thread. Only committed ticks
// enter it, which is what makes "durable before visible" hold for every reader.
class TickHistory : public QObject
{
    Q_OBJECT
public:
    TickHistory(StoreThread *store, qint64 cacheBytes, QObject *parent = nullptr);

    void open(std::function<void(bool ok, const QString &error)> done);
    bool isOpen() const { return m_open; }
    QString epoch() const { return m_epoch; }
    StoreThread *store() const { return m_store; }

    std::optional<SymbolState> state(const QString &symbol) const;
    QList<SymbolState> states() const;

    // Takes a committed batch (q assigned) and returns it serialized, one chunk per
    // symbol in order of first appearance.
    std::vector<TickChunkPtr> commit(const TickList &ticks);

    // Retention moved firstSeq of some symbols.
    void applyTrim(const QList<SymbolState> &symbols);

    struct Slice
    {
        bool ok = true;
        QString error;
        QByteArray json; // ticks joined by commas
        qint64 count = 0;
        qint64 firstSeq = 0; // of the first tick in json; 0 when empty
        qint64 lastSeq = 0;  // of the last tick in json; 0 when empty
    };
    // Ticks of `symbol` from `seq` on: served at once from memory when the cache holds
    // `seq` (returns true and fills `out`); otherwise read from the store and passed to
    // `done` later in `context`'s thread (returns false).
    bool read(const QString &symbol, qint64 seq, qint64 maxTicks, qint64 maxBytes, Slice *out,
              QObject *context, std::function<void(Slice)> done);

    qint64 cacheBytes() const { return m_cache.bytes(); }

    // Why the store cannot take or give ticks now (from health probes); empty when it can.
    QString unavailableReason() const { return m_unavailable; }
    void setUnavailableReason(const QString &reason) { m_unavailable = reason; }

private:
    StoreThread *m_store;
    TickCache m_cache;
    bool m_open = false;
    QString m_epoch;
    QHash<QString, SymbolState> m_states;
    QString m_unavailable;
};

} // namespace tickscope

#pragma once

#include "store/TickStore.h"

#include <QHash>
#include <deque>

namespace tickscope {

// History held by the process: lost on exit, so each process has its own epoch.
// Per symbol one contiguous deque, so that q -> position is index arithmetic.
class MemoryTickStore final : public TickStore
{
public:
    MemoryTickStore();
    ~MemoryTickStore() override;

    QString kind() const override { return u"memory"_qs; }
    QString location() const override { return {}; }

    // The first open() creates the epoch; close() and open() again keep the content.
    bool open(QString *error) override;
    void close() override;

    QString epoch() const override { return m_epoch; }

    QList<SymbolState> symbols() const override;
    std::optional<SymbolState> symbol(const QString &symbol) const override;

    bool append(TickList &ticks, QString *error) override;
    bool read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
              QString *error) override;
    qint64 trim(const RetentionPolicy &policy, qint64 nowUs, QString *error) override;

    bool isAvailable() const override { return m_open; }

private:
    // The symbol and seq of a tick are implied by where it is stored.
    struct Entry
    {
        qint64 timeUs;
        double price;
        double size;
    };
    struct History
    {
        SymbolState state;
        std::deque<Entry> entries; // entries[i] has q == state.firstSeq + i
    };

    QHash<QString, History> m_histories;
    QString m_epoch;
    bool m_open = false;
};

} // namespace tickscope

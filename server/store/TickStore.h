#pragma once

#include "core/Tick.h"

#include <QString>
#include <optional>

namespace tickscope {

// How much history a store keeps. Zero means no limit on that axis.
struct RetentionPolicy
{
    qint64 maxTicksPerSymbol = 0;
    qint64 maxAgeUs = 0;
};

// The history of every symbol: the single source of truth for q and the epoch.
//
// A store is used from one thread at a time (the store thread); it is not
// thread-safe. It allocates q itself, so that a shared store (Redis) and an embedded
// one behave alike: append() assigns q and persists atomically, all or nothing.
//
// The retained history of a symbol is always the contiguous range firstSeq..lastSeq:
// trimming only ever removes a prefix.
class TickStore
{
public:
    virtual ~TickStore() = default;

    // "memory", "sqlite", "redis".
    virtual QString kind() const = 0;
    // Where the data lives (a file path, a URL without secrets); empty for memory.
    virtual QString location() const = 0;

    // Opens the store, creating it (and a new epoch) when it does not exist yet.
    // A corrupt or unreadable store fails with an error that names it: an existing
    // history is never silently replaced by a new epoch. Call it on the store thread
    // (a database connection belongs to the thread that opened it).
    virtual bool open(QString *error) = 0;
    virtual void close() = 0;

    // The generation of this history; changes only when the store lost its content.
    virtual QString epoch() const = 0;

    // Every symbol that ever had a tick, sorted by symbol.
    virtual QList<SymbolState> symbols() const = 0;
    virtual std::optional<SymbolState> symbol(const QString &symbol) const = 0;

    // Assigns q to each tick (contiguous per symbol, in list order, continuing from
    // the symbol's last q) and stores them in one atomic write. On failure nothing
    // is stored, no q is consumed, and `ticks` keeps seq == 0.
    // Ticks must have a valid symbol and finite price and size; a price or size of
    // -0.0 is stored (and written back into `ticks`) as 0.0, as SQLite cannot keep
    // the sign of a zero and every backend must give back the same values.
    virtual bool append(TickList &ticks, QString *error) = 0;

    // Up to `limit` retained ticks of `symbol` with q >= fromSeq, in ascending q.
    // Replaces the content of *out. An unknown symbol gives an empty list.
    virtual bool read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
                      QString *error) = 0;

    // Drops what the policy no longer retains. Returns the number of ticks removed,
    // or -1 on error. firstSeq of the affected symbols moves up; lastSeq never moves.
    // By age, a symbol's history is cut before its first tick with t >= nowUs - maxAgeUs
    // (an older tick after a newer one stays until that one expires: no holes).
    virtual qint64 trim(const RetentionPolicy &policy, qint64 nowUs, QString *error) = 0;

    // Whether the store can take and give ticks now (for /readyz).
    virtual bool isAvailable() const = 0;
};

} // namespace tickscope

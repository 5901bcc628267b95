#pragma once

#include "redis/RedisClusterRouter.h"
#include "redis/RedisKeys.h"
#include "redis/RedisUrl.h"
#include "store/TickStore.h"

#include <QHash>
#include <QSet>
#include <functional>
#include <memory>

namespace tickscope {

struct RedisStoreOptions
{
    QString keyPrefix = RedisKeys::defaultPrefix();
    int connectTimeoutMs = 2000;
    int commandTimeoutMs = 5000;
    // Reconnects: jittered exponential backoff; a node that keeps failing opens its breaker
    // and calls fail fast ("redis unavailable ..., retry in N ms") until it may be tried again.
    BackoffConfig backoff{100, 5000};
    CircuitBreakerConfig breaker{3, 2000, 1};
    // Ticks per round trip: a long read is paged, never loaded in one reply.
    int readPageSize = 10'000;
    // After a read that ends on a full page, ask for the next page at once (a catch-up reads
    // it next): Redis prepares it while the store thread parses. Off only to measure it.
    bool prefetch = true;
    // Ticks a trim may scan per symbol and call when times go backwards (see RedisScript).
    int trimScanBudget = 100'000;
    // Monotonic milliseconds for the breaker and backoff; injectable for tests.
    std::function<qint64()> clock;
};

// The history in Redis (one server or a Redis Cluster), shared by every server process that
// points at it (protocol 6.5): the same q and the same epoch for all.
//
// Per symbol a stream and a meta hash, both under the symbol's {hash tag}, written by one Lua
// script per symbol per batch: it allocates q from the meta's last_seq, XADDs the batch's ticks
// as entries of up to TicksPerEntry ticks (id "L-0", L the q of the entry's last tick, so
// reading from q is a direct seek), updates the meta and publishes "first last writer" on the
// symbol's notify channel (RedisNotifier). One entry per batch, not one per tick, is what makes
// Redis's work per tick small (layout in RedisScript.cpp, keys in RedisKeys).
//
// append() is one pipelined round trip per node for the whole batch. It is all or nothing per
// symbol; across symbols on different cluster nodes it cannot be: when some symbols were
// stored and others failed, append() returns false, leaves every tick's seq at 0, names the
// stored ranges in the error and in lastPartialWrite(), and keeps the batch id. Calling
// append() again with the same ticks (a retry) reuses that id: the scripts of the symbols
// already stored return their ranges without writing again, the others are written, and the
// batch completes with each tick stored exactly once. The same holds after a lost reply (the
// connection broke after Redis ran the script). Other servers see the stored part at once (its
// notifications went out), which is why the stored part is reported rather than hidden.
//
// The epoch is checked again after every reconnect (before the next append) and on every
// trim(): if Redis lost its data meanwhile, appends fail until the store is reopened, rather
// than numbering new ticks from 1 under the old epoch.
//
// Durability: a tick is acknowledged once the primary ran the script; whether it reaches disk
// depends on Redis's persistence (appendonly yes + appendfsync always: every acknowledged tick
// survives a Redis restart; everysec: up to a second may be lost on a crash of the host).
//
// Not thread-safe: use it from the store thread (the connections are blocking).
class RedisTickStore final : public TickStore
{
public:
    explicit RedisTickStore(RedisUrl url, RedisStoreOptions options = {});
    ~RedisTickStore() override;

    // Parses the URL (see RedisUrl); null with *error set when it is not valid.
    static std::unique_ptr<RedisTickStore> fromUrl(const QString &text, QString *error,
                                                   RedisStoreOptions options = {});

    // Ticks per stream entry at most: a read from inside an entry parses up to this many ticks
    // it does not return, and a trim looks inside one entry at most this long.
    static constexpr qsizetype TicksPerEntry = 256;

    QString kind() const override { return u"redis"_qs; }
    QString location() const override { return m_url.display(); }

    // Connects, reads the epoch (creating it with SET NX when the store is new) and the symbol
    // registry. Refuses a Redis that holds symbols but no epoch (lost or foreign data).
    bool open(QString *error) override;
    void close() override;

    QString epoch() const override { return m_epoch; }

    // Read from Redis (another server may have written); the last known states when Redis
    // cannot be reached.
    QList<SymbolState> symbols() const override;
    std::optional<SymbolState> symbol(const QString &name) const override;

    bool append(TickList &ticks, QString *error) override;
    bool read(const QString &symbol, qint64 fromSeq, int limit, TickList *out,
              QString *error) override;
    qint64 trim(const RetentionPolicy &policy, qint64 nowUs, QString *error) override;

    // Open, the last contact with every node in use succeeded, and the epoch is still there.
    bool isAvailable() const override;
    // For the tickscope_redis_up gauge: the last contact with Redis succeeded.
    bool redisUp() const;
    // A round trip to Redis (reconnecting if due); for /readyz probes while idle.
    bool ping(QString *error);

    // Written into every notification, so that a server can skip its own (RedisNotifier).
    QString writerId() const { return m_writerId; }

    struct StoredRange
    {
        QString symbol;
        qint64 first = 0;
        qint64 last = 0;
        friend bool operator==(const StoredRange &, const StoredRange &) = default;
    };
    // After an append() that failed: the symbols whose ticks were stored nonetheless.
    const QList<StoredRange> &lastPartialWrite() const { return m_partial; }
    // Forgets the failed batch kept for a retry (the next append gets a new batch id).
    void abandonPendingBatch() { m_pending = {}; }

    const RedisClusterRouter &router() const { return *m_router; }
    const RedisKeys &keys() const { return m_keys; }

private:
    struct Pending
    {
        QByteArray batchId;
        size_t fingerprint = 0;
    };

    bool notOpen(QString *error) const;
    bool fail(QString *error, const QString &message) const;
    QString unavailableMessage(const QString &detail) const;
    bool readEpoch(QString *error);
    bool verifyEpoch(QString *error);
    bool loadStates(const QStringList &names, QList<SymbolState> *out, QString *error) const;

    RedisUrl m_url;
    RedisStoreOptions m_options;
    RedisKeys m_keys;
    std::unique_ptr<RedisClusterRouter> m_router;
    QString m_writerId;
    QString m_epoch;
    bool m_open = false;
    // Set when the epoch key vanished or changed under an open store: appends refuse.
    QString m_epochLost;
    qint64 m_checkedReconnects = 0;
    quint64 m_batchCounter = 0;
    Pending m_pending;
    QList<StoredRange> m_partial;
    // Symbols known to be in the registry set: SADD only for new ones.
    QSet<QString> m_registered;
    // The last known state of each symbol, for symbols() while Redis is unreachable.
    mutable QHash<QString, SymbolState> m_states;
};

} // namespace tickscope

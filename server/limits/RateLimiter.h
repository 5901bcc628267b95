#pragma once

#include "limits/SharedLimitBackend.h"
#include "limits/TokenBucket.h"

#include <QHash>
#include <QString>
#include <list>

namespace tickscope {

// Token buckets by key (a client address, a token subject), each with the limits given on
// the call, so one limiter serves every tier.
//
// Memory bound: at most maxKeys buckets. A full bucket is indistinguishable from a missing
// one, so full buckets are swept (every max(1024, size) checks, which keeps the sweep O(1) per
// check amortized); a new key that finds the limiter at maxKeys evicts the least recently used
// bucket, which hands that key a fresh burst when it comes back: with keys chosen by clients
// (many addresses) that is the price of the bound, so size maxKeys well above the number of
// clients expected to be limited at once (a bucket costs about 150 bytes with its key). Not
// thread-safe: use it from one thread.
class RateLimiter
{
public:
    struct Decision
    {
        bool allowed = true;
        // When refused: milliseconds until a retry can pass, rounded up, at least 1.
        qint64 retryAfterMs = 0;
        // Tokens left after this check (infinity when unlimited).
        double remaining = 0;
    };

    static constexpr int DefaultMaxKeys = 100'000;

    explicit RateLimiter(int maxKeys = DefaultMaxKeys);

    // Takes one token from key's bucket. rate <= 0 means unlimited: always allowed, nothing
    // stored. A burst below 1 is taken as 1, so a limited key can still pass at `rate`.
    Decision check(const QString &key, double rate, double burst, qint64 nowNs);

    // Shares the buckets with other processes through `backend` (null: this process's own
    // only). A key passes when this process's bucket and the shared one both have a token;
    // the shared verdict arrives after one round trip to the backend, so across N processes
    // at most about N requests per round trip get past an empty shared bucket.
    void share(SharedLimitBackend *backend, const QString &scope);

    int size() const { return static_cast<int>(m_index.size()); }
    int maxKeys() const { return m_maxKeys; }
    // Drops every full bucket now; returns how many were dropped.
    int sweep(qint64 nowNs);
    void clear();

private:
    Decision checkLocal(const QString &key, double rate, double burst, qint64 nowNs);

    struct Entry
    {
        QString key;
        TokenBucket bucket;
    };
    using Lru = std::list<Entry>; // most recently used first

    SharedLimitBackend *m_shared = nullptr;
    QString m_scope;
    Lru m_lru;
    QHash<QString, Lru::iterator> m_index;
    int m_maxKeys;
    qint64 m_checksSinceSweep = 0;
};

} // namespace tickscope
